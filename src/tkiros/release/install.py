"""Putting a built folder in place of another with one rename (renameat2 exchange where the system has
it), and recovering from a run killed between two renames: used for releases and the static site."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path


def tidy(out: Path) -> None:
    """Remove what killed runs left beside ``out``; restore a release moved aside by a half-done swap."""
    from tkiros.procs import pid_alive as _alive

    for p in out.parent.glob(f".{out.name}.*"):
        m = re.match(rf"^\.{re.escape(out.name)}\.(building|previous)-(\d+)-", p.name)
        if not m or _alive(int(m.group(2))):
            continue
        if m.group(1) == "previous" and not out.exists() and (p / "release.json").is_file():
            os.rename(p, out)
        else:
            shutil.rmtree(p, ignore_errors=True)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def install(tmp: Path, out: Path) -> None:
    """Put the finished release ``tmp`` at ``out``, replacing a previous release in one rename."""
    os.sync()
    if not out.exists():
        os.rename(tmp, out)
        return
    if exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous release
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.previous-{os.getpid()}-", dir=out.parent))
    aside.rmdir()
    os.rename(out, aside)
    os.rename(tmp, out)
    shutil.rmtree(aside, ignore_errors=True)
