"""Evidence you can read: the finding card, whole quotes, bare finding names, subtypes in parameters."""

from __future__ import annotations

import json

from cli_helpers import ROOT, invoke

SEED = (ROOT / "seeds").glob("*.txt")


def test_show_a_finding_prints_its_evidence_card():
    res = invoke(["show", "tkd:nrf2-f35"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert out.startswith("tkd:nrf2-f35  dihydroartemisinin with osimertinib reverses osimertinib resistance of NSCLC")
    assert (
        "dihydroartemisinin + osimertinib → reverses resistance (via HO-1, reactive oxygen species) → osimertinib"
        in out
    )
    assert "cancer: non-small cell lung cancer" in out and "resistant to: osimertinib" in out
    assert "characters 20910-21167" in out
    assert "[86] Cai X, Miao J" in out
    assert "0 findings" not in out


def test_the_card_quote_is_the_seed_text_at_its_offsets():
    res = invoke(["show", "nrf2-f35", "--format", "json"])  # the bare local name works too
    card = json.loads(res.output)
    seeds = {p.read_text(encoding="utf-8") for p in SEED}
    for span in card["spans"]:
        assert any(text[span["start"] : span["end"]] == span["quote"] for text in seeds)
    assert [r["number"] for r in card["references"]] == [86]


def test_a_card_shows_its_erratum_note():
    # any finding with an erratum note: the card carries the note word for word
    from tkiros.store.store import open_store

    raw = open_store().store
    row = next(
        iter(raw.query("SELECT ?f ?n WHERE { ?f <https://w3id.org/tkiros/vocab/erratumNote> ?n } ORDER BY ?f LIMIT 1"))
    )
    res = invoke(["show", row["f"].value])
    assert f"erratum: {row['n'].value}" in res.output


def test_finding_evidence_keeps_the_whole_quote_and_takes_a_bare_name():
    res = invoke(["query", "finding-evidence", "--param", "finding=nrf2-f35"])
    assert res.exit_code == 0, res.output
    assert "reverse the resistance of NSCLC to osimertinib [86]." in res.output
    assert invoke(["query", "finding-evidence", "--param", "finding=no-such-f99"]).exit_code == 2


def _findings(args):
    res = invoke(["query", "findings-in-cancer", "--format", "json", *args])
    assert res.exit_code == 0, res.output
    return {b["finding"]["value"] for b in json.loads(res.output)["results"]["bindings"]}


def test_cancer_parameter_includes_subtypes_unless_exact():
    lung = _findings(["--param", "cancer=lung cancer"])
    exact = _findings(["--param", "cancer==lung cancer"])
    nsclc = _findings(["--param", "cancer=NSCLC"])
    assert nsclc and nsclc <= lung  # the NSCLC findings are lung-cancer findings
    assert exact < lung and not (nsclc - exact) <= exact


def test_subtypes_follow_the_imported_hierarchy_and_derived_cell_lines():
    import pyoxigraph as ox

    from tkiros.query.queries import subtypes_of
    from tkiros.store.store import open_store

    raw = open_store().store
    tkd = "https://w3id.org/tkiros/data/"
    subs = lambda x: {n.value.rsplit("/", 1)[1] for n in subtypes_of(raw, ox.NamedNode(tkd + x))}  # noqa: E731
    assert {"nsclc", "sclc", "lung-adenocarcinoma"} <= subs("lung-cancer")  # MONDO/DOID is_a
    assert "cl-k562-g01" in subs("cl-k562")  # derivedFromCellLine
    assert "apoptosis" in subs("cell-death")  # GO is_a
    assert subs("cl-k562-g01") == set()


def test_cell_line_parameter_includes_derived_lines_unless_exact():
    def lines(value):
        res = invoke(["query", "findings-in-cell-line", "--param", f"cellLine={value}", "--format", "json"])
        return {b["cellLine"]["value"].rsplit("/", 1)[1] for b in json.loads(res.output)["results"]["bindings"]}

    assert lines("K562") == {"cl-k562", "cl-k562-g01"}
    assert lines("=K562") == {"cl-k562"}


def test_a_card_shows_its_qualifiers():
    from tkiros.store.store import open_store

    raw = open_store().store
    row = next(
        iter(
            raw.query("""SELECT ?f (SAMPLE(?l) AS ?label) WHERE {
        ?f <https://w3id.org/tkiros/vocab/hasQualifier> ?q . ?q <http://www.w3.org/2000/01/rdf-schema#label> ?l }
        GROUP BY ?f ORDER BY ?f LIMIT 1""")
        )
    )
    res = invoke(["show", row["f"].value])
    line = next(x for x in res.output.splitlines() if x.startswith("  qualifier: "))
    assert row["label"].value in line
