"""Evidence cards: one finding in words, its structure, context, full quote with seed and offsets,
qualifiers, erratum notes and references with their citation text (for `tkiros show` and the site)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from tkiros.rqfile import internal

CONTEXT_KEYS = (
    "cancer",
    "cell line",
    "cell type",
    "cell state",
    "resistant to",
    "mutation",
    "co-treatment",
    "during treatment with",
    "study system",
)


@dataclass
class Card:
    finding: str  # CURIE
    iri: str
    claim: str
    parts: dict[str, list[str]] = field(default_factory=dict)  # key -> labels (or CURIEs when unlabelled)
    links: dict[str, list[str]] = field(default_factory=dict)  # key -> IRIs, same order as parts
    spans: list[dict] = field(default_factory=list)  # seed, start, end, quote
    references: list[dict] = field(default_factory=list)  # number, citation, iri
    errata: list[str] = field(default_factory=list)

    def get(self, key: str) -> list[str]:
        return self.parts.get(key, [])

    @property
    def chain(self) -> str:
        """agent → direction → target → outcome, with the mediators ("via") on the arrow."""
        agents = " + ".join(self.get("agent") + self.get("co-treatment")) or "?"
        via = f" (via {', '.join(self.get('via'))})" if self.get("via") else ""
        neg = "NOT " if "true" in self.get("negated") else ""
        out = f" → {', '.join(self.get('outcome'))}" if self.get("outcome") else ""
        return f"{agents} → {neg}{', '.join(self.get('direction'))}{via} → {', '.join(self.get('target'))}{out}"


def is_finding(store, iri: str) -> bool:
    return any(
        True
        for _ in store.quads_for_pattern(
            ox.NamedNode(iri),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("https://w3id.org/tkiros/vocab/Finding"),
        )
    )


def finding_card(store, iri: str) -> Card:
    from tkiros.prefixes import compact

    rows = store.query(internal("finding-card"), substitutions={ox.Variable("finding"): ox.NamedNode(iri)})
    card = Card(compact(iri), iri, "")
    seen = set()
    for r in rows:
        key, v = r["key"].value, r["v"]
        label = r["label"].value if r["label"] is not None else None
        text = r["text"].value if r["text"] is not None else None
        if key == "claim":
            card.claim = v.value
        elif key == "erratum":
            card.errata.append(text)
        elif key == "span":
            start, end = r["n"].value.split("-")
            card.spans.append({"seed": label, "start": int(start), "end": int(end), "quote": text, "iri": v.value})
        elif key == "reference":
            card.references.append({"number": int(r["n"].value), "citation": text or "", "iri": v.value})
        elif (key, v.value) not in seen:
            seen.add((key, v.value))
            shown = label if label is not None else (compact(v.value) if isinstance(v, ox.NamedNode) else v.value)
            card.parts.setdefault(key, []).append(shown)
            card.links.setdefault(key, []).append(v.value)
    card.spans.sort(key=lambda s: (s["seed"] or "", s["start"]))
    card.references.sort(key=lambda ref: ref["number"])
    return card


def render_card_text(card: Card) -> str:
    lines = [f"{card.finding}  {card.claim}", "", f"  {card.chain}"]
    context = [f"{k}: {', '.join(card.get(k))}" for k in CONTEXT_KEYS if card.get(k) and k != "co-treatment"]
    if context:
        lines.append(f"  context: {'; '.join(context)}")
    for key in ("qualifier", "evidence", "measured with", "section", "follows from", "leads to", "conflicts with"):
        if card.get(key):
            lines.append(f"  {key}: {', '.join(card.get(key))}")
    for note in card.errata:
        lines.append(f"  erratum: {note}")
    for s in card.spans:
        lines += ["", f"  {s['seed']}, characters {s['start']}-{s['end']}:", f'    "{s["quote"]}"']
    if card.references:
        lines += ["", "  references:"]
        lines += [f"    [{ref['number']}] {ref['citation'] or '(no citation text)'}" for ref in card.references]
    else:
        lines += ["", "  references: (none cited)"]
    return "\n".join(lines) + "\n"
