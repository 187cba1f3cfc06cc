"""Minimal reproduction for an Oxigraph report: a variable bound by `substitutions` (or by VALUES) does not
steer the query plan the way the same term written as a constant does. Needs only pyoxigraph.

    python benchmarks/oxigraph_planning_gap.py                   # sizes 1k, 10k, 100k items
    python benchmarks/oxigraph_planning_gap.py --sizes 1000,2000  # a quick look

Synthetic data: N items, each with a label, its group and one more group (N/10 named groups of 10
items each way) and one of 3 kinds. The query counts the items of one group through a UNION of the two
links (20 rows at every N); its first branch starts from the kinds, which the planner picks first unless
the group is a constant. With the group IRI as a constant the time is flat in N (an index lookup on
(predicate, object)); bound through `substitutions=`, a leading VALUES or a trailing VALUES, it grows
with N (every item is scanned and joined, and the binding filters the result afterwards).
"""

from __future__ import annotations

import argparse
import statistics
import time

import pyoxigraph as ox

EX = "http://example.org/"
QUERY = f"""SELECT ?group ?label (COUNT(?item) AS ?n) WHERE {{
  ?group <{EX}name> ?groupName .
  {{ ?kind a <{EX}Kind> . ?item <{EX}kind> ?kind ; <{EX}inGroup> ?group ; <{EX}label> ?label . }}
  UNION
  {{ ?item <{EX}alsoIn> ?group ; <{EX}label> ?label . BIND(<{EX}alsoIn> AS ?link) }}
}}
GROUP BY ?group ?label"""


def store_of(n: int) -> ox.Store:
    store = ox.Store()
    quads = []
    for g in range(n // 10):
        quads.append(ox.Quad(ox.NamedNode(f"{EX}g{g}"), ox.NamedNode(f"{EX}name"), ox.Literal(f"group {g}")))
    for k in range(3):
        quads.append(
            ox.Quad(
                ox.NamedNode(f"{EX}k{k}"),
                ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode(f"{EX}Kind"),
            )
        )
    for i in range(n):
        item = ox.NamedNode(f"{EX}i{i}")
        quads.append(ox.Quad(item, ox.NamedNode(f"{EX}inGroup"), ox.NamedNode(f"{EX}g{i // 10}")))
        quads.append(ox.Quad(item, ox.NamedNode(f"{EX}label"), ox.Literal(f"item {i}")))
        quads.append(ox.Quad(item, ox.NamedNode(f"{EX}kind"), ox.NamedNode(f"{EX}k{i % 3}")))
        quads.append(ox.Quad(item, ox.NamedNode(f"{EX}alsoIn"), ox.NamedNode(f"{EX}g{(i * 7) % (n // 10)}")))
    store.extend(quads)
    return store


def ms(fn, repeats: int = 5) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        rows = sum(1 for _ in fn())
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times), rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated item counts (>= 80 each)")
    args = parser.parse_args(argv)
    try:
        sizes = tuple(int(n) for n in args.sizes.split(","))
    except ValueError:
        parser.error(f"--sizes {args.sizes}: not a comma-separated list of whole numbers")
    if min(sizes) < 80:  # the lookup's group g7 exists from 80 items on
        parser.error(f"--sizes {args.sizes}: each size must be at least 80")
    group = ox.NamedNode(f"{EX}g7")
    variants = {
        "substitutions={?group: <g7>}": lambda s: s.query(QUERY, substitutions={ox.Variable("group"): group}),
        "leading VALUES ?group { <g7> }": lambda s: s.query(
            QUERY.replace("{\n", f"{{\n  VALUES ?group {{ {group} }}\n", 1)
        ),
        "trailing VALUES ?group { <g7> }": lambda s: s.query(QUERY + f"\nVALUES ?group {{ {group} }}"),
        "constant <g7> in the text": lambda s: s.query(
            QUERY.replace("SELECT ?group", f"SELECT ({group} AS ?group)")
            .replace("GROUP BY ?group", f"GROUP BY ({group})")
            .replace("?group ", f"{group} ")
        ),
    }
    print(f"pyoxigraph {ox.__version__}: median ms (rows) of the same lookup, bound four ways\n")
    print("| binding | " + " | ".join(f"N={n:,}" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    stores = {n: store_of(n) for n in sizes}
    for name, fn in variants.items():
        cells, slow = [], False
        for n in sizes:
            if slow:  # it grows linearly: the next size would take minutes
                cells.append("not run")
                continue
            t, rows = ms(lambda: fn(stores[n]), repeats=1 if n > sizes[0] else 5)
            cells.append(f"{t:.2f} ({rows})")
            slow = t > 1000
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
