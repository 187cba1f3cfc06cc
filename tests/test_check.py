"""`tkiros check`: the curator's fast loop catches each kind of mistake, and passes on the data."""

from __future__ import annotations

import re

from cli_helpers import ROOT, copy_project, invoke

FIXTURES = ROOT / "tests" / "fixtures" / "invalid"


def test_check_passes_on_the_data():
    res = invoke(["check"])
    assert res.exit_code == 0, res.output
    for step in ("parse", "spans", "shapes", "qc", "duplicates"):
        assert any(line.startswith(step) and " ok " in line for line in res.output.splitlines()), (step, res.output)
    assert "check passed in" in res.output


def _broken(tmp_path, monkeypatch, edit):
    home = copy_project(tmp_path / "home")
    edit(home)
    monkeypatch.setenv("TKIROS_HOME", str(home))
    return invoke(["check"])


def test_check_names_the_typo_in_a_direction(tmp_path, monkeypatch):
    def typo(home):
        f = home / "instances" / "erbb-inhibitors.ttl"
        f.write_text(
            f.read_text().replace("tkiros:hasDirection tkiros:increase", "tkiros:hasDirection tkiros:increse", 1)
        )

    res = _broken(tmp_path, monkeypatch, typo)
    assert res.exit_code == 1
    assert (
        "shapes      FAILED" in res.output and "tkiros:increse" in res.output and "check FAILED: shapes" in res.output
    )
    assert "WARNING" not in res.output  # only what fails is listed


def test_check_catches_a_restated_finding(tmp_path, monkeypatch):
    def restate(home):
        (home / "instances" / "zz-copy.ttl").write_text((FIXTURES / "duplicate-finding-violation.ttl").read_text())

    res = _broken(tmp_path, monkeypatch, restate)
    assert res.exit_code == 1
    assert "duplicates  FAILED" in res.output and "tkd:fx-f04  restates tkd:fx-f01" in res.output


def test_check_catches_a_quote_that_drifted(tmp_path, monkeypatch):
    def drift(home):
        f = home / "instances" / "erbb-inhibitors.ttl"
        text = f.read_text()
        assert "show a rise in ROS levels" in text
        f.write_text(text.replace("show a rise in ROS levels", "show a rise in ROS level", 1))

    res = _broken(tmp_path, monkeypatch, drift)
    assert res.exit_code == 1
    assert "spans       FAILED" in res.output and "quote differs from the seed text" in res.output


def test_check_reports_malformed_turtle_in_one_line(tmp_path, monkeypatch):
    res = _broken(tmp_path, monkeypatch, lambda home: (home / "instances" / "typo.ttl").write_text("tkd:a tkd:b"))
    assert res.exit_code == 2 and "instances/typo.ttl:" in res.output and "Traceback" not in res.output


def test_qc_prints_curies_throughout():
    for fmt in ("text", "tsv"):
        res = invoke(["qc", "--format", fmt])
        assert "opposite: tkd:" in res.output, fmt  # the detail's IRIs, not only the subjects
        assert "https://w3id.org/" not in res.output, fmt


def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, re.M | re.S)
    assert m, title
    return m.group(1)


def test_readme_sends_curators_to_the_fast_check():
    """Quick start and "How to add a finding" name `tkiros check`; no step of the latter runs the whole suite."""
    assert "tkiros check" in _readme_section("Quick start")
    how = _readme_section("How to add a finding")
    assert "tkiros check" in how
    assert not re.search(r"pytest\s*`", how)  # every pytest there names the test files to run


def test_readme_documents_where_data_and_cache_come_from():
    quick = _readme_section("Quick start")
    for name in ("TKIROS_HOME", "TKIROS_CACHE", "tkiros --version", "tkiros stats"):
        assert name in quick, name


def test_validate_names_the_bad_value(tmp_path, monkeypatch):
    home = copy_project(tmp_path / "home")
    f = home / "instances" / "erbb-inhibitors.ttl"
    f.write_text(f.read_text().replace("tkiros:hasDirection tkiros:increase", "tkiros:hasDirection tkiros:increse", 1))
    monkeypatch.setenv("TKIROS_HOME", str(home))
    res = invoke(["validate"])
    assert res.exit_code == 1
    assert "VIOLATION: tkd:" in res.output and "(got tkiros:hasDirection: tkiros:increse)" in res.output


def test_a_clean_check_is_reused_until_something_checked_changes(tmp_path, monkeypatch):
    """The last clean run is remembered by the digest of what it checked: an unchanged project answers
    from it, and an edit that adds a violation (in the data or in shapes/) is caught on the next run."""
    home = copy_project(tmp_path / "home")
    monkeypatch.setenv("TKIROS_HOME", str(home))
    first = invoke(["check"])
    assert first.exit_code == 0 and "as in the last clean check" not in first.output, first.output
    again = invoke(["check"])
    assert again.exit_code == 0, again.output
    for step in ("spans", "shapes", "qc", "duplicates"):
        line = next(ln for ln in again.output.splitlines() if ln.startswith(step))
        assert " ok " in line and "as in the last clean check" in line, again.output
    f = home / "instances" / "erbb-inhibitors.ttl"
    f.write_text(f.read_text().replace("tkiros:hasDirection tkiros:increase", "tkiros:hasDirection tkiros:increse", 1))
    edited = invoke(["check"])
    assert edited.exit_code == 1 and "tkiros:increse" in edited.output, edited.output
    assert "as in the last clean check" not in edited.output
    # a failed run is never remembered; undoing the edit restores the content of the clean run, reused as such
    f.write_text(f.read_text().replace("tkiros:increse", "tkiros:increase", 1))
    assert "as in the last clean check" in invoke(["check"]).output  # the first clean run's record still holds
    (home / "shapes" / "checks" / "every-finding-violation.rq").write_text(
        "# title: every finding is flagged\n# why: a new check must run even when the data did not change\n"
        "SELECT ?subject ?detail WHERE { ?subject a <https://w3id.org/tkiros/vocab/Finding> BIND('new' AS ?detail) }\n"
    )
    new_check = invoke(["check"])
    assert new_check.exit_code == 1 and "every-finding-violation" in new_check.output, new_check.output
