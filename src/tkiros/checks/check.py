"""`tkiros check`: the curator's loop in seconds: parse, spans, shapes, QC checks and duplicate findings.

Each step reports ok or FAILED with what to fix; the exit code is 1 when a step fails (the data does not
conform), 2 when a source cannot be read at all (the one-line error of the loader).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tkiros.rqfile import internal

DUPLICATE_CHECK = "duplicate-finding-violation"
REUSED = " (as in the last clean check: nothing checked has changed)"


@dataclass
class Step:
    name: str
    ok: bool
    summary: str
    seconds: float
    problems: list[str] = field(default_factory=list)


def span_problems(graph) -> tuple[int, list[str]]:
    """Every quote equals its seed's text at its offsets (in Python, independently of SHACL)."""
    from tkiros.prefixes import compact

    root = graph.root
    texts = {
        r["seed"].value: (root / "seeds" / r["file"].value).read_text(encoding="utf-8")
        for r in graph.query(internal("check/seed-files"))
    }
    rows = list(graph.query(internal("check/spans")))
    bad = []
    for r in rows:
        text = texts.get(r["seed"].value)
        s, e = int(r["s"].value), int(r["e"].value)
        if text is None:
            bad.append(f"{compact(r['span'].value)}: seed {compact(r['seed'].value)} has no text file")
        elif text[s:e] != r["q"].value:
            bad.append(
                f"{compact(r['span'].value)}: quote differs from the seed text at [{s}, {e}): {text[s:e][:80]!r}"
            )
    return len(rows), bad


def run_check() -> list[Step]:
    from tkiros.checks.checkcache import check_key, remember, remembered
    from tkiros.store.store import open_store, sources_digest

    t = time.perf_counter()
    graph = open_store()  # a malformed source stops here with its file:line (exit 2)
    parse = Step("parse", True, f"{len(graph)} triples", time.perf_counter() - t)
    key = check_key(graph)
    clean = remembered(key)
    if clean is not None:  # nothing that is checked changed since the last clean run
        return [parse] + [Step(**{**s, "seconds": 0.0, "summary": s["summary"] + REUSED}) for s in clean]
    steps = checked_steps(graph)
    if sources_digest(graph.root) == graph.digest and check_key(graph) == key:  # not edited while checked
        remember(key, [s.__dict__ for s in steps])
    return [parse] + steps


def checked_steps(graph) -> list[Step]:
    """Spans, shapes, QC and duplicates over an opened graph."""
    from tkiros.checks.qc import compact_text, list_checks, run_checks
    from tkiros.checks.validate import ValidationReport, validate
    from tkiros.prefixes import compact

    steps = []
    t = time.perf_counter()
    n, bad = span_problems(graph)
    steps.append(
        Step("spans", not bad, f"{n - len(bad)}/{n} quotes equal their seed text", time.perf_counter() - t, bad)
    )

    t = time.perf_counter()
    report = validate()
    warnings = len(report.violations) - len(report.errors)
    shape_lines = ValidationReport(False, report.errors).text().splitlines()[:-1] if report.errors else []
    steps.append(
        Step(
            "shapes",
            report.conforms,
            f"{len(report.errors)} violation(s), {warnings} warning(s)",
            time.perf_counter() - t,
            shape_lines,
        )
    )

    t = time.perf_counter()
    problems = run_checks(graph, list_checks())
    errors = [p for p in problems if p.severity == "ERROR"]
    qc_errors = [p for p in errors if p.check != DUPLICATE_CHECK]
    dups = [p for p in errors if p.check == DUPLICATE_CHECK]
    line = lambda p: f"{p.check}: {compact(p.subject)}  {compact_text(p.detail)}"  # noqa: E731
    elapsed = time.perf_counter() - t
    steps.append(
        Step(
            "qc",
            not qc_errors,
            f"{len(qc_errors)} error(s), {sum(p.severity == 'WARNING' for p in problems)} warning(s)",
            elapsed,
            [line(p) for p in qc_errors],
        )
    )
    steps.append(
        Step(
            "duplicates",
            not dups,
            f"{len(dups)} finding(s) restating another from the same span",
            0.0,
            [line(p) for p in dups],
        )
    )
    return steps


def report_text(steps: list[Step], total: float) -> str:
    lines = []
    for s in steps:
        lines.append(
            f"{s.name:<11} {'ok' if s.ok else 'FAILED':<7} {s.summary}"
            + (f"  ({s.seconds:.1f} s)" if s.seconds >= 0.05 else "")
        )
        lines += [f"    {p}" for p in s.problems]
    failed = [s.name for s in steps if not s.ok]
    lines.append(f"check {'FAILED: ' + ', '.join(failed) if failed else 'passed'} in {total:.1f} s")
    return "\n".join(lines) + "\n"
