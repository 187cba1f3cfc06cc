"""The command line, through click's CliRunner: output, formats, exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli_helpers import copy_project, invoke
from tkiros.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def test_help_has_examples_for_every_command():
    runner = CliRunner()
    for name in cli.list_commands(None):
        res = runner.invoke(cli, [name, "--help"])
        assert res.exit_code == 0, name
        assert "Example" in res.output and f"tkiros {name}" in res.output, f"{name} --help lacks a runnable example"


def test_queries_lists_titles():
    res = invoke(["queries"])
    assert res.exit_code == 0
    assert "tkis-raising-ros" in res.output and "TKIs that raise ROS" in res.output


def test_queries_json():
    res = invoke(["queries", "--format", "json"])
    data = json.loads(res.output)
    assert {q["name"] for q in data} >= {"tkis-raising-ros", "resistance-mechanisms", "resensitizing-agents"}


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "md"])
def test_query_formats(fmt):
    res = invoke(["query", "tkis-raising-ros", "--param", "tki=osimertinib", "--format", fmt])
    assert res.exit_code == 0, res.output
    assert "osimertinib" in res.output
    if fmt == "json":
        data = json.loads(res.output)
        assert data["head"]["vars"][0] == "finding" and data["results"]["bindings"]


def test_query_by_file_path():
    res = invoke(["query", str(ROOT / "queries" / "tkis-raising-ros.rq"), "-f", "csv"])
    assert res.exit_code == 0
    assert res.output.startswith("finding,tki,tkiLabel")


def test_query_output_file_is_written(tmp_path):
    out = tmp_path / "rows.tsv"
    res = invoke(["query", "resistance-mechanisms", "-f", "tsv", "-o", str(out)])
    assert res.exit_code == 0 and res.output == ""
    assert out.read_text().startswith("finding\ttki\tmechanism\tmechanismLabel")


def test_unknown_query_suggests_close_names():
    res = invoke(["query", "tkis-raising-rso"])
    assert res.exit_code == 2
    assert "did you mean tkis-raising-ros" in res.output
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1


def test_unknown_parameter_is_an_error():
    res = invoke(["query", "tkis-raising-ros", "--param", "drug=imatinib"])
    assert res.exit_code == 2 and "--param drug" in res.output and "no such parameter" in res.output


def test_unknown_entity_value_is_an_error():
    res = invoke(["query", "tkis-raising-ros", "--param", "tki=notadrug"])
    assert res.exit_code == 2 and "no entity has this label" in res.output


def test_missing_required_parameter():
    res = invoke(["query", "finding-evidence"])
    assert res.exit_code == 2 and "required" in res.output


def test_sparql_syntax_error_names_file(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE { ?x ?y }")
    res = invoke(["query", str(bad)])
    assert res.exit_code == 2 and "bad.rq" in res.output and "syntax error" in res.output


def test_update_is_refused(tmp_path):
    upd = tmp_path / "drop.rq"
    upd.write_text("DROP ALL")
    res = invoke(["query", str(upd)])
    assert res.exit_code == 2 and "read-only" in res.output


def test_validate_conforms():
    res = invoke(["validate"])
    assert res.exit_code == 0, res.output
    assert "Conforms" in res.output


def test_validate_json_format():
    res = invoke(["validate", "--format", "json"])
    assert json.loads(res.output)["conforms"] is True


def test_validate_broken_data_exits_1(tmp_path, monkeypatch):
    home = copy_project(tmp_path / "home")
    (home / "instances" / "broken.ttl").write_text(
        (ROOT / "tests" / "fixtures" / "invalid" / "finding-direction.ttl").read_text()
    )
    monkeypatch.setenv("TKIROS_HOME", str(home))
    res = invoke(["validate"])
    assert res.exit_code == 1
    assert "finding-direction" in res.output and "Does not conform" in res.output


def test_malformed_turtle_exits_2_with_file_line(tmp_path, monkeypatch):
    home = copy_project(tmp_path / "home")
    (home / "instances" / "typo.ttl").write_text(
        "@prefix tkd: <https://w3id.org/tkiros/data/> .\ntkd:a tkd:b tkd:c ;\n"
    )
    monkeypatch.setenv("TKIROS_HOME", str(home))
    for args in (["validate"], ["query", "tkis-raising-ros"], ["stats"]):
        res = invoke(args)
        assert res.exit_code == 2, args
        assert "instances/typo.ttl:" in res.output and "malformed Turtle" in res.output
        assert "Traceback" not in res.output


def test_stats_counts():
    res = invoke(["stats", "--format", "json"])
    counts = json.loads(res.output)
    assert counts["findings"] > 0 and counts["triples"] > counts["findings"] and counts["classes"] > 50


def test_span_prints_offsets():
    res = invoke(["span", "review", "x-s01", "Under gefitinib treatment"])
    assert res.exit_code == 0
    assert "oa:start 4776" in res.output and "oa:end 4801" in res.output


def test_span_missing_quote_is_an_error():
    res = invoke(["span", "review", "x-s01", "no such words in the review"])
    assert res.exit_code == 2 and "quote not found" in res.output
