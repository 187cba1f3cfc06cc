"""Bad input fails safely: one line, exit 2, nothing executed that the user did not write."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
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
        "@prefix tkd: <https://w3id.org/tkiros/data/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'tkd:gefitinib rdfs:label "gefitnib"@en .\n'
    )
    res = invoke(["stats"])
    one_line_error(res, "tkd:gefitinib", "conflicting labels", "instances/entities.ttl", "instances/zz-typo.ttl")


def test_span_beyond_the_seed_is_an_input_error(home):
    (home / "instances" / "zz-span.ttl").write_text(
        "@prefix tkiros: <https://w3id.org/tkiros/vocab/> . @prefix tkd: <https://w3id.org/tkiros/data/> .\n"
        "@prefix oa: <http://www.w3.org/ns/oa#> .\n"
        'tkd:zz-s01 a tkiros:SeedSpan ; tkiros:inSeed tkd:seed-preprint ; oa:start 2300 ; oa:end 9999 ; oa:exact "x" .\n'
    )
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
    q.write_bytes(b'SELECT * WHERE { ?s ?p "caf\xe9" }')
    one_line_error(invoke(["query", str(q)]), "latin1.rq", "not UTF-8")


@pytest.mark.parametrize(
    "value",
    ['"} ; DROP ALL ; {', "x> } DROP ALL { <y", "<http://example.org/a b>", "'\"\\", "a" * 5000, "\udcff\udcfe"],
)
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
    from tkiros.query.queries import get_query, run_query

    folder = tmp_path_factory.mktemp("q")
    path = folder / "by-label.rq"
    path.write_text(
        "# title: t\n# question: q\n# param: label (string) optional: any text\n# keywords: k\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?label ?s WHERE { ?s rdfs:label ?l . FILTER(STR(?l) = STR(?label)) }\n"
    )
    text = get_query(str(path)).text
    rec = RecordingStore(graph.store)
    from unittest import mock

    try:
        # evaluated in this process (not a forked child) so that the recording store sees the text
        with mock.patch("tkiros.query.isolate.run_isolated", lambda fn, timeout, where: fn()):
            result = run_query(str(path), params={"label": value}, store=rec)
        assert all(row[0].value == value for row in result.rows)
    except TkirosError as err:
        assert "--param label" in err.message
    assert rec.texts in ([], [text]), "the query text sent to the engine must be the file's text, unchanged"


@settings(max_examples=60, deadline=None)
@given(value=st.text(max_size=120))
def test_entity_parameter_values_resolve_or_fail_cleanly(value, graph):
    from tkiros.query.queries import run_query

    try:
        res = run_query("tkis-raising-ros", params={"tki": value}, store=graph)
        assert res.variables[1] == "tki"
    except TkirosError as err:
        assert err.message.startswith("--param tki=")


# --- Issue 15: one test per case of the catalogue (docs: README "Errors") --------------------------------

TKIROS = [sys.executable, "-c", "from tkiros.cli import main; main()"]
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n"


def rq(tmp_path, text, name="q.rq"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# 1. -o never replaces a symlink, a device, a read-only file, the query being run; keeps a file's mode
def test_case01_output_writes_through_a_symlink_and_keeps_modes(tmp_path):
    target = tmp_path / "real.tsv"
    target.write_text("old")
    link = tmp_path / "link.tsv"
    link.symlink_to(target)
    assert invoke(["queries", "-o", str(link)]).exit_code == 0
    assert link.is_symlink() and "tkis-raising-ros" in target.read_text()
    private = tmp_path / "private.txt"
    private.write_text("old")
    private.chmod(0o600)
    assert invoke(["queries", "-o", str(private)]).exit_code == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o600 and "tkis-raising-ros" in private.read_text()


def test_case01_output_onto_a_device_is_written_through(tmp_path):
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    device = stat.S_ISCHR(os.stat("/dev/null").st_mode)  # (another process on this machine may have broken it)
    assert invoke(["queries", "-o", str(link)]).exit_code == 0
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode) == device
    if os.path.exists("/dev/full"):
        one_line_error(invoke(["queries", "-o", "/dev/full"]), "-o /dev/full", "No space left")
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_case01_output_refuses_read_only_files_and_the_query_file(tmp_path):
    ro = tmp_path / "ro.txt"
    ro.write_text("keep")
    ro.chmod(0o444)
    one_line_error(invoke(["queries", "-o", str(ro)]), "read-only")
    assert ro.read_text() == "keep"
    q = rq(tmp_path, "SELECT (1 AS ?one) WHERE {}\n")
    one_line_error(invoke(["query", q, "-o", q]), "query file being run")
    assert Path(q).read_text().startswith("SELECT")


# 2. a missing or empty source folder is an input error, never an empty graph that conforms
def test_case02_missing_or_empty_instances(home):
    import shutil

    shutil.rmtree(home / "instances")
    one_line_error(invoke(["validate"]), "instances/", "missing source folder")
    (home / "instances").mkdir()
    one_line_error(invoke(["query", "tkis-raising-ros"]), "instances/", "no Turtle")


def test_case02_sources_without_findings(home):
    for f in (home / "instances").glob("*.ttl"):
        f.write_text("")
    one_line_error(invoke(["stats"]), "no tkiros:Finding")


# 3. the cached store is keyed by exactly what was loaded
def test_case03_source_edited_during_the_build_is_not_cached(home, monkeypatch):
    from tkiros.store import store as st

    original = st.compile_into
    edited = home / "instances" / "zz-late.ttl"

    def compile_then_edit(store, root, instances=None):
        result = original(store, root, instances)
        edited.write_text("# an edit that lands while the store is being built\n")
        return result

    (home / "instances" / "zz-unique.ttl").write_text(f"# {home}\n")  # a digest no other test has built
    monkeypatch.setattr(st, "compile_into", compile_then_edit)
    digest = st.sources_digest(home)
    with pytest.raises(TkirosError, match="changed while"):
        st.open_store(home)
    assert not (st.cache_dir() / f"store-{digest[:24]}" / ".complete").exists()


# 4-5. publish --out: never inside the sources; a symlink's target is written, the link stays
def test_case04_publish_into_the_sources_is_refused(home):
    one_line_error(
        invoke(["publish", "--out", str(home / "instances" / "release"), "--no-reasoner"]),
        "inside the source folder instances/",
    )
    assert not (home / "instances" / "release").exists()


def test_case05_publish_onto_a_symlink_uses_its_target(home, tmp_path):
    from tkiros.release.publish import check_out_folder

    real = tmp_path / "releases" / "r1"
    real.parent.mkdir()
    link = tmp_path / "current"
    link.symlink_to(real)
    assert check_out_folder(link, home) == real


# 6. SERVICE (federation) is refused unless asked for
def test_case06_service_is_refused_by_default(tmp_path):
    from tkiros.rqfile import allow_federation, check_read_only

    q = rq(tmp_path, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }\n")
    one_line_error(invoke(["query", q]), "SERVICE", "--federation")
    check_read_only("SELECT ?service WHERE { ?s <http://x/SERVICE> ?service } # SERVICE <x>\n", "q")  # no false alarm
    allow_federation(True)
    try:
        check_read_only(Path(q).read_text(), "q")
    finally:
        allow_federation(False)


@pytest.mark.parametrize(
    "text",
    [
        "# a header\nDROP ALL",
        "# title: x\n# question: y\nPREFIX a: <x:>\nINSERT DATA { <x:s> <x:p> <x:o> }",
        "#c\nclear default",
    ],
)
def test_case06_an_update_after_comments_is_refused(text):
    from tkiros.errors import TkirosError
    from tkiros.rqfile import check_read_only

    with pytest.raises(TkirosError, match="read-only"):
        check_read_only(text, "q")


def test_case06_every_saved_query_reads_as_a_query_form():
    # the form is read past the header comments (the endpoint is told it, not left to guess)
    from tkiros.query.queries import list_queries
    from tkiros.rqfile import QUERY_FORMS, query_form

    saved = list_queries()
    assert saved and {q.name: query_form(q.text) for q in saved} == {q.name: "SELECT" for q in saved}
    assert query_form("SELECT*{?s ?p ?o}") == query_form("select?s{?s ?p ?o}") == "SELECT"
    assert query_form("# c\nASK { ?s ?p ?o }") == "ASK" and "ASK" in QUERY_FORMS


# 7. seed paths resolve inside seeds/, a sha256 is required
@pytest.mark.parametrize(
    "edit, needle",
    [
        (lambda t: t.replace('"000_d5f8ed2bf1a7bc40.txt"', '"../../etc/hostname"'), "outside seeds/"),
        (lambda t: re.sub(r";\s*tkiros:sha256\s+\"[0-9a-f]+\"", "", t), "no tkiros:sha256"),
    ],
)
def test_case07_seed_metadata_is_pinned(home, edit, needle):
    meta = home / "seeds" / "000_d5f8ed2bf1a7bc40.meta.ttl"
    text = meta.read_text(encoding="utf-8")
    changed = edit(text)
    assert changed != text
    meta.write_text(changed, encoding="utf-8")
    one_line_error(invoke(["stats"]), needle)


# 8. an Oxigraph panic (ORDER BY over mixed types) is one line and exit 2, and tkiros lives on
def mixed_order_by(n: int = 200) -> str:
    """ORDER BY over numbers, strings, NaN and ill-typed literals: Oxigraph 0.5.13 panics on this one."""
    import random

    rnd, xsd = random.Random(1), "http://www.w3.org/2001/XMLSchema#"
    kinds = [
        lambda i: str(rnd.randrange(100)),
        lambda i: f'"{rnd.randrange(100)}"',
        lambda i: f'"NaN"^^<{xsd}double>',
        lambda i: f'"abc{i}"^^<{xsd}integer>',
        lambda i: f"{rnd.random():.3f}",
        lambda i: f'"{rnd.randrange(100)}"@en',
    ]
    return "SELECT ?o WHERE { VALUES ?o { " + " ".join(kinds[i % 6](i) for i in range(n)) + " } } ORDER BY ?o\n"


def test_case08_engine_panic_is_an_error(tmp_path):
    q = rq(tmp_path, mixed_order_by())
    one_line_error(invoke(["query", q]), "q.rq", "crashed")
    after = invoke(["query", "tkis-raising-ros"])
    assert after.exit_code == 0, after.output[-300:]


# 9. a store in use (a server) is never pruned
def test_case09_stores_in_use_are_not_pruned(tmp_path, monkeypatch):
    from tkiros.store import store as st

    folders = []
    for i in range(5):
        f = tmp_path / f"store-{i}"
        f.mkdir()
        os.utime(f, (1000 + i, 1000 + i))
        folders.append(f)
    st.hold(folders[0])
    st._prune(folders[4])
    assert folders[0].is_dir() and not folders[1].exists() and folders[3].is_dir()


# 11. --timeout, --max-rows; Ctrl-C ends a query within a second with exit 130
def test_case11_time_and_row_limits(tmp_path):
    q = rq(tmp_path, CARTESIAN)
    started = time.monotonic()
    one_line_error(invoke(["query", q, "--timeout", "1"]), "stopped after 1 s", "--timeout")
    assert time.monotonic() - started < 15
    one_line_error(invoke(["query", q, "--max-rows", "10"]), "more than 10 rows", "--max-rows")
    one_line_error(invoke(["query", "tkis-raising-ros", "--timeout", "nan"]), "--timeout")
    assert invoke(["query", "tkis-raising-ros", "--timeout", "inf"]).exit_code == 0


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_case11_ctrl_c_ends_a_long_query(tmp_path, sig, code):
    q = rq(tmp_path, CARTESIAN)
    proc = subprocess.Popen(
        TKIROS + ["query", q, "--timeout", "120", "--max-rows", "100000000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(4)
    assert proc.poll() is None
    proc.send_signal(sig)
    sent = time.monotonic()
    err = proc.communicate(timeout=30)[1].decode()
    assert proc.returncode == code and time.monotonic() - sent < 1.5, (proc.returncode, err)
    assert "Traceback" not in err


# 12. --endpoint --timeout bounds the whole call, not each read
def test_case12_trickling_endpoint_is_cut(tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def trickle():
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 1000\r\n\r\n"
        )
        try:
            for _ in range(40):
                conn.sendall(b" ")
                time.sleep(0.5)
        except OSError:
            pass
        conn.close()

    threading.Thread(target=trickle, daemon=True).start()
    started = time.monotonic()
    res = invoke(["query", "tkis-raising-ros", "--endpoint", f"http://127.0.0.1:{port}/query", "--timeout", "2"])
    one_line_error(res, "no complete answer within 2 s")
    assert time.monotonic() - started < 8
    server.close()


# 13. children die with their parent; folders of killed builds are swept
def test_case13_child_dies_with_its_parent():
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys\nfrom tkiros.procs import child_kwargs\n"
            "p = subprocess.Popen(['sleep', '60'], **child_kwargs())\nprint(p.pid, flush=True)\n"
            "import time; time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
    )
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    for _ in range(50):
        try:
            os.kill(child, 0)
            with open(f"/proc/{child}/stat") as fh:
                if fh.read().split()[2] == "Z":
                    break
        except (ProcessLookupError, FileNotFoundError):
            break
        time.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the child outlived its parent")


def test_case13_stale_build_folders_are_swept(tmp_path):
    from tkiros.procs import sweep

    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".building-{dead.pid}-abc"
    stale.mkdir()
    mine = tmp_path / f".building-{os.getpid()}-abc"
    mine.mkdir()
    sweep(tmp_path, ".building-*")
    assert not stale.exists() and mine.exists()


# 14. a corrupt cache is reported in one line and rebuilt: store files, CURRENT, bit-rot, truncated JSON
def _truncate(path, size=100):
    with open(path, "r+b") as fh:
        fh.truncate(size)


def _flip_byte(path):
    with open(path, "r+b") as fh:
        fh.seek(path.stat().st_size // 2)
        byte = fh.read(1)
        fh.seek(-1, 1)
        fh.write(bytes([byte[0] ^ 0xFF]))


def _largest_sst(folder):
    return sorted(folder.glob("*.sst"), key=lambda p: p.stat().st_size)[-1]


STORE_DAMAGE = {
    "truncated-sst": lambda d: _truncate(_largest_sst(d)),
    "missing-CURRENT": lambda d: (d / "CURRENT").unlink(),
    "bit-rot": lambda d: _flip_byte(_largest_sst(d)),
    "truncated-manifest-json": lambda d: _truncate(d / ".complete", 20),
}
REASONING_DAMAGE = {
    "truncated-result-json": lambda d: _truncate(d / "result.json", 20),
    "result-json-not-an-object": lambda d: (d / "result.json").write_text("[]\n"),
    "truncated-inferred-nt": lambda d: _truncate(d / "inferred.nt", 200),
    "inferred-db-missing-CURRENT": lambda d: (d / "db" / "CURRENT").unlink(),
}


@pytest.mark.parametrize("kind", sorted(STORE_DAMAGE))
def test_case14_corrupt_store_is_rebuilt(home, tmp_path, monkeypatch, kind):
    from tkiros.store.store import open_store

    monkeypatch.setenv("TKIROS_CACHE", str(tmp_path / "cache"))
    STORE_DAMAGE[kind](open_store(home).path)
    res = invoke(["stats"])
    assert res.exit_code == 0, res.output
    said = [ln for ln in res.output.splitlines() if "is damaged" in ln]
    assert len(said) == 1 and "rebuilding" in said[0] and "Traceback" not in res.output, res.output
    again = invoke(["stats"])
    assert again.exit_code == 0 and "damaged" not in again.output, again.output


@pytest.mark.parametrize("kind", sorted(REASONING_DAMAGE))
def test_case14_corrupt_reasoning_cache_is_recomputed(home, tmp_path, monkeypatch, kind):
    monkeypatch.setenv("TKIROS_CACHE", str(tmp_path / "cache"))
    first = invoke(["reason", "--inferred-only", "-o", str(tmp_path / "first.nt")])
    assert first.exit_code == 0, first.output
    [cached] = (tmp_path / "cache").glob("inferred-fast-*")
    REASONING_DAMAGE[kind](cached)
    res = invoke(["reason", "--inferred-only", "-o", str(tmp_path / "second.nt")])
    assert res.exit_code == 0, res.output
    said = [ln for ln in res.output.splitlines() if "is damaged" in ln]
    assert len(said) == 1 and "reasoning result" in said[0] and "rebuilding" in said[0], res.output
    assert (tmp_path / "second.nt").read_bytes() == (tmp_path / "first.nt").read_bytes()
    assert "cached" in invoke(["reason", "--inferred-only", "-o", str(tmp_path / "third.nt")]).output


# 15. one non-UTF-8 saved query breaks only itself, and is named
def test_case15_non_utf8_saved_query_is_named(home):
    (home / "queries" / "zz-latin1.rq").write_bytes(b"# title: caf\xe9\nSELECT * WHERE { ?s ?p ?o } LIMIT 1\n")
    assert invoke(["query", "tkis-raising-ros"]).exit_code == 0
    one_line_error(invoke(["queries"]), "queries/zz-latin1.rq", "not UTF-8")


# 16. the query form is read by the grammar: PREFIX add: / copy: is a prefix, not an update
def test_case16_prefix_named_like_an_update_keyword(tmp_path):
    q = rq(tmp_path, "PREFIX add: <http://x/>\nPREFIX copy: <http://y/>\nSELECT (1 AS ?one) WHERE { }\n")
    res = invoke(["query", q])
    assert res.exit_code == 0, res.output
    one_line_error(
        invoke(["query", rq(tmp_path, "PREFIX select: <http://x/>\nDROP ALL\n", "d.rq")]), "SPARQL Update (DROP)"
    )


# 17. a syntax error in a rule is one line
def test_case17_rule_syntax_error_is_one_line(home):
    (home / "ontology" / "rules" / "99-bad.rq").write_text("CONSTRUCT { ?s ?p ?o } WHERE {\n ?s ?p \n}\n")
    one_line_error(invoke(["stats"]), "ontology/rules/99-bad.rq:", "malformed SPARQL rule")


# 18. messages name the user's path, not a Python exception; a BOM is accepted
def test_case18_byte_order_mark_is_accepted(home):
    f = home / "instances" / "entities.ttl"
    f.write_bytes(b"\xef\xbb\xbf" + f.read_bytes())
    assert invoke(["stats"]).exit_code == 0


def test_case18_folder_named_like_a_turtle_file(home):
    (home / "instances" / "x.ttl").mkdir()
    res = invoke(["stats"])
    one_line_error(res, "instances/x.ttl", "is a folder")
    assert str(home) not in res.output


def test_case18_folders_given_as_files(tmp_path):
    (tmp_path / "d.rq").mkdir()
    one_line_error(invoke(["query", str(tmp_path / "d.rq")]), "is a folder, not a query file")
    one_line_error(invoke(["queries", "-o", str(tmp_path / "newdir") + "/"]), "names a folder")
    assert not (tmp_path / "newdir").exists()


# 8. a quoted number in a seed's metadata does not abort `tkiros coverage`
def test_case08_quoted_offset_in_seed_metadata(home):
    meta = home / "seeds" / "000_d5f8ed2bf1a7bc40.meta.ttl"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace("tkiros:startOffset 206 ;", 'tkiros:startOffset "206" ;', 1), encoding="utf-8")
    res = invoke(["coverage"])
    assert res.exit_code == 0 and "Traceback" not in res.output, res.output[-500:]
    meta.write_text(text.replace("tkiros:startOffset 206 ;", 'tkiros:startOffset "two" ;', 1), encoding="utf-8")
    one_line_error(invoke(["coverage"]), "offset 'two' is not an integer")


# 11. a slow check in shapes/ is stopped with a message naming it
def test_case11_slow_shape_constraint_is_stopped(monkeypatch):
    from tkiros.checks import validate as v

    monkeypatch.setattr(v, "CONSTRAINT_TIMEOUT_S", 1.0)
    record = {
        "name": "slow-check",
        "classes": [],
        "nodes": ["https://w3id.org/tkiros/data/gefitinib"],
        "prefixes": [],
        "message": "m",
        "severity": "Violation",
        "select": "SELECT $this ?value WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . BIND(?c AS ?value) }",
    }
    from tkiros.store.store import open_store

    started = time.monotonic()
    with pytest.raises(TkirosError, match="slow-check: stopped after 1 s"):
        v.run_sparql_constraints([record], open_store().store)
    assert time.monotonic() - started < 15


def _java_children(pid: int) -> list[int]:
    found = []
    for proc_stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = proc_stat.read_text().rsplit(")", 1)[1].split()
            comm = proc_stat.read_text().split("(", 1)[1].rsplit(")", 1)[0]
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and comm == "java":
            found.append(int(proc_stat.parent.name))
    return found


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def test_case13_killed_reasoner_run_leaves_no_java_and_its_folder_is_swept(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    run = subprocess.Popen(
        TKIROS + ["reason", "--reasoner", "hermit", "--no-cache", "-o", str(tmp_path / "out.nt")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while not (java := _java_children(run.pid)):
            assert run.poll() is None and time.monotonic() < deadline, "the reasoner's Java process never started"
            time.sleep(0.2)
    finally:
        run.kill()
        run.wait()
    for _ in range(50):
        if all(_gone(p) for p in java):
            break
        time.sleep(0.1)
    else:
        for p in java:
            os.kill(p, signal.SIGKILL)
        pytest.fail("the Java reasoner outlived the killed tkiros run")
    left = list(tmp.glob(f"tkiros-reason-{run.pid}-*"))
    assert left, "the killed run's temporary folder is expected to be left behind (and swept next)"
    res = subprocess.run(
        TKIROS + ["reason", "--reasoner", "fast", "-o", str(tmp_path / "again.nt")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    assert not any(p.exists() for p in left)
    assert not (tmp_path / "out.nt").exists()


def test_case13_killed_store_build_is_swept_by_the_next_run(tmp_path):
    env = {**os.environ, "TKIROS_CACHE": str(tmp_path / "cache")}
    run = subprocess.Popen(TKIROS + ["stats"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (half := list((tmp_path / "cache").glob(f".building-{run.pid}-*"))):
            assert run.poll() is None and time.monotonic() < deadline, "the store build never began"
            time.sleep(0.05)
    finally:
        run.kill()
        run.wait()
    assert all(p.exists() for p in half)
    res = subprocess.run(TKIROS + ["stats"], env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    assert not any(p.exists() for p in half)
    assert list((tmp_path / "cache").glob("store-*"))
