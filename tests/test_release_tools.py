"""The release as OWL and RDF tools take it: OWL 2 DL (py-horned-owl's profile checker), an ontology-only
file, JSON-LD that a 1.0 processor loads with terms, and RDF/XML under a suffix tools recognize."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from tkiros.rdfio import canonical

ROOT = Path(__file__).resolve().parent.parent
TK = "https://w3id.org/tkiros/vocab/"
TKD = "https://w3id.org/tkiros/data/"


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "r"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tkiros.cli",
            "publish",
            "--out",
            str(out),
            "--no-reasoner",
            "--version",
            "0.1.0",
            "--date",
            "2026-12-01",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    return out


def _dl_report(path: Path):
    import pyhornedowl
    from pyhornedowl import profile

    return profile.check_profile(pyhornedowl.open_ontology_from_file(str(path)), "DL")


@pytest.mark.parametrize("name", ["tkiros.owl", "tkiros.ttl", "tkiros-ontology.owl", "tkiros-base.owl"])
def test_release_is_owl2_dl(release, name):
    report = _dl_report(release / name)
    assert report.conformant, [str(v) for v in list(report.violations)[:10]]


def test_the_profile_checker_catches_an_undeclared_term(tmp_path):
    """The check above can fail: one undeclared class is a violation (as the 9 undeclared bibo/dcterms/
    oboInOwl terms were before they were declared in ontology/tkiros.ttl)."""
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<http://example.org/o> a owl:Ontology .\n"
        "<http://example.org/i> a owl:NamedIndividual , <http://purl.org/ontology/bibo/AcademicArticle> .\n"
    )
    assert not _dl_report(bad).conformant


def _triples(path: Path, fmt) -> list:
    return list(ox.parse(path=str(path), format=fmt))


def test_ontology_only_file_has_the_terms_and_no_instance_data(release):
    onto = _triples(release / "tkiros-ontology.ttl", ox.RdfFormat.TURTLE)
    subjects = {t.subject.value for t in onto if isinstance(t.subject, ox.NamedNode)}
    assert not {s for s in subjects if s.startswith(TKD)}, "instance data in the ontology-only file"
    assert not any(t.object == ox.NamedNode(TK + "Finding") and t.predicate.value.endswith("#type") for t in onto)
    main = _triples(release / "tkiros.ttl", ox.RdfFormat.TURTLE)
    owl_class = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
    sources = [t for p in sorted((ROOT / "ontology").glob("*.ttl")) for t in _triples(p, ox.RdfFormat.TURTLE)]
    ours = {t.subject.value for t in sources if t.object == owl_class and t.subject.value.startswith(TK)}
    assert len(ours) > 100 and ours <= subjects  # every class of the ontology's own files is there
    assert len(onto) * 5 < len(main)
    header = [t for t in onto if t.object == ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")]
    assert [t.subject.value for t in header] == ["https://w3id.org/tkiros/tkiros-ontology"]


def test_jsonld_uses_terms_and_loads_in_a_json_ld_1_0_processor(release):
    from pyld import jsonld

    doc = json.loads((release / "tkiros-ontology.jsonld").read_text(encoding="utf-8"))
    context = doc["@context"]
    assert "@version" not in context and all(isinstance(v, str) for v in context.values())
    assert context["hasAgent"] == TK + "hasAgent"
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "processingMode": "json-ld-1.0"})
    expanded = canonical([q.triple for q in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)])
    assert set(expanded) == set(canonical(_triples(release / "tkiros-ontology.nt", ox.RdfFormat.N_TRIPLES)))
    main = (release / "tkiros.jsonld").read_text(encoding="utf-8")
    assert '"hasAgent": ' in main and '"tkiros:hasAgent": ' not in main and '"Finding"' in main  # keys are terms


def test_rdfxml_is_also_published_as_rdf(release):
    for name in ("tkiros", "tkiros-base", "tkiros-ontology"):
        assert (release / f"{name}.rdf").read_bytes() == (release / f"{name}.owl").read_bytes()
    # why: RDF tools (oxigraph among them) guess RDF/XML from .rdf but not from .owl
    assert ox.RdfFormat.from_extension("rdf") == ox.RdfFormat.RDF_XML
    assert ox.RdfFormat.from_extension("owl") is None
    assert len(_triples(release / "tkiros.rdf", ox.RdfFormat.from_extension("rdf"))) > 20000
