"""OWL 2 RL materialisation with the reasonable package, with the disjointness clashes it can see."""

from __future__ import annotations

import pyoxigraph as ox

from tkiros.errors import TkirosError
from tkiros.prefixes import local_name
from tkiros.reasoning.fastpath import OutsideFragment
from tkiros.reasoning.results import Inconsistency


def run_rl(data: bytes, kept: list):
    """OWL 2 RL materialisation with ``reasonable``; disjointness clashes reported as inconsistency.

    The RL rules cannot see every inconsistency (a datatype clash, a contradiction reached only by cases);
    when the fast path's exactness check fails on the graph, the RL path says it cannot decide.
    """
    try:
        import reasonable
    except ImportError:
        raise TkirosError("--reasoner owlrl: needs the reasonable package (pip install reasonable)") from None
    import rdflib

    g = rdflib.Graph()
    g.parse(data=data, format="nt")
    _add_one_of_members(g)
    engine = reasonable.PyReasoner()
    engine.from_graph(g)
    out = rdflib.Graph()
    for t in engine.reason():
        out.add(t)
    raw = []
    for s, p, o in out:
        if isinstance(s, rdflib.URIRef) and isinstance(p, rdflib.URIRef) and isinstance(o, rdflib.URIRef):
            raw.append(ox.Triple(ox.NamedNode(str(s)), ox.NamedNode(str(p)), ox.NamedNode(str(o))))
    clash = _disjointness_clashes(out)
    if clash:
        return False, [], clash
    from tkiros.reasoning.fastpath import evaluate

    try:
        evaluate(kept, hierarchy=[])
    except OutsideFragment as err:
        raise TkirosError(
            f"--reasoner owlrl: cannot decide whether the graph is consistent ({err}); use --reasoner hermit"
        ) from None
    return True, raw, None


def _add_one_of_members(g) -> None:
    """OWL 2 RL rule cls-oo (each member of an owl:oneOf is an instance of it), which reasonable 0.4 lacks."""
    import rdflib
    from rdflib.collection import Collection

    for c, lst in list(g.subject_objects(rdflib.OWL.oneOf)):
        for member in Collection(g, lst):
            g.add((member, rdflib.RDF.type, c))


def _disjointness_clashes(g) -> Inconsistency | None:
    """OWL 2 RL rules cax-dw and cax-adc: an individual in two disjoint classes (or in owl:Nothing)."""
    import rdflib
    from rdflib.collection import Collection

    pairs = set(g.subject_objects(rdflib.OWL.disjointWith))
    for adc in g.subjects(rdflib.RDF.type, rdflib.OWL.AllDisjointClasses):
        for lst in g.objects(adc, rdflib.OWL.members):
            members = list(Collection(g, lst))
            pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    bad, axioms = set(), set()
    for a, b in pairs:
        both = set(g.subjects(rdflib.RDF.type, a)) & set(g.subjects(rdflib.RDF.type, b))
        for x in both:
            if isinstance(x, rdflib.URIRef):
                bad.add(str(x))
                axioms.add(f"{local_name(str(a))} DisjointWith {local_name(str(b))}; {local_name(str(x))} is both")
    for x in g.subjects(rdflib.RDF.type, rdflib.OWL.Nothing):
        if isinstance(x, rdflib.URIRef):
            bad.add(str(x))
            axioms.add(f"{local_name(str(x))} Type Nothing")
    if not bad:
        return None
    return Inconsistency("owlrl", individuals=sorted(bad), axioms=sorted(axioms))
