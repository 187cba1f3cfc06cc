"""RDF in and out, one way for the whole project: canonical triples (blank nodes relabelled by RDFC-1.0,
sorted), deterministic serialisation (Turtle, N-Triples, RDF/XML, JSON-LD 1.0) and term conversion
between pyoxigraph, rdflib and SPARQL JSON results."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox

from tkiros.prefixes import PREFIXES
from tkiros.vocab import OWL, RDF, XSD


def canonical(triples) -> list:
    """The triples with blank nodes relabelled by RDFC-1.0 (when there are any), deduplicated and sorted.

    Sorted by subject, then rdf:type first, then predicate and object in N-Triples form; the ontology
    header (an owl:Ontology) comes first, so the files read top-down.
    """
    triples = list(dict.fromkeys(triples))
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
        ds = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        triples = [q.triple for q in ds]
    rdf_type = ox.NamedNode(RDF + "type")
    headers = {
        str(t.subject) for t in triples if t.predicate == rdf_type and t.object == ox.NamedNode(OWL + "Ontology")
    }

    def key(t):
        s = str(t.subject)
        return (s not in headers, s, t.predicate != rdf_type, str(t.predicate), str(t.object))

    return sorted(triples, key=key)


def serialize(triples, ext: str, pfx: dict[str, str] | None = None, terms: dict[str, str] | None = None) -> bytes:
    """Canonical bytes of ``triples`` (already canonical()) in the format of file extension ``ext``."""
    pfx = pfx if pfx is not None else PREFIXES
    if ext == "jsonld":
        return jsonld_bytes(triples, jsonld_context(pfx, terms))
    fmt = {
        "ttl": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "owl": ox.RdfFormat.RDF_XML,
        "rdf": ox.RdfFormat.RDF_XML,
    }[ext]
    if ext == "nt":
        return ox.serialize(triples, format=fmt)
    return ox.serialize(triples, format=fmt, prefixes=used_prefixes(triples, pfx))


_CLEAN_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


def used_prefixes(quads_or_triples, pfx: dict[str, str]) -> dict[str, str]:
    """The prefixes a file uses, so that it declares what it needs and no more.

    A prefix whose local names would mostly need backslash escapes in Turtle (a DOI's slash, a licence
    URL) is left out: those IRIs read better written in full.
    """
    iris = set()
    for t in quads_or_triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    by_length = sorted(pfx.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    clean: dict[str, int] = {}
    dirty: dict[str, int] = {}
    for iri in iris:
        for name, ns in by_length:
            if iri.startswith(ns) and len(iri) > len(ns):
                counter = clean if _CLEAN_LOCAL.match(iri[len(ns) :]) else dirty
                counter[name] = counter.get(name, 0) + 1
                break
    return {name: ns for name, ns in pfx.items() if name in clean and dirty.get(name, 0) * 10 < clean[name]}


_GEN_DELIMS = tuple(":/?#[]@")


def jsonld_context(pfx: dict[str, str] | None = None, terms: dict[str, str] | None = None, v11: bool = False) -> dict:
    """The JSON-LD @context: a term per vocabulary term ("hasAgent") and the prefixes.

    By default JSON-LD 1.0 (no 1.1 keyword, so every processor loads it): only the prefixes whose IRI ends
    in a gen-delim character, the IRIs under the others (obo:MONDO_ style) being written in full by
    jsonld_bytes. ``v11`` adds those as '@prefix' definitions, for expanding CURIEs such as CHEBI:49668.
    """
    pfx = pfx if pfx is not None else PREFIXES
    ctx: dict = {"@version": 1.1} if v11 else {}
    for name in sorted(pfx):
        ns = pfx[name]
        if ns.endswith(_GEN_DELIMS):
            ctx[name] = ns
        elif v11:
            ctx[name] = {"@id": ns, "@prefix": True}
    for term, iri in sorted((terms or {}).items()):
        ctx.setdefault(term, iri)
    return ctx


def vocabulary_terms(triples, pfx: dict[str, str] | None = None) -> dict[str, str]:
    """JSON-LD term name -> IRI for each of our vocabulary terms (local name, unless it would clash)."""
    pfx = pfx if pfx is not None else PREFIXES
    vocab = pfx["tkiros"]
    names: dict[str, str] = {}
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            iri = getattr(term, "value", "")
            if (
                isinstance(iri, str)
                and iri.startswith(vocab)
                and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", iri[len(vocab) :])
            ):
                names.setdefault(iri[len(vocab) :], iri)
    return {n: iri for n, iri in names.items() if n not in pfx}


def _compactor(pfx: dict[str, str]):
    by_length = sorted(pfx.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def compact(iri: str) -> str:
        for name, ns in by_length:
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns) :].startswith("//"):
                return f"{name}:{iri[len(ns) :]}"
        return iri

    return compact


def jsonld_bytes(triples, context: dict) -> bytes:
    """Compact JSON-LD with the context inline: one node object per subject, in canonical order.

    Written by hand rather than by a JSON-LD compaction library so that the output is canonical and fast;
    literals keep their exact lexical form ('@value' strings with '@type').
    """
    plain = {k: v for k, v in context.items() if isinstance(v, str) and not k.startswith("@")}
    by_iri = {v: k for k, v in plain.items() if not v.endswith(_GEN_DELIMS)}  # terms
    compact = _compactor({k: v for k, v in plain.items() if v.endswith(_GEN_DELIMS)})
    rdf_type = ox.NamedNode(RDF + "type")

    def vocab(iri: str) -> str:  # keys and types: a term where one is defined
        return by_iri.get(iri) or compact(iri)

    def ident(term) -> str:
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else compact(term.value)

    def value(term):
        if isinstance(term, ox.Literal):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            if term.datatype.value == XSD + "string":
                return term.value
            return {"@value": term.value, "@type": compact(term.datatype.value)}
        return {"@id": ident(term)}

    nodes: dict[str, dict] = {}
    for t in triples:
        node = nodes.setdefault(str(t.subject), {"@id": ident(t.subject)})
        if t.predicate == rdf_type and isinstance(t.object, ox.NamedNode):
            node.setdefault("@type", []).append(vocab(t.object.value))
        else:
            node.setdefault(vocab(t.predicate.value), []).append(value(t.object))
    graph = [{k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in n.items()} for n in nodes.values()]
    doc = {"@context": context, "@graph": graph}
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def to_ox(term):
    """A pyoxigraph term from a pyoxigraph or rdflib term (None stays None)."""
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return term
    kind = type(term).__name__
    if kind == "URIRef":
        return ox.NamedNode(str(term))
    if kind == "BNode":
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)


def to_rdflib(term):
    """An rdflib term from a pyoxigraph term."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def json_term(term) -> dict:
    """A term as a binding of SPARQL 1.1 Query Results JSON."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def term_from_json(b: dict):
    """A pyoxigraph term from a binding of SPARQL 1.1 Query Results JSON."""
    kind = b.get("type")
    if kind == "uri":
        return ox.NamedNode(b["value"])
    if kind == "bnode":
        return ox.BlankNode(b["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in b:
            return ox.Literal(b["value"], language=b["xml:lang"])
        if "datatype" in b:
            return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]))
        return ox.Literal(b["value"])
    raise ValueError(f"unknown term type {kind!r}")
