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


def context_rows() -> list[dict[str, str]]:
    """src/tkiros/checks/conflict_contexts.tsv as written, read here without the module's reader."""
    import csv

    with open(ROOT / "src" / "tkiros" / "checks" / "conflict_contexts.tsv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))


def test_every_context_of_the_contexts_file_explains_a_pair(tmp_path):
    """For each context of the file, a drug whose two opposite findings name different values of it, and one
    whose second finding names none: the first pair is explained by that context alone (so the ledger's query
    fetches the property), the second only when the file says one side is enough."""
    from tkiros.checks.qc import conflicts
    from tkiros.store.store import open_files

    rows = context_rows()
    assert rows and {r["one_side"] for r in rows} <= {"true", "false"}
    lines = [
        "@prefix tkiros: <https://w3id.org/tkiros/vocab/> .",
        "@prefix tkd: <https://w3id.org/tkiros/data/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        'tkd:fx-ros a tkiros:ReactiveOxygenSpecies ; rdfs:label "fixture ROS" .',
        'tkd:fx-va rdfs:label "value a" .',
        'tkd:fx-vb rdfs:label "value b" .',
    ]
    for i, r in enumerate(rows):
        for case, second in (("both", " ; tkiros:%s tkd:fx-vb" % r["property"]), ("one", "")):
            drug = f"tkd:fx-{case}-{i}"
            lines += [
                f'{drug} a tkiros:SmallMoleculeTKI ; rdfs:label "{case} {i}" .',
                f"{drug}-up tkiros:hasAgent {drug} ; tkiros:hasTarget tkd:fx-ros ; tkiros:hasDirection tkiros:increase"
                f" ; tkiros:{r['property']} tkd:fx-va .",
                f"{drug}-down tkiros:hasAgent {drug} ; tkiros:hasTarget tkd:fx-ros ;"
                f" tkiros:hasDirection tkiros:decrease{second} .",
            ]
    ttl = tmp_path / "contexts.ttl"
    ttl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    groups = {g["agent"]: g for g in conflicts(open_files([ttl]))}
    assert len(groups) == 2 * len(rows)
    for i, r in enumerate(rows):
        [both] = groups[f"both {i}"]["pairs"]
        assert len(both["explained_by"]) == 1, r
        head, _, sides = both["explained_by"][0].partition(": ")
        assert head == r["label"] and set(sides.split(" vs ")) == {"value a", "value b"}, r
        [one] = groups[f"one {i}"]["pairs"]
        if r["one_side"] == "true":
            assert [e.partition(": ")[0] for e in one["explained_by"]] == [r["label"]] and not one["conflict"], r
        else:
            assert one["explained_by"] == [] and one["conflict"], r
