"""Worker processes for benchmarks/query_bench.py (each measured step runs in a process of its own, so that
its peak memory is its own and a runaway step can be killed at a cap).

    python benchmarks/bench_worker.py scale-data FACTOR OUT.nt      # the instances, FACTOR times, fresh IRIs
    python benchmarks/bench_worker.py growth-data FACTOR OUT.nt     # the instances grown FACTOR times (benchmarks/growth.py)
    python benchmarks/bench_worker.py build OUT.nt STORE_DIR        # compile a store: ontology + seeds + OUT.nt + rules
    python benchmarks/bench_worker.py queries oxigraph STORE_DIR REPEATS [--cap S] [--whole] [NAME...]
    python benchmarks/bench_worker.py queries rdflib DATA.nt REPEATS [NAME...]
    python benchmarks/bench_worker.py side-by-side REPEATS STORE_DIR,STORE_DIR... [--cap S] [NAME...]

Each prints JSON lines on stdout; `queries` prints one line per query as soon as it is measured (time and
rows null when it passed the cap of S seconds). `--whole` binds only required parameters, so that a query
with optional ones answers for the whole graph (the growth mode compares time with answer size).
`side-by-side` opens every store at once (read-only) and runs each whole query on each in turn, round after
round, so that every scale is timed under the same load; one line per query, its figures by store.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DATA = "https://w3id.org/tkiros/data/"


def cpu_seconds() -> float:
    """CPU seconds of this process and its waited-for children (a query runs in a forked child): unlike wall
    time, what other work on the machine does not inflate."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def cpu_clock(pid: int):
    """A clock of the CPU seconds process ``pid`` has used, all its threads (ended ones included): its POSIX
    CPU-time clock, to the nanosecond (/proc/PID/stat counts 10 ms ticks, coarser than a lookup)."""
    import ctypes
    import ctypes.util

    clock_id = ctypes.c_int()
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.clock_getcpuclockid(pid, ctypes.byref(clock_id)):
        raise OSError(ctypes.get_errno(), f"no CPU-time clock for process {pid}")
    return lambda: time.clock_gettime(clock_id.value)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def scale_data(factor: int, out: Path) -> None:
    """Write the instance triples ``factor`` times as N-Triples; copy k renames every individual that the
    instance files describe (IRI + '-xK'), so each copy is a fresh, disconnected knowledge graph over the
    one ontology and the same seeds."""
    import pyoxigraph as ox

    from tkiros.store.paths import source_files

    started = time.perf_counter()
    files = [p for p in source_files(ROOT) if "instances" in p.relative_to(ROOT).parts]
    triples = [q.triple for f in files for q in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE, base_iri=DATA)]
    own = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(DATA)}

    def term(t, suffix):
        if isinstance(t, ox.NamedNode) and t.value in own:
            return f"<{t.value}{suffix}>"
        if isinstance(t, ox.BlankNode):
            return f"_:{t.value}{suffix.replace('-', '_')}"
        return str(t)

    with open(out, "w", encoding="utf-8") as fh:
        for k in range(factor):
            suffix = "" if k == 0 else f"-x{k}"
            fh.write(
                "".join(
                    f"{term(t.subject, suffix)} {term(t.predicate, suffix)} {term(t.object, suffix)} .\n"
                    for t in triples
                )
            )
    print(
        json.dumps({"triples": len(triples) * factor, "seconds": time.perf_counter() - started, "peak_mb": peak_mb()})
    )


def build(data: Path, store_dir: Path) -> None:
    """Compile a store as tkiros.store.store does, from the ontology, the seeds and the (scaled) instance data."""
    import pyoxigraph as ox

    from tkiros.store.paths import source_files
    from tkiros.store.store import add_seed_texts, apply_rules
    from tkiros.vocab import TKD

    started = time.perf_counter()
    store = ox.Store(str(store_dir))
    for f in source_files(ROOT):
        if "instances" not in f.relative_to(ROOT).parts:
            store.bulk_load(path=str(f), format=ox.RdfFormat.TURTLE, base_iri=TKD)
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    loaded = time.perf_counter() - started
    add_seed_texts(store, ROOT)
    derived = apply_rules(store, ROOT)
    store.flush()
    store.optimize()
    print(
        json.dumps(
            {
                "triples": len(store),
                "derived": derived,
                "load_s": loaded,
                "seconds": time.perf_counter() - started,
                "peak_mb": peak_mb(),
            }
        )
    )


