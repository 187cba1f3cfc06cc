"""The reasoning commands: `tkiros reason` and `tkiros explain`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tkiros.cli.options import format_option, output_option, reasoner_option
from tkiros.errors import TkirosError
from tkiros.reasoning.cache import cached_run
from tkiros.reasoning.reason import run
from tkiros.reasoning.results import InconsistentError
from tkiros.views.explain import explain
from tkiros.views.explain_text import explanation_json, explanation_text


@click.command("explain")
@click.argument("entity")
@reasoner_option("Which reasoner's classification to explain.")
@format_option(("text", "json"), "text")
@output_option()
def explain_cmd(entity, reasoner, fmt, output):
    """Explain why an entity belongs to each class the reasoner inferred for it.

    ENTITY is a label, synonym or CURIE. For each inferred defined class: its definition and the asserted
    facts that satisfy it, with their findings and seed quotes.

    \b
    Examples:
      tkiros explain lenvatinib
      tkiros explain tkd:neratinib --reasoner pellet --format json
    """
    from tkiros.output import emit

    data = explain(entity, reasoner)
    emit(explanation_text(data) if fmt == "text" else explanation_json(data), output)


@click.command("reason")
@reasoner_option()
@format_option(("ntriples", "turtle"), "ntriples")
@output_option()
@click.option("--inferred-only", is_flag=True, help="Write only the inferred triples, not the asserted ones.")
@click.option(
    "-i",
    "--instances",
    "instances",
    multiple=True,
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Reason over the ontology plus these instance files instead of instances/ (repeatable; not cached).",
)
@click.option("--no-cache", is_flag=True, help="Reason again even if the cache holds a result for these sources.")
def reason_cmd(reasoner, fmt, output, inferred_only, instances, no_cache):
    """Classify the graph with a reasoner and write asserted + inferred triples.

    Checks consistency first: an inconsistent graph exits 1 naming the individuals and axioms involved.
    A summary line goes to stderr.

    \b
    Examples:
      tkiros reason -o inferred.nt
      tkiros reason --reasoner pellet --format turtle --inferred-only
      tkiros reason --reasoner owlrl -o inferred-rl.nt
      tkiros reason --instances tests/fixtures/inconsistent/antibody-as-small-molecule.ttl
    """
    from tkiros.output import emit

    for path in instances:
        if not Path(path).is_file():
            raise TkirosError(f"--instances {path}: no such file")

    def warn(message: str) -> None:
        click.echo(f"tkiros: {message}", err=True)

    if instances or no_cache:
        result = run(reasoner, instances=[Path(p) for p in instances] or None, warn=warn)
        if not result.ok:
            click.echo(result.inconsistency.text(), err=True, nl=False)
            sys.exit(1)
    else:
        try:
            result = cached_run(reasoner, warn=warn)
        except InconsistentError as err:
            click.echo(err.inconsistency.text(), err=True, nl=False)
            sys.exit(1)
    emit(result.serialize(fmt, inferred_only=inferred_only), output)
    click.echo(f"tkiros: {result.summary()}", err=True)
