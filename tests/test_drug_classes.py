"""Drug classes are classes (issue 14, section 3): a claim about "TKIs" or "HDAC inhibitors" names the
owl:Class itself (punning), is never listed or counted as a drug, gives no plain edge, and stays queryable
with `class-level-findings`; every drug individual is a chemical entity with its roles on top."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tkiros.query.queries import run_query

ROOT = Path(__file__).resolve().parent.parent
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
GOLDENS = sorted((ROOT / "queries").glob("*.expected.tsv"))
# Columns that hold drugs or agents, by name. A column that says it holds a class (blockerClass,
# drugClass) is where a class-level finding shows its class, and is not a drug column.
DRUG_COLUMN = re.compile(r"tki|drug|agent|compound|partner|blocker|inhibitor|mechanism|players", re.I)
PREFIXES = """PREFIX tkiros: <https://w3id.org/tkiros/vocab/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def select(graph, body: str) -> list[tuple[str, ...]]:
    return [tuple(t.value for t in row) for row in graph.store.query(PREFIXES + body)]


@pytest.fixture(scope="module")
def class_names(graph) -> set[str]:
    """Every drug class IRI, and every label or synonym of one that names no individual as well."""
    iris = {r[0] for r in select(graph, "SELECT ?c WHERE { ?c a owl:Class ; rdfs:subClassOf+ tkiros:DrugRole }")}
    labels = {
        r[0]
        for r in select(
            graph,
            """SELECT ?l WHERE {
        ?c a owl:Class ; rdfs:subClassOf+ tkiros:DrugRole ; rdfs:label|skos:altLabel ?l .
        FILTER NOT EXISTS { ?i a owl:NamedIndividual ; rdfs:label|skos:altLabel ?l } }""",
        )
    }
    assert "https://w3id.org/tkiros/vocab/TyrosineKinaseInhibitor" in iris and "tyrosine kinase inhibitor" in labels
    return iris | labels


def drug_columns(header: list[str]) -> list[int]:
    return [i for i, name in enumerate(header) if DRUG_COLUMN.search(name) and "Class" not in name]


def test_every_saved_query_has_its_expected_rows_checked():
    assert len(GOLDENS) == len(QUERY_FILES) >= 30
    assert {p.name.removesuffix(".expected.tsv") for p in GOLDENS} == {p.stem for p in QUERY_FILES}


@pytest.mark.parametrize("golden", GOLDENS, ids=[p.name.removesuffix(".expected.tsv") for p in GOLDENS])
def test_no_saved_query_lists_a_class_as_a_drug(golden, class_names):
    """Expected rows equal the query's answer (tests/test_queries.py), so checking them checks the query."""
    with golden.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f, delimiter="\t"))
    wrong = [
        (header[i], part)
        for row in rows
        for i in drug_columns(header)
        for part in row[i].split(" | ")
        if part in class_names
    ]
    assert wrong == [], f"{golden.name} lists drug classes as drugs: {sorted(set(wrong))[:5]}"


def test_the_column_check_can_fail(class_names):
    header = ["finding", "tki", "tkiLabel", "blockerClassLabel"]
    row = ["tkd:x", "https://w3id.org/tkiros/vocab/TyrosineKinaseInhibitor", "gefitinib | TKIs", "autophagy inhibitor"]
    wrong = [row[i] for i in drug_columns(header) for part in row[i].split(" | ") if part in class_names]
    assert len(wrong) == 2 and drug_columns(header) == [1, 2]


def test_tki_counts_count_drugs_only(graph):
    """What a TKI count counts (an individual typed a TKI) is a drug, a chemical entity, never a class."""
    tkis = select(
        graph,
        """SELECT ?tki ?chemical ?isClass WHERE { ?tki a tkiros:TyrosineKinaseInhibitor .
        BIND(EXISTS { ?tki a tkiros:ChemicalEntity } AS ?chemical) BIND(EXISTS { ?tki a owl:Class } AS ?isClass) }""",
    )
    assert len(tkis) >= 20
    assert [t for t in tkis if t[1] != "true" or t[2] != "false"] == []
    labels = {r[0] for r in select(graph, "SELECT ?l WHERE { ?t a tkiros:SmallMoleculeTKI ; rdfs:label ?l }")}
    assert not labels & {"tyrosine kinase inhibitor", "fourth-generation TKI", "ALK-TKI"}


def test_every_drug_is_a_chemical_with_roles_on_top(graph):
    """Each individual with a drug role, other than a perturbation or therapy, has a chemical nature."""
    rows = select(
        graph,
        """SELECT ?d ?chemical WHERE { ?d a tkiros:DrugRole .
        FILTER NOT EXISTS { ?d a tkiros:Perturbation } FILTER NOT EXISTS { ?d a tkiros:Therapy }
        BIND(EXISTS { ?d a tkiros:ChemicalEntity } AS ?chemical) }""",
    )
    assert {"https://w3id.org/tkiros/data/vorinostat", "https://w3id.org/tkiros/data/gefitinib"} <= {r[0] for r in rows}
    assert [r[0] for r in rows if r[1] != "true"] == []


def test_class_level_findings_give_no_plain_edge(graph):
    """A class as agent gives no edge; a class as target keeps the individual agent's edge (PDT re-sensitizes to TKIs)."""
    classes = select(
        graph, """SELECT DISTINCT ?c WHERE { ?f a tkiros:SupportedFinding ; tkiros:hasAgent ?c . ?c a owl:Class }"""
    )
    assert len(classes) >= 5, "the data has supported class-level findings"
    edges = select(graph, """SELECT ?s ?p ?o WHERE { [] tkiros:directEdge ?p . ?s ?p ?o . ?s a owl:Class }""")
    assert edges == []
    to_classes = select(graph, """SELECT ?s WHERE { ?s tkiros:reversesResistanceTo tkiros:TyrosineKinaseInhibitor }""")
    assert ("https://w3id.org/tkiros/data/photodynamic-therapy",) in to_classes


def test_class_level_findings_query_lists_every_one(graph):
    """Every finding naming a drug class in any slot is a row of class-level-findings, with quote and slot."""
    expected = {
        r[0]
        for r in select(
            graph,
            """SELECT DISTINCT ?f WHERE { ?f a tkiros:Finding ;
        tkiros:hasAgent|tkiros:hasCoTreatment|tkiros:hasTarget|tkiros:hasMediator|tkiros:resistantTo|tkiros:duringTreatmentWith ?c .
        ?c a owl:Class }""",
        )
    }
    result = run_query("class-level-findings", store=graph)
    col = {v: i for i, v in enumerate(result.variables)}
    assert {row[col["finding"]].value for row in result.rows} == expected and len(expected) >= 100
    assert all(row[col["quote"]].value and row[col["role"]].value for row in result.rows)
