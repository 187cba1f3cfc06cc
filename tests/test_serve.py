"""`tkiros serve`: a real Oxigraph SPARQL server over the graph, queried through `tkiros query --endpoint`.

Every saved query gives the same rows through the endpoint as on the embedded store; updates are
refused; the server listens on loopback only; a runaway query is cut by the time limit; a dead, slow,
HTML-speaking or truncating endpoint gives one line and exit 2 (local http.server stubs on loopback).
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

from cli_helpers import invoke
from tkiros.errors import TkirosError
from tkiros.query.queries import list_queries
from tkiros.serve.network import free_port
from tkiros.serve.server import Server, oxigraph_binary, serving

ROOT = Path(__file__).resolve().parent.parent
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
TKIROS = [sys.executable, "-m", "tkiros.cli"]
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Two copies of the whole graph joined with nothing in common: about 470 million rows to count.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
SERVER_TIME_LIMIT = 2


def sparql(endpoint: str, query: str, timeout: float = 30) -> dict:
    req = Request(
        endpoint,
        data=query.encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    with urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())


def count_triples(endpoint: str) -> int:
    return int(sparql(endpoint, COUNT_ALL)["results"]["bindings"][0]["n"]["value"])


def normalised_bindings(json_text: str) -> list[str]:
    """SPARQL JSON rows as sorted canonical strings; GROUP_CONCAT cells (' | ') sorted inside."""
    data = json.loads(json_text)
    rows = []
    for b in data["results"]["bindings"]:
        cells = {}
        for var, term in b.items():
            term = dict(term)
            term["value"] = " | ".join(sorted(term["value"].split(" | ")))
            if term.get("type") == "typed-literal":
                term["type"] = "literal"
            cells[var] = term
        rows.append(json.dumps(cells, sort_keys=True))
    return sorted(rows)


# The servers serve the very store the `graph` fixture opened (not whatever open_store() finds later, which
# would differ if a source file changed during the run).
@pytest.fixture(scope="module")
def endpoint(graph):
    with serving(location=graph.path, port=0) as url:
        yield url


@pytest.fixture(scope="module")
def limited_endpoint(graph):
    """A server whose query time limit is short, for the runaway query."""
    with serving(location=graph.path, port=0, timeout_s=SERVER_TIME_LIMIT) as url:
        yield url


def embedded_json(name: str, params: dict, graph) -> str:
    from tkiros.query.queries import run_query

    return run_query(name, params=params, store=graph).to("json")


def test_every_query_file_is_a_case():
    assert len(QUERY_FILES) == len(list_queries()) >= 3


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_same_rows_through_the_endpoint(path, endpoint, graph):
    from test_queries import EXAMPLE_PARAMS

    example = EXAMPLE_PARAMS.get(path.stem, {})
    params = [a for k, v in example.items() for a in ("--param", f"{k}={v}")]
    embedded = embedded_json(path.stem, example, graph)
    served = invoke(["query", path.stem, *params, "--format", "json", "--endpoint", endpoint])
    assert served.exit_code == 0, served.stderr
    assert json.loads(served.stdout)["head"] == json.loads(embedded)["head"]
    assert normalised_bindings(served.stdout) == normalised_bindings(embedded)
    assert normalised_bindings(served.stdout), f"{path.name} returns no rows"


def test_bound_parameter_travels_to_the_endpoint(endpoint):
    everything = invoke(["query", "tkis-raising-ros", "--format", "json", "--endpoint", endpoint])
    one_tki = invoke(
        ["query", "tkis-raising-ros", "--param", "tki=osimertinib", "--format", "json", "--endpoint", endpoint]
    )
    assert one_tki.exit_code == 0, one_tki.stderr
    rows = json.loads(one_tki.stdout)["results"]["bindings"]
    assert 0 < len(rows) < len(json.loads(everything.stdout)["results"]["bindings"])
    assert {r["tki"]["value"] for r in rows} == {"https://w3id.org/tkiros/data/osimertinib"}


@pytest.mark.parametrize("update", ["INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }", "DROP ALL", "CLEAR DEFAULT"])
def test_updates_are_refused_and_change_nothing(update, endpoint, graph):
    base = endpoint.rsplit("/", 1)[0]
    attempts = [
        Request(
            base + "/update", data=update.encode(), method="POST", headers={"Content-Type": "application/sparql-update"}
        ),
        Request(
            base + "/update",
            data=urlencode({"update": update}).encode(),
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        Request(
            base + "/query",
            data=urlencode({"update": update}).encode(),
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        Request(
            base + "/query", data=update.encode(), method="POST", headers={"Content-Type": "application/sparql-query"}
        ),
    ]
    for req in attempts:
        with pytest.raises(HTTPError) as err:
            urlopen(req, timeout=10).read()
        assert 400 <= err.value.code < 500, f"{req.full_url}: {err.value.code}"
    assert count_triples(endpoint) == len(graph)


def test_update_through_tkiros_query_is_refused_before_sending(endpoint, tmp_path, graph):
    rq = tmp_path / "drop.rq"
    rq.write_text("DROP ALL\n")
    res = invoke(["query", str(rq), "--endpoint", endpoint])
    assert res.exit_code == 2 and res.stdout == ""
    assert "read-only" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert count_triples(endpoint) == len(graph)


def test_comment_lines_never_make_a_query_an_update(endpoint, tmp_path):
    # SPARQLWrapper's own guess skipped every other comment line and read "drops" below as DROP
    rq = tmp_path / "commented.rq"
    rq.write_text(
        "# title: a header of several lines\n# question: which cancer drops out?\n# keywords: load, clear, add\n"
        "SELECT ?s WHERE { ?s a <https://w3id.org/tkiros/vocab/Finding> } LIMIT 2\n"
    )
    res = invoke(["query", str(rq), "--format", "json", "--endpoint", endpoint])
    assert res.exit_code == 0, res.stderr
    assert len(json.loads(res.stdout)["results"]["bindings"]) == 2


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port`` (Linux /proc/net/tcp and tcp6)."""
    found = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state = fields[1], fields[3]
            addr_hex, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port:  # 0A = LISTEN
                continue
            raw = bytes.fromhex(addr_hex)
            # /proc prints each 32-bit word in host (little-endian) order.
            raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(socket.inet_ntop(family, raw))
    return found


