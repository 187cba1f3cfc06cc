"""Every saved query gives the same rows on every engine of tkiros.query.engines.ENGINES: the embedded
Oxigraph store, rdflib (plain SPARQL 1.1) and a SPARQL endpoint (a pyoxigraph-backed HTTP server on
127.0.0.1 that really evaluates the query); --inferred works on each engine or is refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tkiros.errors import TkirosError
from tkiros.query.engines import ENGINES
from tkiros.query.queries import run_query

ROOT = Path(__file__).resolve().parent.parent
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))


def normalised(result) -> list[tuple]:
    """Rows as sorted tuples of strings; GROUP_CONCAT cells (' | ') sorted inside, as engines order them freely."""
    rows = []
    for row in result.rows:
        rows.append(tuple(" | ".join(sorted(t.value.split(" | "))) if t is not None else "" for t in row))
    return sorted(rows)


def params_for(path: Path) -> dict:
    from test_queries import EXAMPLE_PARAMS

    return EXAMPLE_PARAMS.get(path.stem, {})


def test_every_query_file_is_a_case():
    assert len(QUERY_FILES) >= 3


@pytest.fixture(scope="module")
def endpoint(graph):
    """A SPARQL 1.1 protocol endpoint over the embedded store: pyoxigraph evaluates, JSON results."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs

    import pyoxigraph as ox

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
            kind = self.headers.get("Content-Type", "")
            text = body if kind.startswith("application/sparql-query") else parse_qs(body)["query"][0]
            try:
                answer = graph.store.query(text).serialize(format=ox.QueryResultsFormat.JSON)
                code = 200
            except SyntaxError as err:
                answer, code = str(err).encode("utf-8"), 400
            self.send_response(code)
            self.send_header("Content-Type", "application/sparql-results+json" if code == 200 else "text/plain")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/query"
    server.shutdown()


def test_every_engine_is_tested():
    assert set(ENGINES) == {"oxigraph", "rdflib", "endpoint"}


@pytest.mark.parametrize("engine", sorted(set(ENGINES) - {"oxigraph"}))
@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_same_rows_on_every_engine(path, engine, graph, endpoint):
    ox_result = run_query(str(path), params=params_for(path), store=graph)
    other = run_query(
        str(path),
        params=params_for(path),
        store=graph,
        engine=engine,
        endpoint=endpoint if engine == "endpoint" else None,
    )
    assert ox_result.variables == other.variables
    assert normalised(ox_result) == normalised(other)
    assert ox_result.rows, f"{path.stem} gives no row with its example parameters: the comparison would prove nothing"


INDUCERS = "PREFIX tkiros: <https://w3id.org/tkiros/vocab/>\nSELECT ?x WHERE { ?x a tkiros:FerroptosisInducer }\n"


def test_inferred_on_every_engine(tmp_path, graph, endpoint):
    """--inferred answers on the reasoned graph with oxigraph and rdflib (rdflib once answered on the asserted
    graph, silently); an endpoint, which answers from its own graph, refuses it in one line."""
    rq = tmp_path / "inducers.rq"
    rq.write_text(INDUCERS, encoding="utf-8")
    asserted = run_query(str(rq), store=graph, engine="rdflib")
    inferred = {
        engine: normalised(run_query(str(rq), engine=engine, inferred=True)) for engine in ("oxigraph", "rdflib")
    }
    assert not asserted.rows  # a defined class: only a reasoner classifies into it
    assert inferred["oxigraph"] and inferred["rdflib"] == inferred["oxigraph"]
    with pytest.raises(TkirosError, match=r"--inferred cannot apply to an endpoint"):
        run_query(str(rq), endpoint=endpoint, inferred=True)


def test_rdflib_runs_unpatched():
    """The rows above come from the rdflib a user installs: tkiros patches none of its SPARQL code."""
    import rdflib.plugins.sparql.aggregates as aggregates

    import tkiros.query.engines.naive  # noqa: F401

    assert aggregates.Accumulator.use_row.__module__ == "rdflib.plugins.sparql.aggregates"
    assert not getattr(aggregates.Accumulator.use_row, "_tkiros_patched", False)
