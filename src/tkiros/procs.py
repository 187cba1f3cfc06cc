"""Processes that end when they should: children die with their parent, Ctrl-C and SIGTERM end any
command promptly (exit 130 / 143, no traceback), and leftovers of killed runs are swept."""

from __future__ import annotations

import _thread
import os
import re
import signal
import sys
import time
from pathlib import Path

# After Ctrl-C, Python code has this long to unwind (finally blocks, temp files) before the process ends
# anyway: a long call into Rust or Java never sees the KeyboardInterrupt.
GRACE_S = 0.8
_guard_installed = False


def die_with_parent(parent: int | None = None) -> None:
    """Run in a child before exec (preexec_fn): Linux sends it SIGKILL when its parent dies."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if parent is not None and os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(137)


def child_kwargs() -> dict:
    """Keyword arguments for subprocess calls whose child must not outlive tkiros."""
    if not sys.platform.startswith("linux"):
        return {}
    parent = os.getpid()
    return {"preexec_fn": lambda: die_with_parent(parent)}


class Terminated(KeyboardInterrupt):
    """SIGTERM: unwound like Ctrl-C (finally blocks remove temp folders, children are stopped), exit 143."""

    exit_code = 143


def _terminate(signum, frame):
    raise Terminated()


def install_interrupt_guard() -> None:
    """In the main thread of the CLI: SIGTERM unwinds like Ctrl-C, and a signal that Python code does not
    get to handle within GRACE_S (the main thread is inside a long native call) ends the process."""
    global _guard_installed
    if _guard_installed:
        return
    try:
        signal.signal(signal.SIGTERM, _terminate)  # ValueError outside the main thread: no guard there
        r, w = os.pipe()
        os.set_blocking(w, False)
        signal.set_wakeup_fd(w, warn_on_full_buffer=False)
    except (ValueError, OSError):
        return
    _guard_installed = True

    def watch() -> None:
        while True:
            try:
                data = os.read(r, 16)
            except OSError:
                return
            if not data or not any(b in (signal.SIGINT, signal.SIGTERM) for b in data):
                continue
            code = 143 if signal.SIGTERM in data else 130
            time.sleep(GRACE_S)
            try:
                os.write(2, b"tkiros: interrupted\n")
            finally:
                os._exit(code)

    # A bare thread (_thread, not threading, whose import is a few percent of a cold query): it never
    # keeps the process alive and is never joined.
    _thread.start_new_thread(watch, ())


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# Temp folders named [.]PREFIX-PID-random (see owned_prefix); compiled when a leftover is found (re caches it).
OWNED = r"^\.?[\w.-]*?-(\d+)-"


def owned_prefix(prefix: str) -> str:
    """A temp-folder prefix carrying this process's id, so that a later run can sweep it if we are killed."""
    return f"{prefix.rstrip('-')}-{os.getpid()}-"


def sweep(folder: Path, pattern: str = ".*") -> None:
    """Remove temp folders in ``folder`` left by processes that no longer exist."""
    try:
        entries = list(Path(folder).glob(pattern))
    except OSError:
        return
    for p in entries:
        m = re.match(OWNED, p.name)
        if m and int(m.group(1)) != os.getpid() and not pid_alive(int(m.group(1))):
            import shutil

            shutil.rmtree(p, ignore_errors=True)
