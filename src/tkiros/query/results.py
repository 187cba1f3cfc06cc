"""Query results: the one Result type every engine returns, and its writers, one per --format choice.

Table and Markdown show CURIEs; CSV, TSV and JSON keep IRIs."""

from __future__ import annotations

import pyoxigraph as ox

# The writers import what only they need (csv, json, the prefix map) when called: a cold query pays for its own.


def term_text(term, curie: bool = False) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        if curie:
            from tkiros.prefixes import compact

            return compact(term.value)
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _cells(result, curie):
    return [[term_text(t, curie) for t in row] for row in result.rows]


UNCUT = {"quote"}


def write_table(result) -> str:
    if result.boolean is not None:
        return "yes\n" if result.boolean else "no\n"
    rows = _cells(result, True)
    widths = [len(v) for v in result.variables]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row)]
    # a quote is the evidence itself: never cut it (other long cells are cut at 80 characters)
    limits = [None if v in UNCUT else 80 for v in result.variables]
    widths = [w if lim is None else min(w, lim) for w, lim in zip(widths, limits)]

    def fmt(cells):
        return "  ".join(
            (c if lim is None or len(c) <= lim else c[: lim - 3] + "...").ljust(w)
            for c, w, lim in zip(cells, widths, limits)
        ).rstrip()

    lines = [fmt(result.variables), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _delimited(result, delimiter: str) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    if result.boolean is not None:
        w.writerow(["ask"])
        w.writerow(["true" if result.boolean else "false"])
        return buf.getvalue()
    w.writerow(result.variables)
    w.writerows(_cells(result, False))
    return buf.getvalue()


def write_csv(result) -> str:
    return _delimited(result, ",")


def write_tsv(result) -> str:
    return _delimited(result, "\t")


def write_json(result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    import json

    from tkiros.rdfio import json_term

    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean}, indent=2) + "\n"
    bindings = [{v: json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
    return (
        json.dumps(
            {"head": {"vars": result.variables}, "results": {"bindings": bindings}}, indent=2, ensure_ascii=False
        )
        + "\n"
    )


def write_md(result) -> str:
    if result.boolean is not None:
        return f"**{'yes' if result.boolean else 'no'}**\n"

    def esc(s):
        return s.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(result.variables) + " |", "|" + "---|" * len(result.variables)]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in _cells(result, True)]
    return "\n".join(lines) + "\n"


WRITERS = {"table": write_table, "csv": write_csv, "tsv": write_tsv, "json": write_json, "md": write_md}


class Result:
    """A query result: variables and rows of RDF terms (or a boolean for ASK). A plain class: a dataclass
    would import inspect, a fifth of a cold query's budget."""

    __slots__ = ("variables", "rows", "boolean")

    def __init__(self, variables: list[str], rows: list[list], boolean: bool | None = None):
        self.variables, self.rows, self.boolean = variables, rows, boolean

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.variables, self.rows, self.boolean) == (other.variables, other.rows, other.boolean)

    __hash__ = None  # mutable, as a dataclass's

    def __repr__(self) -> str:
        return f"Result(variables={self.variables!r}, rows={self.rows!r}, boolean={self.boolean!r})"

    def to(self, fmt: str) -> str:
        return WRITERS[fmt](self)


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def result_to_plain(result: Result):
    """``result`` as builtins only (lists, tuples, str, None), for marshal: an IRI as its str, a literal as
    (value, datatype, language), a blank node as (id,). None when a term has no such form (a triple term, a
    literal with a base direction): the caller then pickles the Result."""
    rows = []
    for row in result.rows:
        out = []
        for t in row:
            kind = type(t)
            if t is None:
                out.append(None)
            elif kind is ox.NamedNode:
                out.append(t.value)
            elif kind is ox.Literal and t.direction is None:
                out.append((t.value, t.datatype.value, t.language))
            elif kind is ox.BlankNode:
                out.append((t.value,))
            else:
                return None
        rows.append(out)
    return (result.variables, rows, result.boolean)


def result_from_plain(plain) -> Result:
    """The Result that result_to_plain gave ``plain`` for (equal terms, rebuilt)."""
    variables, rows, boolean = plain
    iris: dict[str, ox.NamedNode] = {}

    def iri(value: str) -> ox.NamedNode:
        node = iris.get(value)
        if node is None:
            node = iris[value] = ox.NamedNode(value)
        return node

    def term(cell):
        if cell is None:
            return None
        if type(cell) is str:
            return iri(cell)
        if len(cell) == 1:
            return ox.BlankNode(cell[0])
        value, datatype, language = cell
        if language:
            return ox.Literal(value, language=language)
        return ox.Literal(value) if datatype == XSD_STRING else ox.Literal(value, datatype=iri(datatype))

    return Result(variables, [[term(c) for c in row] for row in rows], boolean)
