"""Evaluate a user's query in a forked child, so that no query can take tkiros down or hold it forever.

Oxigraph 0.5.13 (the newest release) aborts the whole process on some queries (a Rust panic, "comparison
function does not correctly implement a total order", when ORDER BY sorts certain mixes of numbers and
strings), and its evaluation can neither be interrupted nor bounded in time or memory from Python. In a
child, a panic becomes a one-line error, a time limit kills the child (freeing the core), Ctrl-C reaches
the waiting parent at once, and the rows are capped before they fill the memory.
"""

from __future__ import annotations

import faulthandler
import marshal
import math
import os
import select
import signal
import time

from tkiros.errors import TkirosError


def _panic_line(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    for i, ln in enumerate(lines):
        if "panicked at" in ln:
            return lines[i + 1] if i + 1 < len(lines) and not lines[i + 1].startswith("note:") else ln
    return lines[-1] if lines else ""


def _scratch_file():
    """An anonymous file for the child's stderr: in memory where Linux offers it (no tempfile import)."""
    try:
        return open(os.memfd_create("tkiros-query"), "w+b")
    except (AttributeError, OSError):
        import tempfile

        return tempfile.TemporaryFile(prefix="tkiros-query-")


def _encode(kind: str, value) -> bytes:
    """What the child sends: a query Result or a message through marshal (b"M"), anything else pickled
    (b"P"). marshal is built in; pickle's import alone is a twentieth of a cold query."""
    if kind == "error":
        return b"M" + marshal.dumps((kind, value))
    from tkiros.query.results import Result, result_to_plain

    plain = result_to_plain(value) if isinstance(value, Result) else None
    if plain is not None:
        return b"M" + marshal.dumps(("result", plain))
    import pickle

    return b"P" + pickle.dumps((kind, value))


def _decode(data: bytes):
    if data[:1] == b"M":
        kind, value = marshal.loads(data[1:])
        if kind == "result":
            from tkiros.query.results import result_from_plain

            return "ok", result_from_plain(value)
        return kind, value
    import pickle

    return pickle.loads(data[1:])


def run_isolated(fn, timeout: float | None, where: str):
    """``fn()`` in a forked child; its result (see _encode), or a TkirosError it raised, comes back here."""
    if not hasattr(os, "fork"):
        return fn()
    if timeout is not None and math.isinf(timeout) and timeout > 0:
        timeout = None  # no time limit
    if timeout is not None and not timeout > 0:
        raise TkirosError(f"--timeout {timeout}: must be a number of seconds above 0")
    errlog = _scratch_file()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(r)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            faulthandler.disable()  # an abort here is reported by the parent, not dumped
            os.environ["RUST_BACKTRACE"] = "0"
            os.dup2(errlog.fileno(), 2)
            try:
                payload = _encode("ok", fn())
            except TkirosError as err:
                payload = _encode("error", err.message)
            except BaseException as err:  # anything else is reported, never a traceback
                payload = _encode(
                    "error",
                    f"{where}: query failed: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}",
                )
            view = memoryview(payload)
            while view:
                view = view[os.write(w, view) :]
        except BaseException:
            code = 3
        finally:
            os._exit(code)
    os.close(w)
    chunks, deadline, status = [], (time.monotonic() + timeout) if timeout else None, None
    try:
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise TkirosError(f"{where}: stopped after {timeout:g} s (the time limit; raise it with --timeout)")
            ready, _, _ = select.select([r], [], [], left)
            if ready:
                data = os.read(r, 1 << 20)
                if not data:
                    break
                chunks.append(data)
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(r)
        if status is None:  # timed out or interrupted: the child and its core are freed now
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
    try:
        kind, value = _decode(b"".join(chunks))
    except Exception:
        errlog.seek(0)
        detail = _panic_line(errlog.read()[-8000:])
        how = (
            f"signal {-os.waitstatus_to_exitcode(status)}"
            if os.WIFSIGNALED(status)
            else f"exit {os.waitstatus_to_exitcode(status)}"
        )
        raise TkirosError(
            f"{where}: the query engine crashed ({how}{': ' + detail if detail else ''}); "
            "rewrite the query (an ORDER BY over mixed numbers and strings is a known cause)"
        ) from None
    finally:
        errlog.close()
    if kind == "error":
        raise TkirosError(value)
    return value
