"""The curator's loop: `tkiros accept ID` turns a candidate into a curated finding in the instances/ file
of its section (checked against the shapes and the span check before anything is written), and
`tkiros reject ID --why TEXT` records the reason. Each decision is appended to the candidates file, so
the candidate stays as provenance of what was accepted or why it was not."""

from __future__ import annotations

import getpass
import os
import re
import tempfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import click
import pyoxigraph as ox

from tkiros.errors import TkirosError
from tkiros.ingest import rules
from tkiros.ingest.candidates import RDFS, TK, TKD, Stored, curie, find_candidate, lit
from tkiros.ingest.commands import candidate_files_option, curator_option, status
from tkiros.output import write_atomic
from tkiros.store.paths import project_root

# --edit KEY -> the finding property it sets (lists are comma-separated tkd: names or IRIs)
EDIT_KEYS = {
    "agent": "hasAgent",
    "target": "hasTarget",
    "direction": "hasDirection",
    "cotreatment": "hasCoTreatment",
    "outcome": "hasOutcome",
    "study-system": "inStudySystem",
    "cancer": "inCancerType",
    "cell-line": "inCellLine",
    "mutation": "withMutation",
    "resistant-to": "resistantTo",
    "cell-state": "inCellState",
    "reference": "citesAsEvidence",
    "qualifier": "hasQualifier",
    "section": "inSection",
    "label": "label",
    "evidence": "hasEvidenceType",
    "negated": "negated",
    "start": "start",
    "end": "end",
}
ORDER = [
    "hasAgent",
    "hasCoTreatment",
    "hasTarget",
    "hasDirection",
    "hasOutcome",
    "inCancerType",
    "inCellLine",
    "inCellState",
    "resistantTo",
    "withMutation",
    "inStudySystem",
    "citesAsEvidence",
    "hasEvidenceType",
    "hasQualifier",
]


def _now() -> str:
    return os.environ.get("TKIROS_NOW") or datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace(
        "+00:00", "Z"
    )


def _expand(value: str) -> str:
    value = value.strip()
    for prefix, ns in (("tkd:", TKD), ("tkiros:", TK), ("obo:", "http://purl.obolibrary.org/obo/")):
        if value.startswith(prefix):
            return ns + value[len(prefix) :]
    if re.fullmatch(r"ECO[_:]\d{7}", value):
        return "http://purl.obolibrary.org/obo/" + value.replace(":", "_")
    if value.startswith(("http://", "https://")):
        return value
    return TKD + value


def apply_edits(values: dict[str, list], edits: tuple[str, ...]) -> dict[str, list]:
    values = {k: list(v) for k, v in values.items()}
    for item in edits:
        key, sep, value = item.partition("=")
        if not sep or key not in EDIT_KEYS:
            raise TkirosError(f"--edit {item!r}: expected KEY=VALUE with KEY one of {', '.join(EDIT_KEYS)}")
        prop = EDIT_KEYS[key]
        if prop in ("label", "start", "end", "negated"):
            values["edited-label" if prop == "label" else prop] = [value]
        elif prop in ("hasDirection", "inCellState", "hasQualifier", "inStudySystem"):
            values[prop] = [
                TK + v.strip().removeprefix("tkiros:") for v in value.split(",") if v.strip() and v.strip() != "none"
            ]
        else:
            values[prop] = [_expand(v) for v in value.split(",") if v.strip()]
    return values


def _seed_text(root: Path, seed: str) -> tuple[str, str]:
    for meta in sorted((root / "seeds").glob("*.meta.ttl")):
        for t in ox.parse(path=str(meta), format=ox.RdfFormat.TURTLE):
            if t.subject.value == seed and t.predicate.value == TK + "fileName":
                return t.object.value, (root / "seeds" / t.object.value).read_text(encoding="utf-8")
    raise TkirosError(f"{curie(seed)}: no seeds/*.meta.ttl describes this seed; ingest the document with --meta first")


def _target_file(root: Path, section: str, into: str | None) -> Path:
    if into:
        path = Path(into)
        path = path if path.is_absolute() else root / path
        if path.parent.resolve() != (root / "instances").resolve() or not path.is_file():
            raise TkirosError(f"--into {into}: not a Turtle file of instances/")
        return path
    marker = f"tkiros:inSection {curie(section)} ;"
    counts = Counter(
        {p: p.read_text(encoding="utf-8").count(marker) for p in sorted((root / "instances").glob("*.ttl"))}
    )
    best = [p for p, n in counts.most_common(1) if n > 0]
    if not best:
        raise TkirosError(
            f"no file of instances/ holds findings of section {curie(section)}; give --into instances/FILE.ttl"
        )
    return best[0]


