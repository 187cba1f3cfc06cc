"""The reading commands: `tkiros search`, `show`, `tables` and `diagram`."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from tkiros.cli.options import format_option, output_option
from tkiros.errors import TkirosError
from tkiros.views.diagram import diagram_for_entity, diagram_for_query, render, to_dot
from tkiros.views.lookup import render_hits_table, render_show_text, resolve, search, show
from tkiros.views.tables import RENDERERS, build_tables


@click.command("diagram")
@click.argument("entity", required=False)
@click.option(
    "-q",
    "--query",
    "query_name",
    default=None,
    metavar="NAME",
    help="Draw the findings a saved query returns instead of an entity's.",
)
@click.option(
    "-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the saved query (repeatable)."
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["dot", "svg", "png"]),
    default=None,
    help="Output format (default: from the -o suffix, else dot).",
)
@output_option("Write to FILE.svg, FILE.png or FILE.dot (atomically); default stdout (dot or svg).")
def diagram_cmd(entity, query_name, params, fmt, output):
    """Draw the causal chains around an agent, target or mechanism: drug -> target -> ROS -> stress -> outcome.

    Resistance arms are green, re-sensitizing arms purple; edges carry the review's reference numbers.
    SVG and PNG are rendered by graphviz-pure (pip) or Graphviz's dot.

    \b
    Examples:
      tkiros diagram gefitinib -o gefitinib.svg
      tkiros diagram --query nrf2-keap1-findings -o nrf2.png
      tkiros diagram "HO-1" --format dot
    """
    from tkiros.output import emit, write_atomic
    from tkiros.query.queries import parse_params
    from tkiros.store.store import open_store

    if bool(entity) == bool(query_name):
        raise TkirosError("diagram: give either an ENTITY or --query NAME (one of them)")
    if params and not query_name:
        raise TkirosError("--param: only with --query")
    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output else ""
        if output and suffix not in ("dot", "gv", "svg", "png"):
            raise TkirosError(f"-o {output}: unknown suffix; use .svg, .png or .dot (or --format)")
        fmt = {"gv": "dot", "": "dot"}.get(suffix, suffix)
    if fmt == "png" and output in (None, "-"):
        raise TkirosError("--format png: binary output needs -o FILE.png")
    store = open_store()
    diagram = (
        diagram_for_query(query_name, parse_params(params), store) if query_name else diagram_for_entity(entity, store)
    )
    data = render(to_dot(diagram), fmt)
    if output in (None, "-"):
        emit(data.decode("utf-8"), None)
    else:
        write_atomic(Path(output), data)


@click.command("tables")
@click.option(
    "-t",
    "--table",
    "which",
    type=click.Choice(["1", "2", "3", "4", "all"]),
    default="all",
    show_default=True,
    help="Which of the review's tables to rebuild.",
)
@format_option(RENDERERS, "md")
@output_option()
def tables_cmd(which, fmt, output):
    """Rebuild the review's Tables 1-4 (absent from our text of it) from the graph.

    Each table is a saved query (queries/table1-... to table4-...); every row carries the
    review's reference numbers.

    \b
    Examples:
      tkiros tables
      tkiros tables --table 2 --format csv -o table2.csv
      tkiros tables --format html -o tables.html
    """
    from tkiros.output import emit

    emit(RENDERERS[fmt](build_tables(which)), output)


@click.command("search")
@click.argument("text")
@click.option("-n", "--limit", default=20, show_default=True, type=int, help="Show at most this many matches.")
@format_option(("table", "json"), "table")
@output_option()
def search_cmd(text, limit, fmt, output):
    """Find entities and terms by label, synonym, abbreviation or CURIE, closest first.

    Case, spaces and dashes are ignored: "ho1", "HO-1" and "heme oxygenase-1" all find tkd:hmox1.

    \b
    Examples:
      tkiros search nrf2
      tkiros search "heme oxygenase" --limit 5 --format json
      tkiros search CHEBI:49668
    """
    from tkiros.output import emit

    hits = search(text, limit)
    if fmt == "json":
        emit(json.dumps([asdict(h) for h in hits], indent=2, ensure_ascii=False) + "\n", output)
    else:
        emit(render_hits_table(hits), output)


@click.command("show")
@click.argument("entity")
@format_option(("text", "json"), "text")
@click.option(
    "--inferred/--no-inferred",
    default=True,
    show_default=True,
    help="Also list types the reasoner infers (when tkiros.reasoning.reason is there).",
)
@output_option()
def show_cmd(entity, fmt, inferred, output):
    """Print what the graph knows about one entity: types, identifiers and every finding it takes part in.

    ENTITY is a label, synonym or CURIE (case and dashes ignored); each finding comes with its direction,
    context, outcome, references and the quoted text.

    \b
    Examples:
      tkiros show gefitinib
      tkiros show HO-1 --format json -o hmox1.json
      tkiros show tkd:egfr-t790m --no-inferred
    """
    from tkiros.output import emit
    from tkiros.store.store import open_store
    from tkiros.views.card import finding_card, is_finding, render_card_text

    raw = open_store().store
    iri = resolve(raw, entity)
    if is_finding(raw, iri):  # a finding gets its evidence card
        card = finding_card(raw, iri)
        emit(
            json.dumps(asdict(card), indent=2, ensure_ascii=False) + "\n" if fmt == "json" else render_card_text(card),
            output,
        )
        return
    view = show(entity, inferred=inferred)
    if fmt == "json":
        emit(json.dumps(asdict(view), indent=2, ensure_ascii=False) + "\n", output)
    else:
        emit(render_show_text(view), output)
