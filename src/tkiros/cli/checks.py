"""The checking commands: `tkiros check`, `tkiros qc` and `tkiros conflicts`."""

from __future__ import annotations

import json
import time

import click

from tkiros.checks import check
from tkiros.checks.qc import compact_text, conflicts, list_checks, report_text, run_checks
from tkiros.cli.options import format_option, output_option


@click.command("qc")
@format_option(("text", "json", "tsv"), "text")
@click.option(
    "--severity",
    type=click.Choice(["ERROR", "WARNING", "INFO"]),
    default="INFO",
    show_default=True,
    help="Lowest severity to list.",
)
@output_option()
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
        emit(
            "severity\tcheck\tsubject\tdetail\n"
            + "".join(f"{p.severity}\t{p.check}\t{compact(p.subject)}\t{compact_text(p.detail)}\n" for p in shown),
            output,
        )
    else:
        emit(report_text(shown, checks), output)
    if any(p.severity == "ERROR" for p in problems):
        raise SystemExit(1)


@click.command("conflicts")
@format_option(("text", "json"), "text")
@output_option()
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
        lines.append(
            f"{'WARNING' if g['conflicts'] else 'INFO   '} {g['agent']} -> {g['target']}: opposite directions, {state}"
        )
        for f in g["findings"]:
            marked = "" if "conflicting" in f["qualifiers"] else "  [not marked conflicting]"
            lines.append(f"  {compact(f['finding'])}  {f['direction']}  [{f['context'] or 'no context'}]{marked}")
            if f["quote"]:
                lines.append(f'      "{f["quote"][:150]}"')
        for p in g["pairs"]:
            a, b = (compact(x) for x in p["findings"])
            lines.append(
                f"  {'CONFLICT ' if p['conflict'] else 'explained'} {a} / {b}"
                + ("" if p["conflict"] else f": {'; '.join(p['explained_by'])}")
            )
    unexplained = sum(g["conflicts"] for g in groups)
    lines.append(f"({len(groups)} group(s) of opposite findings; {unexplained} unexplained pair(s) are conflicts)")
    emit("\n".join(lines) + "\n", output)


@click.command("check")
def check_cmd():
    """The curator's fast check: parse, spans, shapes, QC and duplicate findings (exit 1 if any fails).

    Run it after adding a finding; details: tkiros validate, tkiros qc.

    \b
    Example:
      tkiros check
    """
    t = time.perf_counter()
    steps = check.run_check()
    click.echo(check.report_text(steps, time.perf_counter() - t), nl=False)
    if not all(s.ok for s in steps):
        raise SystemExit(1)
