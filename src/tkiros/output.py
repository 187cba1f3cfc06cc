"""Atomic writes: a file is written beside its target and renamed over it, so nothing is half-written."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from tkiros.errors import TkirosError


def write_atomic(path: Path, data: str | bytes) -> None:
    path = Path(path)
    if path.is_dir():
        raise TkirosError(f"-o {path}: is a folder, not a file")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise TkirosError(f"-o {path}: folder {parent} does not exist")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a written file gets the usual permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def emit(data: str, output: str | None) -> None:
    """Write to ``output`` atomically, or to stdout when it is None or '-'."""
    if output in (None, "-"):
        sys.stdout.write(data)
        sys.stdout.flush()
    else:
        write_atomic(Path(output), data)
