"""Counts that describe the graph."""

from __future__ import annotations

COUNTS = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "classes": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> FILTER(isIRI(?c)) }",
    "object properties": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <http://www.w3.org/2002/07/owl#ObjectProperty> }",
    "individuals": "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a ?c . ?c a <http://www.w3.org/2002/07/owl#Class> FILTER(isIRI(?i)) }",
    "entities": "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a ?c . ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <https://w3id.org/tkiros/vocab/Entity> }",
    "findings": "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a <https://w3id.org/tkiros/vocab/Finding> }",
    "text spans": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <https://w3id.org/tkiros/vocab/SeedSpan> }",
    "references": "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a <https://w3id.org/tkiros/vocab/Reference> }",
    "cited references": "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?f <http://purl.org/spar/cito/citesAsEvidence> ?r }",
    "derived direct edges": "SELECT (COUNT(*) AS ?n) WHERE { ?d <https://w3id.org/tkiros/vocab/directEdge> ?p . ?a ?p ?b }",
}


def stats(store=None) -> dict[str, int]:
    if store is None:
        from tkiros.store.store import open_store

        store = open_store()
    out = {}
    for name, q in COUNTS.items():
        row = next(iter(store.query(q)))
        out[name] = int(row["n"].value)
    return out
