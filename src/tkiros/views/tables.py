"""The review's four tables, which our text of it lacks, rebuilt from the graph by saved queries.

Each table is one saved query (queries/tableN-*.rq, tested like every other) plus a column layout here.
Cells that hold several values (GROUP_CONCAT with " | ") are split, sorted and re-joined, so the
rendering is the same whatever order an engine concatenates in; reference numbers sort numerically and
print as the review prints them, in brackets.

The same module writes docs/queries.md, the catalogue of saved queries, from their headers.
"""

from __future__ import annotations

import csv
import html
import io
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


TABLES: dict[int, TableSpec] = {
    1: TableSpec(
        1,
        "table1-review-mechanisms",
        "Table 1. Mechanisms of ROS in TKI action and resistance covered by the review",
        "One row per section of the review with specific findings (citing a reference; not general claims, "
        "not reference titles). Counts are findings that raise ROS, confer resistance or reverse it.",
        (
            Column("mechanism", "Mechanism (review section)"),
            Column("tkis", "TKIs", "list"),
            Column("keyPlayers", "Key players", "list"),
            Column("cancers", "Cancers", "list"),
            Column("findings", "Findings"),
            Column("raisesRos", "Raise ROS"),
            Column("confersResistance", "Confer resistance"),
            Column("reversesResistance", "Reverse resistance"),
            Column("references", "References", "references"),
        ),
        sort_rows=False,
    ),
    2: TableSpec(
        2,
        "table2-tki-ros-mechanisms",
        "Table 2. How each TKI raises ROS",
        "One row per finding in which the drug alone raises a ROS species (combinations are in Table 3). "
        "Downstream: targets of the causally downstream steps.",
        (
            Column("tkiLabel", "TKI"),
            Column("inhibits", "Inhibits", "list"),
            Column("cancerLabel", "Cancer"),
            Column("rosRaised", "ROS raised", "list"),
            Column("via", "Via", "list"),
            Column("downstream", "Downstream", "list"),
            Column("outcomes", "Outcome", "list"),
            Column("references", "References", "references"),
            Column("finding", "Finding", "iri"),
        ),
    ),
    3: TableSpec(
        3,
        "table3-ros-raising-combinations",
        "Table 3. Therapeutic combinations with TKIs",
        "One row per agent and co-treatment pair involving a TKI; compounds against resistant cells are in "
        "Table 4, the contrary view's TKI-cisplatin antagonism is left out. ROS: a finding of the pair raises "
        "ROS or acts through ROS.",
        (
            Column("agentLabel", "Agent"),
            Column("partnerLabel", "Combined with"),
            Column("cancers", "Cancers", "list"),
            Column("effects", "Effects", "list"),
            Column("rosInvolved", "ROS"),
            Column("references", "References", "references"),
        ),
    ),
    4: TableSpec(
        4,
        "table4-compounds-against-resistant-cells",
        "Table 4. Compounds acting on TKI-resistant cancer cells",
        "One row per non-TKI compound and the TKI whose resistance it meets (resistant cells or reversal). "
        "With TKI: the compound is given together with that TKI in a finding.",
        (
            Column("compoundLabel", "Compound"),
            Column("tkiLabel", "TKI resisted"),
            Column("givenWithTki", "With TKI"),
            Column("cancers", "Cancers", "list"),
            Column("effects", "Effects", "list"),
            Column("rosInvolved", "ROS"),
            Column("references", "References", "references"),
        ),
    ),
}


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


def build_table(number: int, store=None) -> Table:
    from tkiros.query.queries import run_query

    if number not in TABLES:
        raise TkirosError(f"--table {number}: no such table (choose 1, 2, 3, 4 or all)")
    spec = TABLES[number]
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
    numbers = sorted(TABLES) if which == "all" else [int(which)]
    return [build_table(n, store) for n in numbers]


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

