"""The KGX column table (src/tkiros/release/kgx_columns.tsv): the export writes its columns in its order, lists
only where it says multivalued, refuses a value it does not describe; kgx_check reads cells by it; and each
Biolink column names its slot with the model's own cardinality."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tkiros.errors import TkirosError
from tkiros.release import kgx_export
from tkiros.release.kgx_check import biolink_toolkit, read_tsv
from tkiros.store.store import open_files

ROOT = Path(__file__).resolve().parent.parent
LEDGER = ROOT / "tests" / "fixtures" / "conflicts" / "ledger.ttl"


def table_rows() -> list[dict[str, str]]:
    """The column table as written, read here without the module's reader."""
    with open(ROOT / "src" / "tkiros" / "release" / "kgx_columns.tsv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))


@pytest.fixture(scope="module")
def triples():
    """A small graph with findings (one negative) on a drug and ROS: enough for every kind of KGX cell."""
    graph = open_files([LEDGER])
    return list(graph.quads_for_pattern(None, None, None))


@pytest.fixture
def columns_file(tmp_path, monkeypatch):
    """Point the export at an edited copy of the column table; the cached table is dropped before and after."""

    def use(old: str, new: str) -> None:
        text = kgx_export.KGX_COLUMNS.read_text(encoding="utf-8")
        assert old in text
        edited = tmp_path / "kgx_columns.tsv"
        edited.write_text(text.replace(old, new), encoding="utf-8")
        monkeypatch.setattr(kgx_export, "KGX_COLUMNS", edited)
        kgx_export.kgx_columns.cache_clear()

    yield use
    monkeypatch.undo()
    kgx_export.kgx_columns.cache_clear()


def test_the_table_lists_each_column_once_per_file():
    rows = table_rows()
    assert {r["file"] for r in rows} == {"nodes", "edges"}
    assert {r["multivalued"] for r in rows} == {"true", "false"}
    keys = [(r["file"], r["column"]) for r in rows]
    assert len(keys) == len(set(keys)) == len(rows)
    # kgx_check splits a cell by its column name alone, so a name in both files has one cardinality
    by_name: dict[str, set[str]] = {}
    for r in rows:
        by_name.setdefault(r["column"], set()).add(r["multivalued"])
    assert all(len(flags) == 1 for flags in by_name.values())


def test_biolink_columns_name_their_slot_with_the_models_cardinality():
    tk = biolink_toolkit()
    rows = table_rows()
    local = [r for r in rows if r["column"].startswith("tkiros_")]
    assert local and all(r["slot"] == "" for r in local)
    biolink = [r for r in rows if not r["column"].startswith("tkiros_")]
    assert len(biolink) + len(local) == len(rows)
    for r in biolink:
        assert r["slot"] == "biolink:" + r["column"], r  # KGX names a column after its slot
        element = tk.get_element(r["column"].replace("_", " "))
        assert element is not None, r
        assert bool(element.multivalued) == (r["multivalued"] == "true"), r


def test_the_export_writes_the_tables_columns_in_order(triples):
    rows = table_rows()
    nodes, edges = kgx_export.kgx_tables(triples, None)
    for table, data in (("nodes", nodes), ("edges", edges)):
        lines = data.decode("utf-8").rstrip("\n").split("\n")
        header = lines[0].split("\t")
        assert header == [r["column"] for r in rows if r["file"] == table]
        assert len(lines) > 2, table
        single = [header.index(r["column"]) for r in rows if r["file"] == table and r["multivalued"] == "false"]
        for line in lines[1:]:
            cells = line.split("\t")
            assert len(cells) == len(header)
            # the writer turns a '|' inside a value into '/': one here would be a list in a single-valued column
            assert not any("|" in cells[i] for i in single), line


def test_kgx_check_reads_lists_exactly_in_the_multivalued_columns(triples):
    multivalued = {r["column"] for r in table_rows() if r["multivalued"] == "true"}
    nodes, edges = kgx_export.kgx_tables(triples, None)
    seen = set()
    for data in (nodes, edges):
        for row in read_tsv(data.decode("utf-8")):
            for column, value in row.items():
                assert isinstance(value, list) == (column in multivalued), column
                seen.add(column)
    assert seen & multivalued and seen - multivalued


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("edges\ttkiros_finding\t\tfalse\n", "", "no column 'tkiros_finding', which the KGX export fills"),
        (
            "nodes\tcategory\tbiolink:category\ttrue\n",
            "nodes\tcategory\tbiolink:category\tfalse\n",
            "column 'category' is single-valued, but the KGX export gives it a list",
        ),
        (
            "edges\tnegated\tbiolink:negated\tfalse\n",
            "edges\tnegated\tbiolink:negated\ttrue\n",
            "column 'negated' is multivalued, but the KGX export gives it one value",
        ),
        ("nodes\tiri\tbiolink:iri\tfalse\n", "nodes\tiri\tbiolink:iri\tno\n", "multivalued true or false"),
    ],
    ids=["missing column", "list in a single-valued column", "one value in a multivalued column", "bad flag"],
)
def test_the_export_refuses_what_the_table_does_not_describe(triples, columns_file, old, new, message):
    columns_file(old, new)
    with pytest.raises(TkirosError, match=message) as err:
        kgx_export.kgx_tables(triples, None)
    assert err.value.message.startswith("kgx_columns.tsv: ") and "\n" not in err.value.message
