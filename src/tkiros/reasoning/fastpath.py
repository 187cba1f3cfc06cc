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

import pyoxigraph as ox

from tkiros.prefixes import local_name
from tkiros.reasoning.closure import close_edges, closure
from tkiros.reasoning.fragment import INTEGERS, Ontology, OutsideFragment
from tkiros.vocab import EQUIVALENT, NOTHING, OWL, RDFS, SUBCLASS, THING, TYPE, XSD


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
