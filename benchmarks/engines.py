"""Saved queries on four engines at three scales, side by side (issue 17, "Done when"). A benchmark, never a test.

    python benchmarks/engines.py                                  # x1, g10, g100; every engine
    python benchmarks/engines.py --scales 1,10 --engines embedded,server --json engines.json
    python benchmarks/engines.py --keep .cache/engines            # reuse the stores built by an earlier run
    python benchmarks/engines.py --stores STORES            # prebuilt stores gN.db, opened read-only
    python benchmarks/engines.py --queries causal-chains,table3-ros-raising-combinations --json later.json
    python benchmarks/engines.py --print a.json b.json            # the table of earlier runs (b's cells win)

Scales: x1 is the real data, gN the data grown N times by benchmarks/growth.py (the same stores as the other
benchmarks build). Engines, on the same compiled store (ontology, seeds, instances, rules):
  embedded  the store opened read-only in a process of its own, the engine's time per query (`tkiros query`);
  rdflib    the naive path: rdflib parses every source, applies the rules, runs the query (`--engine rdflib`);
  server    `tkiros serve`: the `oxigraph serve-read-only` CLI of the oxigraph wheel on 127.0.0.1, HTTP round trip;
  virtuoso  Virtuoso 7 (Debian's virtuoso-opensource, started as tests/test_virtuoso.py does) holding the
            store's triples, HTTP round trip.
Every query runs with the test suite's example value of each required parameter, bound as `tkiros query`
binds it (a constant in the text where that is safe). Medians of --repeats runs; a query over the cap is
"> cap". A served answer whose row count differs from the embedded store's is marked "rows differ".
Printed: the lookup, the table and the chain query below, and the total over every saved query.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

ENGINES = ("embedded", "rdflib", "server", "virtuoso")
# One of each kind: an entity lookup, a review table, a chain of findings.
SHOWN = {
    "lookup": "agent-effects",
    "table": "table1-review-mechanisms",
    "chain": "causal-chains",
}


def build_store(scale: int, work: Path, stores: Path | None = None) -> tuple[Path, Path, dict]:
    """The instance data (N-Triples) and compiled store of ``scale``: the store gN.db of ``stores`` when it is
    there (read-only, never written), else built once into ``work``; the data (rdflib reads it) is written
    into ``work`` when missing (benchmarks/growth.py is deterministic: the same data as the store's)."""
    from query_bench import store_counts, worker_json

    data, store, info = work / f"g{scale}.nt", work / f"g{scale}.db", work / f"g{scale}.json"
    if stores is not None and (stores / f"g{scale}.db").is_dir():
        if not data.is_file():
            worker_json(["growth-data", str(scale), str(data)], 3600)
        return data, stores / f"g{scale}.db", store_counts(stores / f"g{scale}.db")
    if not (data.is_file() and store.is_dir() and info.is_file()):
        print(f"building g{scale} ...", file=sys.stderr, flush=True)
        shutil.rmtree(store, ignore_errors=True)
        made = worker_json(["growth-data", str(scale), str(data)], 3600)
        built = worker_json(["build", str(data), str(store)], 3600)
        info.write_text(json.dumps({"instance_triples": made["triples"], "triples": built["triples"]}))
    return data, store, json.loads(info.read_text())


def prepared_texts(store_dir: Path, names: list[str]) -> dict[str, str]:
    """Each saved query's text as `tkiros query --endpoint` sends it: parameters bound, constants written in."""
    import pyoxigraph as ox
    from bench_worker import example_params

    from tkiros.query.bind import constants
    from tkiros.query.engines.remote import values_block
    from tkiros.query.queries import bind_params, expand_subtypes, get_query

    params = example_params()
    store = ox.Store.read_only(str(store_dir))
    out = {}
    for name in names:
        q = get_query(name)
        given = params.get(name, {})
        subs = bind_params(q, given, store)
        text, left = constants(q.text + expand_subtypes(q, given, subs, store), subs)
        out[name] = text + values_block(left)
    del store
    return out


def http_times(url: str, texts: dict[str, str], repeats: int, cap: float) -> dict[str, dict]:
    """Median HTTP round trip (POST, JSON results) and row count per query; None over the cap or on an error."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    out = {}
    for name, text in texts.items():
        times, rows, error = [], None, None
        for _ in range(repeats):
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=cap)
            t0 = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    path,
                    urlencode({"query": text}).encode("utf-8"),
                    {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"},
                )
                resp = conn.getresponse()
                body = resp.read()
                if resp.status == 503:  # the server's own time limit
                    raise TimeoutError
                if resp.status != 200:
                    raise OSError(f"HTTP {resp.status}: {body[:120]!r}")
                rows = len(json.loads(body)["results"]["bindings"])
            except TimeoutError:
                times, rows = [], None
                break
            except (OSError, ValueError, http.client.HTTPException) as err:
                print(f"  {name}: {err}", file=sys.stderr, flush=True)
                times, rows, error = [], None, str(err) or type(err).__name__
                break
            finally:
                conn.close()
            times.append(time.perf_counter() - t0)
            if times[-1] > 1.0:  # one run of a slow query is figure enough
                break
        out[name] = {"s": statistics.median(times) if times else None, "rows": rows, "error": error}
    return out


def worker_times(engine: str, location: Path, names: list[str], repeats: int, cap: float, load_cap: float) -> dict:
    """Median seconds per query from benchmarks/bench_worker.py (embedded store or rdflib)."""
    from query_bench import query_times

    times, load = query_times(engine, location, names, repeats, cap, load_cap)
    return {n: {"s": times.get(n), "rows": None} for n in names} | {"_load_s": load.get("load_s")}


def embedded_rows(store_dir: Path, texts: dict[str, str]) -> dict[str, int]:
    """Rows of each prepared text on the embedded store: what a served answer must match."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    out = {}
    for name, text in texts.items():
        try:
            out[name] = sum(1 for _ in store.query(text))
        except (OSError, SyntaxError, RuntimeError):
            out[name] = None
    del store
    return out


def run_server(store_dir: Path, texts: dict, repeats: int, cap: float) -> dict:
    from tkiros.serve.server import Server

    with Server(location=store_dir, port=0, timeout_s=cap) as server:
        return http_times(server.local_endpoint, texts, repeats, cap)


def run_virtuoso(store_dir: Path, texts: dict, repeats: int, cap: float, work: Path) -> dict:
    import pyoxigraph as ox

    from test_virtuoso import VIRTUOSO, Virtuoso, ensure_debian_packages

    ensure_debian_packages(VIRTUOSO, ["virtuoso-opensource"])
    folder = Path(tempfile.mkdtemp(prefix="virtuoso-", dir=work))
    try:
        data = folder / "tkiros.nt"
        store = ox.Store.read_only(str(store_dir))
        with open(data, "wb") as fh:
            ox.serialize(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), fh, ox.RdfFormat.N_TRIPLES)
        del store
        server = Virtuoso(folder)
        server.start()
        try:
            t0 = time.perf_counter()
            server.load(data)
            print(f"  virtuoso loaded in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
            return http_times(server.endpoint, texts, repeats, cap)
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def seconds(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.1f} s"


def cell(r: dict | None, expected: int | None) -> str:
    if not r:
        return "—"
    if r.get("error"):
        return "error"
    if r["s"] is None:
        return "> cap"
    note = "" if r["rows"] is None or expected is None or r["rows"] == expected else " (rows differ)"
    return f"{seconds(r['s'])}{note}"


def total(res: dict, names: list[str]) -> str:
    if not res or any(n not in res for n in names):
        return "—"
    over = [n for n in names if res[n]["s"] is None and not res[n].get("error")]
    failed = [n for n in names if res[n].get("error")]
    s = sum(res[n]["s"] for n in names if res[n]["s"] is not None)
    shown = seconds(s)
    notes = [f"{len(over)} over the cap"] * bool(over) + [f"{len(failed)} failed"] * bool(failed)
    return f"{'> ' if over else ''}{shown} ({', '.join(notes)})" if notes else shown


def table(results: dict, engines: list[str]) -> str:
    scales = [s for s in results["scales"] if str(s) in results["triples"]]  # a stopped run: only those begun
    names = results["queries"]
    head = ["query", "engine"] + [
        f"{'x' if s == 1 else 'g'}{s} ({results['triples'][str(s)]:,} triples)" for s in scales
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    shown = [(f"{kind}: `{name}`", name) for kind, name in SHOWN.items()] + [
        (f"total, {len(names)} saved queries", None)
    ]
    for label, name in shown:
        for engine in engines:
            cells = []
            for s in scales:
                res = results["engines"].get(engine, {}).get(str(s), {})
                expected = results["rows"][str(s)]
                cells.append(total(res, names) if name is None else cell(res.get(name), expected.get(name)))
            lines.append("| " + " | ".join([label, engine] + cells) + " |")
    return "\n".join(lines)


def merge(runs: list[dict]) -> dict:
    """Several runs' figures as one: scales and queries of all, a later run's (engine, scale, query) cells
    winning (a re-run of a few queries replaces only theirs)."""
    out: dict = {"scales": [], "queries": [], "triples": {}, "rows": {}, "engines": {}}
    for run in runs:
        out["scales"] = sorted(set(out["scales"]) | set(run["scales"]))
        out["queries"] = sorted(set(out["queries"]) | set(run["queries"]))
        out["triples"].update(run["triples"])
        for scale, rows in run["rows"].items():
            out["rows"].setdefault(scale, {}).update(rows)
        for engine, by_scale in run["engines"].items():
            for scale, cells in by_scale.items():
                out["engines"].setdefault(engine, {}).setdefault(scale, {}).update(cells)
    return out


def save(path: str, results: dict, earlier: dict | None) -> None:
    """Write the run's figures, over an earlier run's when given (--update: only the cells measured now change)."""
    out = results if earlier is None else merge([earlier, results]) | {"load_average": results.get("load_average")}
    Path(path).write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100", help="growth factors (1 is the real data)")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated: " + ", ".join(ENGINES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cap", type=float, default=30.0, help="seconds one query may take")
    parser.add_argument("--rdflib-scales", default="1,10", help="scales rdflib runs at (it loads slowly)")
    parser.add_argument("--rdflib-all-scales", default="1", help="scales rdflib runs every saved query at")
    parser.add_argument("--keep", default=str(ROOT / ".cache" / "engines"), metavar="DIR", help="stores built once")
    parser.add_argument(
        "--stores", metavar="DIR", help="prebuilt stores gN.db to reuse read-only (e.g. STORES); others in --keep"
    )
    parser.add_argument(
        "--queries", default="", help="comma-separated saved query names [default: all] (a partial re-run)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument(
        "--update",
        action="store_true",
        help="merge into the --json file's earlier figures (with --queries: re-run a few, keep the rest)",
    )
    parser.add_argument("--print", nargs="+", metavar="FILE", help="print the table of earlier runs' JSON and stop")
    args = parser.parse_args(argv)
    if args.update and not (args.json and Path(args.json).is_file()):
        parser.error("--update needs --json FILE of an earlier run")
    if args.print:
        merged = merge([json.loads(Path(f).read_text()) for f in args.print])
        print(table(merged, [e for e in ENGINES if e in merged["engines"]]))
        return
    from tkiros.query.queries import list_queries

    scales = [int(s) for s in args.scales.split(",")]
    engines = [e for e in args.engines.split(",") if e]
    for e in engines:
        if e not in ENGINES:
            parser.error(f"--engines: unknown engine {e!r}; choose from {', '.join(ENGINES)}")
    names = sorted(q.name for q in list_queries())
    if args.queries:
        unknown = set(args.queries.split(",")) - set(names)
        if unknown:
            parser.error(f"--queries: no saved query {', '.join(sorted(unknown))}")
        names = sorted(args.queries.split(","))
    work = Path(args.keep).resolve()  # virtuoso-t is started in another folder
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {"scales": scales, "queries": names, "triples": {}, "rows": {}, "engines": {}}
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    earlier = json.loads(Path(args.json).read_text()) if args.update else None
    for s in scales:
        data, store, info = build_store(s, work, Path(args.stores) if args.stores else None)
        results["triples"][str(s)] = info["triples"]
        texts = prepared_texts(store, names)
        results["rows"][str(s)] = embedded_rows(store, texts)
        for engine in engines:
            print(f"g{s} {engine} ...", file=sys.stderr, flush=True)
            if engine == "embedded":
                res = worker_times("oxigraph", store, names, args.repeats, args.cap, 120)
            elif engine == "rdflib":
                if str(s) not in args.rdflib_scales.split(","):
                    continue
                some = (
                    names if str(s) in args.rdflib_all_scales.split(",") else sorted(set(SHOWN.values()) & set(names))
                )
                if not some:
                    continue
                res = worker_times("rdflib", data, some, 1, args.cap, 1800)
            elif engine == "server":
                res = run_server(store, texts, args.repeats, args.cap)
            else:
                res = run_virtuoso(store, texts, args.repeats, args.cap, work)
            results["engines"].setdefault(engine, {})[str(s)] = res
            if args.json:  # after each engine, so that a stopped run keeps what it measured
                save(args.json, results, earlier)
    results["load_average"] = os.getloadavg()[0]
    print(
        f"Saved queries by engine and scale ({started}; median of {args.repeats}, cap {args.cap:.0f} s; "
        f"load average {results['load_average']:.1f} on {os.cpu_count()} cores)\n"
    )
    print(table(results, engines))
    if args.json:
        save(args.json, results, earlier)


if __name__ == "__main__":
    main()
