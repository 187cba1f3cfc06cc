"""The review's four tables, which our text of it lacks, rebuilt from the graph by saved queries.

Each table is one saved query (queries/tableN-*.rq, tested like every other) whose header also gives the
table's caption, note and columns (see tkiros.rqfile); how the tables were checked against the text is
queries/tables.md.
Cells that hold several values (GROUP_CONCAT with " | ") are split, sorted and re-joined, so the
rendering is the same whatever order an engine concatenates in; reference numbers sort numerically and
print as the review prints them, in brackets.

The same module writes docs/queries.md, the catalogue of saved queries, from their headers.
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from tkiros.errors import TkirosError

SEPARATOR = " | "


@dataclass(frozen=True)
class Column:
    variable: str
    header: str
    kind: str = "text"  # text | list | references | iri


@dataclass(frozen=True)
class TableSpec:
    number: int
    query: str
    title: str
    note: str
    columns: tuple[Column, ...]
    # Sort rows by their printed cells (case-insensitively) rather than keep the query's order, so that
    # engines with other string collations print the same table; Table 1 keeps the review's section order.
    sort_rows: bool = True


KINDS = ("text", "list", "references", "iri")
TABLE_HEADER = re.compile(r"^(\d+)\.\s+(\S.*)$")
# Beside the queries: the header format of a table, and how the rebuilt tables were checked against the text.
PROSE = "tables.md"


def table_spec(query) -> TableSpec | None:
    """The layout a saved query's header gives its table (its '# table:', '# note:', '# column:' and
    '# order:' lines), or None when the query is not a table."""
    from tkiros.rqfile import headers

    where = f"queries/{query.path.name}"
    number = title = None
    note, columns, sort_rows = "", [], True
    for lineno, key, value in headers(query.text):
        if key == "table":
            m = TABLE_HEADER.match(value)
            if not m:
                raise TkirosError(f"{where}:{lineno}: malformed table header {value!r}; expected 'N. Caption'")
            number, title = int(m.group(1)), f"Table {m.group(1)}. {m.group(2)}"
        elif key == "note":
            note = value
        elif key == "column":
            parts = [p.strip() for p in value.split("|")]
            if len(parts) not in (2, 3) or not all(parts) or (len(parts) == 3 and parts[2] not in KINDS):
                raise TkirosError(
                    f"{where}:{lineno}: malformed column header {value!r}; expected 'variable | Header [| {'|'.join(KINDS)}]'"
                )
            columns.append(Column(*parts))
        elif key == "order":
            if value != "query":
                raise TkirosError(
                    f"{where}:{lineno}: order {value!r}: the only order is 'query' (keep the query's rows)"
                )
            sort_rows = False
    if number is None:
        if columns:
            raise TkirosError(f"{where}: column headers without a '# table: N. Caption' header")
        return None
    if not columns:
        raise TkirosError(f"{where}: table {number} has no '# column:' header")
    return TableSpec(number, query.name, title, note, tuple(columns), sort_rows)


def table_specs(queries=None) -> dict[int, TableSpec]:
    """Table number -> its layout, for the saved queries (by default queries/table*.rq) whose header makes
    them a table."""
    from tkiros.query.queries import get_query, queries_folder

    if queries is None:  # only the table files: reading every saved query's header costs a third of a table
        queries = [get_query(p.stem) for p in sorted(queries_folder().glob("table*.rq"))]
    specs: dict[int, TableSpec] = {}
    for q in queries:
        spec = table_spec(q)
        if spec is not None:
            if spec.number in specs:
                raise TkirosError(
                    f"queries/{spec.query}.rq: table {spec.number} is also queries/{specs[spec.number].query}.rq"
                )
            specs[spec.number] = spec
    return dict(sorted(specs.items()))


@dataclass
class Table:
    spec: TableSpec
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)


def _parts(value: str) -> list[str]:
    return [p for p in value.split(SEPARATOR) if p.strip()]


def format_cell(value: str, kind: str) -> str:
    """One cell as printed: lists sorted and comma-joined, references numeric in brackets, IRIs as CURIEs."""
    if not value:
        return ""
    if kind == "references":
        numbers = sorted({int(p) for p in _parts(value) if p.strip().isdigit()})
        return "[" + ", ".join(str(n) for n in numbers) + "]" if numbers else ""
    if kind == "list":
        return ", ".join(sorted(set(_parts(value)), key=lambda s: (s.casefold(), s)))
    if kind == "iri":
        from tkiros.prefixes import compact

        return compact(value)
    return value


def build_table(number: int, store=None, specs: dict[int, TableSpec] | None = None) -> Table:
    from tkiros.query.queries import run_query

    specs = table_specs() if specs is None else specs
    if number not in specs:
        raise TkirosError(f"--table {number}: no such table (choose {', '.join(map(str, specs))} or all)")
    spec = specs[number]
    result = run_query(spec.query, store=store)
    index = {v: i for i, v in enumerate(result.variables)}
    missing = [c.variable for c in spec.columns if c.variable not in index]
    if missing:
        raise TkirosError(f"queries/{spec.query}.rq: table {number} needs variables {', '.join(missing)} in its SELECT")
    table = Table(spec, [c.header for c in spec.columns])
    for row in result.rows:
        cells = []
        for c in spec.columns:
            term = row[index[c.variable]]
            cells.append(format_cell("" if term is None else term.value, c.kind))
        table.rows.append(cells)
    if spec.sort_rows:
        table.rows.sort(key=lambda cells: [(c.casefold(), c) for c in cells])
    return table


def build_tables(which: str = "all", store=None) -> list[Table]:
    if store is None:
        from tkiros.store.store import open_store

        store = open_store()
    specs = table_specs()  # read once for all the tables asked for
    numbers = list(specs) if which == "all" else [int(which)]
    return [build_table(n, store, specs) for n in numbers]


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_md(tables: list[Table]) -> str:
    out = []
    for t in tables:
        out.append(f"### {t.spec.title}\n")
        out.append(f"{t.spec.note} Query: `queries/{t.spec.query}.rq`; {len(t.rows)} rows.\n")
        out.append("| " + " | ".join(_md_cell(h) for h in t.headers) + " |")
        out.append("|" + "---|" * len(t.headers))
        out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in t.rows]
        out.append("")
    return "\n".join(out)


def render_csv(tables: list[Table]) -> str:
    """One table: plain CSV. Several: each starts with a one-cell title row, tables separated by a blank line."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for i, t in enumerate(tables):
        if len(tables) > 1:
            if i:
                buf.write("\n")
            w.writerow([t.spec.title])
        w.writerow(t.headers)
        w.writerows(t.rows)
    return buf.getvalue()


