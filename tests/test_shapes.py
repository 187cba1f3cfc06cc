"""Every SHACL rule and every QC check is proven by a broken fixture that fails it and no other rule;
the full data passes; the fast engine and pySHACL agree."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from tkiros.checks.qc import list_checks, run_checks
from tkiros.checks.validate import validate
from tkiros.store.store import open_files

ROOT = Path(__file__).resolve().parent.parent
INVALID = sorted((ROOT / "tests" / "fixtures" / "invalid").glob("*.ttl"))
VALID = ROOT / "tests" / "fixtures" / "valid" / "minimal-finding.ttl"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def rule_names(shapes) -> set[str]:
    """Rule ids: the sh:name of every property shape and SPARQL constraint in shapes/, and every check."""
    return {str(n) for n in shapes.objects(None, SH.name)} | {c.name for c in list_checks()}


def fired(fixture: Path, shapes, engine="fast") -> set[str]:
    report = validate(instances=[fixture], shapes=shapes, engine=engine)
    return {v.rule for v in report.violations} | {p.check for p in run_checks(open_files([fixture]))}


def test_one_fixture_per_rule(shapes):
    fixtures = {p.stem for p in INVALID}
    rules = rule_names(shapes)
    assert fixtures == rules, (
        f"rules without a fixture: {sorted(rules - fixtures)}; fixtures without a rule: {sorted(fixtures - rules)}"
    )
    assert len(INVALID) == len(rules) == len(fixtures)


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_broken_fixture_fails_its_rule_only(fixture, shapes):
    assert fired(fixture, shapes) == {fixture.stem}


def test_minimal_valid_fixture_passes_everything(shapes):
    assert fired(VALID, shapes) == set()


def test_fast_engine_agrees_with_pyshacl(shapes):
    """The SPARQL constraints run in Oxigraph give the same results as pySHACL's own evaluation."""
    sparql_rules = {p.stem for p in INVALID if p.stem in {str(n) for n in shapes.objects(None, SH.name)}}
    for fixture in INVALID + [VALID]:
        a = validate(instances=[fixture], shapes=shapes, engine="fast")
        b = validate(instances=[fixture], shapes=shapes, engine="pyshacl")
        key = lambda r: sorted({(v.rule, v.focus, v.severity) for v in r.violations})  # noqa: E731
        assert key(a) == key(b), fixture.name
    assert sparql_rules


def test_full_data_conforms(graph, shapes):
    report = validate(shapes=shapes)
    assert report.conforms, report.text()


def test_full_data_passes_the_qc_gate(graph):
    errors = [p for p in run_checks(graph) if p.severity == "ERROR"]
    assert errors == []


def test_a_check_needs_its_role_in_the_name(tmp_path):
    from tkiros.errors import TkirosError

    (tmp_path / "nameless.rq").write_text("# title: x\n# why: y\nSELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(TkirosError, match="NAME-violation.rq"):
        list_checks(tmp_path)
