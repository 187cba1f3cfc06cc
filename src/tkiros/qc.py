"""The quality gate: SPARQL checks in shapes/checks/, named by role (*-violation.rq fails the gate,
*-warning.rq and *-info.rq are listed), in the manner of `robot report`; and the contradiction ledger."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import click

from tkiros.errors import TkirosError
from tkiros.paths import project_root

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
    from tkiros.queries import read_query_file

    folder = folder or project_root() / "shapes" / "checks"
    checks = []
    for path in sorted(folder.glob("*.rq")):
        m = ROLE.match(path.name)
        if not m:
            raise TkirosError(f"{path.name}: a check is named NAME-violation.rq, NAME-warning.rq or NAME-info.rq")
        text = read_query_file(path, f"{folder.parent.name}/{folder.name}/{path.name}")
        title = re.search(r"^#\s*title:\s*(.+)$", text, re.M)
        why = re.search(r"^#\s*why:\s*(.+(?:\n#\s{2,}.+)*)", text, re.M)
        if not title or not why:
            raise TkirosError(f"{path.name}: a check needs '# title:' and '# why:' header lines")
        checks.append(Check(path.stem, SEVERITIES[m["role"]], path, title.group(1).strip(),
                            re.sub(r"\s*\n#\s*", " ", why.group(1)).strip(), text))
    return checks


def run_checks(graph=None, checks: list[Check] | None = None) -> list[Problem]:
    if graph is None:
        from tkiros.store import open_store

        graph = open_store()
    out = []
    for check in checks if checks is not None else list_checks():
        try:
            rows = graph.query(check.text)
        except SyntaxError as err:
            raise TkirosError(f"{check.path.name}: SPARQL syntax error: {str(err).splitlines()[0]}") from None
        for row in rows:
            out.append(Problem(check.severity, check.name, row["subject"].value, row["detail"].value if row["detail"] else ""))
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
    lines.append(f"{len(checks)} checks: {counts['ERROR']} error(s), {counts['WARNING']} warning(s), {counts['INFO']} info.")
    lines.append("QC gate: " + ("FAILED" if counts["ERROR"] else "passed"))
    return "\n".join(lines) + "\n"


@click.command("qc")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "tsv"]), default="text", show_default=True, help="Output format.")
@click.option("--severity", type=click.Choice(["ERROR", "WARNING", "INFO"]), default="INFO", show_default=True, help="Lowest severity to list.")
@click.option("-o", "--output", default=None, metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
def qc_cmd(fmt, severity, output):
    """Run the quality checks of shapes/checks/ (exit 1 when an ERROR check finds anything).

    \b
    Example:
      tkiros qc --severity WARNING
    """
    from tkiros.output import emit
    from tkiros.prefixes import compact

    checks = list_checks()
    problems = run_checks(checks=checks)
    keep = {"ERROR": {"ERROR"}, "WARNING": {"ERROR", "WARNING"}, "INFO": {"ERROR", "WARNING", "INFO"}}[severity]
    shown = [p for p in problems if p.severity in keep]
    if fmt == "json":
        emit(json.dumps([p.__dict__ for p in shown], indent=2, ensure_ascii=False) + "\n", output)
    elif fmt == "tsv":
        emit("severity\tcheck\tsubject\tdetail\n" + "".join(f"{p.severity}\t{p.check}\t{compact(p.subject)}\t{compact_text(p.detail)}\n" for p in shown), output)
    else:
        emit(report_text(shown, checks), output)
    if any(p.severity == "ERROR" for p in problems):
        raise SystemExit(1)


CONFLICTS = """
PREFIX tkiros: <https://w3id.org/tkiros/vocab/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?agent ?agentLabel ?target ?targetLabel ?finding ?direction
       (GROUP_CONCAT(DISTINCT ?ctx; separator=", ") AS ?context)
       (GROUP_CONCAT(DISTINCT ?q; separator=", ") AS ?qualifiers)
       (SAMPLE(?quote) AS ?text)
