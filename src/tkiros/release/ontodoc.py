"""HTML documentation of the ontology's terms, in the manner of LODE/pyLODE, written by tkiros itself.

pyLODE was the first choice, but 3.4.1 fails on import (it reads a pyproject.toml that its wheel does not
ship) and 3.3.4 fails on nested class expressions (owl:unionOf inside owl:intersectionOf) and orders the
members of a union by hash, so its output is neither robust nor deterministic here.

One page: the ontology's metadata, then classes, object, datatype and annotation properties and named
individuals, each with its IRI, label, definition, other annotations, and its logical axioms (superclasses,
equivalent class expressions in Manchester syntax, disjoint classes, domains, ranges, super-properties).
Terms are sorted by label then IRI, so the page is deterministic.
"""

from __future__ import annotations

import html
import re

from tkiros.vocab import DCTERMS, IAO_DEFINITION, OWL, RDF, RDFS, SKOS

SECTIONS = [
    ("classes", "Classes", OWL + "Class"),
    ("objectproperties", "Object properties", OWL + "ObjectProperty"),
    ("datatypeproperties", "Datatype properties", OWL + "DatatypeProperty"),
    ("annotationproperties", "Annotation properties", OWL + "AnnotationProperty"),
    ("individuals", "Named individuals", OWL + "NamedIndividual"),
]
# Annotations shown under their own names, in this order; any other annotation follows under its CURIE.
ANNOTATIONS = [
    (SKOS + "prefLabel", "preferred label"),
    (SKOS + "altLabel", "synonyms"),
    (SKOS + "notation", "notation"),
    (RDFS + "comment", "comment"),
    (SKOS + "note", "note"),
    (SKOS + "exactMatch", "exact match"),
    (SKOS + "closeMatch", "close match"),
    (SKOS + "broadMatch", "broad match"),
    (SKOS + "narrowMatch", "narrow match"),
    (RDFS + "seeAlso", "see also"),
    (RDFS + "isDefinedBy", "defined by"),
]
LOGIC = {
    RDF + "type",
    RDFS + "label",
    IAO_DEFINITION,
    RDFS + "subClassOf",
    OWL + "equivalentClass",
    OWL + "disjointWith",
    RDFS + "domain",
    RDFS + "range",
    RDFS + "subPropertyOf",
    OWL + "inverseOf",
    OWL + "equivalentProperty",
}
CHARACTERISTICS = {
    OWL + n + "Property": n
    for n in ("Functional", "InverseFunctional", "Symmetric", "Asymmetric", "Transitive", "Reflexive", "Irreflexive")
}
RESTRICTIONS = [
    (OWL + "someValuesFrom", "some"),
    (OWL + "allValuesFrom", "only"),
    (OWL + "hasValue", "value"),
    (OWL + "minQualifiedCardinality", "min"),
    (OWL + "maxQualifiedCardinality", "max"),
    (OWL + "qualifiedCardinality", "exactly"),
    (OWL + "minCardinality", "min"),
    (OWL + "maxCardinality", "max"),
    (OWL + "cardinality", "exactly"),
]


