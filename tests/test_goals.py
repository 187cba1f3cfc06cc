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


def lookup(ms: float, ep_ms: float | None = None, rows: int = 1) -> dict:
    return {"const_ms": ms, "ep_const_ms": ep_ms, "rows": rows}


def figures(
    folder: Path,
    *,
    lookup_x100: float,
    lookup_g100: float = 10.0,
    table_g100: float = 1.0,
    table_rows_g100: int = 100,
    fast_x10: float,
    ours_cpu: float,
    reasoning_model: str = "growth",
) -> None:
    copies = {"1": {"q a=1": lookup(1.0, 2.0)}, "100": {"q a=1": lookup(lookup_x100, 3.0)}}
    write(folder, "lookups-copies.json", {"model": "copies", "scales": [1, 100], "lookups": copies})
    # the hub's answer grows 10x from g10 to g100
    grown = {
        "1": {"q a=1": lookup(0.5, 2.0, rows=2)},
        "10": {"q a=1": lookup(1.0, 2.0, rows=10)},
        "100": {"q a=1": lookup(lookup_g100, 30.0, rows=100)},
    }
    write(folder, "lookups.json", {"model": "growth", "scales": [1, 10, 100], "lookups": grown})
    growth = {
        "factors": [10, 100],
        "model": "growth",
        "triples": {"10": 100_000, "100": 1_000_000},
        "findings": {"10": 5_000, "100": 50_000},
        "queries": {
            "t": {"10": {"cpu_s": 0.1, "rows": 10}, "100": {"cpu_s": table_g100, "rows": table_rows_g100}},
            "u": {"10": {"cpu_s": 0.01, "rows": 5}, "100": {"cpu_s": 0.1, "rows": 50}},
        },
    }
    write(folder, "growth.json", {"growth": growth})
    scales = [
        {"scale": 1, "fast_s": 2.0, "fast_cpu_s": 1.0, "agree": "identical", "fallback": ""},
        {"scale": 10, "fast_s": 2 * fast_x10, "fast_cpu_s": fast_x10, "agree": "—", "fallback": ""},
    ]
    write(folder, "reasoning.json", {"model": reasoning_model, "scales": scales, "warm_reason_s": 0.8})
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
    figures(tmp_path, lookup_x100=1.5, fast_x10=20.0, ours_cpu=0.05)
    assert verdicts(tmp_path) == ["met"] * 5
    assert goals.summary(tmp_path)[1] == len(goals.GOALS) == 5


def test_each_goal_fails_on_its_own_figure(tmp_path):
    # a lookup at 60 ms, a table 10x slower for 10x the rows, x10 reasoning at 31 s, cold at 3x the floor,
    # reasoning measured on copies
    figures(
        tmp_path,
        lookup_x100=60.0,
        table_g100=10.0,
        fast_x10=31.0,
        ours_cpu=0.09,
        reasoning_model="copies",
    )
    assert verdicts(tmp_path) == ["NOT met"] * 5
    lines, met = goals.summary(tmp_path)
    assert met == 0 and "t 10.00x" in lines[3] and "not flat: q a=1;" in lines[2]
    assert "goal 3: copies model" in lines[6]


def test_a_lookup_must_be_flat_on_copies_and_linear_on_growth(tmp_path):
    # flat under copies (1.5 ms), but 20x the time for 10x the answer from g10 to g100
    figures(tmp_path, lookup_x100=1.5, lookup_g100=20.0, fast_x10=20.0, ours_cpu=0.05)
    lines, _ = goals.summary(tmp_path)
    assert verdicts(tmp_path)[0] == "NOT met"
    assert "not flat: none" in lines[2] and "not linear on growth: q a=1 2.00x" in lines[2]


def test_a_served_lookup_over_the_target_is_not_flat(tmp_path):
    figures(tmp_path, lookup_x100=1.5, fast_x10=20.0, ours_cpu=0.05)
    data = json.loads((tmp_path / "lookups-copies.json").read_text())
    data["lookups"]["100"]["q a=1"]["ep_const_ms"] = None  # over the server's time limit
    write(tmp_path, "lookups-copies.json", data)
    assert verdicts(tmp_path)[0] == "NOT met"


def test_a_table_whose_rows_do_not_grow_is_judged_by_the_findings(tmp_path):
    # 10 rows at both scales: 10x the time for 10x the findings is linear, 20x is not
    figures(tmp_path, lookup_x100=1.5, table_rows_g100=10, table_g100=1.0, fast_x10=20.0, ours_cpu=0.05)
    assert verdicts(tmp_path)[1] == "met"
    figures(tmp_path, lookup_x100=1.5, table_rows_g100=10, table_g100=2.0, fast_x10=20.0, ours_cpu=0.05)
    lines, _ = goals.summary(tmp_path)
    assert verdicts(tmp_path)[1] == "NOT met" and "t 2.00x" in lines[3]