WHERE {
  ?finding tkiros:hasAgent ?agent ; tkiros:hasTarget ?target ; tkiros:hasDirection ?d .
  ?other tkiros:hasAgent ?agent ; tkiros:hasTarget ?target ; tkiros:hasDirection ?d2 .
  ?d tkiros:oppositeOf ?d2 .
  ?agent rdfs:label ?agentLabel . ?target rdfs:label ?targetLabel . ?d rdfs:label ?direction .
  OPTIONAL { ?finding tkiros:inCancerType|tkiros:inCellLine|tkiros:inCellState|tkiros:withMutation ?c . ?c rdfs:label ?ctx }
  OPTIONAL { ?finding tkiros:hasQualifier/rdfs:label ?q }
  OPTIONAL { ?finding tkiros:hasSpan/oa:exact ?quote }
}
GROUP BY ?agent ?agentLabel ?target ?targetLabel ?finding ?direction
ORDER BY ?agentLabel ?targetLabel ?direction ?finding
"""


# Context properties that tell two opposite findings apart when their values differ (label, property).
CONTEXTS = [("cell state", "inCellState"), ("cancer type", "inCancerType"), ("cell line", "inCellLine"),
            ("cell type", "inCellType"), ("study system", "inStudySystem"), ("co-treatment", "hasCoTreatment")]


def _contexts(graph) -> dict[str, dict[str, dict[str, str]]]:
    """finding -> context property (local name) -> {value IRI or literal: label}."""
    text = (Path(__file__).resolve().parent / "sparql" / "conflict-contexts.rq").read_text(encoding="utf-8")
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
    for label, prop in CONTEXTS:
        va, vb = ca.get(prop, {}), cb.get(prop, {})
        # both must say it for a difference to explain anything, except a co-treatment: one alone changes the setting
        if (va and vb or prop == "hasCoTreatment") and set(va).isdisjoint(vb) and (va or vb):
            reasons.append(f"{label}: {', '.join(sorted(va.values())) or 'none'} vs {', '.join(sorted(vb.values())) or 'none'}")
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
        from tkiros.store import open_store

        graph = open_store()
    groups: dict[tuple, dict] = {}
    for r in graph.query(CONFLICTS):
        key = (r["agent"].value, r["target"].value)
        g = groups.setdefault(key, {"agent": r["agentLabel"].value, "target": r["targetLabel"].value, "findings": []})
        g["findings"].append({
            "finding": r["finding"].value, "direction": r["direction"].value,
            "context": r["context"].value if r["context"] else "", "qualifiers": r["qualifiers"].value if r["qualifiers"] else "",
            "quote": r["text"].value if r["text"] else "",
        })
    ctx = _contexts(graph)
    for g in groups.values():
        g["pairs"] = []
        fs = g["findings"]
        for i, a in enumerate(fs):
            for b in fs[i + 1:]:
                if a["direction"] != b["direction"]:
                    reasons = explain_pair(a["finding"], b["finding"], ctx)
                    g["pairs"].append({"findings": [a["finding"], b["finding"]], "explained_by": reasons, "conflict": not reasons})
        g["conflicts"] = sum(p["conflict"] for p in g["pairs"])
    return list(groups.values())


@click.command("conflicts")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", default=None, metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
def conflicts_cmd(fmt, output):
    """List the contradiction ledger: findings on one agent and target with opposite directions, with spans.

    Each opposite pair is first explained by context (cell state, cancer type, cell line, cell type, study
    system, co-treatment, non-tumour context, a recorded refutes/partlySupports, negation); only the pairs
    nothing explains are called conflicts. The findings stay in the data, marked tkiros:conflicting.

    \b
    Example:
      tkiros conflicts --format json
    """
    from tkiros.output import emit
    from tkiros.prefixes import compact

    groups = conflicts()
    if fmt == "json":
        emit(json.dumps(groups, indent=2, ensure_ascii=False) + "\n", output)
        return
    lines = []
    for g in groups:
        state = f"{g['conflicts']} unexplained pair(s)" if g["conflicts"] else "every pair explained by context"
        lines.append(f"{'WARNING' if g['conflicts'] else 'INFO   '} {g['agent']} -> {g['target']}: opposite directions, {state}")
        for f in g["findings"]:
            marked = "" if "conflicting" in f["qualifiers"] else "  [not marked conflicting]"
            lines.append(f"  {compact(f['finding'])}  {f['direction']}  [{f['context'] or 'no context'}]{marked}")
            if f["quote"]:
                lines.append(f"      \"{f['quote'][:150]}\"")
        for p in g["pairs"]:
            a, b = (compact(x) for x in p["findings"])
            lines.append(f"  {'CONFLICT ' if p['conflict'] else 'explained'} {a} / {b}" + ("" if p["conflict"] else f": {'; '.join(p['explained_by'])}"))
    unexplained = sum(g["conflicts"] for g in groups)
    lines.append(f"({len(groups)} group(s) of opposite findings; {unexplained} unexplained pair(s) are conflicts)")
    emit("\n".join(lines) + "\n", output)
