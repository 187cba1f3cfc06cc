"""The project prefix map: every IRI of the store compacts to a known prefix and expands back, exactly as the
curies.Converter built from the same records does."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from tkiros.prefixes import PREFIXES, compact, converter, expand, is_well_formed, standard_prefix


@pytest.fixture(scope="module")
def store_iris(graph) -> set[str]:
    iris = set()
    for q in graph.store.quads_for_pattern(None, None, None):
        for term in (q.subject, q.predicate, q.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
        if isinstance(q.object, ox.Literal):
            iris.add(q.object.datatype.value)
    return iris


def test_every_iri_of_the_store_expands_from_a_known_prefix(store_iris):
    assert len(store_iris) > 1000
    unknown = sorted(i for i in store_iris if compact(i) == i)
    assert not unknown, f"IRIs with no prefix in tkiros.prefixes: {unknown[:10]}"
    for iri in store_iris:
        assert expand(compact(iri)) == iri


def test_compact_and_expand_agree_with_the_curies_converter(store_iris):
    conv = converter()
    for iri in store_iris:
        assert conv.compress(iri) == compact(iri)
        assert conv.expand(compact(iri)) == iri


def test_obo_terms_use_standard_purls():
    assert expand("CHEBI:49668") == "http://purl.obolibrary.org/obo/CHEBI_49668"
    assert expand("GO:0006915") == "http://purl.obolibrary.org/obo/GO_0006915"
    assert expand("MONDO:0005233") == "http://purl.obolibrary.org/obo/MONDO_0005233"
    assert compact("http://purl.obolibrary.org/obo/ECO_0000304") == "ECO:0000304"
    assert compact("http://purl.obolibrary.org/obo/XYZ_1") == "obo:XYZ_1"  # an OBO PURL of no registered ontology
    assert expand("HGNC:3236") == "http://identifiers.org/hgnc:3236"


def test_bioregistry_synonyms_expand_to_the_preferred_prefix():
    assert expand("chebi:49668") == expand("CHEBI:49668")
    assert standard_prefix("famplex") == "FPLX"
    assert converter().expand("hgnc:3236") == "http://identifiers.org/hgnc:3236"


def test_unknown_prefix_is_a_key_error():
    with pytest.raises(KeyError):
        expand("nosuchprefix:1")
    assert compact("http://example.org/x") == "http://example.org/x"


@pytest.mark.parametrize(
    "curie,ok",
    [
        ("CHEBI:49668", True),
        ("CHEBI:49a", False),
        ("GO:0006915", True),
        ("GO:6915", False),
        ("HGNC:3236", True),
        ("MONDO:0005233", True),
        ("NCIT:C3171", True),
        ("NCIT:3171", False),
        ("MESH:D016044", True),
        ("FPLX:AMPK", True),
        ("DRUGBANK:DB06555", True),
        ("EFO:0001086", True),
        ("nosuch:1", False),
        ("CHEBI:", False),
    ],
)
def test_well_formed_identifiers(curie, ok):
    assert is_well_formed(curie) is ok


def test_prefix_names_are_unique_and_namespaces_end_with_a_separator():
    assert len(set(PREFIXES.values())) == len(PREFIXES)
    assert all(ns[-1] in "/#_:" for ns in PREFIXES.values())


def identifier_shape_pattern() -> str:
    import rdflib

    g = rdflib.Graph().parse(Path(__file__).resolve().parent.parent / "shapes" / "identifiers.ttl")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    patterns = [
        str(p) for s in g.subjects(sh.name, rdflib.Literal("identifier-pattern")) for p in g.objects(s, sh.pattern)
    ]
    assert len(patterns) == 1
    return patterns[0]


def test_the_identifier_shape_agrees_with_the_prefix_map(graph):
    """The shape's regex (shapes/identifiers.ttl) and the patterns of src/tkiros/prefixes.json accept the same
    identifiers: every mapping in the data, and a malformed local identifier under each prefix the shape names."""
    import re

    from tkiros.prefixes import RECORDS

    shape = re.compile(identifier_shape_pattern())
    plain = shape.pattern.replace("\\", "")
    obo = "http://purl.obolibrary.org/obo/"
    # a record is named by the shape when its URI prefix is in the regex (OBO ones as "obo/(..|CHEBI_..|..)")
    named = [
        (p, uri, pat)
        for p, uri, _, pat in RECORDS
        if pat and (uri in plain or (uri.startswith(obo) and any(f"{c}{uri[len(obo) :]}" in plain for c in "(|")))
    ]
    assert len(named) == 13, [p for p, _, _ in named]  # the 13 sources the shape's message lists
    iris = {
        r["o"].value
        for r in graph.query(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT DISTINCT ?o WHERE { "
            "?s skos:exactMatch|skos:closeMatch|skos:broadMatch ?o . FILTER(STRSTARTS(STR(?s), 'https://w3id.org/tkiros/')) }"
        )
    }
    assert len(iris) > 100
    for iri in sorted(iris):
        assert bool(shape.match(iri)) == is_well_formed(compact(iri)), iri
    for prefix, uri, _ in named:
        assert not shape.match(uri + "x!") and not is_well_formed(f"{prefix}:x!"), prefix


def test_the_prefix_map_file_is_a_curies_extended_prefix_map():
    import curies

    from tkiros.prefixes import PREFIX_MAP_FILE

    loaded = curies.load_extended_prefix_map(PREFIX_MAP_FILE)
    assert {r.prefix: r.uri_prefix for r in loaded.records} == PREFIXES
