"""`tkiros search` and `tkiros show`: finding entities without their IRIs, and what the graph knows of one."""

from __future__ import annotations

import json
import sys
import types

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from tkiros.cli.views import search_cmd, show_cmd
from tkiros.errors import TkirosError
from tkiros.views.lookup import render_show_text, search, show

TKD = "https://w3id.org/tkiros/data/"


@pytest.mark.parametrize("text", ["HO-1", "ho1", "Ho 1", "heme oxygenase-1", "HEME OXYGENASE 1", "tkd:hmox1", "hmox1"])
def test_search_finds_an_entity_by_any_name(text, graph):
    hits = search(text, 5, store=graph)
    assert hits and hits[0].iri == TKD + "hmox1" and hits[0].rank == "exact"


def test_search_abbreviation_and_synonym(graph):
    assert search("NSCLC", 3, store=graph)[0].iri == TKD + "nsclc"
    assert search("xct", 3, store=graph)[0].iri == TKD + "slc7a11"
    top = search("SLC7A11", 3, store=graph)[0]
    assert top.iri == TKD + "slc7a11" and top.via in ("synonym", "abbreviation")


def test_search_is_closest_first(graph):
    hits = search("nrf2", 10, store=graph)
    assert hits[0].iri == TKD + "nfe2l2" and hits[0].rank == "exact"
    ranks = [h.rank for h in hits]
    assert ranks == sorted(ranks, key=["exact", "prefix", "substring", "similar"].index)
    finding_types = {"tkiros:Finding", "tkiros:SupportedFinding"}  # a hit shows its most specific types
    assert not finding_types & {t for h in hits for t in h.types}, "findings only by their exact CURIE"


def test_search_finds_a_finding_by_its_curie(graph):
    hits = search("tkd:erbb-f06", 3, store=graph)
    assert hits[0].iri == TKD + "erbb-f06" and "tkiros:SupportedFinding" in hits[0].types


def test_search_tolerates_a_typo(graph):
    hits = search("gefitnib", 3, store=graph)
    assert hits[0].iri == TKD + "gefitinib" and hits[0].rank == "similar"


def test_search_by_external_identifier(graph):
    hits = search("CHEBI:49668", 3, store=graph)
    assert hits[0].iri == TKD + "gefitinib" and hits[0].via == "identifier"


def test_search_limit_and_errors(graph):
    assert len(search("cancer", 4, store=graph)) == 4
    with pytest.raises(TkirosError):
        search("  ", 5, store=graph)
    with pytest.raises(TkirosError):
        search("ros", 0, store=graph)


def test_search_cli_json():
    res = CliRunner().invoke(search_cmd, ["osimertinib", "--format", "json", "--limit", "2"])
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert data[0]["curie"] == "tkd:osimertinib" and len(data) <= 2


def test_search_cli_table_says_when_nothing_matches():
    res = CliRunner().invoke(search_cmd, ["zzqqxx"])
    assert res.exit_code == 0 and "(no match)" in res.output


def test_show_an_entity(graph):
    view = show("gefitinib", store=graph, inferred=False)
    assert view.curie == "tkd:gefitinib" and "tkiros:SmallMoleculeTKI" in view.asserted_types
    glioma = next(f for f in view.findings if f.finding == "tkd:erbb-f06")
    assert glioma.roles == ["agent"] and glioma.direction == "increases" and glioma.references == [14]
    assert "cancer: glioma" in glioma.context and "via: NOX2" in glioma.context
    assert glioma.quotes[0].startswith("In glioma, gefitinib promotes ROS production via NOX2 and NOX4")
    assert {"agent", "resisted drug", "co-treatment"} <= {r for f in view.findings for r in f.roles}


def test_show_lists_every_role(graph):
    nox4 = show("NOX4", store=graph, inferred=False)
    assert "mediator" in next(f for f in nox4.findings if f.finding == "tkd:erbb-f06").roles
    glioma = show("glioma", store=graph, inferred=False)
    assert {f.finding for f in glioma.findings} == {"tkd:erbb-f06", "tkd:erbb-f07", "tkd:erbb-f08", "tkd:erbb-f09"}
    assert all(f.roles == ["cancer"] for f in glioma.findings)


def test_show_text_has_quote_and_references(graph):
    text = render_show_text(show("HO-1", store=graph, inferred=False))
    assert text.startswith("HO-1  (tkd:hmox1)")
    assert '"Overexpression of HO-1 activates HDACs' in text and "references: [126]" in text


