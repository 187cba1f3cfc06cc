"""The OWL fragment the fast path evaluates, and the ontology read into it: class definitions as rules,
necessary conditions, disjointness, domains, ranges and property axioms (tkiros.reasoning.fastpath).
Anything outside the fragment raises OutsideFragment, and the graph goes to HermiT."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from tkiros.prefixes import local_name
from tkiros.vocab import EQUIVALENT, FIRST, NIL, OWL, RDF, RDFS, REST, SUBCLASS, TYPE, XSD

HIERARCHY_VERSION = "tbox hierarchy v1"

# The vocabulary the fragment understands. Any other OWL/RDFS term in the graph (complementOf,
# allValuesFrom, cardinalities, property chains, sameAs, keys...) sends the graph to the DL reasoner.
DECLARATIONS = {
    OWL + n
    for n in (
        "Class",
        "Restriction",
        "ObjectProperty",
        "DatatypeProperty",
        "AnnotationProperty",
        "NamedIndividual",
        "Ontology",
        "AllDisjointClasses",
        "AllDifferent",
        "SymmetricProperty",
        "TransitiveProperty",
        "FunctionalProperty",
        "Thing",
    )
} | {RDFS + "Class", RDF + "List", RDF + "Property"}
STRUCTURE = {FIRST, REST, SUBCLASS, EQUIVALENT, RDFS + "subPropertyOf", RDFS + "domain", RDFS + "range"} | {
    OWL + n
    for n in (
        "intersectionOf",
        "unionOf",
        "oneOf",
        "onProperty",
        "someValuesFrom",
        "hasValue",
        "inverseOf",
        "equivalentProperty",
        "disjointWith",
        "members",
        "distinctMembers",
        "differentFrom",
        "imports",
        "versionIRI",
        "versionInfo",
    )
}
ANNOTATION_VOCAB = {RDFS + n for n in ("label", "comment", "seeAlso", "isDefinedBy")} | {
    OWL + n for n in ("deprecated", "priorVersion", "backwardCompatibleWith", "incompatibleWith")
}
# Integer datatypes by the least value they allow: a literal of one fits a range of another when its value
# does (OWL 2 datatypes are value spaces). Other datatypes must match the range exactly.
INTEGERS = {
    XSD + "integer": None,
    XSD + "int": None,
    XSD + "long": None,
    XSD + "short": None,
    XSD + "nonNegativeInteger": 0,
    XSD + "positiveInteger": 1,
}


class OutsideFragment(Exception):
    """The fast path cannot decide this graph exactly; ``str(err)`` says which axiom or fact is why."""


class Ontology:
    """The graph split into TBox (axioms) and ABox (types, edges, literals), parsed for evaluation."""

    def __init__(self, triples: list):
        self.out: dict = {}
        self.declared: dict[str, set[str]] = {}
        meta = (RDF, RDFS, OWL)
        for t in triples:
            if isinstance(t.subject, ox.BlankNode):  # the parts of class expressions and axioms
                self.out.setdefault(t.subject, []).append(t)
            elif t.predicate.value == TYPE and isinstance(t.object, ox.NamedNode) and t.object.value.startswith(meta):
                self.declared.setdefault(t.object.value, set()).add(t.subject.value)
        self.object_props = self.declared.get(OWL + "ObjectProperty", set())
        self.data_props = self.declared.get(OWL + "DatatypeProperty", set())
        self.annotation_props = self.declared.get(OWL + "AnnotationProperty", set()) | ANNOTATION_VOCAB
        self.classes = self.declared.get(OWL + "Class", set()) | self.declared.get(RDFS + "Class", set())
        self.tbox: list = []
        self.types: dict[str, set[str]] = {}  # class -> asserted members
        self.edges: set[tuple[str, str, str]] = set()
        self.literals: list[tuple[str, str, ox.Literal]] = []
        self._split(triples)

    def _split(self, triples: list) -> None:
        meta = (RDF, RDFS, OWL)
        for t in triples:
            s, p, o = t.subject, t.predicate.value, t.object
            if p == TYPE and isinstance(o, ox.NamedNode) and not o.value.startswith(meta + (XSD,)):
                if not isinstance(s, ox.NamedNode):
                    raise OutsideFragment(f"a blank node typed {local_name(o.value)} (an anonymous individual)")
                self.types.setdefault(o.value, set()).add(s.value)
            elif p == TYPE:
                if isinstance(o, ox.NamedNode) and o.value not in DECLARATIONS:
                    raise OutsideFragment(
                        f"{local_name(s.value) if isinstance(s, ox.NamedNode) else 'an axiom'} is typed owl:{local_name(o.value)}"
                    )
                if o.value != OWL + "NamedIndividual":
                    self.tbox.append(t)
            elif p in STRUCTURE:
                self.tbox.append(t)
            elif p.startswith(meta):
                if p not in ANNOTATION_VOCAB:
                    raise OutsideFragment(
                        f"owl:{local_name(p)}, which it does not evaluate, in the axioms of "
                        f"{local_name(s.value) if isinstance(s, ox.NamedNode) else 'a class expression'}"
                    )
            elif p in self.object_props:
                if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode):
                    self.edges.add((s.value, p, o.value))
                else:
                    raise OutsideFragment(f"a {local_name(p)} assertion with a blank node or a literal")
            elif p in self.data_props:
                if isinstance(o, ox.Literal):
                    self.literals.append((s.value, p, o))

    def digest(self) -> str:
        """A digest of the TBox that blank-node labels do not change (each blank node named by its content)."""
        memo: dict = {}

        def name(term, depth=0) -> str:
            if not isinstance(term, ox.BlankNode):
                return str(term)
            if term not in memo:
                if depth > 200:
                    raise OutsideFragment("a cycle of blank nodes in the axioms")
                memo[term] = (
                    "_:"
                    + hashlib.sha256(
                        "\n".join(
                            sorted(f"{t.predicate} {name(t.object, depth + 1)}" for t in self.out.get(term, []))
                        ).encode()
                    ).hexdigest()
                )
            return memo[term]

        lines = sorted(f"{name(t.subject)} {t.predicate} {name(t.object)}" for t in self.hierarchy_input())
        return hashlib.sha256(("\n".join(lines) + HIERARCHY_VERSION).encode()).hexdigest()[:24]

    def hierarchy_input(self) -> list:
        """The TBox plus the types and edges of its nominals (oneOf members, hasValue values): a subsumption
        through a oneOf depends on what its members are (NRF2KEAP1Component is an Entity because NRF2 is)."""
        nominals = {
            t.object for t in self.tbox if t.predicate.value == OWL + "hasValue" and isinstance(t.object, ox.NamedNode)
        }
        for t in self.tbox:
            if t.predicate.value == OWL + "oneOf":
                nominals.update(m for m in self.items(t.object) if isinstance(m, ox.NamedNode))
        names = {n.value for n in nominals}
        facts = [
            ox.Triple(ox.NamedNode(n), ox.NamedNode(TYPE), ox.NamedNode(c))
            for c, xs in sorted(self.types.items())
            for n in sorted(names & xs)
        ]
        facts += [
            ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)) for s, p, o in sorted(self.edges) if s in names
        ]
        return self.tbox + facts

    # ---- class expressions -------------------------------------------------------------------------

    def one(self, node, pred: str):
        for t in self.out.get(node, ()):
            if t.predicate.value == pred:
                return t.object
        return None

    def items(self, lst) -> list:
        out, seen = [], set()
        while lst is not None and lst != ox.NamedNode(NIL):
            if lst in seen:
                raise OutsideFragment("a cyclic RDF list in the axioms")
            seen.add(lst)
            out.append(self.one(lst, FIRST))
            lst = self.one(lst, REST)
        return out

    def expression(self, node, where: str) -> tuple:
        """A class expression as a tree; anything outside the fragment raises OutsideFragment."""
        if isinstance(node, ox.NamedNode):
            return ("class", node.value)
        if not isinstance(node, ox.BlankNode):
            raise OutsideFragment(f"a literal used as a class in {where}")
        keys = {t.predicate.value for t in self.out.get(node, ())} - {TYPE}
        for key, tag in ((OWL + "intersectionOf", "and"), (OWL + "unionOf", "or")):
            if keys == {key}:
                return (tag, [self.expression(n, where) for n in self.items(self.one(node, key))])
        if keys == {OWL + "oneOf"}:
            members = self.items(self.one(node, OWL + "oneOf"))
            if not all(isinstance(m, ox.NamedNode) for m in members):
                raise OutsideFragment(f"a oneOf of literals or blank nodes in {where}")
            return ("oneof", [m.value for m in members])
        prop = self.one(node, OWL + "onProperty")
        if prop is not None:
            if isinstance(prop, ox.BlankNode):
                inv = self.one(prop, OWL + "inverseOf")
                if not isinstance(inv, ox.NamedNode):
                    raise OutsideFragment(f"a property expression in {where}")
                pname = ("inverse", inv.value)
            else:
                pname = prop.value
            if (pname[1] if isinstance(pname, tuple) else pname) not in self.object_props:
                raise OutsideFragment(f"a restriction on {local_name(str(prop))}, not an object property, in {where}")
            if keys == {OWL + "onProperty", OWL + "someValuesFrom"}:
                return ("some", pname, self.expression(self.one(node, OWL + "someValuesFrom"), where))
            value = self.one(node, OWL + "hasValue")
            if keys == {OWL + "onProperty", OWL + "hasValue"} and isinstance(value, ox.NamedNode):
                return ("value", pname, value.value)
        used = ", ".join(sorted(local_name(k) for k in keys)) or "nothing"
        raise OutsideFragment(f"a class expression with {used} in {where}")

    def axioms(self):
        """(kind, class, expression) for definitions and sub-class axioms, plus the named hierarchy."""
        rules, necessary, parents, disjoint, domains, ranges = [], [], {}, [], [], []
        sub_props, inverse = {}, {}
        for t in self.tbox:
            s, p, o = t.subject, t.predicate.value, t.object
            named_s, named_o = isinstance(s, ox.NamedNode), isinstance(o, ox.NamedNode)
            where = f"the axioms of {local_name(s.value)}" if named_s else "an anonymous axiom"
            if p in (SUBCLASS, EQUIVALENT):
                if named_s and named_o:
                    parents.setdefault(s.value, set()).add(o.value)
                    if p == EQUIVALENT:
                        parents.setdefault(o.value, set()).add(s.value)
                elif named_s:
                    expr = self.expression(o, where)
                    necessary.append((s.value, expr))
                    if p == EQUIVALENT:
                        rules.append((expr, s.value))
                elif named_o:
                    expr = self.expression(s, where)
                    rules.append((expr, o.value))
                    if p == EQUIVALENT:
                        necessary.append((o.value, expr))
                else:
                    raise OutsideFragment(f"{local_name(p)} between two class expressions")
            elif p == OWL + "disjointWith":
                if not (named_s and named_o):
                    raise OutsideFragment(f"disjointWith with a class expression in {where}")
                disjoint.append((s.value, o.value))
            elif p == OWL + "members":
                ms = self.items(o)
                if not all(isinstance(m, ox.NamedNode) for m in ms):
                    raise OutsideFragment("AllDisjointClasses with a class expression")
                disjoint += [(a.value, b.value) for i, a in enumerate(ms) for b in ms[i + 1 :]]
            elif p in (RDFS + "domain", RDFS + "range"):
                if not named_o:
                    raise OutsideFragment(f"a {local_name(p)} that is a class expression in {where}")
                (domains if p.endswith("domain") else ranges).append((s.value, o.value))
            elif p in (RDFS + "subPropertyOf", OWL + "equivalentProperty", OWL + "inverseOf") and named_s:
                if not named_o:
                    raise OutsideFragment(f"a property expression in {where}")
                if p == OWL + "inverseOf":
                    inverse.setdefault(s.value, set()).add(o.value)
                    inverse.setdefault(o.value, set()).add(s.value)
                else:
                    sub_props.setdefault(s.value, set()).add(o.value)
                    if p == OWL + "equivalentProperty":
                        sub_props.setdefault(o.value, set()).add(s.value)
        return rules, necessary, parents, disjoint, domains, ranges, sub_props, inverse
