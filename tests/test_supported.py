"""Plain edges and inferred classes rest only on supported findings; evidence origin and level per finding.

The fixture tests/fixtures/unsupported/erratum-and-uncertain.ttl holds one supported finding (the control)
beside an erratum, an uncertain and a negative finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tkiros.checks.qc import list_checks, run_checks
from tkiros.store.store import open_files

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "unsupported" / "erratum-and-uncertain.ttl"
TK = "https://w3id.org/tkiros/vocab/"
TKD = "https://w3id.org/tkiros/data/"


@pytest.fixture(scope="module")
def fixture_graph():
    return open_files([FIXTURE])


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_only_the_control_is_a_supported_finding(fixture_graph):
    rows = fixture_graph.query(
        f"SELECT ?f WHERE {{ ?f a <{TK}SupportedFinding> FILTER(STRSTARTS(STR(?f), '{TKD}fx-')) }}"
    )
    assert {local(r["f"].value) for r in rows} == {"fx-f01"}


def test_plain_edges_come_only_from_the_supported_finding(fixture_graph):
    rows = fixture_graph.query(f"""SELECT ?a ?p ?b WHERE {{
        {{ ?d <{TK}directEdge> ?p }} UNION {{ BIND(<{TK}leadsToOutcome> AS ?p) }}
        ?a ?p ?b FILTER(STRSTARTS(STR(?a), '{TKD}fx-')) }}""")
    edges = {(local(r["a"].value), local(r["p"].value), local(r["b"].value)) for r in rows}
    assert edges == {("fx-gefitinib", "increases", "fx-ros"), ("fx-gefitinib", "leadsToOutcome", "fx-ferroptosis")}


def test_the_check_passes_on_derived_edges_and_fails_a_hand_made_one(fixture_graph, tmp_path):
    check = [c for c in list_checks() if c.name == "unsupported-plain-edge-violation"]
    assert run_checks(fixture_graph, check) == []
    extra = tmp_path / "edge.ttl"
    extra.write_text(
        FIXTURE.read_text(encoding="utf-8") + "\ntkd:fx-osimertinib tkiros:increases tkd:fx-ros .\n", encoding="utf-8"
    )
    problems = run_checks(open_files([extra]), check)
    assert [(local(p.subject), p.detail.split()[0]) for p in problems] == [("fx-osimertinib", "tkiros:increases")]


def test_no_inferred_membership_rests_on_an_unsupported_finding():
    from tkiros.reasoning.reason import run

    result = run("hermit", instances=[FIXTURE])
    assert result.consistent

    def members(cls):
        return {
            local(t.subject.value)
            for t in result.triples()
            if t.predicate.value.endswith("#type")
            and t.object.value == TK + cls
            and t.subject.value.startswith(TKD + "fx-")
        }

    assert members("FerroptosisInducer") == {"fx-gefitinib"}  # not fx-osimertinib (erratum) nor fx-kinase (hedged)
    assert members("ROSInducingAgent") == {"fx-gefitinib"}
    assert members("ROSMediatedKillingFinding") == {"fx-f01"}
    assert members("ResistanceMechanismFinding") == set()


def test_evidence_level_of_the_fixture(fixture_graph):
    rows = fixture_graph.query(
        f"SELECT ?f ?origin ?level WHERE {{ ?f <{TK}evidenceOrigin> ?origin ; <{TK}hasEvidenceLevel> ?level }}"
    )
    got = {local(r["f"].value): (local(r["origin"].value), local(r["level"].value)) for r in rows}
    assert got == {f"fx-f0{i}": ("restatement", "restatedEvidence") for i in range(1, 5)}


def test_evidence_origin_and_level_on_the_data(graph):
    rows = graph.query(f"""SELECT ?f ?origin ?level (COUNT(?l) AS ?levels) WHERE {{
        ?f a <{TK}Finding> ; <{TK}evidenceOrigin> ?origin ; <{TK}hasEvidenceLevel> ?level ; <{TK}hasEvidenceLevel> ?l }}
        GROUP BY ?f ?origin ?level""")
    got = {
        local(r["f"].value): (local(r["origin"].value), local(r["level"].value), int(r["levels"].value)) for r in rows
    }
    findings = {r["f"].value for r in graph.query(f"SELECT ?f WHERE {{ ?f a <{TK}Finding> }}")}
    assert len(got) == len(findings), "every finding has exactly one origin and one level"
    assert all(n == 1 for _, _, n in got.values())
    assert got["pre-f01"][:2] == ("ownData", "ownInVitroEvidence")  # the preprint's own K562/G01 experiment
    assert got["pre-f02"][:2] == ("restatement", "restatedEvidence")  # its background sentence
    assert got["erbb-f06"][:2] == ("restatement", "restatedEvidence")
    titles = {f for f, (_, level, _) in got.items() if level == "titleOnlyEvidence"}
    flagged = {
        local(r["f"].value) for r in graph.query(f"SELECT ?f WHERE {{ ?f <{TK}hasQualifier> <{TK}titleDerived> }}")
    }
    assert titles == flagged and titles


# ---- tkiros query --min-evidence --------------------------------------------------------------------------


def _findings(output: str) -> list[str]:
    lines = output.splitlines()[1:]
    return [line.split("\t")[0] for line in lines if line]


def test_min_evidence_keeps_rows_at_or_above_the_level(graph):
    from cli_helpers import invoke

    every = invoke(["query", "nrf2-keap1-findings", "-f", "tsv"])
    own = invoke(["query", "nrf2-keap1-findings", "-f", "tsv", "--min-evidence", "3"])
    by_name = invoke(["query", "nrf2-keap1-findings", "-f", "tsv", "--min-evidence", "own-in-vitro"])
    assert every.exit_code == own.exit_code == by_name.exit_code == 0, own.output
    assert own.output == by_name.output
    ranks = {
        r["f"].value: int(r["rank"].value)
        for r in graph.query(f"SELECT ?f ?rank WHERE {{ ?f <{TK}hasEvidenceLevel>/<{TK}evidenceRank> ?rank }}")
    }
    kept, all_rows = _findings(own.output), _findings(every.output)
    assert kept and len(kept) < len(all_rows)
    assert kept == [f for f in all_rows if ranks[f.replace("tkd:", TKD)] >= 3]  # order kept, nothing else dropped


@pytest.mark.parametrize(
    "args, message",
    [
        (["query", "nrf2-keap1-findings", "--min-evidence", "5"], "--min-evidence 5: unknown evidence level"),
        (["query", "causal-chains", "--min-evidence", "2"], "causal-chains.rq: --min-evidence needs a ?finding column"),
    ],
)
def test_min_evidence_errors_are_one_line_exit_2(args, message):
    from cli_helpers import invoke

    res = invoke(args)
    assert res.exit_code == 2 and message in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1
