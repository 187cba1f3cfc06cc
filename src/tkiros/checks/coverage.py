"""Curation coverage: which sentences of the seeds that cite a reference or name an agent back no finding,
and which reference numbers no finding cites.

A sentence "backs a finding" when some finding's span overlaps it. Running text is every section of the
review from the Abstract to the Conclusion (not the abbreviations, the reference list or the back matter)
and the preprint's title and abstract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tkiros.errors import TkirosError
from tkiros.rqfile import internal

RUNNING_TEXT_EXCLUDED = {
    "review-front",
    "data-availability",
    "abbreviations",
    "references",
    "back-matter",
    "preprint-keywords",
    "preprint-back-matter",
}
CITATION = re.compile(r"\[(\d+(?:\s*[,–-]\s*\d+)*)\]")
# Sentence ends: ., ! or ? (optionally after a citation) followed by space and a capital, digit or quote;
# not after common abbreviations.
SENTENCE_END = re.compile(r"(?<!\bet al)(?<!\bFig)(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<=[.!?])\s+(?=[A-Z0-9“\"(])")


@dataclass
class Sentence:
    section: str
    start: int
    end: int
    text: str
    refs: list[int]
    agents: list[str]
    backed: bool


@dataclass
class SectionCoverage:
    section: str
    label: str
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def relevant(self):
        return [s for s in self.sentences if s.refs or s.agents]

    @property
    def citing(self):
        return [s for s in self.sentences if s.refs]

    @property
    def unbacked(self):
        return [s for s in self.relevant if not s.backed]


@dataclass
class CoverageReport:
    sections: list[SectionCoverage]
    cited_numbers: set[int]
    finding_cited_numbers: set[int]
    reference_count: int
    uncited_reasons: dict[int, str]

    @property
    def citing_sentences(self):
        return [s for sec in self.sections for s in sec.citing]

    @property
    def citing_backed_share(self) -> float:
        c = self.citing_sentences
        return sum(s.backed for s in c) / len(c) if c else 1.0

    @property
    def relevant_backed_share(self) -> float:
        r = [s for sec in self.sections for s in sec.relevant]
        return sum(s.backed for s in r) / len(r) if r else 1.0

    @property
    def reference_share(self) -> float:
        """Share of the reference numbers cited in the running text that some finding cites."""
        return (
            len(self.cited_numbers & self.finding_cited_numbers) / len(self.cited_numbers)
            if self.cited_numbers
            else 1.0
        )

    @property
    def unaccounted_references(self) -> list[int]:
        """Reference numbers neither cited by a finding nor listed with a reason."""
        return [
            n
            for n in range(1, self.reference_count + 1)
            if n not in self.finding_cited_numbers and n not in self.uncited_reasons
        ]

    def text(self) -> str:
        lines = [f"{'section':48} {'sentences':>9} {'citing':>6} {'agent/cite':>10} {'unbacked':>8}"]
        for sec in self.sections:
            lines.append(
                f"{sec.label[:48]:48} {len(sec.sentences):9} {len(sec.citing):6} {len(sec.relevant):10} {len(sec.unbacked):8}"
            )
        lines.append("")
        for sec in self.sections:
            for s in sec.unbacked:
                lines.append(f"unbacked [{sec.label}] {s.start}-{s.end}: {s.text[:140]}")
        c = self.citing_sentences
        lines.append(
            f"citing sentences backed by a finding: {sum(s.backed for s in c)}/{len(c)} ({self.citing_backed_share:.1%})"
        )
        lines.append(f"sentences citing or naming an agent backed: {self.relevant_backed_share:.1%}")
        lines.append(
            f"reference numbers cited in the text that a finding cites: {len(self.cited_numbers & self.finding_cited_numbers)}/{len(self.cited_numbers)} ({self.reference_share:.1%})"
        )
        lines.append(
            f"references cited by some finding: {len(self.finding_cited_numbers)}/{self.reference_count}; listed with a reason: {len(self.uncited_reasons)}; unaccounted: {self.unaccounted_references or 'none'}"
        )
        return "\n".join(lines) + "\n"


def expand_citation(body: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*,\s*", body):
        m = re.fullmatch(r"(\d+)\s*[–-]\s*(\d+)", part)
        if m:
            out += list(range(int(m[1]), int(m[2]) + 1))
        elif part.strip().isdigit():
            out.append(int(part))
    return out


def split_sentences(text: str, offset: int):
    for para_match in re.finditer(r"[^\n]+", text):
        para, base = para_match.group(0), offset + para_match.start()
        pos = 0
        for m in SENTENCE_END.finditer(para):
            yield base + pos, base + m.start(), para[pos : m.start()]
            pos = m.end()
        if pos < len(para):
            yield base + pos, base + len(para), para[pos:]


def _offset(term, owner) -> int:
    try:
        return int(term.value)
    except ValueError:
        from tkiros.prefixes import compact

        raise TkirosError(f"{compact(owner.value)}: offset {term.value!r} is not an integer") from None


def coverage(graph=None) -> CoverageReport:
    if graph is None:
        from tkiros.store.store import open_store

        graph = open_store()
    q = graph.query
    seeds = {r["seed"].value: r["text"].value for r in q(internal("coverage/seed-texts"))}
    spans: dict[str, list[tuple[int, int]]] = {}
    for r in q(internal("coverage/finding-spans")):
        spans.setdefault(r["seed"].value, []).append((_offset(r["s"], r["f"]), _offset(r["e"], r["f"])))
    names = []
    for r in q(internal("coverage/agent-names")):
        if len(r["l"].value) >= 4:
            names.append(r["l"].value)
    agent_re = (
        re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b", re.I)
        if names
        else None
    )
    sections = []
    rows = q(internal("coverage/sections"))
    # Sorted here, not by ORDER BY (see the query's why).
    rows = sorted(
        ((r["sec"], r["label"], r["seed"].value, _offset(r["s"], r["sec"]), _offset(r["e"], r["sec"])) for r in rows),
        key=lambda t: (t[2], t[3]),
    )
    cited: set[int] = set()
    for sec_node, label, seed, s0, e0 in rows:
        slug = sec_node.value.rsplit("sec-", 1)[-1]
        if slug in RUNNING_TEXT_EXCLUDED:
            continue
        text = seeds[seed]
        body_start = text.index("\n", s0) + 1 if "\n" in text[s0:e0] and not slug.startswith("preprint") else s0
        sec = SectionCoverage(slug, label.value)
        for s, e, sent in split_sentences(text[body_start:e0], body_start):
            if len(sent.strip()) < 25:  # headings and fragments
                continue
            refs = [n for m in CITATION.finditer(sent) for n in expand_citation(m.group(1))]
            cited.update(refs)
            agents = sorted({m.group(0).lower() for m in agent_re.finditer(sent)}) if agent_re else []
            backed = any(a < e and s < b for a, b in spans.get(seed, []))
            sec.sentences.append(Sentence(slug, s, e, sent, refs, agents, backed))
        sections.append(sec)
    finding_refs = {int(r["n"].value) for r in q(internal("coverage/finding-reference-numbers"))}
    n_refs = int(next(iter(q(internal("coverage/reference-count"))))["n"].value)
    reasons = {int(r["n"].value): r["why"].value for r in q(internal("coverage/uncited-reasons"))}
    return CoverageReport(sections, cited, finding_refs, n_refs, reasons)
