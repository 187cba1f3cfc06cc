"""tkiros ingest and the curator loop: offsets, grounding, flags, citations, bad input, accept/reject."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from cli_helpers import ROOT, copy_project, invoke
from tkiros.ingest.candidates import read_candidates
from tkiros.ingest.commands import ingest_document
from tkiros.ingest.grounding import build_dictionary, mentions
from tkiros.ingest.sentences import Piece, citations, reference_list, sentences

FIX = ROOT / "tests" / "fixtures" / "ingest"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
PREPRINT = ROOT / "seeds" / "002_173859a5a6e9b201.txt"
TKD = "https://w3id.org/tkiros/data/"


@pytest.fixture(scope="module")
def dictionary():
    return build_dictionary(ROOT)


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_every_sentence_and_candidate_quote_equals_the_text_at_its_offsets(seed, dictionary):
    text = seed.read_text(encoding="utf-8")
    sents = sentences(text)
    assert len(sents) > 10
    assert all(text[s.start : s.end] == s.text for s in sents)
    res = ingest_document(seed, root=ROOT, d=dictionary)
    assert res.candidates
    assert all(text[c.start : c.end] == c.quote for c in res.candidates)


def test_candidates_file_round_trips_with_exact_quotes(tmp_path, dictionary):
    out = tmp_path / "c.ttl"
    r = invoke(["ingest", str(PREPRINT), "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = PREPRINT.read_text(encoding="utf-8")
    stored = read_candidates(out)
    assert stored
    for s in stored:
        assert text[int(s.one("start")) : int(s.one("end"))] == s.one("exact")
        assert s.one("hasEvidenceType") == "http://purl.obolibrary.org/obo/ECO_0007669"
        assert 0 < s.confidence <= 1
        assert s.one("inSeed") == TKD + "seed-preprint"
    g = ox.Store()
    g.load(path=str(out), format=ox.RdfFormat.TURTLE)
    assert bool(
        g.query(
            "ASK { ?a a <http://www.w3.org/ns/prov#SoftwareAgent> ; <http://www.w3.org/2000/01/rdf-schema#label> ?v }"
        )
    )


def test_ingest_is_deterministic(tmp_path):
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    for out in (a, b):
        assert invoke(["ingest", str(PREPRINT), "-o", str(out)]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_preprint_title_grounds_to_curated_entities(dictionary):
    text = PREPRINT.read_text(encoding="utf-8")
    found = {m.iri for m in mentions(dictionary, text, 0, 133)}
    assert {TKD + "nrf2-trxr-axis-inhibition", TKD + "cml", TKD + "cl-k562-g01", TKD + "imatinib"} <= found


def test_short_capital_names_match_case():
    d = build_dictionary(ROOT)
    text = "ROS and the rose; Ros"
    assert [m.text for m in mentions(d, text, 0, len(text))] == ["ROS"]


def test_citation_markers_expand_ranges():
    s = Piece(0, 40, "as shown [12, 14–16] and [3-4] here")
    assert citations(s) == [12, 14, 15, 16, 3, 4]


def test_review_reference_list_matches_curated_reference_spans():
    text = (ROOT / "seeds" / "000_d5f8ed2bf1a7bc40.txt").read_text(encoding="utf-8")
    head, refs = reference_list(text)
    curated = ox.Store()
    curated.load(path=str(ROOT / "instances" / "references.ttl"), format=ox.RdfFormat.TURTLE)
    rows = list(
        curated.query("""SELECT ?n ?s ?e WHERE { ?r <https://w3id.org/tkiros/vocab/referenceNumber> ?n ;
        <https://w3id.org/tkiros/vocab/hasSpan> ?sp . ?sp <http://www.w3.org/ns/oa#start> ?s ; <http://www.w3.org/ns/oa#end> ?e }""")
    )
    assert len(refs) == len(rows) == 157
    for r in rows:
        ref = refs[int(r["n"].value) - 1]
        assert (ref.start, ref.end) == (int(r["s"].value), int(r["e"].value))


def test_review_candidates_cite_the_review_references(dictionary):
    res = ingest_document(ROOT / "seeds" / "000_d5f8ed2bf1a7bc40.txt", root=ROOT, d=dictionary)
    cited = [c for c in res.candidates if c.citations]
    assert cited and all(n in res.info.refs for c in cited for n in c.citations)
    assert res.info.refs[14] == TKD + "ref-014"


