"""The front of `tkiros serve`: a small HTTP relay between clients and the Oxigraph server.

Oxigraph's server has no switch to refuse SERVICE (it fetches any URL a query names: SSRF from a shared
server), returns HTTP 200 with a truncated body when its time limit cuts a streamed answer, and does not
stop a long aggregate (a cartesian COUNT) at all. The relay, on the port clients use, checks each query
as `tkiros query` does (no SPARQL Update; no SERVICE unless federation was allowed), buffers each answer
so that a cut one becomes an error status with a SPARQL-protocol (text/plain) error body, and when an
answer is not complete at the time limit it restarts the Oxigraph child (freeing its core); the requests
that restart interrupted are sent again (queries are read-only).
"""

from __future__ import annotations

import functools
import http.client
import json
import math
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tkiros.errors import TkirosError

SLACK_S = 1.0  # beyond Oxigraph's own limit, before the relay gives up on an answer
MAX_BODY = 64 << 20  # a request or an answer larger than this is refused
MAX_IDLE = 16  # kept-alive connections to Oxigraph
_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "te",
    "trailer",
    "upgrade",
    "proxy-connection",
}


def sparql_text(method: str, path: str, content_type: str, body: bytes) -> str | None:
    """The SPARQL text a request carries (GET ?query=, POST form or POST application/sparql-query)."""
    url = urlsplit(path)
    fields = parse_qs(url.query)
    ctype = content_type.split(";")[0].strip().lower()
    if method == "POST" and ctype == "application/x-www-form-urlencoded":
        fields.update(parse_qs(body.decode("utf-8", "replace")))
    elif method == "POST" and ctype in ("application/sparql-query", "application/sparql-update"):
        return body.decode("utf-8", "replace")
    for key in ("query", "update"):
        if key in fields:
            return "\n".join(fields[key])
    return None


@functools.lru_cache(maxsize=512)
def _refusal(text: str, federation: bool) -> str | None:
    """Why a query is refused (SPARQL Update; SERVICE without federation), or None; clients repeat their
    queries, so each distinct text is parsed once."""
    from tkiros.rqfile import check_read_only

    try:
        check_read_only(text, "query", allow_service=federation)
    except TkirosError as err:
        return err.message
    return None


def _complete(headers, data: bytes) -> bool:
    """Whether an answer that took as long as Oxigraph's limit is a whole document (not cut off)."""
    ctype = next((v for k, v in headers if k.lower() == "content-type"), "").split(";")[0].strip().lower()
    if ctype.endswith("json"):
        try:
            json.loads(data)
            return True
        except ValueError:
            return False
    if ctype.endswith("xml"):
        return data.rstrip().endswith(b">") and b"</sparql>" in data[-64:]
    return False  # CSV, TSV, N-Triples...: a cut cannot be told from an end, so the limit decides


class _Cut(Exception):
    """The answer did not come complete within the time limit (``busy``: Oxigraph may still be computing)."""

    def __init__(self, busy: bool = True):
        super().__init__()
        self.busy = busy


class _Gone(Exception):
    """The Oxigraph child went away (crashed or restarted) before answering."""


class Relay(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tkiros"
    # Headers and body go out in two writes: with Nagle's algorithm the body waits for the client's
    # delayed ACK (40 ms per kept-alive query).
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # no access log on stderr
        pass

    def do_GET(self):
        site = self.server.gateway.site
        if site is not None and self.command in ("GET", "HEAD") and urlsplit(self.path).path.startswith("/site"):
            from tkiros.serve.site import serve_site

            return serve_site(self, site)
        self._relay()

    do_POST = do_HEAD = do_OPTIONS = do_PUT = do_DELETE = do_GET

    def _reply(self, status: int, body: bytes, headers=(), content_type: str = "text/plain; charset=utf-8") -> None:
        self.send_response(status)
        sent = set()
        for k, v in headers:
            if k.lower() not in _HOP:
                self.send_header(k, v)
                sent.add(k.lower())
        if "content-type" not in sent:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        self._reply(status, (message + "\n").encode("utf-8"))

    def _relay(self) -> None:
        gw: Gateway = self.server.gateway
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._error(413, "tkiros: the request is too large")
        body = self.rfile.read(length) if length else b""
        text = sparql_text(self.command, self.path, self.headers.get("Content-Type", ""), body)
        if text is not None:
            refusal = _refusal(text, gw.federation)
            if refusal:
                return self._error(403 if "SERVICE" in refusal else 400, f"tkiros: {refusal}")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP and k.lower() != "host"}
        started = time.monotonic()
        deadline = started + gw.limit_s
        while True:
            generation, attempt = gw.generation, time.monotonic()
            try:
                status, reason, out_headers, data = gw.forward(self.command, self.path, body, headers, deadline)
                if (
                    status == 200
                    and time.monotonic() - started >= gw.oxigraph_limit_s
                    and not _complete(out_headers, data)
                ):
                    raise _Cut(busy=False)  # Oxigraph ended a streamed answer at its limit, mid-document
                return self._reply(status, data, out_headers)
            except _Gone:
                # cut by a restart (begun or ended since this attempt began), not by this query
                if gw.generation != generation or gw.restarting.is_set() or gw.restarted_at >= attempt:
                    if time.monotonic() < deadline:
                        time.sleep(0.1)
                        if gw.generation != generation:
                            started = time.monotonic()  # a whole time limit again, from the restart
                            deadline = started + gw.limit_s
                        continue
                return self._error(502, "tkiros: the query engine stopped while answering this query (it is restarted)")
            except _Cut as cut:
                if cut.busy:
                    gw.overrun()
                return self._error(503, f"tkiros: the query was stopped at the time limit of {gw.timeout_s:g} s")


