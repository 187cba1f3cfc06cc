"""The review's Tables 1-4 rebuilt from the graph: golden Markdown, formats, escaping, and docs/queries.md.

Regenerate the goldens after a curation change with: pytest tests/test_tables.py --regen-goldens
(then read the diff: it is the change in the tables).
"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from tkiros.cli.views import tables_cmd
from tkiros.views.tables import (
    Column,
    Table,
    TableSpec,
    build_table,
    build_tables,
    catalogue_markdown,
    catalogue_path,
    format_cell,
    render_csv,
    render_html,
    render_md,
    table_row_counts,
    table_spec,
    table_specs,
)

GOLDEN = Path(__file__).resolve().parent / "golden"
TABLE_NUMBERS = sorted(table_specs())


def test_every_table_has_a_golden_file():
    assert sorted(p.name for p in GOLDEN.glob("table*.md")) == [f"table{n}.md" for n in TABLE_NUMBERS]


@pytest.mark.parametrize("number", TABLE_NUMBERS)
def test_table_matches_golden_markdown(number, graph, regen):
    golden = GOLDEN / f"table{number}.md"
    text = render_md([build_table(number, graph)])
    if regen:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"{golden.name} is missing: run pytest --regen-goldens and review it"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("number", TABLE_NUMBERS)
def test_every_row_carries_reference_numbers(number, graph):
    table = build_table(number, graph)
    column = table.headers.index("References")
    assert table.rows
    for row in table.rows:
        assert row[column].startswith("[") and row[column].endswith("]"), (
            f"table {number}: row {row[0]} has no references"
        )


def test_table_rows_answer_the_text(graph):
    """Spot checks against the review's sentences."""
    t2 = {(r[0], r[2], r[8]): r for r in build_table(2, graph).rows}
    assert (
        t2[("gefitinib", "glioma", "tkd:erbb-f06")][4] == "NOX2, NOX4"
        and t2[("gefitinib", "glioma", "tkd:erbb-f06")][7] == "[14]"
    )
    assert t2[("lenvatinib", "hepatocellular carcinoma", "tkd:fgfr-f04")][6] == "ferroptosis"
    assert t2[("nilotinib", "", "tkd:bcrabl-f22")][4] == "NOX4"  # through GSK3B and NOX4 [47]
    t3 = {(r[0], r[1]): r for r in build_table(3, graph).rows}
    assert t3[("entinostat", "neratinib")][5] == "[133]"  # cited only in the missing Table 3
    assert t3[("lapatinib", "obatoclax")][4] == "yes" and t3[("lapatinib", "obatoclax")][5] == "[71, 72]"
    t4 = {(r[0], r[1]): r for r in build_table(4, graph).rows}
    assert t4[("shikonin", "gefitinib")][6] == "[98, 145]"
    assert t4[("dihydroartemisinin", "osimertinib")][5] == "yes"
    t1 = {r[0]: r for r in build_table(1, graph).rows}
    assert t1["NRF2-KEAP1 pathway"][8].startswith("[19,") and "SOCS3" in t1["NRF2-KEAP1 pathway"][2]


def test_reference_cells_sort_numerically_and_lists_alphabetically():
    assert format_cell("125 | 124 | 9", "references") == "[9, 124, 125]"
    assert format_cell("xCT | GPX4 | apoptosis | GPX4", "list") == "apoptosis, GPX4, xCT"
    assert format_cell("", "references") == "" and format_cell("", "list") == ""


def _synthetic() -> Table:
    spec = TableSpec(9, "none", "Table <9> & co", 'a "note" <script>', (Column("a", "A <b>"), Column("b", "B|C")))
    return Table(spec, ["A <b>", "B|C"], [["x < y & z", "p | q"], ["<script>alert(1)</script>", '"quoted"']])


def test_html_is_escaped():
    out = render_html([_synthetic()])
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "x &lt; y &amp; z" in out and "Table &lt;9&gt; &amp; co" in out and "A &lt;b&gt;" in out


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.rows = 0, 0

    def handle_starttag(self, tag, attrs):
        self.tables += tag == "table"
        self.rows += tag == "tr"


