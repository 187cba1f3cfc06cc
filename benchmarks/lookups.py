"""Issue 17, goal 1: parameterised lookups flat in data size. A benchmark that prints figures, never a test.

    python benchmarks/lookups.py                        # g1 and g100 (benchmarks/growth.py), embedded and served
    python benchmarks/lookups.py --scales 1,10,100 --no-endpoint

Every saved query run with the test suite's example value of each parameter (tests/test_queries.py), bound
two ways side by side in one run: the engine's own substitution (SEP-0007; through an endpoint, a trailing
VALUES block), and the parameter written in as a constant (tkiros.query.bind, what `tkiros query` does now).
Embedded: median of the engine's time on a read-only store (no process start). Served: the same store
behind `tkiros serve`'s Oxigraph server on 127.0.0.1, median HTTP round trip. Two verdicts per lookup:
flat (<= 50 ms at the largest scale and <= 2x its time at the smallest, embedded and served: what an index
lookup must do under `--model copies`, where the answer stays the same size) and linear in the answer
(its time grows at most 1.3x as fast as its rows: all a lookup of a hub can do under the growth model,
where its answer grows 10 to 100 times). The milliseconds per row at the largest scale are printed too.
A query named in --queries without an example parameter (one whose constants are in its text, such as
imatinib-resistant-cml) is measured as it is. Under the copies model an example label names one entity
per copy: the lookup stays on the entity it names in the smallest store (copy 0).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
WORKER = [sys.executable, str(ROOT / "benchmarks" / "bench_worker.py")]
TARGET_MS, TARGET_RATIO, TARGET_LINEAR = 50.0, 2.0, 1.3


def cases(only=()):
    """(query, params) for every saved query with an example value, one parameter at a time."""
    from test_queries import EXAMPLE_PARAMS, OPTIONAL_EXAMPLES
    from tkiros.query.queries import get_query

    out = []
    for table in (EXAMPLE_PARAMS, OPTIONAL_EXAMPLES):
        for name, params in table.items():
            for k, v in params.items():
                if only and name not in only:
                    continue
                out.append((get_query(name), {k: v}))
    for name in set(only) - {q.name for q, _ in out}:  # a lookup by constants written in the query itself
        out.append((get_query(name), {}))
    return sorted(out, key=lambda c: (c[0].name, list(c[1])))


def median_ms(fn, repeats):
    """Median milliseconds of ``repeats`` runs (one run when it takes over a second: a baseline that slow
    is reported as it is) and the row count."""
    times, rows = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        rows = fn()
        times.append(time.perf_counter() - t0)
        if times[-1] > 1.0:
            break
    return 1000 * statistics.median(times), rows


def measure(store_dir: Path, repeats: int, endpoint: bool, only=(), pinned=None) -> dict:
    """``pinned`` maps (query, parameter) to the IRI its example named on the first store measured (filled
    then, used after): under the copies model a label names one entity per copy, and the lookup is meant
    to stay on copy 0's, the one the smallest store has."""
    import pyoxigraph as ox

    from tkiros.query.bind import constants
    from tkiros.query.engines.remote import values_block
    from tkiros.query.queries import bind_params, expand_subtypes

    pinned = {} if pinned is None else pinned
    fill = not pinned
    store = ox.Store.read_only(str(store_dir))
    prepared = []
    for q, params in cases(only):
        (name, value), given = next(iter(params.items()), (None, "")), params
        if name and q.params[name].kind == "entity" and (q.name, name) in pinned:
            given = {name: ("=" if value.startswith("=") else "") + pinned[q.name, name]}
        subs = bind_params(q, given, store)
        if fill and name and q.params[name].kind == "entity":
            pinned[q.name, name] = subs[ox.Variable(name)].value
        text = q.text + expand_subtypes(q, given, subs, store)
        const_text, left = constants(text, subs)
        prepared.append((q, params, text, subs, const_text, left))
    out = {}

    def count(res):
        return sum(1 for _ in res)

    for q, params, text, subs, const_text, left in prepared:
        key = " ".join([q.name, *("=".join(kv) for kv in params.items())])
        sub_ms, rows = median_ms(lambda: count(store.query(text, substitutions=subs or None)), repeats)  # noqa: F821 (called before del)
        const_ms, rows2 = median_ms(lambda: count(store.query(const_text, substitutions=left or None)), repeats)  # noqa: F821
        out[key] = {
            "rows": rows,
            "rows_const": rows2,
            "subst_ms": sub_ms,
            "const_ms": const_ms,
            "constant": not left,
            "values_text": text + values_block(subs),
            "const_text": const_text + values_block(left),
        }
        print(
            f"  {key}: {rows} rows, substitution {sub_ms:.1f} ms, constants {const_ms:.1f} ms",
            file=sys.stderr,
            flush=True,
        )
    del store
    if endpoint:
        from tkiros.serve.server import Server

        with Server(location=store_dir, port=0) as server:
            parts = urlsplit(server.local_endpoint)
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)

            def post(body: str) -> int:
                conn.request(
                    "POST",
                    parts.path,
                    body.encode("utf-8"),
                    {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
                )
                resp = conn.getresponse()
                data = resp.read()
                if resp.status != 200:
                    raise RuntimeError(f"HTTP {resp.status}: {data[:200]!r}")
                return len(json.loads(data)["results"]["bindings"])

            def timed(body):
                nonlocal conn
                try:
                    return median_ms(lambda: post(body), repeats)
                except (RuntimeError, OSError, http.client.HTTPException):  # the server's time limit (30 s)
                    conn.close()
                    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
                    return None, None

            for key, r in out.items():
                r["ep_values_ms"], r["ep_rows"] = timed(r["values_text"])
                r["ep_const_ms"], r["ep_rows_const"] = timed(r["const_text"])
                print(
                    f"  served {key}: VALUES {fmt(r['ep_values_ms'])} ms, constants {fmt(r['ep_const_ms'])} ms",
                    file=sys.stderr,
                    flush=True,
                )
            conn.close()
    return out


def build(scale: int, model: str, work: Path) -> Path:
    data, store = work / f"g{scale}.nt", work / f"g{scale}.db"
    subprocess.run(
        WORKER + [f"{'growth' if model == 'growth' else 'scale'}-data", str(scale), str(data)],
        check=True,
        capture_output=True,
    )
    shutil.rmtree(store, ignore_errors=True)
    subprocess.run(WORKER + ["build", str(data), str(store)], check=True, capture_output=True)
    data.unlink()
    return store


def fmt(ms):
    return "> cap" if ms is None else f"{ms:.1f}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,100")
    parser.add_argument("--model", choices=("growth", "copies"), default="growth")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-endpoint", action="store_true")
    parser.add_argument(
        "--queries", default="", help="comma-separated saved query names [default: every one with an example]"
    )
    parser.add_argument(
        "--keep", metavar="DIR", help="build (or reuse) the stores in DIR instead of a temporary folder"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON (for benchmarks/goals.py)")
    args = parser.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",")]
    results, pinned = {}, {}
    with tempfile.TemporaryDirectory(prefix="tkiros-lookups-") as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        for s in scales:
            store = work / f"g{s}.db" if args.model == "growth" else work / f"x{s}.db"
            if not (args.keep and store.is_dir()):
                print(f"building {args.model} {s} ...", file=sys.stderr, flush=True)
                built = build(s, args.model, work)
                if built != store:
                    shutil.move(built, store)
            print(f"measuring {store.name} ...", file=sys.stderr, flush=True)
            results[s] = measure(
                store, args.repeats, not args.no_endpoint, tuple(filter(None, args.queries.split(","))), pinned
            )
    lo, hi = scales[0], scales[-1]
    mid = scales[-2] if len(scales) > 2 else lo  # growth from here: the smallest store fits every cache
    prefix = "g" if args.model == "growth" else "x"
    cols = ["query param", f"rows {prefix}{lo}", f"rows {prefix}{hi}", "constant"]
    cols += [f"subst {prefix}{lo}", f"subst {prefix}{hi}", f"const {prefix}{lo}", f"const {prefix}{hi}", "const ratio"]
    if not args.no_endpoint:
        cols += [
            f"served VALUES {prefix}{hi}",
            f"served const {prefix}{lo}",
            f"served const {prefix}{hi}",
            "served ratio",
        ]
    cols += [
        f"ms/row {prefix}{hi}",
        f"time growth / rows growth {prefix}{mid}-{prefix}{hi}",
        f"flat (<= {TARGET_MS:.0f} ms, <= {TARGET_RATIO:.0f}x)",
    ]
    cols.append(f"linear in the answer (<= {TARGET_LINEAR}x)")
    print(f"Lookups (ms, median of {args.repeats}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)\n")
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    flat = linear = 0
    for key in results[lo]:
        a, b = results[lo][key], results[hi][key]
        assert a["rows"] == a["rows_const"] and b["rows"] == b["rows_const"], f"{key}: constants changed the row count"
        ratio = b["const_ms"] / a["const_ms"]
        # an answer that does not grow may take at most TARGET_LINEAR its time: flat, or linear in its size
        m = results[mid][key]
        growth = (b["const_ms"] / m["const_ms"]) / (max(b["rows"], 1) / max(m["rows"], 1))
        ok = b["const_ms"] <= TARGET_MS and ratio <= TARGET_RATIO
        cells = [key, str(a["rows"]), str(b["rows"]), "yes" if b["constant"] else "no"]
        cells += [fmt(a["subst_ms"]), fmt(b["subst_ms"]), fmt(a["const_ms"]), fmt(b["const_ms"]), f"{ratio:.1f}x"]
        if not args.no_endpoint:
            ep_ok = None not in (a["ep_const_ms"], b["ep_const_ms"])
            ep_ratio = b["ep_const_ms"] / a["ep_const_ms"] if ep_ok else float("inf")
            ok = ok and ep_ok and b["ep_const_ms"] <= TARGET_MS and ep_ratio <= TARGET_RATIO
            cells += [fmt(b["ep_values_ms"]), fmt(a["ep_const_ms"]), fmt(b["ep_const_ms"]), f"{ep_ratio:.1f}x"]
        cells += [f"{b['const_ms'] / max(b['rows'], 1):.2f}", f"{growth:.2f}"]
        cells += ["met" if ok else "NOT met", "met" if growth <= TARGET_LINEAR else "NOT met"]
        flat, linear = flat + ok, linear + (growth <= TARGET_LINEAR)
        print("| " + " | ".join(cells) + " |")
    n = len(results[lo])
    print(
        f"\nflat at {prefix}{hi}: {flat} of {n}; linear in the answer from {prefix}{mid} to {prefix}{hi}: {linear} of {n}."
    )
    if args.json:
        figures = {
            str(s): {k: {f: v for f, v in r.items() if not f.endswith("_text")} for k, r in results[s].items()}
            for s in scales
        }
        run_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        Path(args.json).write_text(
            json.dumps({"date": run_at, "model": args.model, "scales": scales, "lookups": figures}, indent=1) + "\n"
        )


if __name__ == "__main__":
    main()