def render_html(tables: list[Table]) -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>tkiros: the review\'s tables rebuilt from the graph</title>',
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
        "th,td{border:1px solid #999;padding:4px 6px;vertical-align:top;text-align:left;font-size:90%}"
        "th{background:#eee}caption{text-align:left;font-weight:bold;padding:4px 0}</style>",
        "</head><body>",
    ]
    for t in tables:
        out.append(f'<table id="table{t.spec.number}">')
        out.append(f"<caption>{e(t.spec.title)}</caption>")
        out.append("<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in t.headers) + "</tr></thead>")
        out.append("<tbody>")
        out += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in t.rows]
        out.append("</tbody></table>")
        out.append(f"<p>{e(t.spec.note)} Query: <code>queries/{e(t.spec.query)}.rq</code>; {len(t.rows)} rows.</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


RENDERERS = {"md": render_md, "csv": render_csv, "html": render_html}


# ---------------------------------------------------------------------------------------------------
# docs/queries.md: the catalogue of saved queries, generated from their headers.


def _header_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def catalogue_markdown(queries=None, table_rows: dict[int, int] | None = None) -> str:
    """docs/queries.md: every saved query with its title, question and parameters, then the tables."""
    from tkiros.query.queries import list_queries, queries_folder

    qs = list_queries() if queries is None else queries
    lines = [
        "# Saved queries",
        "",
        "<!-- Generated by tkiros.views.tables.catalogue_markdown() from the headers of queries/*.rq; do not edit",
        "     by hand. Regenerate with: pytest tests/test_tables.py --regen-goldens -->",
        "",
        f"{len(qs)} saved questions, each a plain SPARQL 1.1 file in `queries/` with its expected rows",
        "beside it (`NAME.expected.tsv`). Run one with `tkiros query NAME [--param KEY=VALUE]`; an entity",
        "parameter takes a label, a synonym or a CURIE, ignoring case and dashes.",
        "",
        "| query | title | parameters |",
        "|---|---|---|",
    ]
    for q in qs:
        params = ", ".join(f"`{p.name}` ({p.kind}{', required' if p.required else ''})" for p in q.params.values())
        lines.append(f"| [`{q.name}`](#{q.name}) | {_header_cell(q.title)} | {params or '-'} |")
    lines.append("")
    for q in qs:
        lines += [f"## {q.name}", "", f"**{q.title}**", "", q.question, ""]
        if q.params:
            for p in q.params.values():
                lines.append(f"- `{p.name}` ({p.kind}, {'required' if p.required else 'optional'}): {p.doc}")
            lines.append("")
        example = " ".join(f"--param {p.name}=..." for p in q.params.values() if p.required)
        lines += [
            f"Keywords: {', '.join(q.keywords)}.",
            "",
            f"```\ntkiros query {q.name}{(' ' + example) if example else ''}\n```",
            "",
        ]
    lines += [
        "## The review's tables, rebuilt",
        "",
        "`tkiros tables [--table 1|2|3|4|all] [--format md|csv|html]` renders them from the queries below.",
        "",
        "| table | query | rows |",
        "|---|---|---|",
    ]
    for n, spec in table_specs(qs).items():
        count = "" if table_rows is None else str(table_rows.get(n, ""))
        lines.append(f"| {_header_cell(spec.title)} | `{spec.query}` | {count} |")
    prose = (qs[0].path.parent if qs else queries_folder()) / PROSE
    try:
        lines += ["", prose.read_text(encoding="utf-8")]
    except OSError as err:
        raise TkirosError(f"{prose}: cannot read: {err.strerror or err}") from None
    return "\n".join(lines)


def table_row_counts(store=None) -> dict[int, int]:
    return {t.spec.number: len(t.rows) for t in build_tables("all", store)}


def catalogue_path(root: Path | None = None) -> Path:
    from tkiros.store.paths import project_root

    return (root or project_root()) / "docs" / "queries.md"