def test_listens_on_loopback_only_by_default(endpoint):
    port = int(endpoint.rsplit(":", 1)[1].split("/")[0])
    assert Path("/proc/net/tcp").is_file(), "this check reads Linux /proc/net/tcp"
    assert listening_addresses(port) == {"127.0.0.1"}


def test_query_page_files_and_queries_share_kept_alive_connections(endpoint):
    """The query page's files are answers with a Content-Length; each one, and each query after it, arrives
    whole when the relay asks Oxigraph again on the connection that carried the one before."""
    page = endpoint.rsplit("/", 1)[0] + "/"
    sizes = {}
    for round_ in range(3):
        for name in ("", "yasgui.min.css", "yasgui.min.js", "logo.svg"):
            with urlopen(page + name, timeout=30) as resp:
                assert resp.status == 200, (round_, name)
                body = resp.read()
            assert len(body) == int(resp.headers["Content-Length"]) > 0, (round_, name)
            assert sizes.setdefault(name, len(body)) == len(body), (round_, name)
        assert count_triples(endpoint) > 0


def test_runaway_query_is_cut_by_the_time_limit(limited_endpoint, tmp_path, graph):
    endpoint = limited_endpoint
    rq = tmp_path / "runaway.rq"
    rq.write_text(RUNAWAY + "\n")
    started = time.monotonic()
    res = invoke(["query", str(rq), "--endpoint", endpoint, "--timeout", "120"])
    elapsed = time.monotonic() - started
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.startswith("tkiros: error:") and len(res.stderr.strip().splitlines()) == 1
    # Cut by the server's limit (2 s), far before the client's own 120 s: not a hang.
    assert elapsed < 60, f"the runaway query ran {elapsed:.0f} s"
    assert count_triples(endpoint) == len(graph)  # and the server still answers