def test_negation_and_hedging_are_flagged_not_dropped(tmp_path):
    out = tmp_path / "f.ttl"
    assert invoke(["ingest", str(FIX / "flags.txt"), "-o", str(out)]).exit_code == 0
    by_agent = {(s.one("hasAgent"), s.one("hasDirection").rsplit("/", 1)[-1]): s for s in read_candidates(out)}
    neg = by_agent[(TKD + "gefitinib", "increase")]
    assert neg.one("negated") == "true" and neg.one("hasTarget") == TKD + "ros"
    hedged = by_agent[(TKD + "erlotinib", "induction")]
    assert hedged.one("hasQualifier") == "https://w3id.org/tkiros/vocab/uncertain" and hedged.one("negated") is None
    assert by_agent[(TKD + "erlotinib", "increase")].one("negated") is None  # "not only ... but also" is no negation
    assert hedged.values["citationNumber"] == ["1", "2"]


@pytest.mark.parametrize(
    "name,message",
    [
        ("binary.txt", "a binary file"),
        ("empty.txt", "the document is empty"),
        ("latin1.txt", "not UTF-8"),
        ("bad-references.txt", "reference list: cannot parse"),
        ("missing.txt", "cannot read"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, name, message):
    out = tmp_path / "c.ttl"
    before = _tree_digest(ROOT / "instances")
    r = invoke(["ingest", str(FIX / name), "-o", str(out)])
    assert r.exit_code == 2
    assert message in r.output and r.output.count("\n") == 1 and "Traceback" not in r.output
    assert not out.exists() and _tree_digest(ROOT / "instances") == before


def test_bad_input_fixtures_are_all_tested():
    tested = {"binary.txt", "empty.txt", "latin1.txt", "bad-references.txt"}
    assert {p.name for p in FIX.glob("*.txt")} - {"flags.txt", "new-seed.txt"} == tested


@pytest.fixture()
def project(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "proj")
    monkeypatch.setenv("TKIROS_HOME", str(root))
    monkeypatch.setenv("TKIROS_CURATOR", "Test Curator")
    monkeypatch.setenv("TKIROS_NOW", "2026-01-02T03:04:05Z")
    return root


def test_accept_writes_a_finding_that_validates_and_reject_records_why(project):
    cands = project / "cands.ttl"
    before = _tree_digest(project / "instances")
    assert invoke(["ingest", str(project / "seeds" / PREPRINT.name), "-o", str(cands)]).exit_code == 0
    assert _tree_digest(project / "instances") == before  # ingest never touches instances/
    stored = read_candidates(cands)
    knock = next(
        s for s in stored if s.one("hasAgent") == TKD + "nfe2l2-knockdown" and s.one("hasTarget") == TKD + "ros"
    )
    r = invoke(["accept", knock.id, "--file", str(cands)])
    assert r.exit_code == 0, r.output
    fid = re.search(r"tkd:(\S+)", r.output).group(1)
    target = (project / "instances" / "preprint-nrf2-trxr.ttl").read_text(encoding="utf-8")
    assert f"tkd:{fid} a tkiros:Finding" in target and '"Test Curator"' in target and "2026-01-02T03:04:05Z" in target
    assert f"<{knock.iri}>" in target  # the candidate kept as provenance
    assert invoke(["validate"]).exit_code == 0
    assert "accepted" in next(s for s in read_candidates(cands) if s.iri == knock.iri).values["status"]
    again = invoke(["accept", knock.id, "--file", str(cands)])
    assert again.exit_code == 2 and "already accepted" in again.output
    other = next(s for s in stored if s.iri != knock.iri)
    before = _tree_digest(project / "instances")
    r = invoke(["reject", other.id, "--why", "imatinib is the setting, not the target", "--file", str(cands)])
    assert r.exit_code == 0
    rec = next(s for s in read_candidates(cands) if s.iri == other.iri)
    assert (
        rec.values["rejectionReason"] == ["imatinib is the setting, not the target"]
        and "rejected" in rec.values["status"]
    )
    assert _tree_digest(project / "instances") == before


def test_accept_refuses_a_finding_the_shapes_reject_and_changes_nothing(project):
    cands = project / "cands.ttl"
    assert invoke(["ingest", str(project / "seeds" / PREPRINT.name), "-o", str(cands)]).exit_code == 0
    cid = read_candidates(cands)[0].id
    before = _tree_digest(project / "instances")
    r = invoke(["accept", cid, "--file", str(cands), "--edit", "agent=tkd:no-such-entity"])
    assert r.exit_code == 2 and "finding-agent" in r.output and r.output.count("\n") == 1
    assert _tree_digest(project / "instances") == before
    r = invoke(["accept", cid, "--file", str(cands), "--edit", "colour=blue"])
    assert r.exit_code == 2 and "--edit" in r.output


def test_candidates_lists_and_filters(project):
    cands = project / "candidates"
    assert invoke(["ingest", str(project / "seeds" / PREPRINT.name)]).exit_code == 0
    assert (cands / "002_173859a5a6e9b201.ttl").is_file()
    all_rows = invoke(["candidates"]).output.strip().splitlines()
    nrf2 = invoke(["candidates", "--entity", "Nrf2"]).output.strip().splitlines()
    high = invoke(["candidates", "--min-confidence", "0.75"]).output.strip().splitlines()
    assert 0 < len(nrf2) < len(all_rows) - 1 and all("tkd:nfe2l2" in row for row in nrf2[:-1])
    assert all(float(row.split("\t")[1]) >= 0.75 for row in high[:-1])
    assert invoke(["candidates", "--entity", "no-such-thing"]).exit_code == 2


def test_a_new_seed_gets_its_metadata_skeleton(project):
    doc = project / "seeds" / "new-seed.txt"
    doc.write_text((FIX / "flags.txt").read_text(encoding="utf-8"), encoding="utf-8")
    r = invoke(["ingest", str(doc), "-o", str(project / "c.ttl")])
    assert r.exit_code == 0, r.output
    meta = project / "seeds" / "new-seed.meta.ttl"
    g = ox.Store()
    g.load(path=str(meta), format=ox.RdfFormat.TURTLE)
    text = doc.read_text(encoding="utf-8")
    TK = "https://w3id.org/tkiros/vocab/"
    row = list(g.query(f"SELECT ?n ?h WHERE {{ ?s <{TK}characterCount> ?n ; <{TK}sha256> ?h }}"))[0]
    assert int(row["n"].value) == len(text) and row["h"].value == hashlib.sha256(text.encode()).hexdigest()
    secs = list(
        g.query(
            f"SELECT ?l ?s ?e WHERE {{ ?x <{TK}startOffset> ?s ; <{TK}endOffset> ?e ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }} ORDER BY ?s"
        )
    )
    assert [r["l"].value for r in secs] == ["Front matter", "Results", "References"]
    spans = list(
        g.query(
            "SELECT ?s ?e ?q WHERE { ?x <http://www.w3.org/ns/oa#start> ?s ; <http://www.w3.org/ns/oa#end> ?e ; <http://www.w3.org/ns/oa#exact> ?q }"
        )
    )
    assert len(spans) == 2 and all(text[int(s["s"].value) : int(s["e"].value)] == s["q"].value for s in spans)
    # once written, the metadata is read back (not rewritten), and candidates cite its references
    assert invoke(["ingest", str(doc), "-o", str(project / "c2.ttl")]).exit_code == 0
    assert "tkd:new-seed-ref-001" in (project / "c2.ttl").read_text(encoding="utf-8")
    neg = next(c for c in read_candidates(project / "c2.ttl") if c.one("negated") == "true")
    r = invoke(["accept", neg.id, "--file", str(project / "c2.ttl")])
    assert r.exit_code == 2 and "--into" in r.output  # no instances/ file holds this new seed's sections yet
    r = invoke(
        [
            "accept",
            neg.id,
            "--file",
            str(project / "c2.ttl"),
            "--into",
            "instances/background.ttl",
            "--edit",
            "reference=",
        ]
    )
    assert r.exit_code == 0, r.output
    assert "does not increase reactive oxygen species" in (project / "instances" / "background.ttl").read_text(
        encoding="utf-8"
    )
    assert (
        invoke(["validate"]).exit_code == 0
    )  # the new seed's metadata and its accepted finding keep the project valid


def test_query_pays_nothing_for_ingest():
    import subprocess
    import sys

    # listing commands (as `tkiros query` does) finds the ingest commands without importing their modules
    code = (
        "import sys; from tkiros.cli import cli; names = cli.list_commands(None); "
        "print('accept' in names, sorted(m for m in sys.modules if m.startswith('tkiros.ingest.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "True []"


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("Apoptosis is induced by gefitinib.", {("gefitinib", "induction", ("apoptosis",))}),
        (
            "Gefitinib and erlotinib increase ROS.",
            {("gefitinib", "increase", ("ros",)), ("erlotinib", "increase", ("ros",))},
        ),
        ("Gefitinib induces ROS.", {("gefitinib", "increase", ("ros",))}),  # a molecule is increased, not induced
        (
            "Neratinib induces ferroptosis by increasing ROS.",
            {("neratinib", "induction", ("ferroptosis",)), ("neratinib", "increase", ("ros",))},
        ),
        ("ZZQ7 inhibits ROS.", {("zzq7", "inhibition", ("ros",))}),  # an unknown symbol is proposed with its slug
    ],
)
def test_extraction_patterns(sentence, expected, dictionary):
    from tkiros.ingest.candidates import DocInfo
    from tkiros.ingest.commands import ingest_text

    cands, _ = ingest_text(sentence, DocInfo("x.txt", ""), dictionary)
    got = {(c.agent.removeprefix(TKD), c.direction, tuple(t.removeprefix(TKD) for t in c.targets)) for c in cands}
    assert got == expected


def test_done_when_flow_from_the_project_folder(project, monkeypatch):
    """As the issue states it: ingest -o candidates.ttl in the project folder, then accept and reject by id alone."""
    monkeypatch.chdir(project)
    assert invoke(["ingest", "seeds/002_173859a5a6e9b201.txt", "-o", "candidates.ttl"]).exit_code == 0
    stored = read_candidates(project / "candidates.ttl")
    title = next(s for s in stored if s.one("start") == "0")
    r = invoke(["accept", title.id])
    assert r.exit_code == 0, r.output
    fid = re.search(r"tkd:(\S+)", r.output).group(1)
    text = (project / "instances" / "preprint-nrf2-trxr.ttl").read_text(encoding="utf-8")
    label = re.search(rf"tkd:{fid} a tkiros:Finding ;\n    rdfs:label \"([^\"]+)\"@en", text).group(1)
    assert label.endswith(" reverses resistance to imatinib"), label
    assert invoke(["validate"]).exit_code == 0
    r = invoke(["reject", stored[-1].id, "--why", "a correlation, not an effect"])
    assert r.exit_code == 0 and "a correlation, not an effect" in (project / "candidates.ttl").read_text(
        encoding="utf-8"
    )


def test_a_document_defines_its_own_abbreviations(dictionary):
    from tkiros.ingest.grounding import with_abbreviations

    text = "Zebra kinase inhibitor (ZKI) raises ROS. Later, ZKI inhibits AKT."
    d = with_abbreviations(dictionary, text)
    found = [(m.text, m.iri.removeprefix(TKD)) for m in mentions(d, text, 0, len(text))]
    assert ("kinase inhibitor", "zki") not in found  # the long form starts at the word with the first initial
    assert ("Zebra kinase inhibitor", "zki") in found and ("ZKI", "zki") in found
    assert found.count(("ZKI", "zki")) == 2 and ("ROS", "ros") in found


def test_outcome_and_study_system_come_from_the_sentence(dictionary):
    from tkiros.ingest.candidates import DocInfo
    from tkiros.ingest.commands import ingest_text

    cands, _ = ingest_text(
        "Gefitinib raises ROS levels in vivo, leading to apoptosis.", DocInfo("x.txt", ""), dictionary
    )
    first = cands[0]
    assert (first.agent, first.direction, first.targets) == (TKD + "gefitinib", "increase", [TKD + "ros"])
    assert first.outcomes == [TKD + "apoptosis"] and first.study_system == "inVivo"
