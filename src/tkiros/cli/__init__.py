"""The tkiros command line: a thin click layer over the tkiros Python API.

Exit codes (as pySHACL): 0 ok; 1 the data does not conform (validate); 2 input or runtime error.
Errors are one line on stderr, never a traceback (set TKIROS_DEBUG=1 to see one).

`tkiros query` runs without importing click when tkiros.cli.spec reads its command line as click would (a
cold query's largest cost was click's import); help, other commands and anything else go to the click
group of tkiros.cli.app. Both paths end alike: the same output, the same one-line errors, the same exit codes.
"""

from __future__ import annotations

import os
import sys

from tkiros.errors import TkirosError

COMPLETION_VAR = "_TKIROS_COMPLETE"  # click's shell completion, asked for through the environment


def __getattr__(name):
    if name == "cli":  # the click group, imported when asked for (tests, documentation tools)
        from tkiros.cli.app import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _echo_err(message: str = "") -> None:
    import click  # only when there is something to say: click.echo strips ANSI codes off a non-terminal

    click.echo(message, err=True)


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


class _QuietFlush:
    """A stream whose flush ignores a closed pipe (EPIPE), as click leaves stdout and stderr after one."""

    def __init__(self, wrapped):
        self.wrapped = wrapped

    def flush(self) -> None:
        try:
            self.wrapped.flush()
        except OSError as err:
            import errno

            if err.errno != errno.EPIPE:
                raise

    def __getattr__(self, attr):
        return getattr(self.wrapped, attr)


def _fast_query(args: list[str]) -> dict | None:
    """The query command's keyword arguments when ``args`` is a `query` command line that click would
    run as it is, else None (click then reads it)."""
    if not args or args[0] != "query" or os.environ.get(COMPLETION_VAR):
        return None
    from tkiros.cli.spec import QUERY_ARGUMENT, QUERY_OPTIONS, parse

    return parse(QUERY_ARGUMENT, QUERY_OPTIONS, args[1:])


def _run_query(values: dict) -> None:
    """The query command, with the treatment click's Command.main (standalone_mode=False) gives a
    command's exceptions: Ctrl-C or the end of input prints a blank line and aborts; a closed stdout
    ends the process silently with exit 1."""
    from tkiros.cli.querying import query_command

    try:
        query_command(**values)
    except (EOFError, KeyboardInterrupt) as err:
        import click

        _echo_err()
        raise click.exceptions.Abort() from err
    except OSError as err:
        import errno

        if err.errno != errno.EPIPE:
            raise
        sys.stdout, sys.stderr = _QuietFlush(sys.stdout), _QuietFlush(sys.stderr)
        sys.exit(1)


def main(argv=None, fast: bool = True):
    """The command line; ``fast=False`` sends every command line to click (tests compare the two paths)."""
    from tkiros.procs import install_interrupt_guard

    install_interrupt_guard()
    try:
        values = _fast_query(sys.argv[1:] if argv is None else list(argv)) if fast else None
        if values is not None:
            _run_query(values)
        else:
            from tkiros.cli.app import cli

            cli.main(args=argv, prog_name="tkiros", standalone_mode=False)
    except TkirosError as err:
        _echo_err(f"tkiros: error: {err.message}")
        sys.exit(err.exit_code)
    except SystemExit:
        raise
    except BaseException as err:  # never a traceback for the user
        click = sys.modules.get("click")  # loaded if click ran the command (or _run_query raised its Abort)
        if click is not None and isinstance(err, click.exceptions.Abort):
            if isinstance(err.__context__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
                _echo_err("tkiros: interrupted")
                sys.exit(getattr(err.__context__, "exit_code", 130))
            _echo_err("tkiros: aborted")
            sys.exit(2)
        if click is not None and isinstance(err, click.ClickException):
            _echo_err(f"tkiros: error: {err.format_message()}")
            sys.exit(2)
        if os.environ.get("TKIROS_DEBUG"):
            raise
        if isinstance(err, KeyboardInterrupt):
            _echo_err("tkiros: interrupted")
            sys.exit(getattr(err, "exit_code", 130))
        if isinstance(err, OSError) and err.strerror:  # a path the user gave, relative as they see it
            _echo_err(f"tkiros: error: {_shown_path(err.filename)}{err.strerror}")
            sys.exit(2)
        _echo_err(f"tkiros: error: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}")
        sys.exit(2)
