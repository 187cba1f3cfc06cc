"""The benchmark scripts in benchmarks/ still run: each in its smallest honest mode on the test suite's
compiled store (no grown store is built), its output checked against what the project answers. Timings
are never asserted; rows, counts and the shape of what the scripts write are."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import invoke

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

# the two lookups run through benchmarks/lookups.py (example parameters of tests/test_queries.py)
LOOKUPS = {"agent-effects": ("agent", "erlotinib"), "resistance-mechanisms": ("tki", "osimertinib")}


def script(name: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BENCH / name), *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )


def golden_rows(name: str) -> int:
    lines = (ROOT / "queries" / f"{name}.expected.tsv").read_text(encoding="utf-8").splitlines()
    return len(lines) - 1  # the header


def cli_rows(name: str, param: tuple[str, str]) -> int:
    res = invoke(["query", name, "--param", "=".join(param), "--format", "json"])
    assert res.exit_code == 0, res.output
    return len(json.loads(res.output)["results"]["bindings"])


@pytest.fixture(scope="module")
def store_dir(graph) -> Path:
    """The compiled store's folder (the scripts open it read-only, as the tests do)."""
    assert graph.path is not None and graph.path.is_dir()
    return graph.path


def test_bench_worker_whole_gives_the_golden_row_counts(store_dir):
    names = ["tkis-raising-ros", "agent-effects"]  # no parameter; a required one bound to its example
    res = script("bench_worker.py", "queries", "oxigraph", str(store_dir), "1", "--whole", "--cap", "60", *names)
    assert res.returncode == 0, res.stderr
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    assert lines[0]["loaded"] is True
    measured = {d["query"]: d for d in lines[1:]}
    assert sorted(measured) == sorted(names)
    for name in names:
        assert measured[name]["rows"] == golden_rows(name) > 0, name
        assert measured[name]["cpu_s"] > 0 and measured[name]["median_s"] > 0