def test_html_has_every_table_and_row(graph):
    tables = build_tables("all", graph)
    parser = _Cells()
    parser.feed(render_html(tables))
    assert parser.tables == 4
    assert parser.rows == sum(len(t.rows) + 1 for t in tables)


def test_markdown_escapes_pipes():
    out = render_md([_synthetic()])
    assert "| B\\|C |" in out and "p \\| q" in out


def test_csv_round_trips(graph):
    table = build_table(2, graph)
    rows = list(csv.reader(io.StringIO(render_csv([table]))))
    assert rows[0] == table.headers and rows[1:] == table.rows
    several = render_csv(build_tables("all", graph))
    assert several.count("Table ") >= 4 and several.startswith("Table 1.")


def test_cli_writes_a_table_file(tmp_path):
    out = tmp_path / "t3.csv"
    res = CliRunner().invoke(tables_cmd, ["--table", "3", "--format", "csv", "-o", str(out)])
    assert res.exit_code == 0 and res.output == ""
    assert out.read_text(encoding="utf-8").startswith("Agent,Combined with,")


def test_cli_rejects_an_unknown_table():
    res = CliRunner().invoke(tables_cmd, ["--table", "5"])
    assert res.exit_code == 2 and "5" in res.output


def test_catalogue_doc_is_generated_from_the_headers(graph, regen):
    """docs/queries.md is exactly what catalogue_markdown() writes from the query headers and tables."""
    text = catalogue_markdown(table_rows=table_row_counts(graph))
    path = catalogue_path()
    if regen:
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text


def test_catalogue_lists_every_query_and_parameter():
    from tkiros.query.queries import list_queries

    text = catalogue_markdown(table_rows={})
    for q in list_queries():
        assert f"## {q.name}\n" in text and q.question in text
        for p in q.params:
            assert f"`{p}`" in text
    for spec in table_specs().values():
        assert f"`{spec.query}`" in text.split("## The review's tables, rebuilt")[1]


def _query(tmp_path, header: str):
    from tkiros.query.queries import parse_header

    p = tmp_path / "tableX.rq"
    p.write_text(f"# title: t\n{header}\nSELECT ?a ?b WHERE {{ }}\n", encoding="utf-8")
    return parse_header(p, p.read_text(encoding="utf-8"))


def test_the_layout_is_read_from_the_query_header(tmp_path):
    spec = table_spec(
        _query(
            tmp_path,
            "# table: 7. A caption\n# note: first words\n#       and the rest\n"
            "# column: a | Alpha | list\n# column: b | Beta\n# order: query",
        )
    )
    assert spec == TableSpec(7, "tableX", "Table 7. A caption", "first words and the rest",
                             (Column("a", "Alpha", "list"), Column("b", "Beta")), sort_rows=False)  # fmt: skip
    assert table_spec(_query(tmp_path, "# column-like comment: a | b")) is None  # not a table


def test_every_table_query_declares_its_layout():
    from tkiros.query.queries import list_queries

    tables = [q for q in list_queries() if q.name.startswith("table")]
    assert len(tables) == len(table_specs()) == 4
    for q in tables:
        spec = table_spec(q)
        declared = [line for line in q.text.splitlines() if line.startswith("# column:")]
        assert len(spec.columns) == len(declared)
        assert all(f"?{c.variable}" in q.text for c in spec.columns)


@pytest.mark.parametrize(
    "header, message",
    [
        ("# table: seven. A caption\n# column: a | A", "tableX.rq:2: malformed table header"),
        ("# table: 7. A caption\n# column: a", "tableX.rq:3: malformed column header"),
        ("# table: 7. A caption\n# column: a | A | bold", "tableX.rq:3: malformed column header"),
        ("# table: 7. A caption\n# column: a | A\n# order: reversed", "tableX.rq:4: order 'reversed'"),
        ("# table: 7. A caption", "table 7 has no '# column:' header"),
        ("# column: a | A", "column headers without a '# table: N. Caption' header"),
    ],
)
def test_a_malformed_layout_is_a_one_line_error(tmp_path, header, message):
    from tkiros.errors import TkirosError

    with pytest.raises(TkirosError) as err:
        table_spec(_query(tmp_path, header))
    assert message in str(err.value) and "\n" not in str(err.value)
