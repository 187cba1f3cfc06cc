"""Growth model for the scale benchmarks: the instance data grown to G times its findings by resampling real
findings as new documents (issue 17, goal 5). A benchmark helper, never a test.

    python benchmarks/growth.py                     # figures at g1, g10, g100
    python benchmarks/growth.py --scales 10,100,1000 --compare-copies
    python benchmarks/growth.py --write 100 OUT.nt  # the instance triples of g100 as N-Triples

Why not copies: copying the data G times (benchmarks/bench_worker.py scale-data, kept for comparison) gives
G separate "gefitinib"s whose degree never grows, so a lookup's answer stays the same size at every scale.
Here the real data is document 0; documents 1..G-1 are new seed-like document nodes (tkiros:SeedDocument,
no file, so no seed text is attached or checked), each holding as many resampled span groups (findings that
share a span, with their spans and their links to each other) as the real data has. A resampled finding
keeps its section, direction, qualifiers and external terms; every entity it names (agent, target, cancer,
reference, ...) is, with a small probability, a new entity (a variant of the named one: its description under
a fresh IRI and a numbered label), else an existing member of that entity's family chosen in proportion to
its degree so far. The new-entity probability of document d makes the expected number of entities
E1 * sqrt(d + 1), so entities grow ~sqrt(size) while hubs like gefitinib grow ~linearly.
Deterministic: one seeded RNG over the documents in order, so g10's documents are the first ones of g100.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DATA = "https://w3id.org/tkiros/data/"
TK = "https://w3id.org/tkiros/vocab/"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
}
SEED = 17
HUB = DATA + "gefitinib"


def instance_triples():
    import pyoxigraph as ox

    from tkiros.store.paths import source_files

    files = [p for p in source_files(ROOT) if "instances" in p.relative_to(ROOT).parts]
    return [q.triple for f in files for q in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE, base_iri=DATA)]


class Growth:
    """The real instance data split into span groups and entity descriptions, ready to resample."""

    def __init__(self, triples):
        import pyoxigraph as ox

        self.ox = ox
        self.triples = triples
        by_subject: dict[str, list] = {}
        for t in triples:
            if isinstance(t.subject, ox.NamedNode):
                by_subject.setdefault(t.subject.value, []).append(t)

        def typed(cls):
            return {t.subject.value for t in triples if t.predicate.value == TYPE and t.object.value == TK + cls}

        self.findings, self.spans = typed("Finding"), typed("SeedSpan")
        own = {s for s in by_subject if s.startswith(DATA)}
        self.entities = own - self.findings - self.spans
        self.by_subject = by_subject
        # span groups: findings joined by a shared span (union-find), with their spans
        parent = {f: f for f in self.findings}

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        span_of: dict[str, str] = {}
        for f in sorted(self.findings):
            for t in by_subject[f]:
                if t.predicate.value == TK + "hasSpan":
                    s = t.object.value
                    if s in span_of:
                        parent[find(f)] = find(span_of[s])
                    else:
                        span_of[s] = f
        groups: dict[str, list[str]] = {}
        for f in sorted(self.findings):
            groups.setdefault(find(f), []).append(f)
        self.groups = [
            sorted(g) + sorted({s for f in g for s, owner in span_of.items() if find(owner) == find(f)})
            for g in groups.values()
        ]
        self.groups.sort()
        self.degree = Counter(
            t.object.value for t in triples if t.subject.value in self.findings and t.object.value in self.entities
        )
        self.refs_per_doc = sum(self.degree.values())

    def documents(self, g: int):
        """Yield, for documents 1..g-1 in order, the N-Triples lines of each new document."""
        rng = random.Random(SEED)
        families = {e: [e] for e in self.entities}
        weights = {e: [max(1, self.degree[e])] for e in self.entities}
        n_entities = len(self.entities)
        for d in range(1, g):
            p_new = n_entities * (math.sqrt(d + 1) - math.sqrt(d)) / self.refs_per_doc
            doc = f"<{DATA}growth-doc-{d}>"
            lines = [
                f"{doc} <{TYPE}> <{TK}SeedDocument> .\n",
                f'{doc} <http://www.w3.org/2000/01/rdf-schema#label> "resampled document {d}"@en .\n',
            ]
            for j in range(len(self.groups)):
                group = self.groups[rng.randrange(len(self.groups))]
                members = set(group)
                rename = {m: f"{m}-g{d}-{j}" for m in group}
                for m in group:
                    for t in self.by_subject[m]:
                        o = t.object
                        if isinstance(o, self.ox.NamedNode):
                            v = o.value
                            if v in members:
                                obj = f"<{rename[v]}>"
                            elif v in self.findings:
                                continue  # a link to a finding not resampled with this group
                            elif t.predicate.value == TK + "inSeed":
                                obj = doc
                            elif v in self.entities:
                                obj = f"<{self._pick(v, rng, p_new, families, weights, lines)}>"
                            else:
                                obj = str(o)
                        else:
                            obj = str(o)
                        lines.append(f"<{rename[m]}> {t.predicate} {obj} .\n")
            yield lines

    def _pick(self, entity, rng, p_new, families, weights, lines) -> str:
        fam, w = families[entity], weights[entity]
        if rng.random() < p_new:
            k = len(fam)
            new = f"{entity}-v{k}"
            for t in self.by_subject[entity]:
                o = t.object
                if t.predicate.value in LABELS and isinstance(o, self.ox.Literal):
                    o = (
                        self.ox.Literal(f"{o.value} v{k}", language=o.language)
                        if o.language
                        else self.ox.Literal(f"{o.value} v{k}")
                    )
                lines.append(f"<{new}> {t.predicate} {o} .\n")
            fam.append(new)
            w.append(1)
            return new
        i = rng.choices(range(len(fam)), weights=w)[0]
        w[i] += 1
        return fam[i]


def write(g: int, out: Path) -> dict:
    started = time.perf_counter()
    triples = instance_triples()
    model = Growth(triples)
    n = len(triples)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("".join(f"{t} .\n" for t in triples))
        for lines in model.documents(g):
            fh.writelines(lines)
            n += len(lines)
    return {"triples": n, "seconds": time.perf_counter() - started}


def figures(path: Path) -> dict:
    """Triples, distinct agents, findings of the hub gefitinib (the IRI itself), and entities, of an N-Triples file."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)

    def one(q):
        return int(next(iter(store.query(q)))[0].value)

    return {
        "triples": len(store),
        "agents": one(f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?f <{TK}hasAgent> ?a }}"),
        "gefitinib_findings": one(f"SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {{ ?f <{TK}hasAgent> <{HUB}> }}"),
        "findings": one(f"SELECT (COUNT(?f) AS ?n) WHERE {{ ?f a <{TK}Finding> }}"),
    }