def test_missing_figures_name_the_command(tmp_path):
    figures(tmp_path, lookup_x100=1.5, fast_x10=20.0, ours_cpu=0.05)
    (tmp_path / "cold.json").unlink()
    (tmp_path / "lookups-copies.json").unlink()
    lines, met = goals.summary(tmp_path)
    assert met == 3
    assert "not measured" in lines[5] and f"benchmarks/cold.py --json {tmp_path}/cold.json" in lines[5]
    assert "not measured" in lines[2] and "--model copies" in lines[2] and "lookups.json" not in lines[2]


def test_a_lookup_not_flat_says_when_its_answer_grows_or_its_times_are_noise(tmp_path):
    figures(tmp_path, lookup_x100=1.5, fast_x10=20.0, ours_cpu=0.05)
    data = json.loads((tmp_path / "lookups-copies.json").read_text())
    data["lookups"]["1"]["r b=2"] = lookup(0.5, 2.0, rows=6)
    data["lookups"]["100"]["r b=2"] = lookup(40.0, 30.0, rows=600)  # a shared reference: 100x the answer
    data["lookups"]["1"]["s c=3"] = lookup(0.2, 2.0)
    data["lookups"]["100"]["s c=3"] = lookup(0.5, 2.0)  # 2.5x, but of times under a millisecond
    write(tmp_path, "lookups-copies.json", data)
    lines, _ = goals.summary(tmp_path)
    assert verdicts(tmp_path)[0] == "NOT met"
    assert "not flat: s c=3* (*:" in lines[2] and "2 of 3 lookups meet both" in lines[2]
    # r b=2: 80x the time for 100x the answer (served 15x) is linear in it; 200x the time is not
    assert "linear in their answer 1 of the 1 keyed" in lines[2] and "copies: none" in lines[2]
    data["lookups"]["100"]["r b=2"] = lookup(100.0, 30.0, rows=600)
    write(tmp_path, "lookups-copies.json", data)
    lines, _ = goals.summary(tmp_path)
    assert "shared term not linear on copies: r b=2 2.00x" in lines[2] and "1 of 3 lookups meet both" in lines[2]
    # an answer that grows, but not as the copies' answers together (6 -> 7 rows), is judged flat
    data["lookups"]["100"]["r b=2"] = lookup(40.0, 30.0, rows=7)
    write(tmp_path, "lookups-copies.json", data)
    lines, _ = goals.summary(tmp_path)
    assert "not flat: r b=2, s c=3*" in lines[2] and "of the 0 keyed by a term" in lines[2]


def test_a_lookup_whose_rows_saturate_is_judged_by_its_entity_findings(tmp_path):
    # 20x the time for 10x the rows is not linear, unless the findings naming its entity grew 20x (its rows
    # then aggregate them); 30x the time is not linear in either
    figures(tmp_path, lookup_x100=1.5, lookup_g100=20.0, fast_x10=20.0, ours_cpu=0.05)
    data = json.loads((tmp_path / "lookups.json").read_text())
    data["lookups"]["10"]["q a=1"]["entity_findings"] = 50
    data["lookups"]["100"]["q a=1"]["entity_findings"] = 1000
    write(tmp_path, "lookups.json", data)
    assert verdicts(tmp_path)[0] == "met"
    data["lookups"]["100"]["q a=1"]["const_ms"] = 30.0
    write(tmp_path, "lookups.json", data)
    lines, _ = goals.summary(tmp_path)
    assert verdicts(tmp_path)[0] == "NOT met" and "not linear on growth: q a=1 1.50x" in lines[2]


def test_a_served_lookup_is_judged_by_its_cpu_time_not_its_wall_time(tmp_path):
    figures(tmp_path, lookup_x100=1.5, fast_x10=20.0, ours_cpu=0.05)
    data = json.loads((tmp_path / "lookups-copies.json").read_text())
    lo, hi = data["lookups"]["1"]["q a=1"], data["lookups"]["100"]["q a=1"]
    # a wall round trip 10x longer under load, the same CPU of server and client: flat
    lo["ep_const_ms"], hi["ep_const_ms"], lo["ep_cpu_ms"], hi["ep_cpu_ms"] = 2.0, 21.0, 2.0, 2.5
    write(tmp_path, "lookups-copies.json", data)
    lines, _ = goals.summary(tmp_path)
    assert verdicts(tmp_path)[0] == "met" and "embedded and served CPU" in lines[2]
    # the same wall time, but the server's CPU grew 30x: not flat
    lo["ep_const_ms"], hi["ep_const_ms"], hi["ep_cpu_ms"] = 2.0, 2.0, 60.0
    write(tmp_path, "lookups-copies.json", data)
    lines, _ = goals.summary(tmp_path)
    assert verdicts(tmp_path)[0] == "NOT met" and "not flat: q a=1;" in lines[2]


def test_an_older_run_without_served_cpu_is_judged_by_wall_time_and_says_so(tmp_path):
    figures(tmp_path, lookup_x100=1.5, fast_x10=20.0, ours_cpu=0.05)  # ep_const_ms only: 2.0 -> 3.0 ms
    lines, _ = goals.summary(tmp_path)
    assert verdicts(tmp_path)[0] == "met" and "served wall time (an older run)" in lines[2]
