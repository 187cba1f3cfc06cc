"""Issue 17, goal 4: a cold `tkiros query tkis-raising-ros` near the floor. A benchmark that prints figures, never a test.

    python benchmarks/cold.py              # 15 alternated rounds
    python benchmarks/cold.py --rounds 31

Three whole new processes, alternated round by round so that the machine's load hits them alike:
  floor  python + import pyoxigraph + open the cached store read-only + the query + CSV (nothing else);
  ours   `tkiros query tkis-raising-ros --format csv` (finds the cached store by the sources' digest; reads
         its command line without click, see tkiros.cli.spec, and says whether click was imported);
  naive  the same with `--engine rdflib` (rdflib parses every source file, then runs the query).
Medians of wall time and of CPU time (user + system of the child, less hostage to other work on the
machine). Targets: ours <= 2x the floor and >= 30x faster than naive.

With valgrind on PATH it also counts instructions (callgrind; immune to the machine's load) of the floor,
ours, a bare python and `import click` alone, so that click's share of the budget is a figure. The query
runs in a forked child (tkiros.query.isolate): callgrind dumps at the fork, so that the child's own
instructions are counted once (a forked child would otherwise inherit the parent's counts).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY = "tkis-raising-ros"
FLOOR = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
res = store.query(text)
out = [",".join(v.value for v in res.variables)]
for row in res:
    out.append(",".join("" if t is None else t.value for t in row))
sys.stdout.write("\\n".join(out) + "\\n")
"""


def tkiros_cmd() -> list[str]:
    script = Path(sys.executable).parent / "tkiros"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "tkiros.cli"]


def run(cmd: list[str], env: dict) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, env=env, timeout=600)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if res.returncode != 0:
        raise SystemExit(
            f"{' '.join(cmd)}: exit {res.returncode}: {res.stderr.decode(errors='replace').strip()[-300:]}"
        )
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def instructions(cmd: list[str], env: dict) -> int:
    """Instructions executed by ``cmd`` and any child it forks, each counted once."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cold-callgrind-") as tmp:
        out = Path(tmp) / "cg.%p"
        res = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--dump-before=_Fork", *cmd],
            capture_output=True,
            env=env,
            timeout=900,
        )
        if res.returncode != 0:
            raise SystemExit(f"valgrind {' '.join(cmd)}: exit {res.returncode}")
        # one dump per process and part: the parent before and after the fork, the child after it
        return sum(
            int(m)
            for f in Path(tmp).iterdir()
            for m in re.findall(r"^totals: (\d+)", f.read_text(errors="replace"), re.M)
        )


def imported_modules(cmd: list[str], env: dict) -> set[str]:
    """The modules ``cmd`` (a Python script and its arguments) imports, read from python -X importtime."""
    script = cmd[0] if Path(cmd[0]).is_file() and not cmd[0].endswith(("python", "python3")) else None
    full = (
        [sys.executable, "-X", "importtime", script, *cmd[1:]] if script else [*cmd[:1], "-X", "importtime", *cmd[1:]]
    )
    res = subprocess.run(full, capture_output=True, env=env, timeout=600)
    lines = res.stderr.decode(errors="replace").splitlines()
    return {ln.rsplit("|", 1)[1].strip() for ln in lines if ln.startswith("import time:") and "|" in ln} - {
        "imported package"
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--no-instructions", action="store_true", help="skip the callgrind counts")
    parser.add_argument("--naive-every", type=int, default=3, help="run the naive path every Nth round (it is slow)")
    parser.add_argument("--json", metavar="FILE", help="also write the medians as JSON (for benchmarks/goals.py)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    # Byte-code as an installed wheel has it (pip compiles at install; an editable install under
    # PYTHONDONTWRITEBYTECODE=1, as on this machine, would otherwise compile every module on every run).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    sys.path.insert(0, str(ROOT / "src"))
    from tkiros.store.store import open_store

    graph = open_store(ROOT)  # build the cached store once, in the same cache as the runs below
    location = str(graph.path)
    del graph
    ours = tkiros_cmd() + ["query", QUERY, "--format", "csv"]
    cmds = {
        "floor": [sys.executable, "-c", FLOOR, location, str(ROOT / "queries" / f"{QUERY}.rq")],
        "ours": ours,
        "naive": ours + ["--engine", "rdflib"],
    }
    run(cmds["ours"], env)  # warm the page cache and the digest record alike for all
    run(cmds["floor"], env)
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in cmds}
    for i in range(args.rounds):
        for name, cmd in cmds.items():
            if name == "naive" and i % args.naive_every:
                continue
            times[name].append(run(cmd, env))
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in times.items()}
    print(
        f"Cold `tkiros query {QUERY}` ({args.rounds} alternated rounds; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)\n"
    )
    print("| process | runs | wall (median) | CPU (median) |")
    print("|---|---|---|---|")
    for k, (w, c) in med.items():
        print(f"| {k} | {len(times[k])} | {w * 1000:.0f} ms | {c * 1000:.0f} ms |")
    for label, i in (("wall", 0), ("CPU", 1)):
        over_floor = med["ours"][i] / med["floor"][i]
        speedup = med["naive"][i] / med["ours"][i]
        ok = over_floor <= 2.0 and speedup >= 30.0
        print(
            f"\n{label}: ours / floor = {over_floor:.2f}x (target <= 2x); naive / ours = {speedup:.1f}x (target >= 30x): "
            f"{'met' if ok else 'NOT met'}"
        )
    counts: dict[str, int] = {}
    if not args.no_instructions and shutil.which("valgrind"):
        counts = {k: instructions(cmds[k], env) for k in ("floor", "ours")}
        counts["python alone"] = instructions([sys.executable, "-c", "pass"], env)
        counts["import click alone"] = instructions([sys.executable, "-c", "import click"], env)
        print("\n| process | instructions (callgrind) |\n|---|---|")
        for k, n in counts.items():
            print(f"| {k} | {n / 1e6:.1f} M |")
        click_cost = counts["import click alone"] - counts["python alone"]
        print(
            f"\ninstructions: ours / floor = {counts['ours'] / counts['floor']:.2f}x (target <= 2x); "
            f"importing click alone costs {click_cost / 1e6:.1f} M, {click_cost / counts['floor']:.2f}x the floor, "
            f"against a budget of 1x the floor above it: "
            f"{'2x is out of reach with click' if click_cost > counts['floor'] else 'within reach'}"
        )
    imported = imported_modules(cmds["ours"], env)
    print(
        f"\nours imports click: {'yes' if 'click' in imported else 'no'} "
        f"({len(imported)} modules; `tkiros query` reads its command line with tkiros.cli.spec, click only for help "
        "and anything else)"
    )
    if args.json:
        figures = {k: {"runs": len(times[k]), "wall_s": w, "cpu_s": c} for k, (w, c) in med.items()}
        run_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        record = {"date": run_at, "rounds": args.rounds, "median": figures}
        if counts:
            record["instructions"] = counts
        Path(args.json).write_text(json.dumps(record, indent=1) + "\n")


if __name__ == "__main__":
    main()
