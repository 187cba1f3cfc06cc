"""The candidates file: text-mined candidate findings as Turtle, outside instances/ (never loaded into the
default store), each with its span, confidence, cue, ECO/PROV provenance and the extractor's version;
and reading them back for the curator's loop."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from tkiros.errors import TkirosError
from tkiros.ingest import rules
from tkiros.ingest.extraction import Candidate
from tkiros.prefixes import local_name
from tkiros.vocab import CITO, OA, OBO, PROV, RDFS, TK, TKC, TKD

PREFIXES = f"""@prefix tkiros: <{TK}> .
@prefix tkd: <{TKD}> .
@prefix tkc: <{TKC}> .
@prefix rdfs: <{RDFS}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix oa: <{OA}> .
@prefix prov: <{PROV}> .
@prefix cito: <{CITO}> .
@prefix obo: <{OBO}> .
"""

# Turtle property -> Candidate field, for lists of entity IRIs (written as tkd: names)
LIST_FIELDS = {
    "hasTarget": "targets",
    "hasOutcome": "outcomes",
    "hasCoTreatment": "co_treatments",
    "inCancerType": "cancers",
    "inCellLine": "cell_lines",
    "withMutation": "mutations",
    "resistantTo": "resistant_to",
}


def lit(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def curie(iri: str) -> str:
    for ns, p in ((TKD, "tkd:"), (TK, "tkiros:"), (OBO, "obo:"), (TKC, "tkc:")):
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_][\w.-]*[\w-]|[A-Za-z0-9_]", iri[len(ns) :]):
            return p + iri[len(ns) :]
    return f"<{iri}>"


def doc_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower()).strip("-") or "doc"


@dataclass
class DocInfo:
    """What the project knows about the ingested document (from its .meta.ttl), if anything."""

    file_name: str
    sha256: str
    seed: str | None = None
    sections: list[tuple[str, str, int, int]] = field(default_factory=list)  # (iri, label, start, end)
    refs: dict[int, str] = field(default_factory=dict)  # reference number -> IRI

    def section_at(self, offset: int) -> str | None:
        return next((iri for iri, _, s, e in self.sections if s <= offset < e), None)


def candidates_turtle(doc: DocInfo, cands: list[Candidate]) -> str:
    r = rules()
    slug = doc_slug(doc.file_name)
    run = f"tkc:{slug}-run"
    out = [
        PREFIXES,
        f"# Candidate findings text-mined from {doc.file_name}; not curated. Accept with `tkiros accept ID`.\n",
        f"{run} a prov:Activity ;\n    rdfs:label {lit('ingest of ' + doc.file_name)} ;\n"
        f"    prov:wasAssociatedWith tkc:extractor ;\n    tkc:sourceFile {lit(doc.file_name)} ;\n"
        f"    tkc:sourceSha256 {lit(doc.sha256)} .\n",
        f"tkc:extractor a prov:SoftwareAgent ;\n    rdfs:label {lit(r['extractor_version'])} .\n",
        "tkc:CandidateFinding a <http://www.w3.org/2002/07/owl#Class> ;\n"
        '    rdfs:label "candidate finding"@en ;\n'
        '    rdfs:comment "A claim text-mined from a document by tkiros ingest, not curated: it becomes a '
        'tkiros:Finding only when a curator accepts it."@en .\n',
    ]
    for n, c in enumerate(cands, 1):
        lines = [
            f"tkc:{slug}-c{n:04d} a tkc:CandidateFinding , prov:Entity ;",
            f"    rdfs:label {lit(_label(c))}@en ;",
            f"    tkiros:hasAgent {curie(c.agent)} ;",
            f"    tkiros:hasDirection tkiros:{c.direction} ;",
        ]
        for prop, attr in LIST_FIELDS.items():
            vals = getattr(c, attr)
            if vals:
                lines.append(f"    tkiros:{prop} {' , '.join(curie(v) for v in vals)} ;")
        if c.resistant_state:
            lines.append("    tkiros:inCellState tkiros:resistantState ;")
        if c.study_system:
            lines.append(f"    tkiros:inStudySystem tkiros:{c.study_system} ;")
        if c.negated:
            lines.append("    tkiros:negated true ;")
        if c.hedged:
            lines.append("    tkiros:hasQualifier tkiros:uncertain ;")
        if c.citations:
            lines.append(f"    tkc:citationNumber {' , '.join(str(x) for x in c.citations)} ;")
            mapped = [doc.refs[x] for x in c.citations if x in doc.refs]
            if mapped:
                lines.append(f"    cito:citesAsEvidence {' , '.join(curie(x) for x in mapped)} ;")
        if c.section:
            lines.append(f"    tkiros:inSection {curie(c.section)} ;")
        if doc.seed:
            lines.append(f"    tkiros:inSeed {curie(doc.seed)} ;")
        lines += [
            f"    tkiros:hasEvidenceType obo:{r['candidate_evidence']} ;",
            f'    tkc:confidence "{c.confidence:.2f}"^^xsd:decimal ;',
            f"    tkc:cue {lit(c.cue)} ;",
            '    tkc:status "open" ;',
            f"    oa:start {c.start} ;",
            f"    oa:end {c.end} ;",
            f"    oa:exact {lit(c.quote)} ;",
            f"    prov:wasGeneratedBy {run} .",
        ]
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def _label(c: Candidate) -> str:
    name = lambda iri: iri.rsplit("/", 1)[-1]  # noqa: E731
    neg = "not " if c.negated else ""
    return f"{name(c.agent)} {neg}{c.direction} {', '.join(name(t) for t in c.targets)}"


@dataclass
class Stored:
    """One candidate read back from a candidates file."""

    iri: str
    path: Path
    values: dict[str, list]  # local property name -> values (IRIs as str, literals as str)

    @property
    def id(self) -> str:
        return self.iri[len(TKC) :]

    def one(self, key: str, default=None):
        v = self.values.get(key)
        return v[0] if v else default

    @property
    def confidence(self) -> float:
        return float(self.one("confidence", 0))


def read_candidates(path: Path) -> list[Stored]:
    try:
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (SyntaxError, OSError) as err:
        raise TkirosError(f"{path}: cannot read the candidates file: {str(err).splitlines()[0]}") from None
    by: dict[str, dict[str, list]] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(TKC):
            by.setdefault(t.subject.value, {}).setdefault(local_name(t.predicate.value), []).append(t.object.value)
    out = [
        Stored(iri, Path(path), {k: sorted(v) for k, v in vals.items()})
        for iri, vals in by.items()
        if TKC + "CandidateFinding" in vals.get("type", [])
    ]
    return sorted(out, key=lambda s: s.iri)


def candidate_files(root: Path) -> list[Path]:
    """candidates/*.ttl of the project, and candidates files in the current folder (`ingest -o FILE`)."""
    here = [
        p
        for p in sorted(Path.cwd().glob("*.ttl"))
        if f"<{TKC}>" in p.read_text(encoding="utf-8", errors="replace")[:2000]
    ]
    return list(dict.fromkeys(sorted((root / "candidates").glob("*.ttl")) + here))


def find_candidate(root: Path, cid: str, files: list[Path] | None = None) -> Stored:
    cid = cid.removeprefix("tkc:").removeprefix(TKC)
    for path in files or candidate_files(root):
        for s in read_candidates(path):
            if s.id == cid:
                return s
    raise TkirosError(f"unknown candidate {cid!r} (see `tkiros candidates`)")
