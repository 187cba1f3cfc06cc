"""The click group of the tkiros command line and the commands that live in it (the others are in
LAZY_COMMANDS' modules); tkiros.cli.main runs it."""

from __future__ import annotations

import sys

import click

from tkiros import __version__
from tkiros.cli.options import click_options, format_option, output_option
from tkiros.cli.spec import QUERY_ARGUMENT, QUERY_OPTIONS

# Commands that live in their own modules, imported only when invoked (so `query` pays for no reasoner).
LAZY_COMMANDS = {
    "imports": "tkiros.cli.identifiers:imports_cmd",
    "reason": "tkiros.cli.reasoning:reason_cmd",
    "explain": "tkiros.cli.reasoning:explain_cmd",
    "conflicts": "tkiros.cli.checks:conflicts_cmd",
    "qc": "tkiros.cli.checks:qc_cmd",
    "check": "tkiros.cli.checks:check_cmd",
    "tables": "tkiros.cli.views:tables_cmd",
    "diagram": "tkiros.cli.views:diagram_cmd",
    "search": "tkiros.cli.views:search_cmd",
    "show": "tkiros.cli.views:show_cmd",
    "publish": "tkiros.cli.release:publish_cmd",
    "diff": "tkiros.cli.release:diff_cmd",
    "site": "tkiros.cli.release:site_cmd",
    "serve": "tkiros.cli.serve:serve_cmd",
    "ingest": "tkiros.ingest.commands:ingest_cmd",
    "candidates": "tkiros.ingest.commands:candidates_cmd",
    "accept": "tkiros.ingest.curation:accept_cmd",
    "reject": "tkiros.ingest.curation:reject_cmd",
}


class LazyGroup(click.Group):
    """A click group whose LAZY_COMMANDS are imported on first use; a module not present is not listed."""

    def list_commands(self, ctx):
        import importlib.util

        lazy = [n for n, target in LAZY_COMMANDS.items() if importlib.util.find_spec(target.split(":")[0]) is not None]
        return sorted(set(super().list_commands(ctx)) | set(lazy))

    def get_command(self, ctx, name):
        if name in self.commands:
            return self.commands[name]
        if name in LAZY_COMMANDS:
            import importlib

            module, attr = LAZY_COMMANDS[name].split(":")
            try:
                return getattr(importlib.import_module(module), attr)
            except ModuleNotFoundError as err:
                if err.name == module:
                    return None
                raise
        return None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _p, v: _print_version(ctx, v),
    help="Show the version and which data is in use, then exit.",
)
def cli():
    """tkiros: TKIs, reactive oxygen species, resistance and re-sensitization, as a knowledge graph.

    \b
    Examples:
      tkiros queries
      tkiros query tkis-raising-ros --param tki=gefitinib
      tkiros validate
      tkiros stats

    Exit codes: 0 ok, 1 data does not conform, 2 input or runtime error.
    """


def _print_version(ctx, value):
    if not value or ctx.resilient_parsing:
        return
    from tkiros.store.paths import data_source

    click.echo(f"tkiros, version {__version__}\ndata: {data_source().describe()}")
    ctx.exit()


@cli.command("queries")
@format_option(("table", "json"), "table")
@output_option()
def queries_cmd(fmt, output):
    """List the saved queries with their titles and parameters.

    \b
    Example:
      tkiros queries
    """
    import json

    from tkiros.output import emit
    from tkiros.query.queries import list_queries

    qs = list_queries()
    if fmt == "json":
        data = [
            {
                "name": q.name,
                "title": q.title,
                "question": q.question,
                "keywords": q.keywords,
                "params": {p.name: {"kind": p.kind, "required": p.required, "doc": p.doc} for p in q.params.values()},
            }
            for q in qs
        ]
        emit(json.dumps(data, indent=2) + "\n", output)
        return
    width = max((len(q.name) for q in qs), default=4)
    lines = []
    for q in qs:
        params = " ".join(f"[{p}=…]" if not q.params[p].required else f"{p}=…" for p in q.params)
        lines.append(f"{q.name.ljust(width)}  {q.title}" + (f"  {params}" if params else ""))
    lines.append(f"({len(qs)} saved queries; run one with: tkiros query NAME)")
    emit("\n".join(lines) + "\n", output)


