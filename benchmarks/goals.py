"""Issue 17's goals, each with its figure, its target and met / not met, read from the benchmarks' JSON
outputs (no benchmark is run here). A summary, never a test.

    python benchmarks/goals.py                       # reads benchmarks/results/*.json (the last run)
    python benchmarks/goals.py --dir /tmp/run        # another run's files

The files, and the command that writes each:
  lookups.json    python benchmarks/lookups.py --json benchmarks/results/lookups.json                  (goal 1)
  growth.json     python benchmarks/query_bench.py --sections growth --growth-scales 10,100 \
                      --json benchmarks/results/growth.json                                        (goals 2, 5)
  reasoning.json  python benchmarks/reasoning_speed.py --json benchmarks/results/reasoning.json        (goal 3)
  cold.json       python benchmarks/cold.py --json benchmarks/results/cold.json                        (goal 4)
A goal whose file is missing is printed as "no figures" with the command to run. Verdicts use CPU seconds
where the benchmark records them (wall time on a shared 2-core machine is mostly the others' load), wall
seconds otherwise; the figure shows both.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

LOOKUP_MS, LOOKUP_RATIO = 50.0, 2.0  # goal 1 (as benchmarks/lookups.py)
GROWTH_VS_ANSWER = 1.3  # goal 2: time grows at most this many times as fast as the answer
REASON_S = {"1": 5.0, "10": 30.0}  # goal 3: default `tkiros reason` at x1, x10
WARM_REASON_S = 1.0
COLD_OVER_FLOOR, COLD_OVER_NAIVE = 2.0, 30.0  # goal 4
COMMANDS = {
    "lookups.json": "python benchmarks/lookups.py --json DIR/lookups.json",
    "growth.json": "python benchmarks/query_bench.py --sections growth --growth-scales 10,100 --json DIR/growth.json",
    "reasoning.json": "python benchmarks/reasoning_speed.py --json DIR/reasoning.json",
    "cold.json": "python benchmarks/cold.py --json DIR/cold.json",
}


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def goal_lookups(data: dict) -> tuple[str, str, bool]:
    scales = [str(s) for s in data["scales"]]
    lo, hi = data["lookups"][scales[0]], data["lookups"][scales[-1]]
    failed, worst = [], (0.0, "")
    for key, b in hi.items():
        a = lo[key]
        times = [(a["const_ms"], b["const_ms"])]
        if b.get("ep_const_ms", "absent") != "absent":
            times.append((a.get("ep_const_ms"), b.get("ep_const_ms")))
        for ta, tb in times:
            ok = None not in (ta, tb) and tb <= LOOKUP_MS and tb / ta <= LOOKUP_RATIO
            if not ok:
                failed.append(key)
            if tb is not None and tb > worst[0]:
                worst = (tb, key)
    prefix = "g" if data.get("model", "growth") == "growth" else "x"
    figure = (
        f"{len(hi) - len(set(failed))} of {len(hi)} lookups; slowest at {prefix}{scales[-1]}: "
        f"{worst[1]} {worst[0]:.1f} ms"
    )
    if failed:
        over = sorted(set(failed))
        figure += f"; over: {', '.join(over[:5])}" + (f" and {len(over) - 5} more" if len(over) > 5 else "")
    return (
        figure,
        f"<= {LOOKUP_MS:.0f} ms at {prefix}{scales[-1]} and <= {LOOKUP_RATIO:.0f}x {prefix}{scales[0]}",
        not failed,
    )


def growth_ratios(growth: dict) -> dict[str, float | None]:
    """How many times faster than its answer each query's CPU time grows between the first two scales."""
    a, b = (str(f) for f in growth["factors"][:2])
    out = {}
    for name, figs in growth["queries"].items():
        fa, fb = figs.get(a, {}), figs.get(b, {})
        ta, tb, ra, rb = fa.get("cpu_s"), fb.get("cpu_s"), fa.get("rows"), fb.get("rows")
        out[name] = None if None in (ta, tb, ra, rb) or not (ta and ra and rb) else (tb / ta) / (rb / ra)
    return out


def goal_tables(data: dict) -> tuple[str, str, bool]:
    growth = data["growth"]
    ratios = growth_ratios(growth)
    over = sorted(
        (r if r is not None else float("inf"), n) for n, r in ratios.items() if r is None or r > GROWTH_VS_ANSWER
    )
    a, b = growth["factors"][:2]
    figure = f"{len(ratios) - len(over)} of {len(ratios)} saved queries"
    if over:
        figure += "; over: " + ", ".join(f"{n} {r:.2f}x" if r != float("inf") else f"{n} (no figure)" for r, n in over)
    target = f"time grows <= {GROWTH_VS_ANSWER}x as fast as the answer, g{a} to g{b}"
    return figure, target, not over


