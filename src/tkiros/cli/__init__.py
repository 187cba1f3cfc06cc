"""The tkiros command line: a thin click layer over the tkiros Python API.

Exit codes (as pySHACL): 0 ok; 1 the data does not conform (validate); 2 input or runtime error.
Errors are one line on stderr, never a traceback (set TKIROS_DEBUG=1 to see one).
"""

from __future__ import annotations

import os
import sys

import click

from tkiros.cli.app import cli
from tkiros.errors import TkirosError


def _shown_path(filename) -> str:
    from pathlib import Path

    from tkiros.store.paths import project_root

    if not filename:
        return ""
    path = Path(os.fsdecode(filename))
    for base in (Path.cwd, project_root):
        try:
            return f"{path.relative_to(base())}: "
        except (ValueError, OSError, TkirosError):
            continue
    return f"{path}: "


def main(argv=None):
    from tkiros.procs import install_interrupt_guard

    install_interrupt_guard()
    try:
        cli.main(args=argv, prog_name="tkiros", standalone_mode=False)
    except TkirosError as err:
        click.echo(f"tkiros: error: {err.message}", err=True)
        sys.exit(err.exit_code)
    except click.exceptions.Abort as err:
        if isinstance(err.__context__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            click.echo("tkiros: interrupted", err=True)
            sys.exit(getattr(err.__context__, "exit_code", 130))
        click.echo("tkiros: aborted", err=True)
        sys.exit(2)
    except click.ClickException as err:
        click.echo(f"tkiros: error: {err.format_message()}", err=True)
        sys.exit(2)
    except SystemExit:
        raise
    except BaseException as err:  # never a traceback for the user
        if os.environ.get("TKIROS_DEBUG"):
            raise
        if isinstance(err, KeyboardInterrupt):
            click.echo("tkiros: interrupted", err=True)
            sys.exit(getattr(err, "exit_code", 130))
        if isinstance(err, OSError) and err.strerror:  # a path the user gave, relative as they see it
            click.echo(f"tkiros: error: {_shown_path(err.filename)}{err.strerror}", err=True)
            sys.exit(2)
        click.echo(f"tkiros: error: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}", err=True)
        sys.exit(2)