def _next_ids(text: str) -> tuple[str, int, int]:
    ids = re.findall(r"^tkd:([a-z0-9-]+?)-f(\d+) a tkiros:Finding", text, re.M)
    if not ids:
        raise TkirosError("the target file holds no finding to take the id scheme from; give --into another file")
    prefix = Counter(p for p, _ in ids).most_common(1)[0][0]
    f = max(int(n) for p, n in ids if p == prefix) + 1
    s = max([int(n) for n in re.findall(rf"^tkd:{re.escape(prefix)}-s(\d+) a tkiros:SeedSpan", text, re.M)] or [0]) + 1
    return prefix, f, s


def _entity_labels(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted((root / "instances").glob("*.ttl")):
        for t in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE):
            if t.predicate.value == RDFS + "label" and isinstance(t.object, ox.Literal):
                out.setdefault(t.subject.value, t.object.value)
    return out


def finding_turtle(
    cand: Stored, values: dict, fid: str, sid: str, seed: str, quote: str, by: str, when: str, labels: dict
) -> str:
    name = lambda iri: labels.get(iri, iri.rsplit("/", 1)[-1])  # noqa: E731
    direction = values["hasDirection"][0].rsplit("/", 1)[-1]
    neg = values.get("negated", ["false"])[0] == "true"
    stated, base = rules()["direction_verbs"].get(direction, [direction, direction])
    verb = f"does not {base}" if neg else stated
    label = (
        values.get("edited-label", [None])[0]
        or f"{', '.join(map(name, values['hasAgent']))} {verb} {', '.join(map(name, values['hasTarget']))}"
    )
    if not values.get("hasEvidenceType") or values["hasEvidenceType"][0].endswith("ECO_0007669"):
        values["hasEvidenceType"] = [
            "http://purl.obolibrary.org/obo/ECO_000030" + ("4" if values.get("citesAsEvidence") else "3")
        ]
    lines = [
        f"tkd:{fid} a tkiros:Finding ;",
        f"    rdfs:label {lit(label)}@en ;",
        f"    tkiros:inSection {curie(values['inSection'][0])} ;",
    ]
    for prop in ORDER:
        if values.get(prop):
            ns = "cito:" if prop == "citesAsEvidence" else "tkiros:"
            lines.append(f"    {ns}{prop} {' , '.join(curie(v) for v in values[prop])} ;")
    if neg:
        lines.append("    tkiros:negated true ;")
    # who accepted it, when, and from which candidate: on an activity node, as findings are closed shapes
    prov = "http://www.w3.org/ns/prov#"
    lines += [
        f"    tkiros:hasSpan tkd:{sid} .",
        "",
        f"tkd:{fid}-acceptance a <{prov}Activity> ;",
        f"    rdfs:label {lit('acceptance of text-mined candidate ' + cand.id)}@en ;",
        f"    <{prov}generated> tkd:{fid} ;",
        f"    <{prov}used> <{cand.iri}> ;",
        f"    <http://purl.org/dc/terms/contributor> {lit(by)} ;",
        f'    <{prov}endedAtTime> "{when}"^^<http://www.w3.org/2001/XMLSchema#dateTime> .',
        "",
        f"tkd:{sid} a tkiros:SeedSpan ;",
        f"    tkiros:inSeed {curie(seed)} ;",
        f"    oa:start {values['start'][0]} ;",
        f"    oa:end {values['end'][0]} ;",
        f"    oa:exact {lit(quote)} .",
    ]
    return "\n".join(lines) + "\n"