def test_engines_embedded_served_and_rdflib_answer_the_golden_rows(tmp_path, store_dir):
    names = ["agent-effects", "tkis-raising-ros"]
    stores = tmp_path / "stores"
    stores.mkdir()
    (stores / "g1.db").symlink_to(store_dir, target_is_directory=True)  # x1: the real data
    out = tmp_path / "engines.json"
    res = script(
        "engines.py", "--stores", str(stores), "--keep", str(tmp_path / "work"), "--scales", "1",
        "--engines", "embedded,server,rdflib", "--rdflib-scales", "1", "--rdflib-all-scales", "1",
        "--queries", ",".join(names), "--repeats", "1", "--json", str(out),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    run = json.loads(out.read_text())
    assert run["rows"]["1"] == {name: golden_rows(name) for name in names}
    for name in names:
        assert run["engines"]["server"]["1"][name]["rows"] == golden_rows(name), name
        for engine in ("embedded", "server", "rdflib"):
            assert run["engines"][engine]["1"][name]["s"] > 0, (engine, name)


def stores_folder(tmp_path: Path, store_dir: Path, names: list[str]) -> Path:
    """A --keep folder whose stores (g10.db, x1.db, ...) are all the test suite's store: the scripts
    measure it under each name, with no store built."""
    folder = tmp_path / "stores"
    folder.mkdir()
    for name in names:
        (folder / name).symlink_to(store_dir, target_is_directory=True)
    return folder


def test_lookups_agree_with_tkiros_query_and_goals_reads_them(tmp_path, store_dir):
    import goals

    stores = stores_folder(tmp_path, store_dir, ["x1.db", "g10.db", "g100.db"])
    results = tmp_path / "results"
    results.mkdir()
    queries = ",".join(LOOKUPS)
    copies = script(
        "lookups.py", "--keep", str(stores), "--model", "copies", "--scales", "1", "--repeats", "1",
        "--queries", queries, "--json", str(results / "lookups-copies.json"),
    )  # fmt: skip
    assert copies.returncode == 0, copies.stderr
    grown = script(
        "lookups.py", "--keep", str(stores), "--scales", "10,100", "--repeats", "1", "--no-endpoint",
        "--queries", queries, "--json", str(results / "lookups.json"),
    )  # fmt: skip
    assert grown.returncode == 0, grown.stderr

    run = json.loads((results / "lookups-copies.json").read_text())
    figures = run["lookups"]["1"]
    assert sorted(figures) == sorted(f"{q} {k}={v}" for q, (k, v) in LOOKUPS.items())
    for name, param in LOOKUPS.items():
        f = figures[f"{name} {'='.join(param)}"]
        expected = cli_rows(name, param)
        # the rows `tkiros query --param` gives: embedded (substituted and constants) and served (constants
        # and the old trailing VALUES block)
        assert f["rows"] == f["rows_const"] == f["ep_rows_const"] == f["ep_rows"] == expected > 0, name
        assert f["const_ms"] > 0 and f["ep_const_ms"] > 0
        # the served verdict's figure: CPU of the server process and this client per request
        assert f["ep_cpu_ms"] > 0 and f["ep_values_cpu_ms"] > 0
    assert "served CPU x1 / x1" in copies.stdout and "served wall x1 / x1" in copies.stdout

    lines, _ = goals.summary(results)
    row = next(line for line in lines if line.startswith("| 1 lookups flat"))
    assert "of 2 lookups meet both" in row and "embedded and served CPU" in row, row


def test_query_bench_growth_writes_what_goals_reads(tmp_path, store_dir):
    import goals

    names = ["agent-effects", "tkis-raising-ros"]
    stores = stores_folder(tmp_path, store_dir, ["g10.db", "g100.db"])
    results = tmp_path / "results"
    results.mkdir()
    res = script(
        "query_bench.py", "--sections", "growth", "--growth-scales", "10,100", "--keep", str(stores),
        "--queries", ",".join(names), "--query-repeats", "1", "--json", str(results / "growth.json"),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    figures = json.loads((results / "growth.json").read_text())["growth"]["queries"]
    assert sorted(figures) == names
    for name in names:
        assert [figures[name][s]["rows"] for s in ("10", "100")] == [golden_rows(name)] * 2, name
    lines, _ = goals.summary(results)
    row = next(line for line in lines if line.startswith("| 2 tables linear"))
    assert "of 2 saved queries" in row, row


def test_lookups_time_each_binding_apart_over_the_scales():
    import lookups

    calls = []
    jobs = {
        (s, way): (lambda s=s, way=way: calls.append((s, way)) or 1) for way in ("subst", "const") for s in (1, 100)
    }
    ticks = iter(range(1000))
    figs = lookups.apart(jobs, 3, cpu={k: lambda: next(ticks) / 1000 for k in jobs})
    # the constants first, round after round over the scales, then the baseline: never one right after the other
    assert calls == [(1, "const"), (100, "const")] * 3 + [(1, "subst"), (100, "subst")] * 3
    # the second clock read around each run: 1 ms apart
    assert all(rows == 1 and cpu == pytest.approx(1.0) for _, rows, cpu in figs.values())


def test_growth_generator_grows_the_findings_it_claims(tmp_path):
    import growth

    model = growth.Growth(growth.instance_triples())
    g1, g2, g3 = (tmp_path / f"g{g}.nt" for g in (1, 2, 3))
    for g, out in ((1, g1), (2, g2), (3, g3)):
        made = growth.write(g, out)
        assert made["triples"] == len(out.read_text(encoding="utf-8").splitlines())
    base, grown = growth.figures(g1), growth.figures(g3)
    # g1 is the real data; every further document holds as many resampled span groups as the real data
    assert base["findings"] == len(model.findings) > 0
    text = g3.read_text(encoding="utf-8")
    finding_type = f"> <{growth.TYPE}> <{growth.TK}Finding> ."
    new = [line.split(">", 1)[0] for line in text.splitlines() if line.endswith(finding_type) and "-g" in line]
    groups = {iri.rsplit("-g", 1)[1] for iri in new}  # "DOC-GROUP" of each resampled finding
    assert len(groups) == 2 * len(model.groups)
    assert grown["findings"] == base["findings"] + len(new)
    assert 2 <= grown["findings"] / base["findings"] <= 4  # ~3x the findings at g3
    assert grown["gefitinib_findings"] > base["gefitinib_findings"]  # the hub grows with the data
    # deterministic, and g2's documents are the first of g3's
    assert text.startswith(g2.read_text(encoding="utf-8"))


def test_planning_gap_case_answers_the_same_rows_each_way():
    res = script("oxigraph_planning_gap.py", "--sizes", "300,600")
    assert res.returncode == 0, res.stderr
    rows = [line for line in res.stdout.splitlines() if line.startswith("| ") and "binding" not in line]
    assert len(rows) == 4  # substitutions, leading VALUES, trailing VALUES, constant
    for line in rows:
        cells = line.strip("| ").split(" | ")[1:]
        assert [c.split()[-1] for c in cells] == ["(20)", "(20)"], line  # 20 rows at every size
    bad = script("oxigraph_planning_gap.py", "--sizes", "5")
    assert bad.returncode == 2 and "--sizes 5" in bad.stderr and "Traceback" not in bad.stderr


def figure(text: str, label: str) -> str:
    """The value after ``label`` on its line of a script's printed summary."""
    line = next(ln for ln in text.splitlines() if ln.strip().startswith(label))
    return line.strip()[len(label) :].split()[0]


def test_serve_load_answers_and_declares_its_timeouts():
    # two clients for 2 s: client 0's cartesian COUNT must come back as a declared timeout, the rest answer
    res = script("serve_load.py", "--clients", "2", "--seconds", "2", "--limit", "1")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert int(figure(out, "answered (200, whole JSON)")) >= 1
    assert int(figure(out, "declared timeouts (503)")) >= 1
    assert figure(out, "errors") == "0" and figure(out, "client-side timeouts (hangs)") == "0"
    assert figure(out, "server answers afterwards") == "yes"


def test_ingest_bench_scores_every_curated_span(tmp_path, graph):
    import pyoxigraph as ox

    res = script("ingest_bench.py", "--json", str(tmp_path / "ingest.json"))
    assert res.returncode == 0, res.stderr
    run = json.loads((tmp_path / "ingest.json").read_text())
    assert run["rows"] and run["pages_per_s"] > 0
    for row in run["rows"]:
        for mode in ("loo", "full"):
            f = row[mode]
            assert f["triples_tp"] <= min(f["triples_cand"], f["triples_gold"]), row["section"]
            assert f["spans_found"] <= f["spans_gold"] and f["sents_right"] <= f["sents_cand"], row["section"]
    # the gold spans, over every section, are the spans the curated findings cite
    tk, rdf_type = "https://w3id.org/tkiros/vocab/", ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    spans = {q.subject for q in graph.store.quads_for_pattern(None, rdf_type, ox.NamedNode(tk + "SeedSpan"))}
    findings = [q.subject for q in graph.store.quads_for_pattern(None, rdf_type, ox.NamedNode(tk + "Finding"))]
    cited = {q.object for f in findings for q in graph.store.quads_for_pattern(f, None, None) if q.object in spans}
    assert sum(row["full"]["spans_gold"] for row in run["rows"]) == len(cited) > 0


# Run above in a small mode: these, bench_worker.py and the planning gap. The others only answer --help here:
# reasoners.py and reasoning_speed.py run HermiT (seconds to minutes even at g1), cold.py runs callgrind and
# naive rdflib rounds, goals.py has tests/test_goals.py. Every script answers --help.
RUN_SMALL = ["lookups.py", "growth.py", "serve_load.py", "ingest_bench.py", "engines.py", "query_bench.py"]
HELP_ONLY = sorted(p.name for p in BENCH.glob("*.py") if p.name not in {*RUN_SMALL, "oxigraph_planning_gap.py"})


@pytest.mark.parametrize("name", [*HELP_ONLY, *RUN_SMALL])
def test_every_script_answers_help(name):
    res = script(name, "--help", timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() and "Traceback" not in res.stderr


def test_every_benchmark_script_is_a_case():
    # a script added or renamed is a case of the --help test at least; one removed shows here
    files = {p.name for p in BENCH.glob("*.py")}
    assert set(RUN_SMALL) <= files and "oxigraph_planning_gap.py" in files
    assert len(HELP_ONLY) + len(RUN_SMALL) + 1 == len(files) == 12