def test_show_inferred_types_from_the_reasoner(graph, monkeypatch):
    """When tkiros.reasoning.cache offers inferred_store, its extra types are listed (asserted ones are not repeated)."""
    inferred = ox.Store()
    me = ox.NamedNode(TKD + "gefitinib")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for cls in ("SmallMoleculeTKI", "SmallMolecule", "Agent"):
        inferred.add(ox.Quad(me, rdf_type, ox.NamedNode("https://w3id.org/tkiros/vocab/" + cls)))
    fake = types.ModuleType("tkiros.reasoning.cache")
    fake.inferred_store = lambda: inferred
    monkeypatch.setitem(sys.modules, "tkiros.reasoning.cache", fake)
    view = show("gefitinib", store=graph)
    assert view.inferred_types == ["tkiros:Agent", "tkiros:SmallMolecule"]
    assert "inferred types: tkiros:Agent, tkiros:SmallMolecule" in render_show_text(view)


def test_show_survives_a_failing_reasoner(graph, monkeypatch):
    fake = types.ModuleType("tkiros.reasoning.cache")

    def broken():
        raise TkirosError("INCONSISTENT (hermit): the ontology and the data contradict each other\nsecond line")

    fake.inferred_store = broken
    monkeypatch.setitem(sys.modules, "tkiros.reasoning.cache", fake)
    view = show("gefitinib", store=graph)
    assert (
        view.inferred_types is None
        and view.inferred_note
        == "reasoner unavailable: INCONSISTENT (hermit): the ontology and the data contradict each other"
    )
    assert view.findings


def test_show_cli_json_and_unknown_entity(tmp_path):
    out = tmp_path / "t790m.json"
    res = CliRunner().invoke(show_cmd, ["tkd:egfr-t790m", "--no-inferred", "--format", "json", "-o", str(out)])
    assert res.exit_code == 0 and res.output == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["label"] == "T790M" and any(f["finding"] == "tkd:nox-f13" for f in data["findings"])
    from tkiros.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["show", "no-such-thing-at-all"])
    assert exit_info.value.code == 2


def mapping_predicates() -> list[str]:
    """The mapping predicates of src/tkiros/sparql/views/mappings.rq's VALUES block, by their rank there."""
    import re

    from tkiros.prefixes import expand
    from tkiros.rqfile import internal

    pairs = re.findall(r"\((\w+:\w+)\s+(\d+)\)", internal("views/mappings"))
    return [expand(curie) for curie, _ in sorted(pairs, key=lambda p: int(p[1]))]


def test_show_and_search_cover_every_mapping_predicate_of_the_query():
    """A fixture entity with one mapping by each predicate the mapping query lists (and one by a skos property
    that is no mapping): show lists each once, search finds the entity by each, mappings_of keeps the rank."""
    from tkiros.prefixes import compact
    from tkiros.views.lookup import mappings_of

    skos = "http://www.w3.org/2004/02/skos/core#"
    predicates = mapping_predicates()
    assert {skos + m for m in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")} <= set(
        predicates
    )
    store = ox.Store()
    me = ox.NamedNode(TKD + "fx-mapped")
    store.add(ox.Quad(me, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("fixture entity")))
    targets = {p: f"http://purl.obolibrary.org/obo/CHEBI_{990 - i}" for i, p in enumerate(predicates)}
    for p, x in targets.items():
        store.add(ox.Quad(me, ox.NamedNode(p), ox.NamedNode(x)))
    store.add(ox.Quad(me, ox.NamedNode(skos + "related"), ox.NamedNode("http://purl.obolibrary.org/obo/CHEBI_1")))
    view = show("tkd:fx-mapped", store=store, inferred=False)
    curie = {p: "CHEBI:" + x.rsplit("_", 1)[1] for p, x in targets.items()}
    assert view.identifiers == sorted(f"{compact(p)} {curie[p]}" for p in predicates)
    assert mappings_of(store, me.value) == list(targets.items())  # by rank, not by value
    for p in predicates:
        hits = search(curie[p], 3, store=store)
        assert hits and hits[0].iri == me.value and hits[0].via == "identifier", p
    assert all(h.matched != "CHEBI:1" for h in search("CHEBI:1", 3, store=store))
