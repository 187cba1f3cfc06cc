"""`tkiros ingest` and `tkiros candidates`: a document to a candidates file, and listing candidates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from tkiros.errors import TkirosError
from tkiros.ingest.candidates import DocInfo, candidate_files, candidates_turtle, curie, read_candidates
from tkiros.ingest.extraction import Candidate, extract
from tkiros.ingest.grounding import Dictionary, build_dictionary, with_abbreviations
from tkiros.ingest.meta import doc_info, known_meta, skeleton
from tkiros.ingest.sentences import read_document, reference_list, sentences
from tkiros.output import write_atomic
from tkiros.store.paths import project_root


@dataclass
class Ingested:
    text: str
    info: DocInfo
    candidates: list[Candidate]
    sentences: int
    meta_written: Path | None = None
    meta_text: str | None = None


def ingest_text(
    text: str, info: DocInfo, d: Dictionary, start: int = 0, end: int | None = None
) -> tuple[list[Candidate], int]:
    """Candidates of text[start:end] (all of it before the reference list when end is None)."""
    sents = sentences(text, start, end)
    d = with_abbreviations(d, text, start, end)
    out: list[Candidate] = []
    previous = None
    for s in sents:
        found = extract(d, text, s, info.section_at(s.start), previous)
        out += found
        if found:
            previous = found[0].agent_mention
    for c in out:  # the contract every candidate keeps: its quote is the text at its offsets
        if text[c.start : c.end] != c.quote:
            raise TkirosError(f"internal error: candidate quote differs from the text at [{c.start}, {c.end})")
    return out, len(sents)


def ingest_document(
    path: Path, meta: Path | None = None, root: Path | None = None, d: Dictionary | None = None
) -> Ingested:
    root = root or project_root()
    path = Path(path)
    text = read_document(path)
    head, refs = reference_list(text, where=str(path))
    meta = meta or known_meta(root, path.name)
    write_to = None
    if meta is not None and meta.is_file():
        info = doc_info(root, path.name, text, meta)
    else:
        meta_text, info = skeleton(path.name, text, head, refs)
        if meta is None and path.resolve().parent == (root / "seeds").resolve():
            meta = path.with_name(path.name.removesuffix(".txt") + ".meta.ttl")
        write_to = meta
    if not info.sections:
        info.sections = skeleton(path.name, text, head, refs)[1].sections
    cands, n = ingest_text(text, info, d or build_dictionary(root), 0, head)
    result = Ingested(text, info, cands, n)
    if write_to is not None:
        result.meta_written, result.meta_text = write_to, meta_text
    return result


@click.command("ingest")
@click.argument("document", type=click.Path(dir_okay=False))
@click.option(
    "--meta",
    type=click.Path(dir_okay=False),
    default=None,
    help="The document's .meta.ttl: read when it exists, else a skeleton is written there.",
)
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE",
    help="Candidates file (default: candidates/NAME.ttl of the project).",
)
def ingest_cmd(document, meta, output):
    """Text-mine candidate findings from a plain-text DOCUMENT, offline.

    Candidates go to a file outside instances/ and are never loaded into the store; a curator accepts
    or rejects each one. A new seed in seeds/ also gets its .meta.ttl skeleton.

    \b
    Example:
      tkiros ingest seeds/002_173859a5a6e9b201.txt -o candidates.ttl
    """
    root = project_root()
    res = ingest_document(Path(document), Path(meta) if meta else None, root)
    out = Path(output) if output else root / "candidates" / (Path(document).stem + ".ttl")
    if output is None:
        out.parent.mkdir(exist_ok=True)
    write_atomic(out, candidates_turtle(res.info, res.candidates))
    if res.meta_written is not None:
        write_atomic(res.meta_written, res.meta_text)
    click.echo(
        f"{len(res.candidates)} candidate(s) from {res.sentences} sentence(s) -> {out}"
        + (f"; metadata skeleton -> {res.meta_written}" if res.meta_written else "")
    )


# The options the candidate commands share (candidates, accept, reject), each defined once.
candidate_files_option = click.option(
    "--file",
    "files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Candidates file(s) (default: candidates/*.ttl).",
)
curator_option = click.option("--by", default=None, help="Curator name (default: $TKIROS_CURATOR or the login name).")


def status(values: dict) -> str:
    st = values.get("status", ["open"])
    return next((s for s in ("accepted", "rejected") if s in st), "open")


@click.command("candidates")
@candidate_files_option
@click.option(
    "--entity", default=None, help="Only candidates whose agent or target is this entity (label, synonym or tkd: name)."
)
@click.option(
    "--min-confidence", type=float, default=0.0, show_default=True, help="Only candidates at least this confident."
)
@click.option("--all", "show_all", is_flag=True, help="Also list accepted and rejected candidates.")
def candidates_cmd(files, entity, min_confidence, show_all):
    """List text-mined candidates: id, confidence, status, agent, direction, targets, flags, quote.

    \b
    Example:
      tkiros candidates --entity Nrf2 --min-confidence 0.6
    """
    root = project_root()
    paths = [Path(f) for f in files] or candidate_files(root)
    wanted = _entity_iris(root, entity) if entity else None
    rows = 0
    for p in paths:
        for c in read_candidates(p):
            st = status(c.values)
            if c.confidence < min_confidence or (st != "open" and not show_all):
                continue
            roles = set(c.values.get("hasAgent", []) + c.values.get("hasTarget", []))
            if wanted is not None and not roles & wanted:
                continue
            flags = "".join(f for f, k in (("N", "negated"), ("H", "hasQualifier")) if c.values.get(k))
            click.echo(
                f"{c.id}\t{c.confidence:.2f}\t{st}\t{' '.join(curie(a) for a in c.values.get('hasAgent', []))}\t"
                f"{curie(c.one('hasDirection', ''))}\t{' '.join(curie(t) for t in c.values.get('hasTarget', []))}\t"
                f"{flags or '-'}\t{c.one('exact', '')[:100]}"
            )
            rows += 1
    click.echo(f"({rows} candidate(s))", err=True)


def _entity_iris(root: Path, name: str) -> set[str]:
    from tkiros.ingest.grounding import match_key

    d = build_dictionary(root)
    hits = set(d.names.get(match_key(name), set())) | {i for i in d.labels if curie(i) == name or i == name}
    if not hits:
        raise TkirosError(f"--entity {name}: no entity has this label, synonym or name")
    return hits