@cli.command("query")
@click.argument(QUERY_ARGUMENT)
@click_options(QUERY_OPTIONS)
def query_cmd(**values):
    """Run a saved query (by name) or a SPARQL file on the embedded store or an endpoint.

    \b
    Examples:
      tkiros query tkis-raising-ros
      tkiros query tkis-raising-ros --param tki=osimertinib --format csv
      tkiros query queries/tkis-raising-ros.rq -o rows.tsv -f tsv
      tkiros query tkis-raising-ros --endpoint http://127.0.0.1:7878/query
      tkiros query nrf2-keap1-findings --min-evidence restated
    """
    from tkiros.cli.querying import query_command

    query_command(**values)


@cli.command("validate")
@format_option(("text", "turtle", "json"), "text")
@output_option()
def validate_cmd(fmt, output):
    """Check the graph against the SHACL shapes of shapes/.

    Exit 0 when it conforms, 1 when a shape is violated, 2 when a source cannot be loaded.

    \b
    Example:
      tkiros validate --format json -o report.json
    """
    from tkiros.checks.validate import validate
    from tkiros.output import emit

    report = validate()
    emit({"text": report.text, "turtle": report.turtle, "json": report.json}[fmt](), output)
    if not report.conforms:
        sys.exit(1)


@cli.command("stats")
@format_option(("table", "json"), "table")
@output_option()
def stats_cmd(fmt, output):
    """Count classes, individuals, findings, references and triples.

    \b
    Example:
      tkiros stats --format json
    """
    import json

    from tkiros.output import emit
    from tkiros.store.paths import data_source
    from tkiros.views.stats import stats

    counts = stats()
    source = data_source()
    if fmt == "json":
        emit(json.dumps({**counts, "data": str(source.root), "data source": source.kind}, indent=2) + "\n", output)
    else:
        w = max(len(k) for k in counts)
        emit(
            "".join(f"{k.ljust(w)}  {v}\n" for k, v in counts.items()) + f"{'data'.ljust(w)}  {source.describe()}\n",
            output,
        )


@cli.command("coverage")
@format_option(("text", "json"), "text")
@output_option()
def coverage_cmd(fmt, output):
    """Report which citing or agent-naming sentences back no finding, and which references no finding cites.

    \b
    Example:
      tkiros coverage
    """
    import json

    from tkiros.checks.coverage import coverage
    from tkiros.output import emit

    rep = coverage()
    if fmt == "json":
        data = {
            "citing_sentences_backed": rep.citing_backed_share,
            "agent_or_citing_sentences_backed": rep.relevant_backed_share,
            "text_cited_references_cited_by_findings": rep.reference_share,
            "unaccounted_references": rep.unaccounted_references,
            "sections": [
                {
                    "section": s.section,
                    "sentences": len(s.sentences),
                    "citing": len(s.citing),
                    "relevant": len(s.relevant),
                    "unbacked": [{"start": u.start, "end": u.end, "text": u.text} for u in s.unbacked],
                }
                for s in rep.sections
            ],
        }
        emit(json.dumps(data, indent=2, ensure_ascii=False) + "\n", output)
    else:
        emit(rep.text(), output)


@cli.command("span")
@click.argument("seed", metavar="SEED")
@click.argument("span_id")
@click.argument("quote")
@click.option("--nth", default=1, show_default=True, help="Which occurrence of the quote to use.")
def span_cmd(seed, span_id, quote, nth):
    """Print a SeedSpan (offsets and exact quote) for curating a finding.

    SEED names a seed of seeds/*.meta.ttl (tkd:seed-SEED): review or preprint.

    \b
    Example:
      tkiros span review erbb-s01 "Under gefitinib treatment, lung cancer cells show a rise in ROS levels"
    """
    from tkiros.store.seeds import span_turtle

    click.echo(span_turtle(seed, span_id, quote, nth), nl=False)