def main(argv=None) -> None:
    import subprocess
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100", help="comma-separated growth factors")
    parser.add_argument("--compare-copies", action="store_true", help="also print the x-copies model's figures")
    parser.add_argument("--write", nargs=2, metavar=("G", "OUT"), help="write g<G>'s instance triples and stop")
    args = parser.parse_args(argv)
    if args.write:
        print(write(int(args.write[0]), Path(args.write[1])))
        return
    print("| model | scale | instance triples | agents | gefitinib findings | findings | generated in |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="tkiros-growth-") as work:
        for g in [int(s) for s in args.scales.split(",")]:
            out = Path(work) / f"g{g}.nt"
            made = write(g, out)
            f = figures(out)
            print(
                f"| growth | g{g} | {f['triples']:,} | {f['agents']:,} | {f['gefitinib_findings']:,} | {f['findings']:,} | {made['seconds']:.1f} s |",
                flush=True,
            )
            out.unlink()
            if args.compare_copies:
                subprocess.run(
                    [sys.executable, str(ROOT / "benchmarks" / "bench_worker.py"), "scale-data", str(g), str(out)],
                    check=True,
                    capture_output=True,
                )
                f = figures(out)
                print(
                    f"| copies | x{g} | {f['triples']:,} | {f['agents']:,} | {f['gefitinib_findings']:,} | {f['findings']:,} | |",
                    flush=True,
                )
                out.unlink()


if __name__ == "__main__":
    main()
