"""Every quote equals the seed text at its offsets (checked in Python, independently of SHACL)."""

from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TK = "https://w3id.org/tkiros/vocab/"
OA = "http://www.w3.org/ns/oa#"


def _seed_texts(graph):
    out = {}
    for row in graph.query(f"SELECT ?seed ?file WHERE {{ ?seed <{TK}fileName> ?file }}"):
        out[row["seed"].value] = (ROOT / "seeds" / row["file"].value).read_text(encoding="utf-8")
    return out


def test_every_quote_equals_seed_text(graph):
    texts = _seed_texts(graph)
    rows = list(
        graph.query(f"""SELECT ?span ?seed ?s ?e ?q WHERE {{
        ?span a <{TK}SeedSpan> ; <{TK}inSeed> ?seed ; <{OA}start> ?s ; <{OA}end> ?e ; <{OA}exact> ?q }}""")
    )
    assert rows, "no spans in the graph"
    bad = [
        r["span"].value for r in rows if texts[r["seed"].value][int(r["s"].value) : int(r["e"].value)] != r["q"].value
    ]
    assert not bad, f"{len(bad)} spans whose quote is not the seed text: {bad[:10]}"


def test_every_finding_has_a_span_in_a_known_seed(graph):
    rows = list(
        graph.query(f"""SELECT ?f WHERE {{ ?f a <{TK}Finding>
        FILTER NOT EXISTS {{ ?f <{TK}hasSpan>/<{TK}inSeed>/<{TK}fileName> ?file }} }}""")
    )
    assert not rows, [r["f"].value for r in rows][:10]


def test_seed_metadata_matches_files(graph):
    rows = list(
        graph.query(
            f"SELECT ?seed ?file ?sha ?n WHERE {{ ?seed <{TK}fileName> ?file ; <{TK}sha256> ?sha ; <{TK}characterCount> ?n }}"
        )
    )
    assert len(rows) == 2
    for r in rows:
        text = (ROOT / "seeds" / r["file"].value).read_text(encoding="utf-8")
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == r["sha"].value
        assert len(text) == int(r["n"].value)


def test_sections_start_at_their_heading(graph):
    texts = _seed_texts(graph)
    rows = list(
        graph.query(f"""SELECT ?sec ?seed ?label ?s ?e WHERE {{ ?sec a <{TK}Section> ; <{TK}inSeed> ?seed ;
        <http://www.w3.org/2000/01/rdf-schema#label> ?label ; <{TK}startOffset> ?s ; <{TK}endOffset> ?e }}""")
    )
    assert len(rows) > 20
    for r in rows:
        text, s, e = texts[r["seed"].value], int(r["s"].value), int(r["e"].value)
        assert 0 <= s < e <= len(text)
        first_line = text[s:e].split("\n", 1)[0]
        assert first_line == r["label"].value or r["sec"].value.split("sec-")[1].startswith("preprint"), (
            r["sec"].value,
            first_line,
        )


def test_findings_lie_within_their_section(graph):
    rows = list(
        graph.query(f"""SELECT ?f ?s ?e ?a ?b WHERE {{ ?f a <{TK}Finding> ; <{TK}inSection> ?sec ; <{TK}hasSpan> ?span .
        ?sec <{TK}startOffset> ?a ; <{TK}endOffset> ?b ; <{TK}inSeed> ?seed . ?span <{TK}inSeed> ?seed ; <{OA}start> ?s ; <{OA}end> ?e }}""")
    )
    outside = {
        r["f"].value
        for r in rows
        if not (int(r["a"].value) <= int(r["s"].value) and int(r["e"].value) <= int(r["b"].value))
    }
    # a finding may carry extra spans elsewhere (a heading, a summary); at least one span must lie inside
    inside = {
        r["f"].value for r in rows if int(r["a"].value) <= int(r["s"].value) and int(r["e"].value) <= int(r["b"].value)
    }
    assert not (outside - inside), sorted(outside - inside)[:10]
