"""Writing outputs (-o FILE) without losing what the user has.

A regular file is replaced atomically (written beside it, then renamed over it) and keeps its permissions;
a read-only file is refused. A symlink is never replaced: its target is written instead. Devices, pipes,
sockets and `-` are written through (a rename would replace the device node or delete the pipe). The
query file being run is never overwritten by its own results.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from tkiros.errors import TkirosError

# Inputs of the running command (the query file): an output onto one of them is refused.
_protected: set[str] = set()


def protect(path: Path) -> None:
    """Refuse, for the rest of this process, to write an output over ``path`` (an input being used)."""
    try:
        _protected.add(os.path.realpath(path))
    except OSError:
        pass


def _write_through(path: Path, raw: bytes, shown: str) -> None:
    try:
        with open(path, "wb") as fh:
            fh.write(raw)
            fh.flush()
    except OSError as err:
        raise TkirosError(f"-o {shown}: cannot write: {err.strerror or err}") from None


def write_atomic(path: Path, data: str | bytes, option: str = "-o") -> None:
    shown = str(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if Path(path).is_dir():
        raise TkirosError(f"{option} {shown}: is a folder, not a file (give a file name)")
    if shown.endswith(("/", os.sep)):  # never a file named like the folder that was meant
        raise TkirosError(f"{option} {shown}: names a folder (it ends with '/'), not a file (give a file name)")
    path = Path(path)
    real = Path(os.path.realpath(path))  # a symlink is written through to its target, never replaced
    if str(real) in _protected:
        raise TkirosError(f"{option} {shown}: is the query file being run; refusing to overwrite it")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise TkirosError(f"{option} {shown}: cannot write: {err.strerror or err}") from None
    if st is not None and (not stat.S_ISREG(st.st_mode) or str(real).startswith(("/dev/", "/proc/"))):
        _write_through(path, raw, shown)  # a device, pipe or socket (/dev/stdout, /dev/full, a FIFO)
        return
    parent = real.parent
    if not parent.is_dir():
        raise TkirosError(f"{option} {shown}: folder {path.parent} does not exist")
    if st is not None and not st.st_mode & 0o222:  # checked on the mode: root's writes ignore it
        raise TkirosError(f"{option} {shown}: the file is read-only; refusing to replace it")
    try:
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", dir=parent)
    except OSError as err:
        raise TkirosError(f"{option} {shown}: cannot write in folder {path.parent}: {err.strerror or err}") from None
    try:
        if st is not None:
            mode = stat.S_IMODE(st.st_mode)  # a replaced file keeps its permissions (a private 0600 stays so)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # mkstemp makes 0600; a new file gets the usual permissions
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, real)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise TkirosError(f"{option} {shown}: cannot write: {err.strerror or err}") from None
        raise


def emit(data: str, output: str | None) -> None:
    """Write to ``output`` (see write_atomic), or to stdout when it is None or '-'."""
    if output in (None, "-"):
        sys.stdout.write(data)
        sys.stdout.flush()
    else:
        write_atomic(output, data)
