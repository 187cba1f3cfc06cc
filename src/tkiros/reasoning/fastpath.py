"""The fast path of `tkiros reason`: class memberships by set evaluation of the definitions, exact or refused.

The definitions of ontology/mechanisms.ttl build classes from named classes with intersectionOf, unionOf,
someValuesFrom, hasValue and oneOf (over properties and their inverses). For such an ontology the least
Horn model M (asserted facts closed under the class hierarchy, domains and ranges, the property axioms and
the *sufficient* direction of every definition) holds only entailed memberships. When M is itself a model
of the ontology (every member of a defined class satisfies its definition in M, no individual is in two
disjoint classes, functional properties have one value, literals fit their ranges), no other membership is
entailed either: M gives exactly the memberships a DL reasoner gives. Both conditions are checked on every
run; when one fails, ``OutsideFragment`` says why and the caller reasons with HermiT instead.

The class hierarchy comes from HermiT on the TBox alone (seconds, no individuals beyond the nominals),
cached by a digest of the TBox that does not depend on blank-node labels.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from tkiros.prefixes import local_name
from tkiros.reasoning.closure import close_edges, closure
from tkiros.vocab import OWL, RDF, RDFS, XSD

TYPE, FIRST, REST, NIL = RDF + "type", RDF + "first", RDF + "rest", RDF + "nil"
SUBCLASS, EQUIVALENT = RDFS + "subClassOf", OWL + "equivalentClass"
THING, NOTHING = OWL + "Thing", OWL + "Nothing"
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


def tbox_hierarchy(onto: Ontology) -> list:
    """Sub-class and equivalence triples between named classes from HermiT on the TBox alone, cached."""
    from tkiros.store.paths import cache_dir

    path = cache_dir() / f"tbox-hierarchy-{onto.digest()}.nt"
    if path.is_file():
        return [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(path.read_bytes(), format=ox.RdfFormat.N_TRIPLES)
        ]
    from tkiros.reasoning.dl import run_dl

    tbox = onto.hierarchy_input()
    consistent, raw, _ = run_dl("hermit", ox.serialize(tbox, format=ox.RdfFormat.N_TRIPLES), tbox)
    if not consistent:
        raise OutsideFragment("the TBox alone is inconsistent")
    raw = [t for t in raw if t.predicate.value in (SUBCLASS, EQUIVALENT) and isinstance(t.object, ox.NamedNode)]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(ox.serialize(raw, format=ox.RdfFormat.N_TRIPLES))
    tmp.replace(path)
    return raw


def evaluate(triples: list, hierarchy: list | None = None):
    """The least Horn model's memberships and its exactness check.

    Returns (raw, clashes): raw triples (hierarchy plus every named-class membership of every individual)
    and a list of (individual, axiom text) disjointness clashes (then the graph is inconsistent). Raises
    OutsideFragment when the model is not exact.
    """
    onto = Ontology(triples)
    rules, necessary, parents, disjoint, domains, ranges, sub_props, inverse = onto.axioms()
    if hierarchy is None:
        hierarchy = tbox_hierarchy(onto)
    for t in hierarchy:
        if isinstance(t.subject, ox.NamedNode):
            parents.setdefault(t.subject.value, set()).add(t.object.value)
            if t.predicate.value == EQUIVALENT:
                parents.setdefault(t.object.value, set()).add(t.subject.value)
    up = closure(parents)
    edges = _close_edges(onto, sub_props, inverse)
    succ, pred = {}, {}
    for s, p, o in edges:
        succ.setdefault(p, {}).setdefault(s, set()).add(o)
        pred.setdefault(p, {}).setdefault(o, set()).add(s)
    members: dict[str, set[str]] = {}
    individuals = {x for xs in onto.types.values() for x in xs} | {s for s, _, _ in edges} | {o for _, _, o in edges}

    def add(cls: str, xs) -> bool:
        changed = False
        for c in (cls, *up.get(cls, ())):
            have = members.setdefault(c, set())
            new = set(xs) - have
            if new:
                have |= new
                changed = True
        return changed

    for cls, xs in onto.types.items():
        add(cls, xs)
    for p, c in domains:
        add(c, succ.get(p, {}).keys())
    for p, c in ranges:
        if p in onto.object_props:
            add(c, pred.get(p, {}).keys())
    for s, p, _ in onto.literals:
        for q, c in domains:
            if q == p:
                add(c, {s})
    nominals = {m for expr, _ in rules for m in _nominals(expr)} | {m for _, expr in necessary for m in _nominals(expr)}
    individuals |= nominals

    def ev(expr) -> set[str]:
        tag = expr[0]
        if tag == "class":
            return individuals if expr[1] == THING else members.get(expr[1], set())
        if tag == "and":
            sets = sorted((ev(e) for e in expr[1]), key=len)
            return set.intersection(*map(set, sets)) if sets else set(individuals)
        if tag == "or":
            return set().union(*(ev(e) for e in expr[1]))
        if tag == "oneof":
            return set(expr[1])
        prop = expr[1]
        index = (succ if isinstance(prop, tuple) else pred).get(prop[1] if isinstance(prop, tuple) else prop, {})
        if tag == "value":
            return set(index.get(expr[2], ()))
        out: set[str] = set()
        for y in ev(expr[2]):
            out |= index.get(y, set())
        return out

    changed = True
    while changed:
        changed = False
        for expr, cls in rules:
            changed |= add(cls, ev(expr))
    # A clash in M is entailed (every rule is sound), so it proves inconsistency whether or not M is exact.
    clashes = [
        (x, f"{local_name(a)} disjointWith {local_name(b)}; {local_name(x)} is both")
        for a, b in disjoint
        for x in sorted(members.get(a, set()) & members.get(b, set()))
    ]
    clashes += [
        (x, f"{local_name(x)} is in owl:Nothing (an unsatisfiable class)") for x in sorted(members.get(NOTHING, ()))
    ]
    if clashes:
        return [], clashes
    # Exactness: M must satisfy every axiom it did not build in.
    for cls, expr in necessary:
        missing = members.get(cls, set()) - ev(expr)
        if missing:
            raise OutsideFragment(f"{local_name(min(missing))} is a {local_name(cls)} without meeting its definition")
    _check_functional_and_literals(onto, succ)
    raw = list(hierarchy) + [
        ox.Triple(ox.NamedNode(x), ox.NamedNode(TYPE), ox.NamedNode(c))
        for c, xs in members.items()
        if c in onto.classes
        for x in xs
    ]
    return raw, clashes


def _nominals(expr) -> set[str]:
    if expr[0] == "oneof":
        return set(expr[1])
    if expr[0] == "value":
        return {expr[2]}
    if expr[0] in ("and", "or"):
        return set().union(*(_nominals(e) for e in expr[1]))
    if expr[0] == "some":
        return _nominals(expr[2])
    return set()


def _close_edges(onto: Ontology, sub_props: dict, inverse: dict) -> set:
    return close_edges(
        onto.edges,
        sub_props,
        inverse,
        onto.declared.get(OWL + "SymmetricProperty", set()),
        onto.declared.get(OWL + "TransitiveProperty", set()),
    )


def _check_functional_and_literals(onto: Ontology, succ: dict) -> None:
    for p in onto.declared.get(OWL + "FunctionalProperty", set()):
        if p in onto.object_props:
            for x, ys in succ.get(p, {}).items():
                if len(ys) > 1:
                    raise OutsideFragment(
                        f"{local_name(x)} has {len(ys)} values of the functional {local_name(p)} (they would be merged)"
                    )
        else:
            values: dict[str, set] = {}
            for s, q, lit in onto.literals:
                if q == p:
                    values.setdefault(s, set()).add(lit)
            for x, vs in values.items():
                if len(vs) > 1:
                    raise OutsideFragment(f"{local_name(x)} has {len(vs)} values of the functional {local_name(p)}")
    ranges = {}
    for t in onto.tbox:
        if t.predicate.value == RDFS + "range" and t.subject.value in onto.data_props:
            ranges.setdefault(t.subject.value, set()).add(t.object.value)
    for s, p, lit in onto.literals:
        for r in ranges.get(p, ()):
            if not _fits(lit, r):
                dt = lit.datatype.value
                raise OutsideFragment(
                    f"the {local_name(p)} of {local_name(s)} is a {local_name(dt)} where the range is {local_name(r)} (a datatype clash?)"
                )


def _fits(lit: ox.Literal, datatype: str) -> bool:
    dt = lit.datatype.value
    if datatype in (RDFS + "Literal", dt):
        return True
    if dt in INTEGERS and (datatype in INTEGERS or datatype == XSD + "decimal"):
        try:
            value = int(lit.value)
        except ValueError:
            return False
        least = INTEGERS.get(datatype)
        return least is None or value >= least
    return False


def describe(err: Exception) -> str:
    return f"the fast path cannot decide this graph exactly ({err}); reasoning with hermit"