# --- The command: URL printed, SIGTERM/SIGINT, restart, taken port, missing binary, other locations ------


def start_cli_server(tmp_path: Path, graph, *extra: str) -> tuple[subprocess.Popen, dict]:
    """`tkiros serve` as a process, over the store of the `graph` fixture; returns it and its JSON line."""
    info_file = tmp_path / "endpoint.json"
    proc = subprocess.Popen(
        [
            *TKIROS,
            "serve",
            "--port",
            "0",
            "--location",
            str(graph.path),
            "--format",
            "json",
            "-o",
            str(info_file),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not info_file.is_file():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"tkiros serve did not start: {err}")
        time.sleep(0.1)
    return proc, json.loads(info_file.read_text())


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.is_file() and "\nState:\tZ" in status.read_text())


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_command_prints_endpoint_and_stops_cleanly(stop_signal, tmp_path, graph):
    proc, info = start_cli_server(tmp_path, graph)
    try:
        assert info["endpoint"] == f"http://127.0.0.1:{info['port']}/query" and info["read_only"] is True
        assert count_triples(info["endpoint"]) == len(graph)
        page = urlopen(info["page"], timeout=10).read().decode()
        assert "<html" in page.lower() and "yasgui" in page.lower()
        proc.send_signal(stop_signal)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    deadline = time.monotonic() + 10
    while process_alive(info["pid"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not process_alive(info["pid"]), "the Oxigraph server outlived tkiros serve"


def test_serve_prints_url_on_stdout(tmp_path, graph):
    proc = subprocess.Popen(
        [*TKIROS, "serve", "--port", str(free_port()), "--location", str(graph.path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("http://127.0.0.1:") and line.endswith("/query")
        assert count_triples(line) == len(graph)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    assert proc.returncode == 0


def wait_until_back(endpoint: str, triples: int, seconds: float = 30) -> None:
    """Poll until the endpoint answers with the whole graph again (after its server was restarted)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if count_triples(endpoint) == triples:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, "the endpoint did not come back"
        time.sleep(0.2)


def stop_after_restart(proc: subprocess.Popen, endpoint: str, triples: int) -> str:
    """Wait until the restarted server answers again, stop tkiros serve and return its stderr."""
    try:
        wait_until_back(endpoint, triples)
        proc.terminate()
        return proc.communicate(timeout=30)[1]
    finally:
        if proc.poll() is None:
            proc.kill()


def test_serve_restarts_a_crashed_server(tmp_path, graph):
    proc, info = start_cli_server(tmp_path, graph)
    os.kill(info["pid"], signal.SIGKILL)  # as when Oxigraph aborts on a Rust panic
    err = stop_after_restart(proc, info["endpoint"], len(graph))
    assert "killed by SIGKILL" in err and "restarting" in err
    assert proc.returncode == 0


def test_endpoint_survives_a_query_that_aborts_oxigraph(tmp_path, graph):
    """Oxigraph 0.5.13 aborts on ORDER BY over mixed strings and numbers (a Rust panic); tkiros serve restarts it.
    Whether or not a later Oxigraph still aborts, the endpoint must answer afterwards."""
    proc, info = start_cli_server(tmp_path, graph)
    try:
        sparql(info["endpoint"], "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", timeout=60)
    except OSError:
        pass  # the aborted server closed the connection
    err = stop_after_restart(proc, info["endpoint"], len(graph))
    assert proc.returncode == 0 and "Traceback" not in err


def test_taken_port_is_one_line_and_exit_2(graph):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        res = subprocess.run([*TKIROS, "serve", "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.strip().splitlines() == [
        f"tkiros: error: --port {port}: already in use on 127.0.0.1; stop that server or choose another port (--port 0 picks a free one)"
    ]


def test_missing_oxigraph_binary_is_one_line_and_exit_2(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))
    # A python whose folder has no oxigraph: a symlink to this interpreter in an empty folder.
    python = tmp_path / "python"
    python.symlink_to(sys.executable)
    code = "import sys; sys.executable = sys.argv.pop(1); from tkiros.cli import main; main()"
    res = subprocess.run(
        [sys.executable, "-c", code, str(python), "serve", "--port", "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.strip().splitlines() == [
        "tkiros: error: the Oxigraph server is not installed (no 'oxigraph' beside python or on PATH); install it with: pip install oxigraph"
    ]


def test_oxigraph_binary_is_found_beside_python():
    assert Path(oxigraph_binary()).parent in (
        Path(sys.executable).parent,
        *map(Path, os.environ.get("PATH", "").split(os.pathsep)),
    )


@pytest.mark.parametrize(
    "bad",
    [
        ["--timeout", "0"],
        ["--timeout", "inf"],
        ["--timeout", "nan"],
        ["--port", "70000"],
        ["--host", "no-such-host.invalid"],
        ["--location", "no/such/folder"],
    ],
)
def test_bad_options_are_one_line_and_exit_2(bad):
    res = subprocess.run([*TKIROS, "serve", *bad], capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tkiros: error: ") and bad[0] in lines[0]


def test_serves_a_release_folder(tmp_path, graph):
    from tkiros.store.store import export_ntriples

    release = tmp_path / "release"
    release.mkdir()
    (release / "tkiros.nt").write_bytes(export_ntriples(graph))
    with serving(location=release, port=0) as url:
        assert count_triples(url) == len(graph)
        res = invoke(["query", "tkis-raising-ros", "--format", "json", "--endpoint", url])
        assert normalised_bindings(res.stdout) == normalised_bindings(embedded_json("tkis-raising-ros", {}, graph))


def test_serves_a_turtle_file(tmp_path):
    ttl = tmp_path / "small.ttl"
    ttl.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c , ex:d .\nex:e ex:b "f" .\n')
    with serving(location=ttl, port=0) as url:
        assert count_triples(url) == 3


def test_malformed_turtle_names_file_and_line(tmp_path):
    ttl = tmp_path / "broken.ttl"
    ttl.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n")
    with pytest.raises(TkirosError) as err:
        Server(location=ttl, port=0)
    assert f"{ttl}:3" in err.value.message and "malformed RDF" in err.value.message


# --- A bad endpoint: down, slow, HTML, truncated JSON, server error --------------------------------------


class StubHandler(http.server.BaseHTTPRequestHandler):
    """Answers every request as its server's ``mode`` says."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        mode = self.server.mode
        if mode == "slow":
            time.sleep(5)
            body, ctype, status = (
                b'{"head":{"vars":[]},"results":{"bindings":[]}}',
                "application/sparql-results+json",
                200,
            )
        elif mode == "html":
            body, ctype, status = b"<!DOCTYPE html><html><body>Login required</body></html>", "text/html", 200
        elif mode == "truncated":
            body = b'{"head":{"vars":["finding"]},"results":{"bindings":[{"finding":{"type":"uri","value":"https://w3id.org/tk'
            ctype, status = "application/sparql-results+json", 200
        else:  # "error"
            body, ctype, status = b"internal error", "text/plain", 500
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up first (the slow case)
            pass

    do_GET = do_POST

    def log_message(self, *args):
        pass


@pytest.fixture
def stub():
    servers = []

    def make(mode: str) -> str:
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StubHandler)
        srv.mode = mode
        srv.daemon_threads = True
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}/sparql"

    yield make
    for srv in servers:
        srv.shutdown()
        srv.server_close()


@pytest.mark.parametrize("mode", ["down", "slow", "html", "truncated", "error"])
def test_bad_endpoint_is_one_line_exit_2_and_no_output(mode, stub, tmp_path, graph):
    url = f"http://127.0.0.1:{free_port()}/query" if mode == "down" else stub(mode)
    out = tmp_path / "rows.tsv"
    res = subprocess.run(
        [*TKIROS, "query", "tkis-raising-ros", "--endpoint", url, "--timeout", "1", "--format", "tsv"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 2, res.stderr
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"tkiros: error: --endpoint {url}: "), res.stderr
    assert "Traceback" not in res.stderr
    res = subprocess.run(
        [*TKIROS, "query", "tkis-raising-ros", "--endpoint", url, "--timeout", "1", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 2 and not out.exists() and list(tmp_path.iterdir()) == []


# --- Federation: our graph joined with the import modules on a second endpoint (docs/serving.md) --------

DOCS = ROOT / "docs" / "serving.md"
DOC_SERVICE = "http://127.0.0.1:7879/query"


def federated_query_from_docs() -> str:
    """The ```sparql block of docs/serving.md that uses SERVICE (so the documented query is the tested one)."""
    import re

    blocks = re.findall(r"```sparql\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    found = [b for b in blocks if f"SERVICE <{DOC_SERVICE}>" in b]
    assert len(found) == 1, "docs/serving.md must hold exactly one federated (SERVICE) query"
    return found[0]


def test_federated_query_joins_our_graph_with_the_import_modules(graph, tmp_path):
    import pyoxigraph as ox

    imports = ox.Store()
    for name in ("chebi_import.ttl", "go_import.ttl"):
        imports.load(path=str(ROOT / "ontology" / "imports" / name), format=ox.RdfFormat.TURTLE)
    modules = tmp_path / "imports.nt"
    modules.write_bytes(
        ox.serialize(imports.quads_for_pattern(None, None, None, ox.DefaultGraph()), format=ox.RdfFormat.N_TRIPLES)
    )
    text = federated_query_from_docs()
    with (
        serving(location=modules, port=0) as imports_endpoint,
        serving(location=graph.path, port=0, federation=True) as federating,
    ):  # federation is off by default
        rq = tmp_path / "federated.rq"
        rq.write_text(text.replace(DOC_SERVICE, imports_endpoint))
        federated = invoke(["query", str(rq), "--format", "json", "--endpoint", federating])
    assert federated.exit_code == 0, federated.stderr
    # The same join on one store that holds both (the compiled store includes the import modules).
    local = tmp_path / "local.rq"
    local.write_text(text.replace(f"SERVICE <{DOC_SERVICE}>", ""))
    joined = embedded_json(str(local), {}, graph)
    rows = normalised_bindings(federated.stdout)
    assert rows == normalised_bindings(joined)
    terms = {json.loads(r)["term"]["value"].rsplit("/", 1)[1].split("_")[0] for r in rows}
    assert terms == {"CHEBI", "GO"}, f"the federated answer should join both ChEBI and GO terms, got {terms}"


# --- Issue 15: SERVICE off by default, the time limit as an error status, the core freed ------------------


def http_status(endpoint: str, query: str, timeout: float = 60) -> tuple[int, str]:
    from urllib.error import HTTPError

    req = Request(
        endpoint,
        data=urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")


def test_service_is_refused_by_the_server_unless_federation(endpoint):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    target = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    status, body = http_status(endpoint, f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}")
    assert status == 403 and "SERVICE" in body and "--federation" in body
    with pytest.raises(socket.timeout):
        listener.accept()  # the server never called out
    listener.close()


def test_query_over_the_limit_is_an_error_status_and_frees_the_server(limited_endpoint, graph):
    started = time.monotonic()
    status, body = http_status(limited_endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert status == 503 and "time limit" in body, (status, body[:200])
    assert time.monotonic() - started < 30
    assert count_triples(limited_endpoint) == len(graph)
    status, body = http_status(
        limited_endpoint, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
    )  # a streamed answer cut by the limit: never a broken 200
    assert status == 503 and "time limit" in body, (status, body[:200])
