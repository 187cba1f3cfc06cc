"""The quality gate: SPARQL checks in shapes/checks/, named by role (*-violation.rq fails the gate,
*-warning.rq and *-info.rq are listed), in the manner of `robot report`; and the contradiction ledger."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tkiros.datatables import FLAGS, read_rows
from tkiros.errors import TkirosError
from tkiros.rqfile import header, internal, read_rq
from tkiros.store.paths import project_root

SEVERITIES = {"violation": "ERROR", "warning": "WARNING", "info": "INFO"}
ROLE = re.compile(r"^(?P<name>.+)-(?P<role>violation|warning|info)\.rq$")


@dataclass
class Check:
    name: str
    severity: str
    path: Path
    title: str
    why: str
    text: str


@dataclass
class Problem:
    severity: str
    check: str
    subject: str
    detail: str


def list_checks(folder: Path | None = None) -> list[Check]:
    folder = folder or project_root() / "shapes" / "checks"
    checks = []
    for path in sorted(folder.glob("*.rq")):
        m = ROLE.match(path.name)
        if not m:
            raise TkirosError(f"{path.name}: a check is named NAME-violation.rq, NAME-warning.rq or NAME-info.rq")
        text = read_rq(path, f"{folder.parent.name}/{folder.name}/{path.name}")
        title, why = header(text, "title"), header(text, "why")
        if not title or not why:
            raise TkirosError(f"{path.name}: a check needs '# title:' and '# why:' header lines")
        checks.append(Check(path.stem, SEVERITIES[m["role"]], path, title, why, text))
    return checks


def run_checks(graph=None, checks: list[Check] | None = None) -> list[Problem]:
    if graph is None:
        from tkiros.store.store import open_store

        graph = open_store()
    out = []
    for check in checks if checks is not None else list_checks():
        try:
            rows = graph.query(check.text)
        except SyntaxError as err:
            raise TkirosError(f"{check.path.name}: SPARQL syntax error: {str(err).splitlines()[0]}") from None
        for row in rows:
            out.append(
                Problem(check.severity, check.name, row["subject"].value, row["detail"].value if row["detail"] else "")
            )
    order = {"ERROR": 0, "WARNING": 1, "INFO": 2}
    return sorted(out, key=lambda p: (order[p.severity], p.check, p.subject, p.detail))


def compact_text(text: str) -> str:
    """Every IRI inside a check's detail text as a CURIE, like the subjects."""
    from tkiros.prefixes import compact

    return re.sub(r"https?://[^\s,;()<>\"]+", lambda m: compact(m.group(0)), text)


def report_text(problems: list[Problem], checks: list[Check]) -> str:
    from tkiros.prefixes import compact

    lines = []
    for p in problems:
        lines.append(f"{p.severity:7} {p.check:32} {compact(p.subject)}  {compact_text(p.detail)}")
    counts = {s: sum(p.severity == s for p in problems) for s in ("ERROR", "WARNING", "INFO")}
    lines.append(
        f"{len(checks)} checks: {counts['ERROR']} error(s), {counts['WARNING']} warning(s), {counts['INFO']} info."
    )
    lines.append("QC gate: " + ("FAILED" if counts["ERROR"] else "passed"))
    return "\n".join(lines) + "\n"


CONTEXTS_FILE = Path(__file__).with_name("conflict_contexts.tsv")


@cache
def context_properties() -> tuple[tuple[str, str, bool], ...]:
    """(label, property local name, one side enough) of each context that can explain an opposite pair, from
    conflict_contexts.tsv (read once, when the ledger is first asked for)."""
    rows = read_rows(CONTEXTS_FILE)
    if bad := next((r for r in rows if r["one_side"] not in FLAGS), None):
        raise TkirosError(f"{CONTEXTS_FILE.name}: {bad['property']}: one_side must be true or false")
    return tuple((r["label"], r["property"], FLAGS[r["one_side"]]) for r in rows)


def _contexts(graph) -> dict[str, dict[str, dict[str, str]]]:
    """finding -> context property (local name) -> {value IRI or literal: label}."""
    text = internal("conflict-contexts")
    out: dict = {}
    for r in graph.query(text):
        prop = r["property"].value.rsplit("/", 1)[-1]
        label = r["valueLabel"].value if r["valueLabel"] else r["value"].value.rsplit("/", 1)[-1]
        out.setdefault(r["finding"].value, {}).setdefault(prop, {})[r["value"].value] = label
    return out


def explain_pair(a: str, b: str, ctx: dict) -> list[str]:
    """Why two opposite-direction findings need not contradict each other; empty when nothing explains it."""
    from tkiros.prefixes import compact

    ca, cb = ctx.get(a, {}), ctx.get(b, {})
    reasons = []
    for f, c in ((a, ca), (b, cb)):
        if "true" in c.get("negated", {}):
            reasons.append(f"negation: {compact(f)} is a negative finding")
    for rel, words in (("refutes", "refutes"), ("partlySupports", "partly supports")):
        for f, c, g in ((a, ca, b), (b, cb, a)):
            if g in c.get(rel, {}):
                reasons.append(f"recorded: {compact(f)} {words} {compact(g)}")
    for label, prop, one_side in context_properties():
        va, vb = ca.get(prop, {}), cb.get(prop, {})
        # both must say it for a difference to explain anything, unless one side's value alone changes the setting
        if (va and vb or one_side) and set(va).isdisjoint(vb) and (va or vb):
            reasons.append(
                f"{label}: {', '.join(sorted(va.values())) or 'none'} vs {', '.join(sorted(vb.values())) or 'none'}"
            )
    non_tumour = [("nonTumourContext" in {v.rsplit("/", 1)[-1] for v in c.get("hasQualifier", {})}) for c in (ca, cb)]
    if non_tumour[0] != non_tumour[1]:
        reasons.append("cell type: non-tumour context vs tumour")
    return reasons


def conflicts(graph=None) -> list[dict]:
    """Groups of findings about the same agent and target with opposite directions.

    Each group lists its findings and every opposite pair, with the context that explains the pair
    (``explained_by``) or none: only unexplained pairs are conflicts.
    """
    if graph is None:
        from tkiros.store.store import open_store

        graph = open_store()
    groups: dict[tuple, dict] = {}
    for r in graph.query(internal("conflicts")):
        key = (r["agent"].value, r["target"].value)
        g = groups.setdefault(key, {"agent": r["agentLabel"].value, "target": r["targetLabel"].value, "findings": []})
        g["findings"].append(
            {
                "finding": r["finding"].value,
                "direction": r["direction"].value,
                "context": r["context"].value if r["context"] else "",
                "qualifiers": r["qualifiers"].value if r["qualifiers"] else "",
                "quote": r["text"].value if r["text"] else "",
            }
        )
    ctx = _contexts(graph)
    for g in groups.values():
        g["pairs"] = []
        fs = g["findings"]
        for i, a in enumerate(fs):
            for b in fs[i + 1 :]:
                if a["direction"] != b["direction"]:
                    reasons = explain_pair(a["finding"], b["finding"], ctx)
                    g["pairs"].append(
                        {"findings": [a["finding"], b["finding"]], "explained_by": reasons, "conflict": not reasons}
                    )
        g["conflicts"] = sum(p["conflict"] for p in g["pairs"])
    return list(groups.values())
