"""Curation coverage floors: citing sentences back findings; every reference is cited or explained."""

from __future__ import annotations

from tkiros.checks.coverage import coverage, expand_citation, split_sentences


def test_citation_ranges_expand():
    assert expand_citation("25,26,27") == [25, 26, 27]
    assert expand_citation("93–95") == [93, 94, 95]
    assert expand_citation("16, 17") == [16, 17]


def test_sentence_splitting_keeps_offsets():
    text = "First claim holds [1]. Second, et al. style, stays whole. Third."
    sents = list(split_sentences(text, 100))
    assert [s for _, _, s in sents] == ["First claim holds [1].", "Second, et al. style, stays whole.", "Third."]
    for start, end, s in sents:
        assert text[start - 100 : end - 100] == s


def test_coverage_floor(graph):
    rep = coverage(graph)
    assert len(rep.citing_sentences) > 100
    assert rep.citing_backed_share >= 0.95, rep.text()
    assert rep.reference_share >= 0.95, rep.text()


def test_every_reference_is_cited_or_explained(graph):
    rep = coverage(graph)
    assert rep.reference_count == 157
    assert rep.unaccounted_references == [], rep.unaccounted_references


def test_coverage_detects_an_unbacked_sentence(tmp_path):
    """The floor can fail: with one topic file removed, its citing sentences show up unbacked."""
    from pathlib import Path

    from tkiros.store.store import open_files

    root = Path(__file__).resolve().parent.parent
    keep = [p for p in sorted((root / "instances").glob("*.ttl")) if p.name != "erbb-inhibitors.ttl"]
    rep = coverage(open_files(keep))
    erbb = next(s for s in rep.sections if s.section == "erbb-inhibitors")
    assert len(erbb.unbacked) >= 10
    assert rep.citing_backed_share < 0.95
