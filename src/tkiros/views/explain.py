"""Explanations: why an individual belongs to each class the reasoner inferred for it.

For each inferred defined class: its definition (Manchester-like text) and the facts that satisfy it, each
with the findings and seed quotes behind it; a membership the definition needs that is itself inferred is
expanded in turn (its own definition, the asserted sub-class, or the domain or range that gives it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from tkiros.errors import TkirosError
from tkiros.prefixes import local_name
from tkiros.reasoning.cache import inferred_store
from tkiros.reasoning.closure import reachable
from tkiros.reasoning.results import DEFAULT_REASONER, META
from tkiros.vocab import EQUIVALENT, OA, OWL, RDF, RDFS, SUBCLASS, THING, TK, TYPE


@dataclass
class Support:
    """One fact behind a class membership: a type or an edge, with the findings (and quotes) it comes from."""

    kind: str  # "type", "edge" or "listed" (named in a oneOf of the definition)
    subject: str
    predicate: str
    object: str
    asserted: bool
    findings: list[tuple[str, str, str]] = field(default_factory=list)  # (finding IRI, label, quote)
    via: list[str] = field(default_factory=list)  # for an inferred type: the asserted types that entail it
    how: str = ""  # for an inferred type: why it holds ("by the definition of X", "domain of P", ...)
    nested: list["Support"] = field(default_factory=list)  # for a type by definition: the facts behind it


def class_expression(store, node) -> tuple:
    """Parse an OWL class expression from the graph into a small tree."""

    def one(s, p):
        for q in store.quads_for_pattern(s, ox.NamedNode(p), None, ox.DefaultGraph()):
            return q.object
        return None

    def items(lst):
        out = []
        while lst is not None and lst != ox.NamedNode(RDF + "nil"):
            out.append(one(lst, RDF + "first"))
            lst = one(lst, RDF + "rest")
        return out

    if isinstance(node, ox.NamedNode):
        return ("class", node.value)
    for key, tag in ((OWL + "intersectionOf", "and"), (OWL + "unionOf", "or")):
        lst = one(node, key)
        if lst is not None:
            return (tag, [class_expression(store, n) for n in items(lst)])
    lst = one(node, OWL + "oneOf")
    if lst is not None:
        return ("oneof", [n.value for n in items(lst)])
    comp = one(node, OWL + "complementOf")
    if comp is not None:
        return ("not", class_expression(store, comp))
    prop = one(node, OWL + "onProperty")
    if prop is not None:
        pname = ("inverse", one(prop, OWL + "inverseOf").value) if isinstance(prop, ox.BlankNode) else prop.value
        for key, tag in ((OWL + "someValuesFrom", "some"), (OWL + "allValuesFrom", "only")):
            f = one(node, key)
            if f is not None:
                return (tag, pname, class_expression(store, f))
        v = one(node, OWL + "hasValue")
        if v is not None:
            return ("value", pname, v.value)
    return ("unknown", str(node))


def manchester(expr, top: bool = True) -> str:
    """Manchester-like text of a class expression, with local names."""
    tag = expr[0]
    if tag == "class":
        return local_name(expr[1])
    if tag in ("and", "or"):
        text = f" {tag} ".join(manchester(e, False) for e in expr[1])
        return text if top else f"({text})"
    if tag == "oneof":
        return "{" + ", ".join(local_name(i) for i in expr[1]) + "}"
    if tag == "not":
        return f"not {manchester(expr[1], False)}"
    prop = f"inverse {local_name(expr[1][1])}" if isinstance(expr[1], tuple) else local_name(expr[1])
    if tag in ("some", "only"):
        text = f"{prop} {tag} {manchester(expr[2], False)}"
    elif tag == "value":
        text = f"{prop} value {local_name(expr[2])}"
    else:
        return expr[1]
    return text if top else f"({text})"


class Explainer:
    def __init__(self, store):
        self.store = store
        self.label_cache: dict[str, str] = {}
        self.up_cache: dict[str, set[str]] = {}
        self.def_cache: dict[str, tuple | None] = {}

    def has(self, s: str, p: str, o: str) -> bool:
        return any(
            True
            for _ in self.store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), ox.DefaultGraph())
        )

    def objects(self, s: str, p: str) -> list[str]:
        return sorted(
            q.object.value
            for q in self.store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, ox.DefaultGraph())
            if isinstance(q.object, ox.NamedNode)
        )

    def subjects(self, p: str, o: str) -> list[str]:
        return sorted(
            q.subject.value
            for q in self.store.quads_for_pattern(None, ox.NamedNode(p), ox.NamedNode(o), ox.DefaultGraph())
            if isinstance(q.subject, ox.NamedNode)
        )

    def label(self, iri: str) -> str:
        if iri not in self.label_cache:
            labels = [
                q.object.value
                for q in self.store.quads_for_pattern(
                    ox.NamedNode(iri), ox.NamedNode(RDFS + "label"), None, ox.DefaultGraph()
                )
            ]
            self.label_cache[iri] = sorted(labels)[0] if labels else local_name(iri)
        return self.label_cache[iri]

    def satisfy(self, expr, x: str, limit: int = 3):
        """Supports for "x is an instance of expr", or None when the graph does not show it."""
        tag = expr[0]
        if tag == "class":
            if expr[1] == THING:
                return []
            if self.has(x, TYPE, expr[1]):
                return [Support("type", x, TYPE, expr[1], asserted=False)]
            return None
        if tag == "and":
            out = []
            for e in expr[1]:
                s = self.satisfy(e, x, limit)
                if s is None:
                    return None
                out += s
            return out
        if tag == "or":
            out, any_ok = [], False
            for e in expr[1]:
                s = self.satisfy(e, x, limit)
                if s is not None:
                    any_ok = True
                    out += s
            return out if any_ok else None
        if tag == "oneof":
            return (
                [Support("listed", x, OWL + "oneOf", "{" + ", ".join(local_name(i) for i in expr[1]) + "}", True)]
                if x in expr[1]
                else None
            )
        if tag == "value":
            if isinstance(expr[1], tuple):
                return [Support("edge", expr[2], expr[1][1], x, False)] if self.has(expr[2], expr[1][1], x) else None
            return [Support("edge", x, expr[1], expr[2], False)] if self.has(x, expr[1], expr[2]) else None
        if tag == "some":
            prop, filler = expr[1], expr[2]
            values = self.subjects(prop[1], x) if isinstance(prop, tuple) else self.objects(x, prop)
            out, found = [], 0
            for v in values:
                s = self.satisfy(filler, v, limit)
                if s is None:
                    continue
                edge = (
                    Support("edge", v, prop[1], x, False)
                    if isinstance(prop, tuple)
                    else Support("edge", x, prop, v, False)
                )
                out += [edge] + s
                found += 1
                if found >= limit:
                    break
            return out if found else None
        return None

    def add_evidence(self, supports: list[Support], asserted_graph, depth: int = 0) -> None:
        """Mark which supports are asserted; give edges their findings and inferred types their reason."""
        for sup in supports:
            if sup.kind == "listed":
                continue
            sup.asserted = any(
                True
                for _ in asserted_graph.quads_for_pattern(
                    ox.NamedNode(sup.subject), ox.NamedNode(sup.predicate), ox.NamedNode(sup.object), ox.DefaultGraph()
                )
            )
            if sup.kind == "edge":
                sup.findings = self.findings_for(sup)
            elif not sup.asserted:
                self.why_type(sup, asserted_graph, depth)

    def ancestors(self, cls: str) -> set[str]:
        if cls not in self.up_cache:
            links = {}
            todo = [cls]
            while todo:
                c = todo.pop()
                if c not in links:
                    links[c] = self.objects(c, SUBCLASS) + self.objects(c, EQUIVALENT)
                    todo += links[c]
            self.up_cache[cls] = reachable(links, cls)
        return self.up_cache[cls]

    def definition(self, cls: str):
        if cls not in self.def_cache:
            defs = [
                q.object
                for q in self.store.quads_for_pattern(
                    ox.NamedNode(cls), ox.NamedNode(EQUIVALENT), None, ox.DefaultGraph()
                )
                if isinstance(q.object, ox.BlankNode)
            ]
            self.def_cache[cls] = class_expression(self.store, defs[0]) if defs else None
        return self.def_cache[cls]

    def why_type(self, sup: Support, asserted_graph, depth: int) -> None:
        """Why an inferred type holds: asserted sub-classes, a definition met (expanded), a domain or a range."""
        x, cls = sup.subject, sup.object
        own = [
            q.object.value
            for q in asserted_graph.quads_for_pattern(ox.NamedNode(x), ox.NamedNode(TYPE), None, ox.DefaultGraph())
            if isinstance(q.object, ox.NamedNode) and not q.object.value.startswith(META)
        ]
        sup.via = sorted(t for t in own if cls in self.ancestors(t))
        if sup.via:
            sup.how = "asserted " + ", ".join(local_name(t) for t in sup.via)
            return
        if depth < 6:  # definitions nest a few levels at most; the bound only guards cycles
            below = sorted(
                d for d in self.objects(x, TYPE) if d != cls and cls in self.ancestors(d) and self.definition(d)
            )
            for d in [cls] + below:
                expr = self.definition(d)
                nested = self.satisfy(expr, x) if expr else None
                if nested is not None:
                    self.add_evidence(nested, asserted_graph, depth + 1)
                    sup.how = "by its definition" if d == cls else f"as a {local_name(d)}, by its definition"
                    sup.nested = nested
                    return
        for q in self.store.quads_for_pattern(ox.NamedNode(x), None, None, ox.DefaultGraph()):
            for dom in self.objects(q.predicate.value, RDFS + "domain"):
                if dom == cls or cls in self.ancestors(dom):
                    sup.how = f"domain of {local_name(q.predicate.value)}: {self.label(x)} {local_name(q.predicate.value)} {self.label(q.object.value) if isinstance(q.object, ox.NamedNode) else q.object.value}"
                    return
        for q in self.store.quads_for_pattern(None, None, ox.NamedNode(x), ox.DefaultGraph()):
            for rng in self.objects(q.predicate.value, RDFS + "range"):
                if isinstance(q.subject, ox.NamedNode) and (rng == cls or cls in self.ancestors(rng)):
                    sup.how = f"range of {local_name(q.predicate.value)}: {self.label(q.subject.value)} {local_name(q.predicate.value)} {self.label(x)}"
                    return
        sup.how = "entailed by the ontology (no single fact to show)"

    def findings_for(self, sup: Support) -> list[tuple[str, str, str]]:
        """The findings an edge comes from: a finding's own property, or a direct edge derived from findings."""
        finding_iris: list[str] = []
        if self.has(sup.subject, TYPE, TK + "Finding"):
            finding_iris = [sup.subject]
        elif self.has(sup.object, TYPE, TK + "Finding") and sup.predicate == TK + "isAgentOf":
            finding_iris = [sup.object]
        else:
            directions = self.subjects(TK + "directEdge", sup.predicate)
            for f in self.subjects(TK + "hasAgent", sup.subject):
                if sup.predicate == TK + "leadsToOutcome":
                    if self.has(f, TK + "hasOutcome", sup.object):
                        finding_iris.append(f)
                elif any(self.has(f, TK + "hasDirection", d) for d in directions) and self.has(
                    f, TK + "hasTarget", sup.object
                ):
                    finding_iris.append(f)
        out = []
        for f in sorted(set(finding_iris)):
            quotes = [
                q.object.value
                for span in self.objects(f, TK + "hasSpan")
                for q in self.store.quads_for_pattern(
                    ox.NamedNode(span), ox.NamedNode(OA + "exact"), None, ox.DefaultGraph()
                )
            ]
            out.append((f, self.label(f), sorted(quotes)[0] if quotes else ""))
        return out


