"""Trusty URIs (tkiros.release.trusty) against known vectors: two files of the TrustyURI test suite (trustyuri-testsuite,
RA/valid: their artifact codes were computed by the reference implementation) and nanopublications signed by
nanopub-sign, whose artifact codes the library computes; and tkiros's own trusty nanopublications checked by it."""

from __future__ import annotations

import nanopub_sign
import pyoxigraph as ox
import pytest

from tkiros.release.trusty import PLACEHOLDER, TrustyError, artifact_code, code_of, make_trusty, verify

# trustyuri-testsuite RA/valid/literals1.RAmlIKbud0SUy-7wuH9zwuuQSaGp8Doyd1RM4N3RoPoEk.ttl: the order of literals
# (lexical form first, then datatype, then language tag) and duplicates.
LITERALS1 = (
    "RAmlIKbud0SUy-7wuH9zwuuQSaGp8Doyd1RM4N3RoPoEk",
    """@prefix dc: <http://purl.org/dc/elements/1.1/> .
@prefix ex: <http://example.com/foo> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<http://example.com/foo> dc:title <http://example.com/foo42> , " 42 "@en , " 42 "@en-gb , " 42 "@en-us , " 42 "^^xsd:int , " 42 " , " 42 " , "42"@en , "42"@en-gb , "42"@en-us , "42"^^xsd:int , "42" , "42" , "43"@en , "43"@en-gb , "43"@en-us , "43"^^xsd:int , "43" , "43" .
""",
)

# trustyuri-testsuite RA/valid/unicode1.RAvKzjuuuq3k2c2iaLzMFwDVgfK6_5tZrqio5sIjwYaUk.ttl: a NUL and non-ASCII text.
UNICODE1 = (
    "RAvKzjuuuq3k2c2iaLzMFwDVgfK6_5tZrqio5sIjwYaUk",
    """@prefix dc: <http://purl.org/dc/elements/1.1/> .
@prefix ex: <http://example.com/foo> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<http://example.com/foo> dc:title "This is a string \x00 \u5555 \u10ffff \u4444 \u3333 with unicode characters" .
""",
)

NANOPUB = """@prefix : <http://example.org/np1#> .
@prefix np: <http://www.nanopub.org/nschema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
:Head { <http://example.org/np1> a np:Nanopublication ; np:hasAssertion :assertion ;
        np:hasProvenance :provenance ; np:hasPublicationInfo :pubinfo . }
:assertion { <http://example.org/gefitinib> <http://example.org/increases> <http://example.org/ros> ;
             <http://www.w3.org/2000/01/rdf-schema#label> "gefitinib raises ROS \\\\ in \\"NSCLC\\""@en . }
:provenance { :assertion <http://www.w3.org/ns/prov#wasDerivedFrom> <http://example.org/review> . }
:pubinfo { <http://example.org/np1> dct:created "2026-01-01"^^xsd:date . }
"""


def quads_of(text: str, fmt=ox.RdfFormat.TRIG) -> list:
    return list(ox.parse(text.encode("utf-8"), format=fmt))


@pytest.mark.parametrize("vector", [LITERALS1, UNICODE1], ids=["literals1", "unicode1"])
def test_testsuite_vectors(vector):
    code, text = vector
    quads = quads_of(text, ox.RdfFormat.TURTLE)
    assert artifact_code(quads, code) == code
    assert verify(quads, f"http://example.com/foo.{code}")
    assert artifact_code(quads[1:], code) != code


def test_codes_of_nanopublications_signed_by_nanopub_sign():
    """nanopub-sign computes the artifact code while signing (with a key made for the test); we recompute it."""
    profile = nanopub_sign.NpProfile(nanopub_sign.KeyPair().private, "https://orcid.org/0000-0000-0000-0000")
    signed = nanopub_sign.Nanopub(NANOPUB).sign(profile).rdf()
    quads = quads_of(signed)
    iri = next(q.subject.value for q in quads if q.predicate.value == "http://www.nanopub.org/nschema#hasAssertion")
    code = code_of(iri)
    assert iri == f"http://example.org/np1.{code}"
    assert artifact_code(quads, code) == code


def test_made_trusty_verifies_in_nanopub_sign_and_breaks_when_a_triple_changes(capfd):
    text = NANOPUB.replace("http://example.org/np1", f"http://example.org/np1.{PLACEHOLDER}")
    code, quads = make_trusty(quads_of(text))
    iri = f"http://example.org/np1.{code}"
    assert not any(PLACEHOLDER in str(t) for q in quads for t in (q.subject, q.object, q.graph_name))
    assert verify(quads, iri)
    assert make_trusty(reversed(quads_of(text)))[0] == code  # the order of the input does not matter
    nanopub_sign.Nanopub(ox.serialize(quads, format=ox.RdfFormat.TRIG).decode("utf-8")).check()
    assert "trusty" in capfd.readouterr().out

    edited = [
        q
        if q.predicate.value != "http://example.org/increases"
        else ox.Quad(q.subject, q.predicate, ox.NamedNode("http://example.org/apoptosis"), q.graph_name)
        for q in quads
    ]
    assert not verify(edited, iri)
    with pytest.raises(Exception, match="hash"):
        nanopub_sign.Nanopub(ox.serialize(edited, format=ox.RdfFormat.TRIG).decode("utf-8")).check()


def test_blank_nodes_and_iris_without_a_code_are_refused():
    with pytest.raises(TrustyError, match="blank node"):
        artifact_code(quads_of("_:b <http://example.org/p> <http://example.org/o> .", ox.RdfFormat.TURTLE))
    assert code_of("http://example.org/np1") is None
    assert not verify(quads_of(NANOPUB), "http://example.org/np1")