class _Listener(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Gateway:
    """Listens on ``host:port`` for clients and relays to the Oxigraph child at ``upstream``."""

    site = None  # a tkiros.serve.site.SiteSource: the browsable pages, served at /site/ beside the query page

    def __init__(self, host: str, port: int, upstream: tuple[str, int], timeout_s: float, federation: bool, on_overrun):
        self.host, self.port, self.upstream = host, port, upstream
        self.timeout_s, self.federation, self.on_overrun = timeout_s, federation, on_overrun
        self.oxigraph_limit_s = max(1, math.ceil(timeout_s)) - 0.05  # Oxigraph counts whole seconds
        self.limit_s = timeout_s + SLACK_S
        self.generation = 0
        self.restarted_at = 0.0  # when the last restart ended (monotonic)
        self.restarting = threading.Event()
        self._lock = threading.Lock()
        self._listener: _Listener | None = None
        self._idle: list = []  # (generation, connection) kept alive to Oxigraph: a connect per query cost a third of the relay

    def start(self) -> None:
        from tkiros.serve.network import address_family

        _Listener.address_family = address_family(self.host)
        try:
            self._listener = _Listener((self.host, self.port), Relay)
        except OSError as err:
            raise TkirosError(f"--host {self.host} --port {self.port}: cannot listen: {err.strerror or err}") from None
        self._listener.gateway = self
        threading.Thread(target=self._listener.serve_forever, name="tkiros-gateway", daemon=True).start()

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.shutdown()
            self._listener.server_close()
            self._listener = None

    def overrun(self) -> None:
        """An answer outlived the limit: restart the child once, so that its core is freed."""
        with self._lock:
            if self.restarting.is_set():
                return
            self.restarting.set()
            self.generation += 1
        try:
            self.on_overrun()
        finally:
            self.restarted_at = time.monotonic()
            self.restarting.clear()

    def _connection(self, left: float) -> tuple[http.client.HTTPConnection, bool]:
        """A kept-alive connection to the current Oxigraph child (reused: True), or a new one."""
        while True:
            try:
                generation, conn = self._idle.pop()
            except IndexError:
                return http.client.HTTPConnection(*self.upstream, timeout=left), False
            if generation == self.generation and conn.sock is not None:
                conn.sock.settimeout(left)
                return conn, True
            conn.close()  # opened to a child that has been restarted since

    def forward(self, method: str, path: str, body: bytes, headers: dict, deadline: float):
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Cut()
        generation = self.generation
        conn, reused = self._connection(left)
        keep = False
        try:
            try:
                conn.request(method, path, body=body or None, headers=headers)
                resp = conn.getresponse()
            except (ConnectionError, http.client.HTTPException) as err:
                if reused:  # Oxigraph closed an idle kept-alive connection: not an answer, ask on a new one
                    conn.close()
                    conn, reused = http.client.HTTPConnection(*self.upstream, timeout=left), False
                    try:
                        conn.request(method, path, body=body or None, headers=headers)
                        resp = conn.getresponse()
                    except (ConnectionError, http.client.HTTPException) as again:
                        raise _Gone() from again
                    except socket.timeout as again:
                        raise _Cut() from again
                else:
                    raise _Gone() from err
            except socket.timeout as err:
                raise _Cut() from err
            chunks, size = [], 0
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _Cut()
                conn.sock.settimeout(left)
                try:
                    chunk = resp.read1(1 << 16) if method != "HEAD" else b""
                except socket.timeout as err:
                    raise _Cut() from err
                except (http.client.HTTPException, ConnectionError, ValueError) as err:
                    # Oxigraph cut a streamed answer at its limit (or died): never relay it as a 200
                    raise (_Gone() if not self._upstream_alive() else _Cut(busy=False)) from err
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_BODY:
                    raise _Cut()
                chunks.append(chunk)
            # The whole body is read. Python 3.11's read1 leaves a Content-Length answer (the query page's
            # files) open after its last byte, and a connection whose answer is open cannot ask again
            # (ResponseNotReady): close the answer, so that the connection is reusable.
            resp.close()
            keep = not resp.will_close
            return resp.status, resp.reason, resp.getheaders(), b"".join(chunks)
        finally:
            if keep and len(self._idle) < MAX_IDLE:
                self._idle.append((generation, conn))
            else:
                conn.close()

    def _upstream_alive(self) -> bool:
        try:
            with socket.create_connection(self.upstream, timeout=0.5):
                return True
        except OSError:
            return False
