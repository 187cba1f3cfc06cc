"""Command-line options as data, without click: each option's flags, the keyword it is passed as, its default
and how its value is read and checked.

tkiros.cli.options turns a record into a click option; ``parse`` reads a command line with the same records
as click does, so that `tkiros query` can run without importing click (a cold query's largest cost) while
both readings come from one definition. ``parse`` answers only what it is sure click would accept
unchanged; anything else (help, an unknown option, a missing or bad value) is left to click and its messages.
"""

from __future__ import annotations

FORMATS = ("table", "csv", "tsv", "json", "md")  # the keys of tkiros.query.results.WRITERS
ENGINES = ("oxigraph", "rdflib")  # the embedded engines of tkiros.query.engines.ENGINES
REASONERS = ("fast", "hermit", "pellet", "owlrl")  # tkiros.reasoning.results.REASONERS
DEFAULT_REASONER = "fast"


class Opt:
    """One option. ``kind``: "value" (the last one given wins), "multiple" (a tuple of every value given) or
    "flag" (True when given). A value is a str unless ``convert`` (float or int) reads it; it must then be
    one of ``choices``, at least ``minimum``, and pass ``check`` (which returns a message, or None)."""

    __slots__ = ("dest", "flags", "kind", "default", "metavar", "help", "choices", "convert", "minimum", "check")

    def __init__(
        self,
        dest,
        flags,
        help,
        *,
        kind="value",
        default=None,
        metavar=None,
        choices=None,
        convert=None,
        minimum=None,
        check=None,
    ):
        self.dest, self.flags, self.help, self.kind, self.default = dest, flags, help, kind, default
        self.metavar, self.choices, self.convert, self.minimum, self.check = metavar, choices, convert, minimum, check

    @property
    def show_default(self) -> bool:
        """Whether help shows the default: for options with a meaningful one (a choice, a number)."""
        return self.kind == "value" and self.default is not None

    def value(self, raw):
        """The value of the option given as ``raw`` (None: not given); ValueError when click would refuse it."""
        if self.kind == "flag":
            return bool(raw)
        if self.kind == "multiple":
            return tuple(raw or ())
        if raw is None:
            return self.default
        value = self.convert(raw) if self.convert else raw
        if self.choices is not None and value not in self.choices:
            raise ValueError(raw)
        if self.minimum is not None and value < self.minimum:
            raise ValueError(raw)
        if self.check is not None and self.check(value):
            raise ValueError(raw)
        return value


def positive_seconds(value: float) -> str | None:
    """A time limit is a number of seconds above 0, or inf."""
    if value != value or value <= 0:  # nan compares unequal to itself
        return f"{value}: must be a number of seconds above 0 (or inf)"
    return None


def format_opt(choices, default, help_text: str = "Output format.") -> Opt:
    return Opt("fmt", ("-f", "--format"), help_text, default=default, choices=tuple(choices))


def output_opt(help_text: str = "Write to FILE (atomically) instead of stdout.") -> Opt:
    return Opt("output", ("-o", "--output"), help_text, metavar="FILE")


def timeout_opt(default, help_text) -> Opt:
    return Opt(
        "timeout", ("--timeout",), help_text, default=default, metavar="SECONDS", convert=float, check=positive_seconds
    )


FEDERATION = Opt(
    "federation",
    ("--federation",),
    "Allow SERVICE clauses (federated queries fetch other servers; off by default).",
    kind="flag",
)
ENGINE = Opt("engine", ("--engine",), "Embedded SPARQL engine.", default="oxigraph", choices=ENGINES)

QUERY_ARGUMENT = "name_or_file"
QUERY_OPTIONS = (
    Opt(
        "params",
        ("-p", "--param"),
        "Bind a query parameter (repeatable); entities match label, synonym or CURIE.",
        kind="multiple",
        metavar="KEY=VALUE",
    ),
    format_opt(FORMATS, "table"),
    output_opt(),
    ENGINE,
    Opt(
        "inferred", ("--inferred",), "Query the graph with the reasoner's inferences (built once, cached).", kind="flag"
    ),
    Opt("endpoint", ("--endpoint",), "Send the query to this SPARQL 1.1 endpoint instead.", metavar="URL"),
    timeout_opt(30.0, "Time limit of the query in seconds, on the embedded store or --endpoint (inf: none)."),
    Opt(
        "max_rows",
        ("--max-rows",),
        "Stop with an error when the result has more rows.",
        default=200_000,
        convert=int,
        minimum=1,
    ),
    FEDERATION,
    Opt(
        "min_evidence",
        ("--min-evidence",),
        "Keep rows whose ?finding reaches this evidence level: 4 own in vivo, 3 own in vitro, 2 restated, 1 title-only (rank or name).",
        metavar="LEVEL",
    ),
)


def parse(argument: str, options, argv: list[str]) -> dict | None:
    """The keyword arguments of a command of one positional ``argument`` and these ``options``, read from
    ``argv`` exactly as click reads it (options and the argument in any order, ``--opt=value``, ``-oVALUE``,
    an option's value taken from the next word whatever it looks like, ``--`` ending the options), or None
    for anything click would answer itself (help, an unknown option, a flag given a value, a missing,
    extra or refused value)."""
    long, short = {}, {}
    for opt in options:
        for flag in opt.flags:
            if len(flag) == 2 and flag[0] == "-" and flag[1] != "-":
                short[flag] = opt
            else:
                long[flag] = opt
    raw: dict[str, object] = {}
    rest, positional = list(argv), []
    while rest:
        word = rest.pop(0)
        if word == "--":
            break
        if word[:1] != "-" or len(word) == 1:
            positional.append(word)
            continue
        name, eq, attached = word.partition("=")
        opt = long.get(name)
        if opt is None:
            # click's rule: a word not naming a long option is read as a short option and its attached value
            opt = short.get(word[:2]) if word[:2] != "--" else None
            if opt is None or opt.kind == "flag":
                return None
            eq, attached = (len(word) > 2), word[2:]
        if opt.kind == "flag":
            if eq:
                return None
            raw[opt.dest] = True
            continue
        if not eq:
            if not rest:
                return None
            attached = rest.pop(0)
        if opt.kind == "multiple":
            raw.setdefault(opt.dest, []).append(attached)
        else:
            raw[opt.dest] = attached
    positional += rest
    if len(positional) != 1:
        return None
    try:
        values = {opt.dest: opt.value(raw.get(opt.dest)) for opt in options}
    except ValueError:
        return None
    values[argument] = positional[0]
    return values
