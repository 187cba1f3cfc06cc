"""Every saved query gives the same rows on the embedded Oxigraph store and on rdflib (plain SPARQL 1.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tkiros.query.queries import run_query

ROOT = Path(__file__).resolve().parent.parent
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))


def normalised(result) -> list[tuple]:
    """Rows as sorted tuples of strings; GROUP_CONCAT cells (' | ') sorted inside, as engines order them freely."""
    rows = []
    for row in result.rows:
        rows.append(tuple(" | ".join(sorted(t.value.split(" | "))) if t is not None else "" for t in row))
    return sorted(rows)


def params_for(path: Path) -> dict:
    from test_queries import EXAMPLE_PARAMS

    return EXAMPLE_PARAMS.get(path.stem, {})


def test_every_query_file_is_a_case():
    assert len(QUERY_FILES) >= 3


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_same_rows_on_oxigraph_and_rdflib(path, graph):
    ox_result = run_query(str(path), params=params_for(path), store=graph)
    rdf_result = run_query(str(path), params=params_for(path), store=graph, engine="rdflib")
    assert ox_result.variables == rdf_result.variables
    assert normalised(ox_result) == normalised(rdf_result)


def test_rdflib_runs_unpatched():
    """The rows above come from the rdflib a user installs: tkiros patches none of its SPARQL code."""
    import rdflib.plugins.sparql.aggregates as aggregates

    import tkiros.query.engines.naive  # noqa: F401

    assert aggregates.Accumulator.use_row.__module__ == "rdflib.plugins.sparql.aggregates"
    assert not getattr(aggregates.Accumulator.use_row, "_tkiros_patched", False)
