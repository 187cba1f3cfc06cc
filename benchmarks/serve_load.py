"""A bounded loopback load test of `tkiros serve`: prints figures, asserts nothing. A benchmark, never a test.

    python benchmarks/serve_load.py                     # 8 clients x 20 s, time limit 3 s
    python benchmarks/serve_load.py --clients 4 --seconds 10 --limit 2

Starts `tkiros serve` on a free loopback port and runs N client threads for a fixed time. Every client
sends the saved queries (those without a required parameter) in turn; client 0 sends, between them, a
slow query (a cartesian COUNT that no time limit of Oxigraph stops) which must come back as a declared
timeout (HTTP 503 with a text error body), never as a hang, a broken 200 or a dead server. Prints
requests, p50/p99 latency of the answered ones, declared timeouts, errors and client-side timeouts, and
whether the server still answers at the end; then stops the server (SIGTERM). Talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def ask(endpoint: str, query: str, timeout: float) -> tuple[str, float, str]:
    """('ok' | 'declared-timeout' | 'error' | 'client-timeout', seconds, detail)."""
    req = Request(
        endpoint,
        data=urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"},
    )
    started = time.monotonic()
    try:
        with urlopen(req, timeout=timeout) as resp:
            json.loads(resp.read())  # a 200 must be a whole SPARQL JSON document
            return "ok", time.monotonic() - started, ""
    except HTTPError as err:
        body = err.read().decode("utf-8", "replace").strip()
        kind = "declared-timeout" if err.code == 503 and "time limit" in body else "error"
        return kind, time.monotonic() - started, f"HTTP {err.code}: {body[:120]}"
    except (TimeoutError, OSError) as err:
        if "timed out" in str(err):
            return "client-timeout", time.monotonic() - started, str(err)
        return "error", time.monotonic() - started, f"{type(err).__name__}: {err}"
    except ValueError as err:
        return "error", time.monotonic() - started, f"a broken 200 answer: {err}"


def start_server(limit: float) -> tuple[subprocess.Popen, dict]:
    info_file = Path(tempfile.mkdtemp(prefix="tkiros-load-")) / "endpoint.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from tkiros.cli import main; main()",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--timeout",
            str(limit),
            "--format",
            "json",
            "-o",
            str(info_file),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not info_file.is_file():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            sys.exit(f"tkiros serve did not start: {proc.communicate()[1].strip()}")
        time.sleep(0.1)
    return proc, json.loads(info_file.read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument(
        "--limit", type=float, default=3.0, help="the server's time limit per query (tkiros serve --timeout)"
    )
    args = ap.parse_args()

    from tkiros.query.queries import list_queries

    queries = [q.text for q in list_queries() if not any(p.required for p in q.params.values())]
    proc, info = start_server(args.limit)
    endpoint = info["endpoint"]
    assert endpoint.startswith("http://127.0.0.1:"), endpoint
    results: list[tuple[str, float, str, bool]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + args.seconds
    client_timeout = args.limit + 30

    def client(n: int) -> None:
        i = n
        while time.monotonic() < stop_at:
            slow = n == 0 and i % 2 == 0
            kind, secs, detail = ask(endpoint, SLOW if slow else queries[i % len(queries)], client_timeout)
            with lock:
                results.append((kind, secs, detail, slow))
            i += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(args.seconds + client_timeout + 5)
    after, _, _ = ask(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", 30)
    proc.send_signal(signal.SIGTERM)
    try:
        err = proc.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:
        proc.kill()
        err = proc.communicate()[1]

    answered = sorted(s for k, s, _, slow in results if k == "ok")
    count = {k: sum(1 for r in results if r[0] == k) for k in ("ok", "declared-timeout", "error", "client-timeout")}
    slow_kinds = {k: sum(1 for r in results if r[3] and r[0] == k) for k in count}
    p = (
        (lambda q: answered[min(len(answered) - 1, int(q * len(answered)))] * 1000)
        if answered
        else (lambda q: float("nan"))
    )
    print(
        f"tkiros serve load test: {args.clients} clients x {args.seconds:g} s on {endpoint}, time limit {args.limit:g} s"
    )
    print(f"  saved queries in rotation      {len(queries)}")
    print(f"  requests                       {len(results)}")
    print(
        f"  answered (200, whole JSON)     {count['ok']}  (p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms"
        f"{f', mean {statistics.mean(answered) * 1000:.1f} ms' if answered else ''})"
    )
    print(
        f"  declared timeouts (503)        {count['declared-timeout']}  (of {sum(1 for r in results if r[3])} slow queries: {slow_kinds})"
    )
    print(f"  errors                         {count['error']}")
    print(f"  client-side timeouts (hangs)   {count['client-timeout']}")
    print(f"  server answers afterwards      {'yes' if after == 'ok' else 'NO'}")
    print(f"  server exit status             {proc.returncode}; restarts logged: {err.count('restarting')}")
    for kind, secs, detail, slow in results:
        if kind in ("error", "client-timeout") or (kind == "declared-timeout" and not slow):
            print(f"  - {kind} after {secs:.1f} s{' (slow query)' if slow else ''}: {detail}")


if __name__ == "__main__":
    os.environ.setdefault("RUST_BACKTRACE", "0")
    main()