def accept(
    cid: str,
    edits: tuple[str, ...] = (),
    by: str | None = None,
    into: str | None = None,
    root: Path | None = None,
    files: list[Path] | None = None,
) -> tuple[str, Path]:
    from tkiros.checks.validate import validate

    root = root or project_root()
    cand = find_candidate(root, cid, files)
    if status(cand.values) != "open":
        raise TkirosError(f"candidate {cand.id} is already {status(cand.values)}")
    values = apply_edits(cand.values, edits)
    for need in ("inSeed", "inSection", "hasAgent", "hasTarget", "hasDirection"):
        if not values.get(need):
            raise TkirosError(f"candidate {cand.id} has no {need}; give it with --edit")
    seed = values["inSeed"][0]
    file_name, text = _seed_text(root, seed)
    start, end = int(values["start"][0]), int(values["end"][0])
    if not 0 <= start < end <= len(text):
        raise TkirosError(f"span [{start}, {end}) lies outside seeds/{file_name} ({len(text)} characters)")
    quote = text[start:end]
    respanned = any(e.startswith(("start=", "end=")) for e in edits)
    if not respanned and quote != values["exact"][0]:
        raise TkirosError(
            f"candidate {cand.id}: its quote is not the text of seeds/{file_name} at [{start}, {end}); re-ingest the document"
        )
    target = _target_file(root, values["inSection"][0], into)
    old = target.read_text(encoding="utf-8")
    prefix, f, s = _next_ids(old)
    fid, sid = f"{prefix}-f{f:02d}", f"{prefix}-s{s:02d}"
    who, when = by or os.environ.get("TKIROS_CURATOR") or getpass.getuser(), _now()
    new = (
        old.rstrip("\n") + "\n\n" + finding_turtle(cand, values, fid, sid, seed, quote, who, when, _entity_labels(root))
    )
    with tempfile.TemporaryDirectory() as tmp:  # check the draft before touching instances/
        draft = Path(tmp) / target.name
        draft.write_text(new, encoding="utf-8")
        files_ = [p if p != target else draft for p in sorted((root / "instances").glob("*.ttl"))]
        report = validate(instances=files_)
    mine = [v for v in report.errors if v.focus in (TKD + fid, TKD + sid)]
    if mine:
        raise click.ClickException("; ".join(f"[{v.rule}] {v.message}" for v in mine[:3]) + " (fix with --edit)")
    write_atomic(target, new)
    record(cand, f'    tkc:status "accepted" ;\n    tkc:acceptedAs tkd:{fid} ;', who, when)
    return fid, target


def record(cand: Stored, body: str, who: str, when: str) -> None:
    text = cand.path.read_text(encoding="utf-8")
    write_atomic(
        cand.path,
        text.rstrip("\n") + f"\n\n{curie(cand.iri)}\n{body}\n    tkc:decidedBy {lit(who)} ;\n"
        f'    tkc:decidedAt "{when}"^^xsd:dateTime .\n',
    )


@click.command("accept")
@click.argument("candidate_id")
@click.option(
    "--edit",
    "edits",
    multiple=True,
    metavar="KEY=VALUE",
    help=f"Correct the candidate first (repeatable); KEY: {', '.join(EDIT_KEYS)}.",
)
@curator_option
@click.option(
    "--into",
    default=None,
    metavar="FILE",
    help="instances/ file to write to (default: the file holding the section's findings).",
)
@candidate_files_option
def accept_cmd(candidate_id, edits, by, into, files):
    """Turn a candidate into a curated finding in instances/ (checked by the shapes first).

    \b
    Example:
      tkiros accept 002-173859a5a6e9b201-c0003 --edit direction=positiveCorrelation
    """
    fid, target = accept(candidate_id, edits, by, into, files=[Path(f) for f in files] or None)
    click.echo(
        f"accepted as tkd:{fid} in {target.relative_to(project_root()) if target.is_relative_to(project_root()) else target}"
    )


@click.command("reject")
@click.argument("candidate_id")
@click.option("--why", required=True, help="The reason, kept with the candidate.")
@curator_option
@candidate_files_option
def reject_cmd(candidate_id, why, by, files):
    """Reject a candidate and record why.

    \b
    Example:
      tkiros reject 002-173859a5a6e9b201-c0005 --why "imatinib is the co-treatment, not a target"
    """
    if not why.strip():
        raise TkirosError("--why: give a reason")
    cand = find_candidate(project_root(), candidate_id, [Path(f) for f in files] or None)
    if status(cand.values) != "open":
        raise TkirosError(f"candidate {cand.id} is already {status(cand.values)}")
    record(
        cand,
        f'    tkc:status "rejected" ;\n    tkc:rejectionReason {lit(why.strip())} ;',
        by or os.environ.get("TKIROS_CURATOR") or getpass.getuser(),
        _now(),
    )
    click.echo(f"rejected {cand.id}")