def example_params() -> dict[str, dict[str, str]]:
    """The test suite's example parameters, resolved to IRIs on the unscaled graph (copy 0 keeps its IRIs;
    a label would be ambiguous once the graph is copied)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_queries import EXAMPLE_PARAMS
    from tkiros.query.queries import get_query, resolve_entity
    from tkiros.store.store import open_store

    store = open_store(ROOT).store

    out = {}
    for name, params in EXAMPLE_PARAMS.items():
        q = get_query(name)
        out[name] = {
            k: (resolve_entity(store, v, k).value if q.params[k].kind == "entity" else v) for k, v in params.items()
        }
    return out


def prepared(q, params: dict, store, whole: bool, as_constants: bool = True):
    """The saved query with its example parameters bound (only the required ones when ``whole``) as
    `tkiros query` binds them: written in as constants, the rest left as substitutions."""
    import copy

    from tkiros.query.bind import constants
    from tkiros.query.queries import bind_params, expand_subtypes

    given = {k: v for k, v in params.get(q.name, {}).items() if not (whole and not q.params[k].required)}
    subs = bind_params(q, given, store)
    text = q.text + expand_subtypes(q, given, subs, store)
    if as_constants:
        text, subs = constants(text, subs)
    q = copy.copy(q)
    q.text = text
    return q, subs


def side_by_side(repeats: int, locations: list[Path], names: list[str], cap: float = 30.0) -> None:
    import pyoxigraph as ox

    from tkiros.errors import TkirosError
    from tkiros.query.engines.oxigraph import execute
    from tkiros.query.queries import list_queries

    stores = {str(p): ox.Store.read_only(str(p)) for p in locations}
    params = example_params()
    print(json.dumps({"loaded": True, "stores": list(stores), "peak_mb": peak_mb()}), flush=True)
    for q in (q for q in list_queries() if not names or q.name in names):
        jobs = {k: prepared(q, params, st, whole=True) for k, st in stores.items()}
        times: dict = {k: [] for k in stores}
        cpu: dict = {k: [] for k in stores}
        rows: dict = {}
        for _ in range(repeats):
            for k, (text_q, subs) in jobs.items():
                if rows.get(k, 0) is None:
                    continue  # passed the cap once: not run again
                t0, c0 = time.perf_counter(), cpu_seconds()
                try:
                    rows[k] = len(execute(stores[k], text_q.text, subs, timeout=cap).rows)
                except TkirosError:
                    rows[k] = None
                    continue
                times[k].append(time.perf_counter() - t0)
                cpu[k].append(cpu_seconds() - c0)
        figures = {
            k: {
                "median_s": statistics.median(times[k]) if rows.get(k) is not None else None,
                "cpu_s": statistics.median(cpu[k]) if rows.get(k) is not None else None,
                "rows": rows.get(k),
            }
            for k in stores
        }
        print(json.dumps({"query": q.name, "stores": figures, "peak_mb": peak_mb()}), flush=True)


def queries(
    engine: str, location: Path, repeats: int, names: list[str], cap: float = 30.0, whole: bool = False
) -> None:
    import os

    from tkiros.errors import TkirosError
    from tkiros.query.engines.oxigraph import execute
    from tkiros.query.queries import list_queries

    saved = [q for q in list_queries() if not names or q.name in names]
    started = time.perf_counter()
    if engine == "oxigraph":
        import pyoxigraph as ox

        store = ox.Store.read_only(str(location))

        def run(q, subs):
            return execute(store, q.text, subs, timeout=cap)
    else:
        import pyoxigraph as ox
        import rdflib

        from tkiros.query.results import Result
        from tkiros.rdfio import to_ox, to_rdflib
        from tkiros.store.paths import source_files

        g = rdflib.Graph()
        for f in source_files(ROOT):
            if "instances" not in f.relative_to(ROOT).parts:
                g.parse(f, format="turtle")
        g.parse(location, format="nt")
        for rule in sorted((ROOT / "ontology" / "rules").glob("*.rq")):
            for t in list(g.query(rule.read_text(encoding="utf-8"))):
                g.add(t)
        store = ox.Store()  # parameters are resolved on a pyoxigraph copy, as tkiros does
        store.load(g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)

        def run(q, subs):
            res = g.query(q.text, initBindings={k.value: to_rdflib(v) for k, v in subs.items()})
            return Result([str(v) for v in res.vars], [[to_ox(row[i]) for i in range(len(res.vars))] for row in res])

    print(json.dumps({"loaded": True, "load_s": time.perf_counter() - started, "peak_mb": peak_mb()}), flush=True)
    params = example_params()
    binding = os.environ.get("TKIROS_BENCH_BINDING", "constants")  # or "substitutions": the engine's own
    for q in saved:
        q, subs = prepared(q, params, store, whole, binding == "constants" and engine == "oxigraph")
        times, cpu, rows = [], [], 0
        try:
            for _ in range(repeats):
                t0, c0 = time.perf_counter(), cpu_seconds()
                rows = len(run(q, subs).rows)
                times.append(time.perf_counter() - t0)
                cpu.append(cpu_seconds() - c0)
        except TkirosError:  # over the cap (the query's own time limit)
            times, cpu, rows = [], [], None
        print(
            json.dumps(
                {
                    "query": q.name,
                    "median_s": statistics.median(times) if times else None,
                    "cpu_s": statistics.median(cpu) if cpu else None,
                    "rows": rows,
                    "peak_mb": peak_mb(),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) > 1 else 2)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "scale-data":
        scale_data(int(args[0]), Path(args[1]))
    elif cmd == "growth-data":
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from growth import write

        print(json.dumps({**write(int(args[0]), Path(args[1])), "peak_mb": peak_mb()}))
    elif cmd == "build":
        build(Path(args[0]), Path(args[1]))
    elif cmd == "queries":
        opts, names = args[3:], []
        cap, whole = 30.0, False
        while opts:
            opt = opts.pop(0)
            if opt == "--cap":
                cap = float(opts.pop(0))
            elif opt == "--whole":
                whole = True
            else:
                names.append(opt)
        queries(args[0], Path(args[1]), int(args[2]), names, cap, whole)
    elif cmd == "side-by-side":
        opts, names, cap = args[2:], [], 30.0
        while opts:
            opt = opts.pop(0)
            if opt == "--cap":
                cap = float(opts.pop(0))
            else:
                names.append(opt)
        side_by_side(int(args[0]), [Path(p) for p in args[1].split(",")], names, cap)
    else:
        sys.exit(f"unknown worker command {cmd!r}")
