"""What the project knows about a document (its seeds/*.meta.ttl: seed, sections, references), and the
metadata skeleton written for a new seed: SHA-256, character count, sections with offsets, and one
reference publication (bibo:Document with its span) per line of its reference list."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from tkiros.errors import TkirosError
from tkiros.ingest.candidates import OA, RDFS, TK, TKD, DocInfo, doc_slug, lit
from tkiros.ingest.sentences import Piece, sections
from tkiros.rqfile import run_internal


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _parse(paths: list[Path]) -> ox.Store:
    store = ox.Store()
    for p in paths:
        try:
            store.load(path=str(p), format=ox.RdfFormat.TURTLE)
        except (SyntaxError, OSError) as err:
            raise TkirosError(f"{p}: malformed Turtle: {str(err).splitlines()[0]}") from None
    return store


def known_meta(root: Path, file_name: str) -> Path | None:
    """The seeds/*.meta.ttl that names ``file_name``, if any."""
    for p in sorted((root / "seeds").glob("*.meta.ttl")):
        if f'"{file_name}"' in p.read_text(encoding="utf-8"):
            return p
    return None


def doc_info(root: Path, file_name: str, text: str, meta: Path | None) -> DocInfo:
    info = DocInfo(file_name=file_name, sha256=sha256(text))
    if meta is None or not meta.is_file():
        return info
    store = _parse([meta] + sorted((root / "instances").glob("references*.ttl")))
    seeds = [r["seed"].value for r in run_internal(store, "check/seed-files")]
    if len(seeds) != 1:
        raise TkirosError(f"{meta}: expected one seed document (tkiros:fileName), found {len(seeds)}")
    info.seed = seeds[0]
    sha = [r["sha"].value for r in run_internal(store, "store/seeds", seed=info.seed) if r["sha"] is not None]
    if sha and sha[0] != info.sha256:
        raise TkirosError(
            f"{meta}: its SHA-256 is not that of {file_name}; the text changed, or the metadata is another document's"
        )
    for r in run_internal(store, "ingest/sections", seed=info.seed):
        info.sections.append((r["sec"].value, r["l"].value if r["l"] else "", int(r["s"].value), int(r["e"].value)))
    for r in run_internal(store, "ingest/references", seed=info.seed):
        info.refs[int(r["n"].value)] = r["ref"].value
    return info


def skeleton(file_name: str, text: str, refs_head: int | None, refs: list[Piece]) -> tuple[str, DocInfo]:
    """The .meta.ttl of a new seed, and the DocInfo it describes."""
    slug = doc_slug(file_name)
    seed = f"{TKD}seed-{slug}"
    info = DocInfo(file_name=file_name, sha256=sha256(text), seed=seed)
    body_end = refs_head if refs_head is not None else len(text)
    secs = sections(text, body_end) + ([("References", refs_head, len(text))] if refs_head is not None else [])
    title = next((line.strip() for line in text.splitlines() if line.strip()), file_name)
    out = [
        f"""@prefix tkiros: <{TK}> .
@prefix tkd: <{TKD}> .
@prefix rdfs: <{RDFS}> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix bibo: <http://purl.org/ontology/bibo/> .
@prefix oa: <{OA}> .

# Metadata skeleton of the seed {file_name}: checksum, character count (Unicode code points), sections
# found from its headings, and its reference list. Check the sections and complete citation and licence.
tkd:seed-{slug} a owl:NamedIndividual, tkiros:SeedDocument, bibo:Document ;
    rdfs:label {lit(title[:120])}@en ;
    dcterms:title {lit(title)}@en ;
    tkiros:fileName {lit(file_name)} ;
    tkiros:characterCount {len(text)} ;
    tkiros:sha256 "{info.sha256}" .
"""
    ]
    for i, (label, s, e) in enumerate(secs, 1):
        iri = f"{TKD}sec-{slug}-{i:02d}"
        info.sections.append((iri, label, s, e))
        out.append(
            f"tkd:sec-{slug}-{i:02d} a owl:NamedIndividual, tkiros:Section ;\n    rdfs:label {lit(label[:120])}@en ;\n"
            f"    tkiros:inSeed tkd:seed-{slug} ;\n    tkiros:startOffset {s} ;\n    tkiros:endOffset {e} .\n"
        )
    for n, ref in enumerate(refs, 1):
        iri = f"{TKD}{slug}-ref-{n:03d}"
        info.refs[n] = iri
        # bibo:Document, not tkiros:Reference: the reference shapes number one document's list (1-157, unique)
        out.append(
            f"tkd:{slug}-ref-{n:03d} a owl:NamedIndividual, bibo:Document ;\n"
            f"    rdfs:label {lit(f'reference {n} of {file_name}')}@en ;\n"
            f'    dcterms:identifier "{n}" ;\n    dcterms:bibliographicCitation {lit(ref.text)} ;\n'
            f"    tkiros:hasSpan tkd:{slug}-ref-{n:03d}-span .\n\n"
            f"tkd:{slug}-ref-{n:03d}-span a tkiros:SeedSpan ;\n    tkiros:inSeed tkd:seed-{slug} ;\n"
            f"    oa:start {ref.start} ;\n    oa:end {ref.end} ;\n    oa:exact {lit(ref.text)} .\n"
        )
    return "\n".join(out), info
