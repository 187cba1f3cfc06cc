"""Bad input fails safely: one line, exit 2, nothing executed that the user did not write."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_helpers import copy_project, invoke
from tkiros.errors import TkirosError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def home(tmp_path, monkeypatch):
    h = copy_project(tmp_path / "home")
    monkeypatch.setenv("TKIROS_HOME", str(h))
    return h


def one_line_error(res, *needles):
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tkiros: error:"), res.output
    assert "Traceback" not in res.output
    for n in needles:
        assert n in lines[0], (n, lines[0])


def test_conflicting_labels_across_files_name_both_files(home):
    (home / "instances" / "zz-typo.ttl").write_text(
        '@prefix tkd: <https://w3id.org/tkiros/data/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
        'tkd:gefitinib rdfs:label "gefitnib"@en .\n')
    res = invoke(["stats"])
    one_line_error(res, "tkd:gefitinib", "conflicting labels", "instances/entities.ttl", "instances/zz-typo.ttl")


def test_span_beyond_the_seed_is_an_input_error(home):
    (home / "instances" / "zz-span.ttl").write_text(
        "@prefix tkiros: <https://w3id.org/tkiros/vocab/> . @prefix tkd: <https://w3id.org/tkiros/data/> .\n"
        "@prefix oa: <http://www.w3.org/ns/oa#> .\n"
        'tkd:zz-s01 a tkiros:SeedSpan ; tkiros:inSeed tkd:seed-preprint ; oa:start 2300 ; oa:end 9999 ; oa:exact "x" .\n')
    res = invoke(["query", "tkis-raising-ros"])
    one_line_error(res, "tkd:zz-s01", "exceeds", "002_173859a5a6e9b201.txt")


def test_seed_changed_after_curation_names_seed_and_findings(home):
    seed = home / "seeds" / "002_173859a5a6e9b201.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("Nuclear factor", "Nuclear  factor", 1), encoding="utf-8")
    res = invoke(["validate"])
    one_line_error(res, "002_173859a5a6e9b201.txt", "changed after curation", "tkd:pre-f")


def test_seed_is_never_modified_by_a_failed_run(home):
    seed = home / "seeds" / "000_d5f8ed2bf1a7bc40.txt"
    before = seed.read_bytes()
    (home / "instances" / "broken.ttl").write_text("this is not turtle")
    invoke(["validate"])
    assert seed.read_bytes() == before
    assert (home / "instances" / "broken.ttl").read_text() == "this is not turtle"


def test_sparql_syntax_error_shows_position(tmp_path):
    q = tmp_path / "bad.rq"
    q.write_text("PREFIX x: <http://x/>\nSELECT ?a WHERE {\n  ?a x:b\n}\n")
    one_line_error(invoke(["query", str(q)]), "bad.rq:4:", "SPARQL syntax error")


def test_non_utf8_query_file(tmp_path):
    q = tmp_path / "latin1.rq"
    q.write_bytes(b"SELECT * WHERE { ?s ?p \"caf\xe9\" }")
    one_line_error(invoke(["query", str(q)]), "latin1.rq", "not UTF-8")


@pytest.mark.parametrize("value", ['"} ; DROP ALL ; {', "x> } DROP ALL { <y", "<http://example.org/a b>", "'\"\\", "a" * 5000, "\udcff\udcfe"])
def test_injection_attempts_are_rejected_or_bound(value):
    res = invoke(["query", "tkis-raising-ros", "--param", f"tki={value}"])
    one_line_error(res, "--param tki=")


class RecordingStore:
    """Wraps the store and records the SPARQL text every query call receives."""

    def __init__(self, store):
        self.store, self.texts = store, []

    def query(self, text, **kw):
        self.texts.append(text)
        return self.store.query(text, **kw)

    def quads_for_pattern(self, *a):
        return self.store.quads_for_pattern(*a)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(max_size=200))
def test_parameter_values_never_change_the_query_text(value, tmp_path_factory, graph):
    from tkiros.queries import get_query, run_query

    folder = tmp_path_factory.mktemp("q")
    path = folder / "by-label.rq"
    path.write_text("# title: t\n# question: q\n# param: label (string) optional: any text\n# keywords: k\n"
                    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                    "SELECT ?label ?s WHERE { ?s rdfs:label ?l . FILTER(STR(?l) = STR(?label)) }\n")
    text = get_query(str(path)).text
    rec = RecordingStore(graph.store)
    try:
        result = run_query(str(path), params={"label": value}, store=rec)
        assert all(row[0].value == value for row in result.rows)
    except TkirosError as err:
        assert "--param label" in err.message
    assert rec.texts in ([], [text]), "the query text sent to the engine must be the file's text, unchanged"


@settings(max_examples=60, deadline=None)
@given(value=st.text(max_size=120))
def test_entity_parameter_values_resolve_or_fail_cleanly(value, graph):
    from tkiros.queries import run_query

    try:
        res = run_query("tkis-raising-ros", params={"tki": value}, store=graph)
        assert res.variables[1] == "tki"
    except TkirosError as err:
        assert err.message.startswith("--param tki=")