def explain(entity: str, reasoner: str = DEFAULT_REASONER) -> dict:
    """Why ``entity`` belongs to each class the reasoner inferred for it: definitions and supporting facts."""
    from tkiros.query.queries import resolve_entity
    from tkiros.store.store import open_store

    graph = inferred_store(reasoner)
    asserted = open_store().store
    try:
        iri = resolve_entity(graph.store, entity, "ENTITY").value
    except TkirosError as err:
        raise TkirosError(err.message.replace("--param ENTITY=", "ENTITY ")) from None
    return explain_iri(iri, graph.store, asserted, Explainer(graph.store), reasoner)


def explain_iri(iri: str, inferred, asserted, ex: "Explainer", reasoner: str = DEFAULT_REASONER) -> dict:
    """explain() on open stores (the inferred and the asserted one), for callers that explain many entities."""
    asserted_types = {
        q.object.value
        for q in asserted.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(TYPE), None, ox.DefaultGraph())
    }
    all_types = set(ex.objects(iri, TYPE))
    inferred_types = sorted(c for c in all_types - asserted_types if not c.startswith(META))
    defined, entailed = [], []
    for c in inferred_types:
        defs = [
            q.object
            for q in inferred.quads_for_pattern(ox.NamedNode(c), ox.NamedNode(EQUIVALENT), None, ox.DefaultGraph())
            if isinstance(q.object, ox.BlankNode)
        ]
        if not defs:
            entailed.append(c)
            continue
        expr = class_expression(inferred, defs[0])
        supports = ex.satisfy(expr, iri) or []
        ex.add_evidence(supports, asserted)
        definition = [
            q.object.value
            for q in inferred.quads_for_pattern(
                ox.NamedNode(c), ox.NamedNode("http://purl.obolibrary.org/obo/IAO_0000115"), None, ox.DefaultGraph()
            )
        ]
        defined.append(
            {
                "class": c,
                "label": ex.label(c),
                "definition": manchester(expr),
                "text": definition[0] if definition else "",
                "supports": supports,
            }
        )
    return {
        "entity": iri,
        "label": ex.label(iri),
        "reasoner": reasoner,
        "asserted_types": sorted(t for t in asserted_types if not t.startswith(META)),
        "defined": defined,
        "entailed": entailed,
        "ex": ex,
    }
