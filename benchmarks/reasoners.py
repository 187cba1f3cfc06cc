"""Wall time of each reasoner on the full graph and on synthetic scaled copies of it (not a test).

    python benchmarks/reasoners.py                      # hermit, pellet, owlrl at x1 and x10
    python benchmarks/reasoners.py --scales 1 --reasoners owlrl,owlrl-python

A scaled graph holds the ontology once and the instance data (every triple whose subject is a tkd:
individual: findings, spans, entities, references, seed metadata) N times, each copy with fresh IRIs
(tkd:x becomes tkd:x--copyK), so the copies are alike but unconnected. "owlrl-python" is the pure-Python
owlrl package, shown for comparison with the `reasonable` engine behind `tkiros reason --reasoner owlrl`.
"""

from __future__ import annotations

import argparse
import time

import pyoxigraph as ox

TKD = "https://w3id.org/tkiros/data/"


def scaled_graph(factor: int):
    """A tkiros.store.store.Graph of the ontology plus ``factor`` copies of the instance data."""
    from tkiros.store.store import Graph, open_store

    base = open_store()
    triples = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in base.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    ]
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)

    def rename(term, k):
        if isinstance(term, ox.NamedNode) and term.value.startswith(TKD):
            return ox.NamedNode(f"{term.value}--copy{k}")
        return term

    data = [t for t in triples if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(TKD)]
    for k in range(1, factor):
        store.extend(ox.Quad(rename(t.subject, k), t.predicate, rename(t.object, k)) for t in data)
    return Graph(store, base.root, "")


def owlrl_python(graph) -> tuple[float, int]:
    """The pure-Python owlrl closure of the same reasoner input (for comparison only)."""
    import owlrl
    import rdflib

    from tkiros.reasoning.reason import reasoner_input

    asserted = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in graph.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    ]
    g = rdflib.Graph()
    g.parse(data=reasoner_input(asserted, graph.root), format="nt")
    before = len(g)
    t0 = time.perf_counter()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    return time.perf_counter() - t0, len(g) - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10", help="comma-separated copy factors (default 1,10)")
    parser.add_argument("--reasoners", default="hermit,pellet,owlrl", help="hermit, pellet, owlrl, owlrl-python")
    args = parser.parse_args()
    from tkiros.reasoning.reason import run

    scales = [int(s) for s in args.scales.split(",")]
    reasoners = [r.strip() for r in args.reasoners.split(",") if r.strip()]
    rows = []
    for factor in scales:
        graph = scaled_graph(factor)
        size = len(graph.store)
        for reasoner in reasoners:
            t0 = time.perf_counter()
            if reasoner == "owlrl-python":
                _, inferred = owlrl_python(graph)
                status = "raw closure"
            else:
                result = run(reasoner, graph=graph)
                inferred, status = len(result.inferred), "consistent" if result.ok else "INCONSISTENT"
            seconds = time.perf_counter() - t0
            rows.append((reasoner, f"x{factor}", size, inferred, f"{seconds:.1f}", status))
            print(f"  ... {reasoner} x{factor}: {seconds:.1f} s", flush=True)
    head = ("reasoner", "scale", "triples", "inferred", "wall s", "result")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    print()
    for r in [head, tuple("-" * w for w in widths)] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())


if __name__ == "__main__":
    main()