CHECKS = """\
## How the tables were checked against the text

Our copy of the review lacks Tables 1-4 (its seed metadata says so), so each rebuilt table was read row
by row against the running text and the reference list of `seeds/000_d5f8ed2bf1a7bc40.txt`:

- **Table 1** (13 rows, one per section with specific findings). The reference column of each section
  was compared with the bracketed numbers of its paragraphs: ErbB inhibitors [13]-[31], ALK [32]-[34],
  VEGFR [35]-[43], BCR-ABL [44]-[48], FGFR [49]-[53], Contrary view [54]-[59]; in the resistance
  sections the numbers that back only general statements drop out as designed (Autophagy loses
  [61]-[66] and [70]; NRF2-KEAP1 loses [77]-[80], [88], [89]; Glutathione [90]-[92]; Antioxidant enzymes
  [100], [101]; Increasing ROS production [106]); "Other methods" runs to the end of the body and so
  also holds the fourth-generation TKIs [155]-[157]. The ErbB count of ROS-raising findings (11) equals
  its rows in Table 2.
- **Table 2** (30 rows): every sentence of "ErbB inhibitors" to "FGFR inhibitors" in which a TKI (or
  herceptin) raises ROS has its row with the sentence's reference, as do the ROS-raising TKI sentences of
  "Autophagy" (afatinib [29], crizotinib [73], vandetanib [75], erlotinib [17], neratinib [31, 74]) and
  "Antioxidant enzymes" (erlotinib [102]); nilotinib's row is its GSK3B-NOX4 step [47]. Herceptin's
  uncited HER2-blockade sentence has no row (no reference to give). Mediators were checked against the
  "via" of the text (gefitinib: NOX2, NOX4 [14]; regorafenib: NOX5 [42]; lenvatinib: xCT, GPX4 [51]).
- **Table 3** (25 rows): the text introduces Table 3 as ROS-raising therapeutic pairings right after
  reference [132]; [133], [134] and [136]-[139] are cited nowhere in the running text, so their rows
  (entinostat with neratinib, siramesine with TKIs, auranofin with erlotinib, a topoisomerase inhibitor
  with crizotinib, an antimetabolite with TKIs) come from the titles of those references. The pairings
  of the text (HDAC inhibitors [124]-[131], autophagy inhibitors [17, 29, 76], bexarotene [83],
  JNK-IN-8 [84], siramesine [87, 135], obatoclax [71, 72], entinostat with lenvatinib [69],
  photodynamic therapy [112]-[119]) were checked against their sentences. "ROS: not stated" means the
  graph records no ROS effect for that pair, not that there is none.
- **Table 4** (12 rows): the text introduces Table 4 as compounds that, combined with TKIs, eradicate
  drug-resistant cells; [144]-[153] are cited only there. Rows appear for the titles that name
  resistant cells or re-sensitization (shikonin [145], benzyl isothiocyanate [148], dihydroartemisinin
  [149], beta-escin [150], PEITC [152], sulforaphane [153]); plumbagin, celastrol and AKI603 titles
  name no resistance and stay out. The compounds of the text (6-shogaol [108], ampelopsin [107],
  sanguinarine [109], berberine [82], shikonin [98], dihydroartemisinin with osimertinib [86]) were
  checked against their sentences.

A rebuilt table answers the review's question from the graph; it is not a copy of the published table,
whose rows we cannot see.
"""


def _header_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def catalogue_markdown(queries=None, table_rows: dict[int, int] | None = None) -> str:
    """docs/queries.md: every saved query with its title, question and parameters, then the tables."""
    from tkiros.query.queries import list_queries

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
    for n, spec in sorted(TABLES.items()):
        count = "" if table_rows is None else str(table_rows.get(n, ""))
        lines.append(f"| {_header_cell(spec.title)} | `{spec.query}` | {count} |")
    lines += ["", CHECKS]
    return "\n".join(lines)


def table_row_counts(store=None) -> dict[int, int]:
    return {t.spec.number: len(t.rows) for t in build_tables("all", store)}


def catalogue_path(root: Path | None = None) -> Path:
    from tkiros.store.paths import project_root

    return (root or project_root()) / "docs" / "queries.md"
