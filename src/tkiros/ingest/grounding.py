"""Grounding: entity mentions found with a dictionary of the project's own labels and skos:altLabel
synonyms, plus the labels of the verified external terms of ontology/imports/ that our entities match
(skos:exactMatch/closeMatch), so a ChEBI or HGNC synonym grounds to our entity.

A hand-written longest-match dictionary rather than gilda: see docs/ingest.md for why (figures)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from tkiros.store.paths import project_root
from tkiros.vocab import RDFS, SKOS, TK, TKD, TYPE

NAME_PREDICATES = {
    RDFS + "label",
    SKOS + "altLabel",
    SKOS + "prefLabel",
    "http://www.geneontology.org/formats/oboInOwl#hasExactSynonym",
}
MATCH_PREDICATES = {SKOS + "exactMatch", SKOS + "closeMatch"}
CONTEXT_CLASSES = {"cancer": TK + "CancerType", "cell_line": TK + "CellLine", "mutation": TK + "Mutation"}
NATURE_CLASSES = {"fate": TK + "CellFate", "process": TK + "BiologicalProcess", "protein": TK + "Protein"}
TOKEN = re.compile(r"[A-Za-z0-9α-ωΑ-Ω]+|[^\sA-Za-z0-9α-ωΑ-Ω]")
SKIP_PUNCT = {"-", "/", "–"}  # "Nrf2-TrxR" and "Nrf2 TrxR" are one token sequence


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    iri: str
    text: str
    kind: str  # "cancer", "cell_line", "mutation" or "entity"
    proposed: str | None = None  # the nature of a name the dictionary does not know ("protein", "chemical")


@dataclass
class Dictionary:
    names: dict[tuple[str, ...], set[str]] = field(default_factory=dict)  # normalised tokens -> IRIs
    exact_case: set[tuple[str, ...]] = field(default_factory=set)  # short all-capital names: match case
    kinds: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    natures: dict[str, str] = field(
        default_factory=dict
    )  # "process", "protein" or "chemical": picks the direction word
    longest: int = 1

    def without(self, iris: set[str]) -> "Dictionary":
        """A copy that no longer knows ``iris`` (for leave-one-section-out)."""
        d = Dictionary(
            kinds=self.kinds, labels=self.labels, exact_case=self.exact_case, natures=self.natures, longest=self.longest
        )
        for key, targets in self.names.items():
            kept = targets - iris
            if kept:
                d.names[key] = kept
        return d


def tokens(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """(token, start, end) over text[start:end]; hyphens and slashes are dropped so that spellings meet."""
    end = len(text) if end is None else end
    return [(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(text, start, end) if m.group(0) not in SKIP_PUNCT]


def match_key(name: str) -> tuple[str, ...]:
    return tuple(t.lower() for t, _, _ in tokens(name))


def _files(root: Path) -> list[Path]:
    return (
        [root / "ontology" / "tkiros.ttl"]
        + sorted((root / "ontology" / "imports").glob("*.ttl"))
        + sorted((root / "instances").glob("*.ttl"))
    )


def build_dictionary(root: Path | None = None) -> Dictionary:
    root = root or project_root()
    names: dict[str, set[str]] = {}
    types: dict[str, set[str]] = {}
    supers: dict[str, set[str]] = {}
    matches: dict[str, set[str]] = {}  # external IRI -> our entities
    for path in _files(root):
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            s, p, o = t.subject, t.predicate.value, t.object
            if not isinstance(s, ox.NamedNode):
                continue
            if p in NAME_PREDICATES and isinstance(o, ox.Literal) and (o.language in (None, "en")):
                names.setdefault(s.value, set()).add(o.value)
            elif p == TYPE and isinstance(o, ox.NamedNode):
                types.setdefault(s.value, set()).add(o.value)
            elif p == RDFS + "subClassOf" and isinstance(o, ox.NamedNode):
                supers.setdefault(s.value, set()).add(o.value)
            elif p in MATCH_PREDICATES and isinstance(o, ox.NamedNode) and s.value.startswith(TKD):
                matches.setdefault(o.value, set()).add(s.value)

    def ancestors(cls: str) -> set[str]:
        seen, todo = set(), [cls]
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo += supers.get(c, ())
        return seen

    d = Dictionary()
    entities = {s for s in names if s.startswith(TKD) and any(TK + "Entity" in ancestors(c) for c in types.get(s, ()))}
    for iri in sorted(entities):
        classes = set().union(*(ancestors(c) for c in types[iri]))
        d.kinds[iri] = next((k for k, c in CONTEXT_CLASSES.items() if c in classes), "entity")
        d.labels[iri] = sorted(names[iri])[0]
        d.natures[iri] = next((n for n, c in NATURE_CLASSES.items() if c in classes), "chemical")
        for n in names[iri]:
            _add(d, n, iri)
    for ext, ours in matches.items():  # external synonyms reach our entities
        for n in names.get(ext, ()):
            for iri in ours & entities:
                _add(d, n, iri)
    return d


def _add(d: Dictionary, name: str, iri: str) -> None:
    key = match_key(name)
    if not key or (len(key) == 1 and len(key[0]) < 2):
        return
    d.names.setdefault(key, set()).add(iri)
    if len(name) <= 4 and name.isalpha() and name.isupper():
        d.exact_case.add(key)  # "ROS", "GSH": not the word "ros"
    d.longest = max(d.longest, len(key))


def mentions(d: Dictionary, text: str, start: int, end: int) -> list[Mention]:
    """Longest-first, non-overlapping dictionary matches in text[start:end]."""
    toks = tokens(text, start, end)
    out: list[Mention] = []
    i = 0
    while i < len(toks):
        for n in range(min(d.longest, len(toks) - i), 0, -1):
            key = tuple(t.lower() for t, _, _ in toks[i : i + n])
            iris = d.names.get(key)
            if not iris:
                continue
            s, e = toks[i][1], toks[i + n - 1][2]
            if key in d.exact_case and not text[s:e].isupper():
                continue
            if e < len(text) and text[e].isalnum():
                continue
            for iri in sorted(iris)[:1]:  # an ambiguous name grounds to one IRI, stably
                out.append(Mention(s, e, iri, text[s:e], d.kinds.get(iri, "entity")))
            i += n - 1
            break
        i += 1
    return out + unknown_mentions(text, start, end, out)


def unknown_mentions(text: str, start: int, end: int, known: list[Mention]) -> list[Mention]:
    """Names the dictionary does not know (rules.toml [unknown_names]), as proposed tkd: entities."""
    from tkiros.ingest import rules

    r = rules()["unknown_names"]
    out: list[Mention] = []
    for nature in ("protein", "chemical", "process"):
        for m in re.compile(r[nature]).finditer(text, start, end):
            if m.group(0) in r["stop"]:
                continue
            if any(m.start() < k.end and k.start < m.end() for k in known + out):
                continue
            slug = re.sub(r"[^a-z0-9]+", "-", m.group(0).lower()).strip("-")
            out.append(Mention(m.start(), m.end(), TKD + slug, m.group(0), "entity", nature))
    return sorted(out, key=lambda x: x.start)


ABBREVIATION = re.compile(r"((?:[\w-]+\s+){1,8})\(([A-Za-z][A-Za-z0-9-]{1,9})\)")


def with_abbreviations(d: Dictionary, text: str, start: int = 0, end: int | None = None) -> Dictionary:
    """``d`` plus the document's own definitions it does not know: "thioredoxin reductase (TrxR)" makes
    TrxR and its long form a proposed entity tkd:trxr, found in every later sentence too."""
    added: dict[tuple[str, ...], set[str]] = {}
    for m in ABBREVIATION.finditer(text, start, len(text) if end is None else end):
        abbr = m.group(2)
        if match_key(abbr) in d.names or sum(c.isupper() for c in abbr) < 2:
            continue
        words = m.group(1).split()
        initials = [w for w in words if w[0].lower() == abbr[0].lower()]
        if not initials:
            continue
        first = max(i for i, w in enumerate(words) if w[0].lower() == abbr[0].lower())
        long_form = " ".join(words[first:])
        iri = TKD + re.sub(r"[^a-z0-9]+", "-", abbr.lower()).strip("-")
        for name in (abbr, long_form):
            if match_key(name) not in d.names:
                added.setdefault(match_key(name), set()).add(iri)
    if not added:
        return d
    out = d.without(set())
    out.names.update(added)
    out.longest = max(out.longest, *(len(k) for k in added))
    return out