def goal_reasoning(data: dict) -> tuple[str, str, bool]:
    parts, ok = [], True
    for s in data["scales"]:
        target = REASON_S.get(str(s["scale"]))
        fast_ok = target is None or s.get("fast_cpu_s", s["fast_s"]) <= target
        same = s["agree"] in ("identical", "—")
        ok = ok and fast_ok and same and not s.get("fallback")
        agree = "" if s["agree"] == "—" else f", {s['agree']} to HermiT's"
        parts.append(f"x{s['scale']} CPU {s['fast_cpu_s']:.1f} s (wall {s['fast_s']:.1f} s{agree})")
    warm = data.get("warm_reason_cpu_s", data["warm_reason_s"])
    ok = ok and warm <= WARM_REASON_S
    parts.append(f"warm CPU {warm:.2f} s (wall {data['warm_reason_s']:.2f} s)")
    target = f"<= {REASON_S['1']:.0f} s x1, <= {REASON_S['10']:.0f} s x10, HermiT's memberships, warm <= {WARM_REASON_S:.0f} s"
    return "; ".join(parts), target, ok


def goal_cold(data: dict) -> tuple[str, str, bool]:
    med = data["median"]
    over_floor = med["ours"]["cpu_s"] / med["floor"]["cpu_s"]
    speedup = med["naive"]["cpu_s"] / med["ours"]["cpu_s"]
    wall_floor = med["ours"]["wall_s"] / med["floor"]["wall_s"]
    figure = f"CPU: {over_floor:.2f}x the floor, {speedup:.0f}x naive rdflib (wall: {wall_floor:.2f}x the floor)"
    target = f"<= {COLD_OVER_FLOOR:.0f}x the floor and >= {COLD_OVER_NAIVE:.0f}x naive (CPU medians)"
    return figure, target, over_floor <= COLD_OVER_FLOOR and speedup >= COLD_OVER_NAIVE


def goal_model(data: dict) -> tuple[str, str, bool]:
    growth = data["growth"]
    model, factors = growth.get("model", "copies"), growth["factors"]
    triples = ", ".join(f"g{f} {growth['triples'][str(f)]:,}" for f in factors)
    figure = f"goal 2 measured on the {model} model ({triples} triples)"
    return (
        figure,
        "goals 1-3 measured on the resampling model (g10, g100)",
        model == "growth" and {10, 100} <= set(factors),
    )


GOALS = [
    ("1 lookups flat", "lookups.json", goal_lookups),
    ("2 tables linear", "growth.json", goal_tables),
    ("3 reasoning in seconds", "reasoning.json", goal_reasoning),
    ("4 cold query", "cold.json", goal_cold),
    ("5 growth model", "growth.json", goal_model),
]


def summary(folder: Path) -> tuple[list[str], int]:
    """The table's lines and the number of goals met."""
    lines = ["| goal | figure | target | verdict | figures from |", "|---|---|---|---|---|"]
    met = 0
    for goal, name, fn in GOALS:
        path = folder / name
        if not path.is_file():
            shown = (
                folder.resolve().relative_to(HERE.parent) if folder.resolve().is_relative_to(HERE.parent) else folder
            )
            run = COMMANDS[name].replace("DIR", str(shown))
            lines.append(f"| {goal} | no figures | | not measured | run `{run}` |")
            continue
        data = json.loads(path.read_text())
        try:
            figure, target, ok = fn(data)
        except (KeyError, TypeError, ZeroDivisionError, IndexError) as err:
            lines.append(f"| {goal} | unreadable figures ({type(err).__name__}: {err}) | | not measured | {path} |")
            continue
        met += ok
        when = data.get("date", "")
        lines.append(f"| {goal} | {figure} | {target} | {verdict(ok)} | {name}{' ' + when if when else ''} |")
    return lines, met


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=str(HERE / "results"), help="folder of the benchmarks' JSON files")
    args = parser.parse_args(argv)
    folder = Path(args.dir)
    if not folder.is_dir():
        sys.exit(f"--dir {folder}: no such folder (the benchmarks write their JSON there; see --help)")
    lines, met = summary(folder)
    print("\n".join(lines))
    print(f"\n{met} of {len(GOALS)} goals met.")


if __name__ == "__main__":
    main()