def ontology_html(triples, ontology_iri: str) -> bytes:
    """The documentation page of the ontology ``ontology_iri`` described by ``triples`` (pyoxigraph)."""
    import pyoxigraph as ox

    from tkiros.prefixes import compact

    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)

    def objects(s, p):
        return [t.object for t in by_subject.get(s, []) if t.predicate.value == p]

    def literal(s, p):
        values = sorted(o.value for o in objects(s, p) if isinstance(o, ox.Literal))
        return values[0] if values else None

    types: dict[str, set] = {}
    for t in triples:
        if t.predicate.value == RDF + "type" and isinstance(t.subject, ox.NamedNode):
            types.setdefault(t.object.value, set()).add(t.subject)
    documented = {s.value for kind in SECTIONS for s in types.get(kind[2], set())}
    anchors = {iri: "t-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in compact(iri)) for iri in documented}

    def label(iri: str) -> str:
        return literal(ox.NamedNode(iri), RDFS + "label") or compact(iri)

    def link(term) -> str:
        if isinstance(term, ox.Literal):
            lang = f' <span class="lang">@{term.language}</span>' if term.language else ""
            return html.escape(term.value) + lang
        if isinstance(term, ox.BlankNode):
            return expression(term)
        iri = term.value
        if iri in anchors:
            return f'<a href="#{anchors[iri]}" title="{html.escape(iri)}">{html.escape(label(iri))}</a>'
        curie = compact(iri)
        text = curie if curie != iri and re.fullmatch(r"[A-Za-z0-9_.-]+", curie.split(":", 1)[1]) else iri
        return f'<a href="{html.escape(iri)}">{html.escape(text)}</a>'

    def rdf_list(node, depth=0) -> list:
        items = []
        while isinstance(node, (ox.BlankNode, ox.NamedNode)) and node.value != RDF + "nil" and depth < 1000:
            first = objects(node, RDF + "first")
            if first:
                items.append(first[0])
            rest = objects(node, RDF + "rest")
            node = rest[0] if rest else None
            depth += 1
        return items

    def expression(node, depth=0) -> str:
        """A class expression (blank node) in Manchester syntax, with links."""
        if not isinstance(node, ox.BlankNode) or depth > 20:
            return link(node)
        for p, word in ((OWL + "unionOf", "or"), (OWL + "intersectionOf", "and")):
            for lst in objects(node, p):
                parts = [expression(m, depth + 1) for m in rdf_list(lst)]
                return "(" + f" <b>{word}</b> ".join(parts) + ")"
        for c in objects(node, OWL + "complementOf"):
            return "<b>not</b> " + expression(c, depth + 1)
        for lst in objects(node, OWL + "oneOf"):
            return "{" + ", ".join(link(m) for m in rdf_list(lst)) + "}"
        on = objects(node, OWL + "onProperty")
        if on:
            for p, word in RESTRICTIONS:
                for value in objects(node, p):
                    if word in ("some", "only", "value"):
                        return f"{link(on[0])} <b>{word}</b> {expression(value, depth + 1)}"
                    qualifier = objects(node, OWL + "onClass")
                    tail = f" {expression(qualifier[0], depth + 1)}" if qualifier else ""
                    return f"{link(on[0])} <b>{word}</b> {html.escape(value.value)}{tail}"
        return "<i>an anonymous class</i>"

    def row(name: str, cells: list[str]) -> str:
        if not cells:
            return ""
        return f"<tr><th>{html.escape(name)}</th><td>{'<br>'.join(cells)}</td></tr>"

    def sort_terms(terms) -> list:
        return sorted(terms, key=lambda n: (label(n.value).lower(), n.value))

    subclasses: dict[str, set] = {}
    for t in triples:
        if (
            t.predicate.value == RDFS + "subClassOf"
            and isinstance(t.object, ox.NamedNode)
            and isinstance(t.subject, ox.NamedNode)
        ):
            subclasses.setdefault(t.object.value, set()).add(t.subject)

    def term_html(node, kind: str) -> str:
        iri = node.value
        rows = [
            row("IRI", [f"<code>{html.escape(iri)}</code>"]),
            row(
                "definition",
                [
                    html.escape(d)
                    for d in sorted(o.value for o in objects(node, IAO_DEFINITION) if isinstance(o, ox.Literal))
                ],
            ),
        ]
        if kind == OWL + "Class":
            rows += [
                row("subclass of", [expression(o) for o in _sorted(objects(node, RDFS + "subClassOf"))]),
                row("equivalent to", [expression(o) for o in _sorted(objects(node, OWL + "equivalentClass"))]),
                row("disjoint with", [link(o) for o in _sorted(objects(node, OWL + "disjointWith"))]),
                row("subclasses", [link(o) for o in sort_terms(subclasses.get(iri, set()))]),
            ]
        elif kind == OWL + "NamedIndividual":
            rows.append(row("type", [link(o) for o in _sorted(objects(node, RDF + "type")) if o.value != kind]))
        else:
            flags = sorted(CHARACTERISTICS[o.value] for o in objects(node, RDF + "type") if o.value in CHARACTERISTICS)
            rows += [
                row("characteristics", [html.escape(", ".join(flags))] if flags else []),
                row("subproperty of", [link(o) for o in _sorted(objects(node, RDFS + "subPropertyOf"))]),
                row("inverse of", [link(o) for o in _sorted(objects(node, OWL + "inverseOf"))]),
                row("domain", [expression(o) for o in _sorted(objects(node, RDFS + "domain"))]),
                row("range", [expression(o) for o in _sorted(objects(node, RDFS + "range"))]),
            ]
        shown = set(LOGIC)
        for p, name in ANNOTATIONS:
            rows.append(row(name, [link(o) for o in _sorted(objects(node, p))]))
            shown.add(p)
        others = sorted({t.predicate.value for t in by_subject.get(node, [])} - shown)
        for p in others:
            rows.append(row(compact(p), [link(o) for o in _sorted(objects(node, p))]))
        return (
            f'<section class="term" id="{anchors[iri]}"><h3>{html.escape(label(iri))} '
            f'<span class="curie">{html.escape(compact(iri))}</span></h3>'
            f"<table>{''.join(rows)}</table></section>"
        )

    ont = ox.NamedNode(ontology_iri)
    title = literal(ont, DCTERMS + "title") or ontology_iri
    meta = [row("IRI", [f"<code>{html.escape(ontology_iri)}</code>"])]
    for p in sorted({t.predicate.value for t in by_subject.get(ont, [])} - {RDF + "type"}):
        meta.append(row(compact(p), [link(o) for o in _sorted(objects(ont, p))]))

    toc, body, placed = [], [], set()
    for anchor, heading, kind in SECTIONS:
        members = sort_terms(
            n for n in types.get(kind, set()) if n.value not in placed
        )  # a punned term: its first section
        placed.update(n.value for n in members)
        if not members:
            continue
        toc.append(
            f'<li><a href="#{anchor}">{heading}</a> ({len(members)})<ul>'
            + "".join(f'<li><a href="#{anchors[n.value]}">{html.escape(label(n.value))}</a></li>' for n in members)
            + "</ul></li>"
        )
        body.append(f'<h2 id="{anchor}">{heading}</h2>' + "".join(term_html(n, kind) for n in members))

    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: sans-serif; margin: 0; display: flex; }}
nav {{ width: 20em; height: 100vh; overflow-y: auto; position: sticky; top: 0; padding: 1em; border-right: 1px solid #ddd; font-size: 0.85em; }}
nav ul {{ padding-left: 1em; }}
main {{ flex: 1; padding: 1em 2em; max-width: 70em; }}
section.term {{ border: 1px solid #ddd; margin: 1em 0; padding: 0.5em 1em; }}
th {{ text-align: left; vertical-align: top; padding-right: 1em; white-space: nowrap; color: #555; font-weight: normal; }}
.curie {{ color: #777; font-size: 0.7em; font-weight: normal; }}
.lang {{ color: #999; font-size: 0.8em; }}
</style>
</head>
<body>
<nav><b>Contents</b><ul><li><a href="#metadata">Metadata</a></li>{"".join(toc)}</ul></nav>
<main>
<h1>{html.escape(title)}</h1>
<h2 id="metadata">Metadata</h2>
<table>{"".join(meta)}</table>
{chr(10).join(body)}
</main>
</body>
</html>
"""
    return page.encode("utf-8")


def _sorted(terms) -> list:
    return sorted(terms, key=str)
