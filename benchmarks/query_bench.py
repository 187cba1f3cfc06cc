"""Query benchmarks: prints tables with the targets beside the figures. A benchmark, never a test.

    python benchmarks/query_bench.py                       # everything: cold, scale-up x10 x100 x1000, served
    python benchmarks/query_bench.py --sections cold,served
    python benchmarks/query_bench.py --scales 10,100 --json results.json

1. cold: `tkiros query tkis-raising-ros` as a whole new process (median of repeated runs) on the compiled
   store, beside the naive path (`--engine rdflib`: rdflib parses every source file, then runs the query).
2. scale: the instances grown x10, x100, x1000 by resampling findings as new documents (benchmarks/growth.py;
   `--model copies`: copied with fresh IRIs, kept for comparison); store build time and peak memory, then
   the median time of every saved query per engine (rdflib only at the scales where it loads in time).
   Every step runs in a process of its own (benchmarks/bench_worker.py) and is killed at a cap.
3. served: `tkiros serve` under 8 concurrent keep-alive clients on loopback for a bounded time: queries
   per second, p50/p99 latency and errors. The clients share the machine's cores with the server.
4. growth (not in the default run; `--sections growth`): every saved query on its whole graph (optional
   parameters left out) at two scales (`--growth-scales 10,100`), its rows and CPU time at each, how
   much faster than its answer and than the data its time grows, and a verdict against issue 17's goal
   (time growing at most ~1.3x as fast as the answer; for a query whose rows do not grow, such as an
   aggregate table, as fast as the findings of the store, which it aggregates). `--keep DIR` reuses the
   stores gN.db in DIR (read-only) instead of building them; `--compare OLD.json` adds the CPU times of an
   earlier run (`--json`) beside the new ones; `--print RUN.json` prints a run's report without running.

    python benchmarks/query_bench.py --sections growth --growth-scales 10,100 --keep STORES \
        --json benchmarks/results/growth.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKER = [sys.executable, str(ROOT / "benchmarks" / "bench_worker.py")]
COLD_QUERY = "tkis-raising-ros"
SERVED_QUERY = "source-errata"
TARGETS = {
    "cold_s": 0.3,
    "cold_speedup": 5.0,
    "x100_query_s": 1.0,
    "x100_peak_gb": 4.0,
    "x1000_build_s": 600.0,
    "x1000_query_s": 5.0,
    "served_qps": 500.0,
}


def tkiros_cmd() -> list[str]:
    script = Path(sys.executable).parent / "tkiros"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "tkiros.cli"]


def median_run(cmd: list[str], repeats: int, timeout: float) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        times.append(time.perf_counter() - t0)
        if res.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {res.stderr.strip()}")
    return statistics.median(times), times


# --- 1. Cold -------------------------------------------------------------------------------------------


def cold(repeats: int) -> dict:
    cmd = tkiros_cmd() + ["query", COLD_QUERY, "--format", "tsv"]
    subprocess.run(cmd, capture_output=True, timeout=600)  # build the compiled store once, if the sources changed
    ox_median, ox_times = median_run(cmd, repeats, 120)
    rdf_median, rdf_times = median_run(cmd + ["--engine", "rdflib"], max(3, repeats // 2), 600)
    return {
        "query": COLD_QUERY,
        "oxigraph_s": ox_median,
        "rdflib_s": rdf_median,
        "speedup": rdf_median / ox_median,
        "oxigraph_runs": ox_times,
        "rdflib_runs": rdf_times,
    }


# --- 2. Scale-up ---------------------------------------------------------------------------------------


def worker_json(args: list[str], timeout: float) -> dict:
    res = subprocess.run(WORKER + args, capture_output=True, text=True, timeout=timeout)
    if res.returncode != 0:
        raise RuntimeError(res.stderr.strip().splitlines()[-1] if res.stderr.strip() else f"exit {res.returncode}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def query_times(
    engine: str, location: Path, names: list[str], repeats: int, cap: float, load_cap: float
) -> tuple[dict, dict]:
    """Median seconds per query (None when over the cap), and the worker's load figures."""
    results: dict[str, float | None] = {}
    load: dict = {}
    todo = list(names)
    while todo:
        proc = subprocess.Popen(
            WORKER + ["queries", engine, str(location), str(repeats), *todo],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + load_cap
        waiting_for = None  # None: the load line
        try:
            while todo:
                remaining = deadline - time.monotonic()
                ready = select.select([proc.stdout], [], [], max(0.0, remaining))[0] if remaining > 0 else []
                if not ready:
                    if waiting_for is None:  # could not even load within its cap: every query is over
                        load = {"load_s": None}
                        results.update({n: None for n in todo})
                        todo = []
                    else:
                        results[todo.pop(0)] = None
                    break
                line = proc.stdout.readline()
                if not line:
                    err = proc.stderr.read().strip().splitlines()
                    raise RuntimeError(f"{engine} worker died: {err[-1] if err else proc.poll()}")
                data = json.loads(line)
                if "loaded" in data:
                    load = load or data
                    waiting_for = todo[0]
                else:
                    results[data["query"]] = data["median_s"]
                    load["peak_mb"] = max(load.get("peak_mb", 0), data["peak_mb"])
                    todo.remove(data["query"])
                deadline = time.monotonic() + cap * repeats
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    return results, load


def scale(
    factors: list[int],
    names: list[str],
    repeats: int,
    cap: float,
    rdflib_load_cap: float,
    work: Path,
    rdflib_cap: float = 10.0,
    rdflib: bool = True,
    base: bool = True,
    rdflib_max_scale: int = 10,
    model: str = "growth",
) -> list[dict]:
    rows = []
    rdflib_ok = rdflib
    for factor in ([1] if base else []) + factors:
        data = work / f"x{factor}.nt"
        store = work / f"x{factor}.db"
        made = worker_json([f"{'growth' if model == 'growth' else 'scale'}-data", str(factor), str(data)], 3600)
        shutil.rmtree(store, ignore_errors=True)
        t0 = time.perf_counter()
        built = worker_json(["build", str(data), str(store)], 3600)
        build_wall = time.perf_counter() - t0
        q_cap = cap * (2 if factor >= 1000 else 1)
        ox_times, ox_load = query_times("oxigraph", store, names, repeats, q_cap, 120)
        row = {
            "factor": factor,
            "instance_triples": made["triples"],
            "store_triples": built["triples"],
            "build_s": build_wall,
            "build_peak_mb": built["peak_mb"],
            "oxigraph": ox_times,
            "oxigraph_peak_mb": ox_load.get("peak_mb"),
            "rdflib": None,
        }
        if rdflib_ok and factor <= rdflib_max_scale:
            rdf_times, rdf_load = query_times("rdflib", data, names, 1, rdflib_cap, rdflib_load_cap)
            row.update(rdflib=rdf_times, rdflib_load_s=rdf_load.get("load_s"), rdflib_peak_mb=rdf_load.get("peak_mb"))
            # rdflib loads linearly: skip the next scale when this one's load x10 would pass the cap.
            rdflib_ok = rdf_load.get("load_s") is not None and rdf_load["load_s"] * 10 < rdflib_load_cap
        rows.append(row)
        print(
            f"  x{factor}: {built['triples']} triples, build {build_wall:.1f} s, peak {built['peak_mb']:.0f} MB",
            file=sys.stderr,
            flush=True,
        )
        data.unlink(missing_ok=True)
        shutil.rmtree(store, ignore_errors=True)
    return rows


# --- 4. Growth -----------------------------------------------------------------------------------------


def store_counts(store_dir: Path) -> dict:
    """Triples and findings (instances of tkiros:Finding) of a compiled store: what a table that aggregates
    findings reads, when its own rows do not grow."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    finding = ox.NamedNode("https://w3id.org/tkiros/vocab/Finding")
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    out = {"triples": len(store), "findings": sum(1 for _ in store.quads_for_pattern(None, a, finding))}
    del store
    return out


def growth(
    factors: list[int],
    names: list[str],
    repeats: int,
    cap: float,
    work: Path,
    model: str = "growth",
    keep: Path | None = None,
) -> dict:
    """Rows, wall and CPU seconds of every saved query (whole graph) at each scale factor of ``model``, the
    stores of every scale open at once and each query timed on each in turn, round after round (side by
    side: a ratio between scales is not a ratio between two moments' loads). With ``keep``, a store already
    there (gN.db, or xN.db for copies) is reused and never written; one built is left there."""
    out: dict = {"factors": factors, "model": model, "triples": {}, "findings": {}, "queries": {n: {} for n in names}}
    out["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    out["side_by_side"] = True
    stores = {}
    for factor in factors:
        name = f"{'g' if model == 'growth' else 'x'}{factor}"
        data, store = work / f"{name}.nt", (keep or work) / f"{name}.db"
        if not store.is_dir():
            worker_json([f"{'growth' if model == 'growth' else 'scale'}-data", str(factor), str(data)], 3600)
            worker_json(["build", str(data), str(store)], 3600)
            data.unlink(missing_ok=True)
        counts = store_counts(store)
        out["triples"][factor], out["findings"][factor] = counts["triples"], counts["findings"]
        print(
            f"  growth {name}: {counts['triples']} triples, {counts['findings']} findings", file=sys.stderr, flush=True
        )
        stores[str(store)] = factor
    res = subprocess.run(
        WORKER + ["side-by-side", str(repeats), ",".join(stores), "--cap", str(cap), *names],
        capture_output=True,
        text=True,
        timeout=(cap + 10) * repeats * len(names) * len(stores) + 120,
    )
    if res.returncode != 0:
        raise RuntimeError(res.stderr.strip().splitlines()[-1] if res.stderr.strip() else f"exit {res.returncode}")
    for line in res.stdout.splitlines():
        fig = json.loads(line)
        for store, cell in fig.get("stores", {}).items() if "query" in fig else ():
            out["queries"][fig["query"]][stores[store]] = {k: cell.get(k) for k in ("median_s", "cpu_s", "rows")}
    if keep is None:
        for store in stores:
            shutil.rmtree(store, ignore_errors=True)
    out["load_average"] = os.getloadavg()[0]
    return out


def growth_rows(g: dict, before: dict | None) -> list[str]:
    from goals import GROWTH_VS_ANSWER, growth_judged

    a, b = (str(f) for f in g["factors"][:2])
    p = "g" if g.get("model", "copies") == "growth" else "x"
    triples = {str(k): v for k, v in g["triples"].items()}
    findings = {str(k): v for k, v in g.get("findings", {}).items()}
    data_growth = triples[b] / triples[a]
    finding_growth = findings[b] / findings[a] if findings else None
    out = [
        f"## Growth from {p}{a} to {p}{b} ({g.get('model', 'copies')} model; whole graph, optional parameters left out)",
        "",
        f"Store triples: {triples[a]:,} and {triples[b]:,} ({data_growth:.1f}x)"
        + (f"; findings: {findings[a]:,} and {findings[b]:,} ({finding_growth:.1f}x)." if findings else ".")
        + " Times are the median CPU seconds of the query's process (wall time on a shared machine is noise). "
        "'time/answer' is how many times faster than its rows the time grows; for a query whose rows do not grow "
        "(an aggregate table) it is measured against the growth of the findings it aggregates instead "
        "(marked 'findings'): time growth / max(rows growth, findings growth). 'time/data' is the same against "
        "the store's triples.",
        "",
    ]
    cols = ["query", f"rows {p}{a}", f"rows {p}{b}"]
    if before:
        cols += [f"before: CPU {p}{a}", f"before: CPU {p}{b}", f"after: CPU {p}{a}", f"after: CPU {p}{b}"]
    else:
        cols += [f"CPU {p}{a}", f"CPU {p}{b}"]
    cols += ["time/answer", "time/data", f"verdict (<= {GROWTH_VS_ANSWER}x the answer)"]
    out += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    met = 0
    for name, figs in g["queries"].items():
        fa, fb = figs.get(a, figs.get(int(a), {})), figs.get(b, figs.get(int(b), {}))
        ratio, basis = growth_judged(fa, fb, finding_growth)
        tb_ta = (fb["cpu_s"] / fa["cpu_s"]) if ratio is not None else None
        ok = ratio is not None and ratio <= GROWTH_VS_ANSWER
        met += ok
        cells = [name] + ["-" if f.get("rows") is None else str(f["rows"]) for f in (fa, fb)]
        if before:
            old = before.get("queries", {}).get(name, {})
            oa, ob = old.get(a, old.get(int(a), {})), old.get(b, old.get(int(b), {}))
            cells += [fmt_s(oa.get("cpu_s")), fmt_s(ob.get("cpu_s"))]
            for i, (was, now) in enumerate(((oa, fa), (ob, fb))):  # the rewrite must keep the answer
                if None not in (was.get("rows"), now.get("rows")) and was["rows"] != now["rows"]:
                    cells[1 + i] += f" (before: {was['rows']})"
        cells += [fmt_s(fa.get("cpu_s")), fmt_s(fb.get("cpu_s"))]
        cells += [
            "-" if ratio is None else f"{ratio:.2f}" + (" (findings)" if basis == "findings" else ""),
            "-" if tb_ta is None else f"{tb_ta / data_growth:.2f}",
            verdict(ok),
        ]
        out.append("| " + " | ".join(cells) + " |")
    out += [
        "",
        f"- {met} of {len(g['queries'])} saved queries grow at most {GROWTH_VS_ANSWER}x as fast as their answer "
        f"(or, for an answer that does not grow, the findings) from {p}{a} to {p}{b}: "
        f"{verdict(met == len(g['queries']))}",
        "",
    ]
    return out


# --- 3. Served -----------------------------------------------------------------------------------------


def _serve_process() -> tuple[subprocess.Popen, dict]:
    """`tkiros serve` in a process of its own, as users run it (its relay never shares the clients' GIL)."""
    info_file = Path(tempfile.mkdtemp(prefix="tkiros-bench-")) / "endpoint.json"
    proc = subprocess.Popen(
        tkiros_cmd() + ["serve", "--host", "127.0.0.1", "--port", "0", "--format", "json", "-o", str(info_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not info_file.is_file():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            sys.exit("tkiros serve did not start")
        time.sleep(0.1)
    time.sleep(0.2)
    return proc, json.loads(info_file.read_text())


def served(clients: int, seconds: float, via: str = "relay") -> dict:
    """Load on `tkiros serve`: through its relay (what clients reach) or straight to its Oxigraph child
    (``via="direct"``, to see what the relay costs)."""
    from urllib.parse import urlsplit

    from tkiros.query.queries import get_query

    def cpu_seconds(pid: int) -> float:
        """User + system CPU seconds a process has used (Linux /proc), to tell the server's cost from the load."""
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    body = get_query(SERVED_QUERY).text.encode("utf-8")
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    proc, info = _serve_process()
    try:
        oxigraph = info["pid"]
        if via == "direct":
            argv = Path(f"/proc/{oxigraph}/cmdline").read_bytes().split(b"\0")
            host, _, port = argv[argv.index(b"--bind") + 1].decode().rpartition(":")
            parts = urlsplit(f"http://{host}:{port}/query")
        else:
            parts = urlsplit(info["endpoint"])
        pids = [oxigraph] if via == "direct" else [oxigraph, proc.pid]
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        conn.request("POST", parts.path, body, headers)
        expected = len(json.loads(conn.getresponse().read())["results"]["bindings"])
        conn.close()
        server_cpu0, client_cpu0 = sum(cpu_seconds(p) for p in pids), time.process_time()
        start = time.monotonic()
        deadline = start + seconds

        def client(i: int) -> None:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            while time.monotonic() < deadline:
                t0 = time.perf_counter()
                try:
                    conn.request("POST", parts.path, body, headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    if resp.status != 200 or len(json.loads(data)["results"]["bindings"]) != expected:
                        errors.append(f"HTTP {resp.status}")
                        continue
                except (OSError, http.client.HTTPException, ValueError, KeyError) as err:
                    errors.append(type(err).__name__)
                    conn.close()
                    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                    continue
                latencies[i].append(time.perf_counter() - t0)
            conn.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(seconds + 60)
        elapsed = time.monotonic() - start
        server_cpu = sum(cpu_seconds(p) for p in pids) - server_cpu0
        client_cpu = time.process_time() - client_cpu0
    finally:
        proc.terminate()
        proc.wait(30)
    all_lat = sorted(x for lat in latencies for x in lat)
    n = len(all_lat)
    return {
        "query": SERVED_QUERY,
        "via": via,
        "clients": clients,
        "seconds": elapsed,
        "queries": n,
        "qps": n / elapsed,
        "p50_ms": 1000 * all_lat[n // 2] if n else None,
        "p99_ms": 1000 * all_lat[min(n - 1, int(n * 0.99))] if n else None,
        "errors": len(errors),
        "rows": expected,
        "server_cpu_ms_per_query": 1000 * server_cpu / n if n else None,
        "client_cpu_ms_per_query": 1000 * client_cpu / n if n else None,
        "load_average": os.getloadavg()[0],
    }


# --- Report --------------------------------------------------------------------------------------------


def fmt_s(v) -> str:
    return "> cap" if v is None else (f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s")


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(results: dict, names: list[str]) -> str:
    out = []
    if "cold" in results:
        c = results["cold"]
        out += [
            "## Cold query (whole process, median)",
            "",
            "| query | oxigraph (compiled store) | rdflib (naive) | ratio | target | verdict |",
            "|---|---|---|---|---|---|",
            f"| {c['query']} | {fmt_s(c['oxigraph_s'])} | {fmt_s(c['rdflib_s'])} | {c['speedup']:.1f}x | <= 0.3 s and >= 5x "
            f"| {verdict(c['oxigraph_s'] <= TARGETS['cold_s'] and c['speedup'] >= TARGETS['cold_speedup'])} |",
            "",
        ]
    if "scale" in results:
        rows = results["scale"]
        out += [
            f"## Scale-up ({results.get('model', 'growth')} model: benchmarks/growth.py)",
            "",
            "| scale | store triples | build | build peak | query peak (oxigraph) | rdflib load | rdflib peak | slowest query (oxigraph) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            slowest = max(
                ((v if v is not None else float("inf"), k) for k, v in r["oxigraph"].items()), default=(0, "")
            )
            out.append(
                f"| x{r['factor']} | {r['store_triples']:,} | {fmt_s(r['build_s'])} | {r['build_peak_mb']:.0f} MB "
                f"| {r['oxigraph_peak_mb'] or 0:.0f} MB | {fmt_s(r.get('rdflib_load_s')) if r['rdflib'] is not None else 'not run'} "
                f"| {(str(round(r['rdflib_peak_mb'])) + ' MB') if r.get('rdflib_peak_mb') else '-'} "
                f"| {slowest[1]} {fmt_s(None if slowest[0] == float('inf') else slowest[0])} |"
            )
        out += ["", "Median time per saved query:", ""]
        header = (
            "| query | "
            + " | ".join(
                f"x{r['factor']} oxigraph" + (f" | x{r['factor']} rdflib" if r["rdflib"] is not None else "")
                for r in rows
            )
            + " |"
        )
        out += [header, "|" + "---|" * (header.count("|") - 1)]
        for n in names:
            cells = []
            for r in rows:
                cells.append(fmt_s(r["oxigraph"].get(n)))
                if r["rdflib"] is not None:
                    cells.append(fmt_s(r["rdflib"].get(n)))
            out.append(f"| {n} | " + " | ".join(cells) + " |")
        out.append("")
        by = {r["factor"]: r for r in rows}
        if 100 in by:
            r = by[100]
            over = [n for n, v in r["oxigraph"].items() if v is None or v > TARGETS["x100_query_s"]]
            peak_gb = max(r["build_peak_mb"], r["oxigraph_peak_mb"] or 0) / 1024
            out.append(
                f"- x100: every saved query <= 1 s median: {verdict(not over)}"
                + (f" (over: {', '.join(over)})" if over else "")
                + f"; peak memory {peak_gb:.2f} GB <= 4 GB: {verdict(peak_gb <= TARGETS['x100_peak_gb'])}"
            )
        if 1000 in by:
            r = by[1000]
            over = [n for n, v in r["oxigraph"].items() if v is None or v > TARGETS["x1000_query_s"]]
            out.append(
                f"- x1000: store builds in {fmt_s(r['build_s'])} <= 10 min: {verdict(r['build_s'] <= TARGETS['x1000_build_s'])}; "
                f"every saved query <= 5 s: {verdict(not over)}" + (f" (over: {', '.join(over)})" if over else "")
            )
        out.append("")
    if "growth" in results:
        out += growth_rows(results["growth"], results.get("growth_before"))
    if "served" in results:
        out += [
            "## Served endpoint under load (loopback; `tkiros serve` in its own process)",
            "",
            "| via | query | clients | seconds | queries | queries/s | p50 | p99 | errors | target | verdict |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for s in results["served"]:
            out.append(
                f"| {s['via']} | {s['query']} | {s['clients']} | {s['seconds']:.1f} | {s['queries']} | {s['qps']:.0f} | {s['p50_ms']:.1f} ms "
                f"| {s['p99_ms']:.1f} ms | {s['errors']} | >= 500/s, 0 errors "
                f"| {verdict(s['qps'] >= TARGETS['served_qps'] and s['errors'] == 0) if s['via'] == 'relay' else '(reference)'} |"
            )
        out.append("")
        for s in results["served"]:
            out.append(
                f"CPU per query via {s['via']}: server {s['server_cpu_ms_per_query']:.2f} ms, clients {s['client_cpu_ms_per_query']:.2f} ms; "
                f"the server alone on {os.cpu_count()} idle cores could answer about {os.cpu_count() * 1000 / s['server_cpu_ms_per_query']:.0f} "
                f"queries/s (load average during the run {s['load_average']:.1f})."
            )
        out.append("")
    load = os.getloadavg()
    out.append(
        f"Machine: {os.cpu_count()} cores; load average when done {load[0]:.1f} (other work on the machine slows every figure)."
    )
    return "\n".join(out) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default="cold,scale,served", help="comma-separated: cold, scale, served, growth")
    parser.add_argument(
        "--growth-scales", default="10,100", help="the two scale factors (of --model) the growth section compares"
    )
    parser.add_argument(
        "--growth-cap", type=float, default=30.0, help="seconds one query may take in the growth section"
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="growth: reuse the stores gN.db (xN.db with --model copies) in DIR, read-only; build missing ones there",
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="growth: with --queries and --json FILE, replace only those queries' figures in FILE",
    )
    parser.add_argument(
        "--print",
        metavar="FILE",
        help="print the report of an earlier --json run (with --compare, beside an older one) and run nothing",
    )
    parser.add_argument(
        "--compare",
        default=None,
        metavar="OLD.json",
        help="an earlier --json run whose growth times go beside the new ones",
    )
    parser.add_argument("--scales", default="10,100,1000", help="growth (or copy) factors for the scale-up")
    parser.add_argument(
        "--model", choices=("growth", "copies"), default="growth", help="how the data is scaled (benchmarks/growth.py)"
    )
    parser.add_argument("--repeats", type=int, default=7, help="runs per cold measurement (median)")
    parser.add_argument("--query-repeats", type=int, default=3, help="runs per query at each scale (median)")
    parser.add_argument(
        "--cap",
        type=float,
        default=30.0,
        help="seconds one query may take at a scale before it is reported '> cap' (doubled at x1000)",
    )
    parser.add_argument("--rdflib-load-cap", type=float, default=300.0, help="seconds rdflib may take to load a scale")
    parser.add_argument("--rdflib-cap", type=float, default=10.0, help="seconds one query may take on rdflib")
    parser.add_argument("--no-rdflib", action="store_true", help="skip rdflib in the scale-up")
    parser.add_argument("--rdflib-max-scale", type=int, default=10, help="largest copy factor rdflib is tried at")
    parser.add_argument("--no-base", action="store_true", help="skip the unscaled x1 row of the scale-up")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of the served load")
    parser.add_argument(
        "--via",
        default="relay,direct",
        help="served load through the relay clients use, and/or direct to its Oxigraph child",
    )
    parser.add_argument(
        "--queries", default="", help="comma-separated saved query names for the scale-up [default: all]"
    )
    parser.add_argument("--json", default=None, metavar="FILE", help="also write the raw figures as JSON")
    args = parser.parse_args(argv)
    if args.update and not (args.json and Path(args.json).is_file()):
        parser.error("--update needs --json FILE of an earlier run")

    sys.path.insert(0, str(ROOT / "src"))
    from tkiros.query.queries import list_queries

    names = [n for n in args.queries.split(",") if n] or [q.name for q in list_queries()]
    sections = set(args.sections.split(","))
    results: dict = {}
    if args.print:
        results = json.loads(Path(args.print).read_text())
        if args.compare and "growth" in results:
            results["growth_before"] = json.loads(Path(args.compare).read_text()).get("growth")
        sys.stdout.write(report(results, list(results.get("growth", {}).get("queries", names))))
        return
    if "cold" in sections:
        print("cold ...", file=sys.stderr, flush=True)
        results["cold"] = cold(args.repeats)
    if "scale" in sections:
        print("scale-up ...", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix="tkiros-bench-") as work:
            factors = [int(f) for f in args.scales.split(",") if f]
            results["model"] = args.model
            results["scale"] = scale(
                factors,
                names,
                args.query_repeats,
                args.cap,
                args.rdflib_load_cap,
                Path(work),
                rdflib_cap=args.rdflib_cap,
                rdflib=not args.no_rdflib,
                base=not args.no_base,
                rdflib_max_scale=args.rdflib_max_scale,
                model=args.model,
            )
    if "growth" in sections:
        print("growth ...", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix="tkiros-bench-") as work:
            results["growth"] = growth(
                [int(f) for f in args.growth_scales.split(",") if f],
                names,
                args.query_repeats,
                args.growth_cap,
                Path(work),
                model=args.model,
                keep=Path(args.keep) if args.keep else None,
            )
        if args.compare:
            results["growth_before"] = json.loads(Path(args.compare).read_text()).get("growth")
    if "served" in sections:
        print("served ...", file=sys.stderr, flush=True)
        results["served"] = [served(args.clients, args.seconds, via) for via in args.via.split(",") if via]
    if args.update and "growth" in results:  # the queries measured now replace theirs; the others stay
        earlier = json.loads(Path(args.json).read_text())
        g, old = results["growth"], earlier["growth"]
        if [str(f) for f in old["factors"]] != [str(f) for f in g["factors"]] or old["model"] != g["model"]:
            sys.exit(f"--update: {args.json} is a {old['model']} run at {old['factors']}, not this one")
        for name, figs in json.loads(json.dumps(g["queries"])).items():
            old["queries"][name] = figs
        old["updated"] = g["date"]
        results = earlier | {k: v for k, v in results.items() if k not in ("growth", "growth_before")}
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    sys.stdout.write(report(results, names))


if __name__ == "__main__":
    main()
