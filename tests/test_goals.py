"""benchmarks/goals.py: each goal's verdict follows from the benchmarks' JSON figures (made up here; no
benchmark runs), and a goal without figures says which command gives them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import goals  # noqa: E402


def write(folder: Path, name: str, data: dict) -> None:
    (folder / name).write_text(json.dumps(data))


def lookup(ms: float, ep_ms: float | None = None) -> dict:
    return {"const_ms": ms, "ep_const_ms": ep_ms, "rows": 1}


def figures(folder: Path, *, lookup_g100: float, table_rows_g100: int, fast_x10: float, ours_cpu: float) -> None:
    write(
        folder,
        "lookups.json",
        {
            "model": "growth",
            "scales": [1, 100],
            "lookups": {"1": {"q a=1": lookup(1.0, 2.0)}, "100": {"q a=1": lookup(lookup_g100, 3.0)}},
        },
    )
    growth = {
        "factors": [10, 100],
        "model": "growth",
        "triples": {"10": 100_000, "100": 1_000_000},
        "queries": {
            "t": {"10": {"cpu_s": 0.1, "rows": 10}, "100": {"cpu_s": 1.0, "rows": table_rows_g100}},
            "u": {"10": {"cpu_s": 0.01, "rows": 5}, "100": {"cpu_s": 0.1, "rows": 50}},
        },
    }
    write(folder, "growth.json", {"growth": growth})
    scales = [
        {"scale": 1, "fast_s": 2.0, "fast_cpu_s": 1.0, "agree": "identical", "fallback": ""},
        {"scale": 10, "fast_s": 2 * fast_x10, "fast_cpu_s": fast_x10, "agree": "—", "fallback": ""},
    ]
    write(folder, "reasoning.json", {"scales": scales, "warm_reason_s": 0.8})
    median = {
        "floor": {"wall_s": 0.03, "cpu_s": 0.03},
        "ours": {"wall_s": 0.05, "cpu_s": ours_cpu},
        "naive": {"wall_s": 2.0, "cpu_s": 2.0},
    }
    write(folder, "cold.json", {"median": median})


def verdicts(folder: Path) -> list[str]:
    lines, _ = goals.summary(folder)
    return [line.split(" | ")[3] for line in lines[2:]]


def test_every_goal_met(tmp_path):
    figures(tmp_path, lookup_g100=1.5, table_rows_g100=100, fast_x10=20.0, ours_cpu=0.05)
    assert verdicts(tmp_path) == ["met"] * 5
    assert goals.summary(tmp_path)[1] == len(goals.GOALS) == 5


def test_each_goal_fails_on_its_own_figure(tmp_path):
    # a lookup at 60 ms, a table 10x slower for the same rows, x10 reasoning at 31 s, cold at 3x the floor
    figures(tmp_path, lookup_g100=60.0, table_rows_g100=10, fast_x10=31.0, ours_cpu=0.09)
    assert verdicts(tmp_path) == ["NOT met", "NOT met", "NOT met", "NOT met", "met"]
    lines, met = goals.summary(tmp_path)
    assert met == 1 and "t 10.00x" in lines[3] and "q a=1 60.0 ms" in lines[2]


def test_missing_figures_name_the_command(tmp_path):
    figures(tmp_path, lookup_g100=1.5, table_rows_g100=100, fast_x10=20.0, ours_cpu=0.05)
    (tmp_path / "cold.json").unlink()
    lines, met = goals.summary(tmp_path)
    assert met == 4
    assert "not measured" in lines[5] and f"benchmarks/cold.py --json {tmp_path}/cold.json" in lines[5]
