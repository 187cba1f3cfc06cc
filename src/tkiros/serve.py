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

import errno
import hashlib
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from tkiros.errors import TkirosError
from tkiros.procs import child_kwargs

DEFAULT_PORT = 7878
DEFAULT_HOST = "127.0.0.1"
DEFAULT_TIMEOUT_S = 30.0
# RDF files a server can load, by extension (a release folder is served from its N-Triples or Turtle file).
RDF_EXTENSIONS = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".nq": "N_QUADS", ".trig": "TRIG", ".owl": "RDF_XML",
                  ".rdf": "RDF_XML", ".jsonld": "JSON_LD"}
RELEASE_FILES = ("tkiros.nt", "tkiros.ttl")
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
    raise TkirosError("the Oxigraph server is not installed (no 'oxigraph' beside python or on PATH); install it with: pip install oxigraph")


def _bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _client_host(host: str) -> str:
    """Where a local client reaches a server bound to ``host`` (a wildcard address is reached on loopback)."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "::1"
    return host


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _family(host: str) -> int:
    try:
        return socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror:
        raise TkirosError(f"--host {host}: not a known host name or address") from None


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is a loopback address (127.0.0.0/8, ::1)."""
    import ipaddress

    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port nobody listens on now (the kernel's choice; another process could take it before us)."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def check_port(host: str, port: int) -> None:
    """Fail with one line if ``host:port`` cannot be listened on (taken, or not an address of this machine)."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as s:
        # As the Rust server does, so that a port in TIME_WAIT from a previous run is not called taken.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise TkirosError(f"--port {port}: already in use on {host}; stop that server or choose another port (--port 0 picks a free one)") from None
            if err.errno == errno.EACCES:
                raise TkirosError(f"--port {port}: permission denied on {host} (ports below 1024 need privileges)") from None
            if err.errno == errno.EADDRNOTAVAIL:
                raise TkirosError(f"--host {host}: not an address of this machine") from None
            raise TkirosError(f"--host {host} --port {port}: cannot listen: {err.strerror or err}") from None


# --- What to serve ------------------------------------------------------------------------------------


def is_store_folder(path: Path) -> bool:
    """An Oxigraph (RocksDB) store folder."""
    return path.is_dir() and (path / "CURRENT").is_file() and any(path.glob("MANIFEST-*"))


def rdf_file_of(path: Path) -> Path | None:
    """The RDF file to load for ``path``: the file itself, or a release folder's tkiros.nt / tkiros.ttl."""
    if path.is_file():
        return path
    for name in RELEASE_FILES:
        if (path / name).is_file():
            return path / name
    return None


def store_location(location: str | Path | None = None) -> tuple[Path, str]:
    """The store folder to serve and a short description of it, building one when given an RDF file."""
    if location is None:
        from tkiros.store import open_store

        graph = open_store()
        return Path(graph.path), f"the compiled store {graph.path}"
    path = Path(location)
    if not path.exists():
        raise TkirosError(f"--location {location}: no such file or folder")
    if path.is_dir() and is_store_folder(path):
        return path, f"the Oxigraph store {path}"
    rdf = rdf_file_of(path)
    if rdf is None:
        raise TkirosError(f"--location {location}: neither an Oxigraph store folder nor a release folder (no {' or '.join(RELEASE_FILES)}) nor an RDF file")
    return load_rdf_file(rdf), f"{rdf} (loaded)"


def load_rdf_file(rdf: Path) -> Path:
    """Load an RDF file into a store folder of its own in the cache, once per distinct file content."""
    import pyoxigraph as ox

    from tkiros.paths import cache_dir
    from tkiros.procs import sweep
    from tkiros.store import build_atomically, damage, discard_damaged, hold

    fmt = RDF_EXTENSIONS.get(rdf.suffix.lower())
    if fmt is None:
        raise TkirosError(f"{rdf}: unknown RDF format {rdf.suffix!r}; use one of {', '.join(sorted(RDF_EXTENSIONS))}")
    try:
        data = rdf.read_bytes()
    except OSError as err:
        raise TkirosError(f"{rdf}: cannot read: {err.strerror or err}") from None
    digest = hashlib.sha256(f"tkiros served store v1 {ox.__version__} {fmt}\n".encode() + data).hexdigest()
    target = cache_dir() / f"served-{digest[:24]}"
    sweep(target.parent, ".loading-*")
    if (target / ".complete").is_file() and not discard_damaged(target, "store", damage(target)):
        hold(target)
        return target

    def fill(store) -> None:
        try:
            store.bulk_load(data, format=getattr(ox.RdfFormat, fmt), base_iri=rdf.resolve().as_uri())
        except SyntaxError as err:
            line = getattr(err, "lineno", None)
            raise TkirosError(f"{rdf}{f':{line}' if line else ''}: malformed RDF: {str(err).splitlines()[0]}") from None

    build_atomically(target, fill, prefix=".loading-")
    hold(target)
    _prune_loaded(target)
    return target


def _prune_loaded(keep: Path, spare: int = 3) -> None:
    """Remove store folders of RDF files loaded long ago, keeping the newest few (a server may still read them)."""
    from tkiros.store import in_use

    old = sorted((p for p in keep.parent.glob("served-*") if p != keep), key=lambda p: p.stat().st_mtime)
    for p in old[:-spare]:
        if not in_use(p):
            shutil.rmtree(p, ignore_errors=True)


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
    keep = [ln for ln in lines if not ln.startswith(("stack backtrace", "note:", "at ")) and not ln[:1].isdigit() and not ln.startswith("Listening")]
    return keep[-1] if keep else ""


class Server:
    """One Oxigraph read-only server over a store folder, as a child process of this one."""

    def __init__(self, location: str | Path | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 timeout_s: float = DEFAULT_TIMEOUT_S, binary: str | None = None, federation: bool = False):
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
        # Oxigraph listens on a private loopback port; clients reach it through the gateway (tkiros.gateway).
        self.inner_port = free_port("127.0.0.1")
        self.gateway = None
        self.lock = threading.RLock()
        self._keeper: threading.Thread | None = None
        self._restarts: queue.SimpleQueue = queue.SimpleQueue()

    @property
    def base_url(self) -> str:
        return f"http://{_url_host(self.host)}:{self.port}"

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/query"

    @property
    def local_endpoint(self) -> str:
        """The endpoint as a client on this machine reaches it (a wildcard bind is reached on loopback)."""
        return f"http://{_url_host(_client_host(self.host))}:{self.port}/query"

    def command(self) -> list[str]:
        # oxigraph takes whole seconds; round up so that a fraction never means "no limit".
        seconds = max(1, int(-(-self.timeout_s // 1)))
        return [self.binary, "serve-read-only", "--location", str(self.location),
                "--bind", _bind_address("127.0.0.1", self.inner_port), "--timeout-s", str(seconds)]

    def start(self, ready_timeout: float = 30.0) -> str:
        """Start the server (the gateway, then Oxigraph) and wait until it answers; returns the endpoint URL."""
        with self.lock:
            if self.gateway is None:
                from tkiros.gateway import Gateway

                check_port(self.host, self.port)
                self.gateway = Gateway(self.host, self.port, ("127.0.0.1", self.inner_port), self.timeout_s,
                                       self.federation, on_overrun=self.restart)
                from tkiros.site import SiteSource

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
            self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
                                            env=env, start_new_session=True, **child_kwargs())
        except OSError as err:
            raise TkirosError(f"{self.binary}: cannot start the Oxigraph server: {err.strerror or err}") from None
        self._wait_ready(ready_timeout)

    def _wait_ready(self, ready_timeout: float) -> None:
        from urllib.error import URLError
        from urllib.request import Request, urlopen

        probe = Request(f"http://127.0.0.1:{self.inner_port}/query?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"})
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
                raise TkirosError(f"the Oxigraph server did not answer at {self.local_endpoint} within {ready_timeout:g} s")
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
def serving(location: str | Path | None = None, host: str = DEFAULT_HOST, port: int = 0,
            timeout_s: float = DEFAULT_TIMEOUT_S, ready_timeout: float = 30.0, federation: bool = False) -> Iterator[str]:
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


class _Stop(Exception):
    """SIGTERM or SIGINT arrived: stop the server and leave."""


def _stop_on_signals() -> dict:
    """Make SIGTERM and SIGINT raise _Stop (so the server is stopped cleanly); returns the previous handlers."""

    def stop_handler(signum, frame):
        raise _Stop()

    return {s: signal.signal(s, stop_handler) for s in (signal.SIGTERM, signal.SIGINT)}


def _restore(previous: dict) -> None:
    for s, h in previous.items():
        signal.signal(s, h)


def supervise(server: Server, on_restart=None, poll: float = 0.2) -> None:
    """Keep the server running until SIGTERM/SIGINT; restart it when it dies, at most a few times a minute."""
    previous = _stop_on_signals()
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
                raise TkirosError(f"the Oxigraph server died {len(restarts)} times within a minute (last: {reason}); giving up")
            if on_restart:
                on_restart(reason)
            with server.lock:
                server.start()
    except (_Stop, KeyboardInterrupt):
        pass
    finally:
        _restore(previous)
        server.close()


@click.command("serve")
@click.option("--port", type=int, default=DEFAULT_PORT, show_default=True, help="TCP port to listen on (0: a free port).")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on; only loopback unless you say otherwise (0.0.0.0 exposes the endpoint to the network).")
@click.option("--timeout", "--timeout-s", "timeout_s", type=float, default=DEFAULT_TIMEOUT_S, show_default=True, metavar="SECONDS", help="Time limit of one query, in seconds (rounded up to whole seconds); an answer not complete by then is an HTTP 503 error.")
@click.option("--federation", is_flag=True, help="Allow SERVICE clauses (the server would fetch any URL a query names; off by default).")
@click.option("--location", default=None, metavar="PATH", help="What to serve: an Oxigraph store folder, a release folder (tkiros publish) or an RDF file [default: the compiled store of the sources].")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="How to print the endpoint once it answers.")
@click.option("-o", "--output", default=None, metavar="FILE", help="Write the endpoint (atomically) to FILE instead of stdout, once it answers.")
def serve_cmd(port, host, timeout_s, federation, location, fmt, output):
    """Serve the graph as a read-only SPARQL 1.1 endpoint (Oxigraph) until Ctrl-C or SIGTERM.

    Prints the endpoint URL (http://HOST:PORT/query) once it answers; its query web page is at
    http://HOST:PORT/. SPARQL Update is refused and each query is cut at --timeout-s.

    \b
    Examples:
      tkiros serve
      tkiros serve --port 8890 --timeout-s 10
      tkiros serve --location release/ --port 0 --format json -o endpoint.json
      tkiros query tkis-raising-ros --endpoint http://127.0.0.1:7878/query
    """
    from tkiros.output import emit

    # From the start, a signal stops the server cleanly: a client may send SIGTERM as soon as it reads the URL.
    previous = _stop_on_signals()
    server = None
    try:
        from tkiros import procs

        procs.GRACE_S = 10.0  # the server is stopped by Python code that needs a few seconds
        server = Server(location, host=host, port=port, timeout_s=timeout_s, federation=federation)
        server.start()
        endpoint = server.local_endpoint  # a wildcard bind (0.0.0.0) is printed as the loopback address that reaches it
        page = endpoint.rsplit("/", 1)[0] + "/"
        info = {"endpoint": endpoint, "page": page, "host": host, "port": server.port, "timeout_s": timeout_s,
                "location": str(server.location), "read_only": True, "federation": federation, "pid": server.process.pid, "site": page + "site/"}
        emit(json.dumps(info, indent=1) + "\n" if fmt == "json" else endpoint + "\n", output)
        exposed = "" if is_loopback(host) else " (reachable from the network)"
        click.echo(f"tkiros: serving {server.description} read-only at {endpoint}{exposed}; query page {page}; browsable pages {page}site/;"
                   f" time limit {timeout_s:g} s; Ctrl-C stops", err=True)
        supervise(server, on_restart=lambda reason: click.echo(f"tkiros: the Oxigraph server stopped ({reason}); restarting", err=True))
    except (_Stop, KeyboardInterrupt):
        pass
    finally:
        _restore(previous)
        if server is not None:
            server.close()
    click.echo("tkiros: server stopped", err=True)
