"""Every SHACL rule is proven by a broken fixture that fails it (and no other rule); the full data passes."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from tkiros.validate import validate

ROOT = Path(__file__).resolve().parent.parent
INVALID = sorted((ROOT / "tests" / "fixtures" / "invalid").glob("*.ttl"))
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def rule_names(shapes) -> set[str]:
    """Rule ids: the sh:name of every property shape and SPARQL constraint in shapes/."""
    return {str(n) for n in shapes.objects(None, SH.name)}


def test_one_fixture_per_rule(shapes):
    fixtures = {p.stem for p in INVALID}
    rules = rule_names(shapes)
    assert fixtures == rules, f"rules without a fixture: {sorted(rules - fixtures)}; fixtures without a rule: {sorted(fixtures - rules)}"
    assert len(INVALID) == len(rules)


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_broken_fixture_fails_its_rule_only(fixture, shapes):
    report = validate(instances=[fixture], shapes=shapes)
    assert not report.conforms
    assert {v.rule for v in report.violations} == {fixture.stem}, report.text()


def test_minimal_valid_fixture_conforms(shapes):
    report = validate(instances=[ROOT / "tests" / "fixtures" / "valid" / "minimal-finding.ttl"], shapes=shapes)
    assert report.conforms, report.text()


def test_full_data_conforms(graph, shapes):
    from tkiros.validate import data_graph

    report = validate(data=data_graph(graph), shapes=shapes)
    assert report.conforms, report.text()
