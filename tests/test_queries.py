"""Every saved query has a header and expected rows beside it, and returns exactly those rows.

Regenerate the expected rows after a curation change with: pytest tests/test_queries.py --regen-goldens
(then read the diff: it is the change in answers).
"""

from __future__ import annotations

import csv
import re
import io
from pathlib import Path

import pytest

from tkiros.queries import list_queries, run_query

ROOT = Path(__file__).resolve().parent.parent
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
# Saved queries that need a parameter are run with the example value given here.
EXAMPLE_PARAMS = {"finding-evidence": {"finding": "tkd:erbb-f01"}}


def normalise(tsv_text: str) -> list[tuple[str, ...]]:
    """Rows as sorted tuples; GROUP_CONCAT cells (' | ') are sorted inside, since engines may order them differently."""
    rows = list(csv.reader(io.StringIO(tsv_text), delimiter="\t"))
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    norm = [tuple(" | ".join(sorted(c.split(" | "))) for c in row) for row in body]
    return [tuple(header)] + sorted(norm)


def test_every_query_file_is_a_case():
    assert len(QUERY_FILES) == len(list_queries()) >= 3


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_query_has_header(path):
    q = next(q for q in list_queries() if q.path == path)
    assert q.title and q.question and q.keywords, f"{path.name}: header needs title, question and keywords"
    for name, p in q.params.items():
        assert re.search(rf"SELECT[^{{]*\?{name}\b", q.text), f"{path.name}: parameter {name} must be a projected variable (SEP-0007 substitution)"
        if p.required:
            assert name in EXAMPLE_PARAMS.get(q.name, {}), f"{path.name}: give an example value for required {name}"


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_query_returns_expected_rows(path, graph, regen):
    expected = path.with_suffix(".expected.tsv")
    result = run_query(str(path), params=EXAMPLE_PARAMS.get(path.stem, {}), store=graph)
    actual = result.to("tsv")
    if regen:
        expected.write_text(actual, encoding="utf-8")
    assert expected.is_file(), f"{expected.name} is missing: run pytest --regen-goldens and review it"
    assert len(result.rows) > 0, f"{path.name} returns no rows on the curated data"
    assert normalise(actual) == normalise(expected.read_text(encoding="utf-8"))


def test_parameter_restricts_rows(graph):
    all_rows = run_query("tkis-raising-ros", store=graph).rows
    gef = run_query("tkis-raising-ros", params={"tki": "Gefitinib"}, store=graph).rows
    assert 0 < len(gef) < len(all_rows)
    assert {r[2].value for r in gef} == {"gefitinib"}
