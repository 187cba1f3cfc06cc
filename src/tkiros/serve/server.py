"""`tkiros serve`: the graph as a read-only SPARQL 1.1 endpoint, served by the Oxigraph HTTP server.

The server is the ``oxigraph`` binary of the PyPI wheel of that name (``oxigraph serve-read-only``): it
refuses SPARQL Update, cuts queries at a time limit and has a query web page (YASGUI) at ``/``. It serves
the compiled store of ``open_store()`` by default, an Oxigraph store folder, or a release folder or RDF
file loaded once into a store folder of its own (cached by the file's digest, built beside and renamed
into place like the compiled store).

The server runs as a child process. ``tkiros serve`` restarts it when it dies unexpectedly (a few times
a minute at most): Oxigraph 0.5 aborts the whole process on some queries (a Rust panic while sorting
mixed numbers and strings in ORDER BY), and one bad query should not end the endpoint. For tests and
scripts, ``serving()`` is a context manager that starts a server, waits until it answers and stops it.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tkiros.errors import TkirosError
from tkiros.procs import child_kwargs
from tkiros.serve.location import store_location
from tkiros.serve.network import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT_S,
    bind_address,
    check_port,
    client_host,
    free_port,
    url_host,
)

RESTARTS_PER_MINUTE = 3


def oxigraph_binary() -> str:
    """The ``oxigraph`` executable: beside this Python interpreter (same virtualenv) or on PATH."""
    names = ("oxigraph.exe", "oxigraph") if os.name == "nt" else ("oxigraph",)
    here = Path(sys.executable).parent
    for name in names:
        candidate = here / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise TkirosError(
        "the Oxigraph server is not installed (no 'oxigraph' beside python or on PATH); install it with: pip install oxigraph"
    )


# --- The server process -------------------------------------------------------------------------------


def _tail(log, limit: int = 4000) -> str:
    """The last meaningful line the server wrote (its error), without Rust backtraces."""
    try:
        log.flush()
        log.seek(0, os.SEEK_END)
        size = log.tell()
        log.seek(max(0, size - limit))
        text = log.read().decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    keep = [
        ln
        for ln in lines
        if not ln.startswith(("stack backtrace", "note:", "at "))
        and not ln[:1].isdigit()
        and not ln.startswith("Listening")
    ]
    return keep[-1] if keep else ""


class Server:
    """One Oxigraph read-only server over a store folder, as a child process of this one."""

    def __init__(
        self,
        location: str | Path | None = None,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        binary: str | None = None,
        federation: bool = False,
    ):
        import math

        if not (timeout_s > 0 and math.isfinite(timeout_s)):
            raise TkirosError(f"--timeout {timeout_s}: must be a finite number of seconds above 0")
        if not 0 <= port <= 65535:
            raise TkirosError(f"--port {port}: not a TCP port (0 to 65535)")
        self.binary = binary or oxigraph_binary()
        self.location, self.description = store_location(location)
        self.requested = location  # a release folder's site/ is served at /site/
        self.host = host
        self.port = port or free_port(host)
        self.timeout_s = timeout_s
        self.federation = federation
        self.process: subprocess.Popen | None = None
        self._log = None
        # Oxigraph listens on a private loopback port; clients reach it through the gateway (tkiros.serve.gateway).
        self.inner_port = free_port("127.0.0.1")
        self.gateway = None
        self.lock = threading.RLock()
        self._keeper: threading.Thread | None = None
        self._restarts: queue.SimpleQueue = queue.SimpleQueue()

    @property
    def base_url(self) -> str:
        return f"http://{url_host(self.host)}:{self.port}"

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/query"

    @property
    def local_endpoint(self) -> str:
        """The endpoint as a client on this machine reaches it (a wildcard bind is reached on loopback)."""
        return f"http://{url_host(client_host(self.host))}:{self.port}/query"

    def command(self) -> list[str]:
        # oxigraph takes whole seconds; round up so that a fraction never means "no limit".
        seconds = max(1, int(-(-self.timeout_s // 1)))
        return [
            self.binary,
            "serve-read-only",
            "--location",
            str(self.location),
            "--bind",
            bind_address("127.0.0.1", self.inner_port),
            "--timeout-s",
            str(seconds),
        ]

    def start(self, ready_timeout: float = 30.0) -> str:
        """Start the server (the gateway, then Oxigraph) and wait until it answers; returns the endpoint URL."""
        with self.lock:
            if self.gateway is None:
                from tkiros.serve.gateway import Gateway

                check_port(self.host, self.port)
                self.gateway = Gateway(
                    self.host,
                    self.port,
                    ("127.0.0.1", self.inner_port),
                    self.timeout_s,
                    self.federation,
                    on_overrun=self.restart,
                )
                from tkiros.serve.site import SiteSource

                self.gateway.site = SiteSource(self.requested)
                self.gateway.start()
            if not self.alive():
                self._start_child(ready_timeout)
        return self.endpoint

    def restart(self) -> None:
        """Stop Oxigraph and start it again (a query outlived the limit and still holds a core).

        Done by one long-lived thread: Linux kills a child when the *thread* that started it ends
        (PR_SET_PDEATHSIG), and the gateway's request threads end after each request."""
        done = threading.Event()
        with self.lock:
            if self._keeper is None:
                self._keeper = threading.Thread(target=self._keep, name="tkiros-restarter", daemon=True)
                self._keeper.start()
        self._restarts.put(done)
        done.wait(60)

    def _keep(self) -> None:
        while True:
            done = self._restarts.get()
            if done is None:
                return
            try:
                with self.lock:
                    self.stop(grace=0)
                    self._start_child(30.0)
            except TkirosError:
                pass  # the server is down: supervise() reports it and starts it again
            finally:
                done.set()

    def _start_child(self, ready_timeout: float) -> None:
        check_port("127.0.0.1", self.inner_port)
        if self._log is not None:
            self._log.close()
        self._log = tempfile.TemporaryFile(prefix="tkiros-serve-")
        env = dict(os.environ, RUST_BACKTRACE="0")
        try:
            self.process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=self._log,
                env=env,
                start_new_session=True,
                **child_kwargs(),
            )
        except OSError as err:
            raise TkirosError(f"{self.binary}: cannot start the Oxigraph server: {err.strerror or err}") from None
        self._wait_ready(ready_timeout)

    def _wait_ready(self, ready_timeout: float) -> None:
        from urllib.error import URLError
        from urllib.request import Request, urlopen

        probe = Request(
            f"http://127.0.0.1:{self.inner_port}/query?query=ASK%7B%7D",
            headers={"Accept": "application/sparql-results+json"},
        )
        deadline = time.monotonic() + ready_timeout
        while True:
            code = self.process.poll()
            if code is not None:
                reason = _tail(self._log) or f"exit status {code}"
                self.stop()
                raise TkirosError(f"the Oxigraph server did not start: {reason}")
            try:
                with urlopen(probe, timeout=2) as resp:
                    if resp.status == 200 and b"boolean" in resp.read():
                        return
            except (URLError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise TkirosError(
                    f"the Oxigraph server did not answer at {self.local_endpoint} within {ready_timeout:g} s"
                )
            time.sleep(0.05)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def exit_reason(self) -> str:
        code = self.process.poll() if self.process else None
        reason = _tail(self._log) if self._log else ""
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"killed by {name}" + (f": {reason}" if reason else "")
        return reason or f"exit status {code}"

    def stop(self, grace: float = 5.0) -> None:
        """Stop the server: SIGTERM, then SIGKILL if it has not gone after ``grace`` seconds."""
        proc = self.process
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate() if grace > 0 else proc.kill()
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()
        proc.wait()  # reap it; self.process stays, for exit_reason()

    def close(self) -> None:
        """Stop the server and its gateway, and drop its log."""
        if self.gateway is not None:
            self.gateway.stop()
            self.gateway = None
        if self._keeper is not None:
            self._restarts.put(None)
            self._keeper = None
        self.stop()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> "Server":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextmanager
def serving(
    location: str | Path | None = None,
    host: str = DEFAULT_HOST,
    port: int = 0,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    ready_timeout: float = 30.0,
    federation: bool = False,
) -> Iterator[str]:
    """Run a read-only server for the duration of a ``with`` block; yields the endpoint URL.

    ``port=0`` picks a free port. Example::

        with serving() as endpoint:
            run_query("tkis-raising-ros", endpoint=endpoint)
    """
    server = Server(location, host=host, port=port, timeout_s=timeout_s, federation=federation)
    server.start(ready_timeout)
    try:
        yield server.local_endpoint
    finally:
        server.close()


class Stop(Exception):
    """SIGTERM or SIGINT arrived: stop the server and leave."""


def stop_on_signals() -> dict:
    """Make SIGTERM and SIGINT raise Stop (so the server is stopped cleanly); returns the previous handlers."""

    def stop_handler(signum, frame):
        raise Stop()

    return {s: signal.signal(s, stop_handler) for s in (signal.SIGTERM, signal.SIGINT)}


def restore_signals(previous: dict) -> None:
    for s, h in previous.items():
        signal.signal(s, h)


def supervise(server: Server, on_restart=None, poll: float = 0.2) -> None:
    """Keep the server running until SIGTERM/SIGINT; restart it when it dies, at most a few times a minute."""
    previous = stop_on_signals()
    restarts: list[float] = []
    try:
        while True:
            with server.lock:  # a restart by the gateway (a query over the limit) is not a crash
                if server.alive():
                    healthy = True
                else:
                    healthy = False
                    reason = server.exit_reason()
            if healthy:
                time.sleep(poll)
                continue
            now = time.monotonic()
            restarts = [t for t in restarts if now - t < 60] + [now]
            if len(restarts) > RESTARTS_PER_MINUTE:
                raise TkirosError(
                    f"the Oxigraph server died {len(restarts)} times within a minute (last: {reason}); giving up"
                )
            if on_restart:
                on_restart(reason)
            with server.lock:
                server.start()
    except (Stop, KeyboardInterrupt):
        pass
    finally:
        restore_signals(previous)
        server.close()
