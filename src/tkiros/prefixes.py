"""One prefix map for the whole project: our namespaces plus standard OBO PURLs and W3C vocabularies."""

from __future__ import annotations

PREFIXES: dict[str, str] = {
    "tkiros": "https://w3id.org/tkiros/vocab/",
    "tkd": "https://w3id.org/tkiros/data/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "cito": "http://purl.org/spar/cito/",
    "bibo": "http://purl.org/ontology/bibo/",
    "sh": "http://www.w3.org/ns/shacl#",
    "obo": "http://purl.obolibrary.org/obo/",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "GO": "http://purl.obolibrary.org/obo/GO_",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "EFO": "http://www.ebi.ac.uk/efo/EFO_",
    "CLO": "http://purl.obolibrary.org/obo/CLO_",
    "RO": "http://purl.obolibrary.org/obo/RO_",
    "BFO": "http://purl.obolibrary.org/obo/BFO_",
    "ECO": "http://purl.obolibrary.org/obo/ECO_",
    "IAO": "http://purl.obolibrary.org/obo/IAO_",
    "HGNC": "http://identifiers.org/hgnc:",
    "cellosaurus": "https://www.cellosaurus.org/",
    "semapv": "https://w3id.org/semapv/vocab/",
}

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def compact(iri: str) -> str:
    """The CURIE of ``iri`` when a prefix covers it, else the IRI itself."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and prefix != "obo":
            return f"{prefix}:{iri[len(ns):]}"
    if iri.startswith(PREFIXES["obo"]):
        return f"obo:{iri[len(PREFIXES['obo']):]}"
    return iri


def expand(curie: str) -> str:
    """The IRI of a CURIE; KeyError for an unknown prefix."""
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local
