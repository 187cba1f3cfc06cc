"""Extraction: from a sentence's grounded mentions and the direction cues of rules.toml to candidate
claims (agent, direction, targets, context), with negation and hedging flagged, never dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from tkiros.ingest import rules
from tkiros.ingest.grounding import Dictionary, Mention, mentions
from tkiros.ingest.sentences import Piece, citations


@dataclass
class Candidate:
    start: int
    end: int
    quote: str
    agent: str
    direction: str
    targets: list[str]
    cue: str
    confidence: float
    negated: bool = False
    hedged: bool = False
    co_treatments: list[str] = field(default_factory=list)
    cancers: list[str] = field(default_factory=list)
    cell_lines: list[str] = field(default_factory=list)
    mutations: list[str] = field(default_factory=list)
    resistant_state: bool = False
    resistant_to: list[str] = field(default_factory=list)
    citations: list[int] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    study_system: str | None = None
    section: str | None = None
    agent_mention: Mention | None = field(default=None, repr=False, compare=False)  # for "It ..." in the next sentence


COORDINATED = re.compile(r"(?:\s*[\w-]+){0,2}\s*(?:,|and|,\s*and)\s*")


PARTICIPLE = re.compile(r"(?:\s*[\w-]+){0,3}\s*,\s*", re.I)
PRONOUN = re.compile(
    r"(?:^|,\s*)(?:[Ii]t|[Tt]his\s+(?:drug|inhibitor|compound|agent)|[Tt]hey|[Tt]hese\s+(?:drugs|inhibitors))\b"
)
APPOSITION = re.compile(r",\s+(?:a|an|the)\s+[^,;]*$", re.I)


def _appositions(s_text: str, base: int, before: list[Mention]) -> list[Mention]:
    """Drop a mention that only renames the one before it ("Nilotinib, a second-generation TKI")."""
    kept = list(before)
    while len(kept) > 1 and APPOSITION.search(s_text[kept[-2].end - base : kept[-1].start - base]):
        kept.pop()
    return kept


MEANS = re.compile(r"\b(?:by|through|via|thereby)\s*$", re.I)
PASSIVE = re.compile(r"\s+(?:\w+\s+)?by\s+", re.I)
SUBJECT_JOIN = re.compile(r"\s*(?:,|and|or|,\s*and|as\s+well\s+as)\s*", re.I)


def _subjects(s_text: str, base: int, before: list[Mention]) -> list[Mention]:
    """The nearest mention before a cue, and those joined to it by "and", "or" or commas."""
    subj = [before[-1]]
    for m in reversed(before[:-1]):
        if not SUBJECT_JOIN.fullmatch(s_text[m.end - base : subj[0].start - base]):
            break
        subj.insert(0, m)
    return subj


def _words(words: list[str]) -> re.Pattern:
    return re.compile(
        r"(?<![\w-])(?:"
        + "|".join(
            re.escape(w).replace(r"\ ", r"\s+") if not re.search(r"[\[\]]", w) else w
            for w in sorted(words, key=len, reverse=True)
        )
        + r")(?![\w-])",
        re.I,
    )


@lru_cache(maxsize=1)
def _compiled():
    r = rules()
    cues = {k: _words(v) for k, v in r["cues"].items()}
    dirs = [
        (d["direction"], re.compile(r"\b" + d["pattern"] + r"\b", re.I), d["target"], float(d["weight"]))
        for d in r["directions"]
    ]
    return cues, dirs


def _cues(text: str):
    """Non-overlapping direction cues in text order; the first rule to claim a stretch keeps it."""
    _, dirs = _compiled()
    taken: list[tuple[int, int, str, str, float]] = []
    for direction, rx, target, weight in dirs:
        for m in rx.finditer(text):
            if not any(m.start() < e and s < m.end() for s, e, *_ in taken):
                taken.append((m.start(), m.end(), direction, target, weight))
    return sorted(taken)


def _resisted(text: str, base: int, after: list[Mention]) -> list[str]:
    """Drugs named as resisted after a cue: "resistance to X", "X resistance", "X-resistant"."""
    out = []
    for m in after:
        s, e = m.start - base, m.end - base
        near = text[max(0, s - 25) : s].lower() + " | " + text[e : e + 14].lower()
        if "resist" in near and m.iri not in out:
            out.append(m.iri)
    return out


def _until_stop(s_text: str, base: int, after: list[Mention]) -> list[Mention]:
    """The first mention after a cue, and the next ones up to a word that ends the object phrase."""
    stop = _compiled()[0]["target_stops"]
    kept = after[:1]
    for prev, m in zip(after, after[1:]):
        if stop.search(s_text[prev.end - base : m.start - base]):
            break
        kept.append(m)
    return kept


def extract(
    d: Dictionary, text: str, sentence: Piece, section: str | None = None, previous: Mention | None = None
) -> list[Candidate]:
    """Candidates of one sentence; ``previous`` is the first agent of the sentence before (for "It ...")."""
    cues_rx, _ = _compiled()
    found = sorted(mentions(d, text, sentence.start, sentence.end), key=lambda m: m.start)
    natures = {**d.natures, **{m.iri: m.proposed for m in found if m.proposed}}
    # "imatinib-resistant K562 cells": the drug is context (resistant to), not an actor
    as_context = [m for m in found if m.kind == "entity" and re.match(r"[\s-]?resistant", text[m.end : m.end + 11])]
    actors = [m for m in found if m.kind == "entity" and m not in as_context]
    context = {k: sorted({m.iri for m in found if m.kind == k}) for k in ("cancer", "cell_line", "mutation")}
    s_text, base = sentence.text, sentence.start
    hedged = bool(cues_rx["hedging"].search(s_text))
    resistant = bool(cues_rx["resistant_state"].search(s_text))
    resisted_all = list(
        dict.fromkeys([m.iri for m in as_context] + (_resisted(s_text, base, actors) if resistant else []))
    )
    co_match = cues_rx["co_treatment"].search(s_text)
    co = [m.iri for m in actors if co_match and m.start - base >= co_match.end()][:1]
    refs = citations(sentence)
    system = (
        "inVivo" if cues_rx["in_vivo"].search(s_text) else "inVitro" if cues_rx["in_vitro"].search(s_text) else None
    )
    cues = _cues(s_text)
    out: list[Candidate] = []
    seen = set()
    for i, (cs, ce, direction, how, weight) in enumerate(cues):
        before = [m for m in actors if m.end - base <= cs]
        if not before and previous is not None and PRONOUN.search(s_text[:cs]) and i == 0:
            before = [previous]  # "It increases ROS": the agent of the sentence before
        if not before:
            continue
        agents = _subjects(s_text, base, _appositions(s_text, base, before))
        gap = s_text[before[-1].end - base : cs]
        if (
            out
            and i > 0
            and (
                COORDINATED.fullmatch(gap)
                or MEANS.search(gap)
                or (PARTICIPLE.fullmatch(gap) and s_text[cs:ce].lower().endswith("ing"))
            )
        ):
            # "X enhanced A, suppressed B" / "X kills by raising B" / "X raises A, enhancing B": the subject acts each time
            agents = [out[0].agent_mention]
        stop = cues[i + 1][0] if i + 1 < len(cues) else len(s_text)
        after = [m for m in actors if cs < m.start - base and m.end - base <= stop]
        passive = PASSIVE.match(s_text, ce)
        if passive and how == "next":
            by_agent = [m for m in after if m.start - base >= passive.end()][:1]
            if by_agent:  # "A is induced by X": X acts on A
                agents, after = by_agent, [before[-1]]
        for agent in agents:
            if how == "resisted_drug":
                later = sorted([m for m in actors + as_context if cs < m.start - base < stop], key=lambda m: m.start)
                targets = _resisted(s_text, base, later) or [m.iri for m in after[:1]]
            else:
                targets = list(dict.fromkeys(m.iri for m in _until_stop(s_text, base, after)[:3]))
            targets = [t for t in targets if t != agent.iri]
            by_target = rules()["direction_by_target"].get(direction, {})
            groups: dict[str, list[str]] = {}
            for t in targets:
                groups.setdefault(by_target.get(natures.get(t, ""), direction), []).append(t)
            for dirn, group in groups.items():
                key = (agent.iri, dirn, tuple(group))
                if key in seen:
                    continue
                seen.add(key)
                window = s_text[max(0, agent.end - base, cs - 30) : cs]
                negated = bool(cues_rx["negation"].search(cues_rx["pseudo_negation"].sub(" ", window)))
                distance = abs(cs - (agent.end - base))
                proposed = agent.proposed or any(
                    t not in d.natures for t in group
                )  # a name the dictionary does not know
                borrowed = agent.start < base  # "It ...": the agent of the sentence before
                confidence = (
                    weight
                    * (1.0 if distance <= 60 else 0.75)
                    * (0.8 if hedged else 1.0)
                    * (0.9 if negated else 1.0)
                    * (0.7 if proposed else 1.0)
                    * (0.8 if borrowed else 1.0)
                )
                out.append(
                    Candidate(
                        start=sentence.start,
                        end=sentence.end,
                        quote=sentence.text,
                        agent=agent.iri,
                        direction=dirn,
                        targets=group,
                        cue=s_text[cs:ce],
                        confidence=round(confidence, 2),
                        negated=negated,
                        hedged=hedged,
                        co_treatments=[c for c in co if c != agent.iri],
                        cancers=context["cancer"],
                        cell_lines=context["cell_line"],
                        mutations=context["mutation"],
                        resistant_state=resistant and bool(resisted_all or how == "resisted_drug"),
                        resistant_to=resisted_all if how != "resisted_drug" else group,
                        citations=refs,
                        section=section,
                        agent_mention=agent,
                        # the cell fate the sentence says follows (curators give it to the first step of a chain too)
                        outcomes=list(
                            dict.fromkeys(
                                m.iri
                                for m in actors
                                if m.start - base > cs and natures.get(m.iri) == "fate" and m.iri not in group
                            )
                        ),
                        study_system=system,
                    )
                )
    return out
