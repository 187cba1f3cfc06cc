"""The QC report and the contradiction ledger, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import copy_project, invoke

ROOT = Path(__file__).resolve().parent.parent


def test_qc_passes_on_the_data():
    res = invoke(["qc", "--severity", "WARNING"])
    assert res.exit_code == 0, res.output
    assert "QC gate: passed" in res.output and "0 error(s)" in res.output


def test_qc_fails_with_exit_1_on_an_error(tmp_path, monkeypatch):
    home = copy_project(tmp_path / "home")
    (home / "instances" / "orphan.ttl").write_text(
        "@prefix tkiros: <https://w3id.org/tkiros/vocab/> . @prefix tkd: <https://w3id.org/tkiros/data/> .\n"
        "@prefix oa: <http://www.w3.org/ns/oa#> .\n"
        'tkd:orphan-s01 a tkiros:SeedSpan ; tkiros:inSeed tkd:seed-review ; oa:start 4776 ; oa:end 4801 ; oa:exact "Under gefitinib treatment" .\n'
    )
    monkeypatch.setenv("TKIROS_HOME", str(home))
    res = invoke(["qc", "--format", "json"])
    assert res.exit_code == 1
    rows = json.loads(res.output)
    assert [r["check"] for r in rows if r["severity"] == "ERROR"] == ["orphan-span-violation"]


def test_conflicts_lists_the_imatinib_and_gefitinib_ledgers():
    res = invoke(["conflicts", "--format", "json"])
    assert res.exit_code == 0
    groups = {(g["agent"], g["target"]): g for g in json.loads(res.output)}
    imatinib = groups[("imatinib", "reactive oxygen species")]
    directions = {f["direction"] for f in imatinib["findings"]}
    assert directions == {"increases", "decreases"}
    assert any("gastric cancer" in f["context"] for f in imatinib["findings"])
    gefitinib = groups[("gefitinib", "reactive oxygen species")]
    assert any("lowered ROS levels" in f["quote"] for f in gefitinib["findings"])
    for g in groups.values():
        for f in g["findings"]:
            assert "conflicting" in f["qualifiers"], f"{f['finding']} is in the ledger but not marked conflicting"


def test_the_ledger_explains_by_context_before_it_calls_a_conflict():
    from tkiros.checks.qc import conflicts
    from tkiros.store.store import open_files

    [group] = conflicts(open_files([ROOT / "tests" / "fixtures" / "conflicts" / "ledger.ttl"]))
    local = lambda iri: iri.rsplit("/", 1)[-1]  # noqa: E731
    pairs = {
        local(other): p
        for p in group["pairs"]
        for one, other in (p["findings"], p["findings"][::-1])
        if local(one) == "fx-c1"
    }
    assert len(group["pairs"]) == 7 and set(pairs) == {f"fx-c{i}" for i in range(2, 9)}
    reasons = {f: " ; ".join(p["explained_by"]) for f, p in pairs.items()}

    def sides(reason):  # "cell state: X vs Y" -> ("cell state", {X, Y}), whichever finding the ledger lists first
        head, _, rest = reason.partition(": ")
        return head, set(rest.split(" vs "))

    assert sides(reasons["fx-c2"]) == ("cell state", {"drug-sensitive", "drug-resistant"})
    assert sides(reasons["fx-c3"]) == ("cancer type", {"fixture lung cancer", "fixture glioma"})
    assert reasons["fx-c5"] == "negation: tkd:fx-c5 is a negative finding"
    assert reasons["fx-c6"] == "recorded: tkd:fx-c6 refutes tkd:fx-c1"
    assert sides(reasons["fx-c7"]) == ("study system", {"in vitro", "in vivo"})
    assert sides(reasons["fx-c8"]) == ("co-treatment", {"none", "fixture co-drug"})
    assert [f for f, p in pairs.items() if p["conflict"]] == ["fx-c4"] and group["conflicts"] == 1


def test_conflicts_text_separates_explained_pairs_from_conflicts():
    res = invoke(["conflicts"])
    assert res.exit_code == 0
    assert "explained tkd:bcrabl-f07 / tkd:bcrabl-f10: cancer type:" in res.output
    assert "unexplained pair(s) are conflicts)" in res.output
