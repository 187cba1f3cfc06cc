"""Wall and CPU time of each reasoner on the full graph and on synthetic scaled copies of it (not a test).

    python benchmarks/reasoners.py                      # fast, hermit, pellet, owlrl at x1 and x10
    python benchmarks/reasoners.py --scales 1 --reasoners owlrl,owlrl-python
    python benchmarks/reasoners.py --timeout 600 --json reasoners.json

A scaled graph holds the ontology once and the instance data (every triple whose subject is a tkd:
individual: findings, spans, entities, references, seed metadata) N times, each copy with fresh IRIs
(tkd:x becomes tkd:x--copyK), so the copies are alike but unconnected. "owlrl-python" is the pure-Python
owlrl package, shown for comparison with the `reasonable` engine behind `tkiros reason --reasoner owlrl`.
Each run is a forked process of its own (with HermiT's or Pellet's JVM in its process group), stopped at
--timeout seconds and then reported as "> N s". CPU is that process's and its children's (the JVM).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import signal
import time
from pathlib import Path

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


def cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _one(reasoner: str, graph, conn) -> None:
    """In the forked child: run one reasoner, send (wall s, cpu s, inferred, status) back."""
    os.setpgid(0, 0)  # the JVM joins this group, so a timeout stops it too
    t0, c0 = time.perf_counter(), cpu()
    if reasoner == "owlrl-python":
        _, inferred = owlrl_python(graph)
        status = "raw closure"
    else:
        from tkiros.reasoning.reason import run

        result = run(reasoner, graph=graph)
        inferred = len(result.inferred)
        status = "consistent" if result.ok else "INCONSISTENT"
        if result.fallback:
            status += " (fell back to hermit)"
    conn.send((time.perf_counter() - t0, cpu() - c0, inferred, status))


def timed_run(reasoner: str, graph, timeout: float) -> dict:
    """One reasoner on ``graph`` in a forked process, stopped after ``timeout`` seconds."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_one, args=(reasoner, graph, child))
    proc.start()
    child.close()
    if parent.poll(timeout):
        wall, cpu_s, inferred, status = parent.recv()
        proc.join()
        return {"wall_s": wall, "cpu_s": cpu_s, "inferred": inferred, "status": status}
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.join()
    return {"wall_s": None, "cpu_s": None, "inferred": None, "status": f"stopped at {timeout:.0f} s"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10", help="comma-separated copy factors (default 1,10)")
    parser.add_argument(
        "--reasoners", default="fast,hermit,pellet,owlrl", help="fast, hermit, pellet, owlrl, owlrl-python"
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds one run may take")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()

    scales = [int(s) for s in args.scales.split(",")]
    reasoners = [r.strip() for r in args.reasoners.split(",") if r.strip()]
    rows, figures = [], []
    for factor in scales:
        graph = scaled_graph(factor)
        size = len(graph.store)
        for reasoner in reasoners:
            fig = {"reasoner": reasoner, "scale": factor, "triples": size, **timed_run(reasoner, graph, args.timeout)}
            figures.append(fig)
            wall = f"{fig['wall_s']:.1f}" if fig["wall_s"] is not None else f"> {args.timeout:.0f}"
            cpu_s = f"{fig['cpu_s']:.1f}" if fig["cpu_s"] is not None else "-"
            rows.append((reasoner, f"x{factor}", size, fig["inferred"] or "-", wall, cpu_s, fig["status"]))
            print(f"  ... {reasoner} x{factor}: {wall} s", flush=True)
    head = ("reasoner", "scale", "triples", "inferred", "wall s", "cpu s", "result")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for r in [head, tuple("-" * w for w in widths)] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    if args.json:
        run_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        out = {"date": run_at, "timeout_s": args.timeout, "load_average": os.getloadavg()[0], "runs": figures}
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
