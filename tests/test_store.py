"""The compiled store: cached by source hash, rebuilt on change, atomic under concurrent builds."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from cli_helpers import copy_project
from tkiros.errors import SourceError
from tkiros.store.store import open_store, sources_digest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def home(tmp_path):
    return copy_project(tmp_path / "home")


def test_cache_is_reused(home, tmp_path, monkeypatch):
    monkeypatch.setenv("TKIROS_CACHE", str(tmp_path / "c"))
    a = open_store(home)
    b = open_store(home)
    assert a.path == b.path and len(a) == len(b) > 1000
    assert len(list((tmp_path / "c").glob("store-*"))) == 1


def test_cache_rebuilds_when_a_source_changes(home, tmp_path, monkeypatch):
    monkeypatch.setenv("TKIROS_CACHE", str(tmp_path / "c"))
    before = open_store(home)
    extra = home / "instances" / "extra.ttl"
    extra.write_text('<https://w3id.org/tkiros/data/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    after = open_store(home)
    assert after.digest != before.digest and len(after) == len(before) + 1


def test_malformed_source_names_file_line_column(home):
    (home / "instances" / "bad.ttl").write_text(
        '@prefix tkd: <https://w3id.org/tkiros/data/> .\n\ntkd:a tkd:b "unclosed .\n'
    )
    with pytest.raises(SourceError) as err:
        open_store(home, use_cache=False)
    assert "instances/bad.ttl:3:" in err.value.message


def test_unknown_prefix_is_reported(home):
    (home / "instances" / "bad.ttl").write_text("nope:a nope:b nope:c .\n")
    with pytest.raises(SourceError) as err:
        open_store(home, use_cache=False)
    assert "instances/bad.ttl:1:" in err.value.message and "nope" in err.value.message


def _build(home, cache, q):
    import os

    os.environ["TKIROS_CACHE"] = cache
    g = open_store(Path(home))
    q.put(len(g))


def test_concurrent_builds_leave_one_valid_store(home, tmp_path):
    cache = str(tmp_path / "race")
    q = multiprocessing.get_context("spawn").Queue()
    ps = [multiprocessing.get_context("spawn").Process(target=_build, args=(str(home), cache, q)) for _ in range(3)]
    for p in ps:
        p.start()
    for p in ps:
        p.join(120)
    sizes = [q.get(timeout=5) for _ in ps]
    assert len(set(sizes)) == 1 and sizes[0] > 1000
    stores = list(Path(cache).glob("store-*"))
    assert len(stores) == 1 and (stores[0] / ".complete").is_file()
    assert not list(Path(cache).glob(".building-*"))


def test_digest_covers_every_source(home):
    d1 = sources_digest(home)
    (home / "queries" / "x.rq").write_text("SELECT * WHERE { ?s ?p ?o }")  # queries are not graph sources
    assert sources_digest(home) == d1
    (home / "ontology" / "rules" / "20-direct-edges.rq").write_text(
        (ROOT / "ontology" / "rules" / "20-direct-edges.rq").read_text() + "\n"
    )
    assert sources_digest(home) != d1


def test_rules_run_in_their_ranked_order(home):
    from tkiros.store.paths import rule_files

    names = [p.name for p in rule_files(home)]
    assert names == sorted(names) and names[0][:3] == "10-"  # supported findings come before the edges that read them
    assert names.index("10-supported-findings.rq") < names.index("20-direct-edges.rq")


@pytest.mark.parametrize(
    "name, message",
    [("direct.rq", "must start with its two-digit rank"), ("20-other.rq", "two rules share the rank 20")],
)
def test_a_rule_without_its_own_rank_is_refused(home, name, message):
    from tkiros.store.paths import rule_files

    (home / "ontology" / "rules" / name).write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 0\n")
    with pytest.raises(SourceError, match=message):
        rule_files(home)
