"""Finding things without knowing their IRIs: `tkiros search` and `tkiros show`.

search matches labels, synonyms (skos:altLabel, skos:prefLabel), abbreviations (skos:notation) and
CURIEs (the resource's own and those of its skos mappings), ignoring case, spaces and dashes, closest
first: an exact match, then a prefix, then a substring, then a near spelling.

show prints what the graph knows about one entity: its types (asserted, and inferred when the reasoner
module tkiros.reasoning.reason offers inferred_store), its identifiers and notes, and every finding in which it
takes part (as agent, target, co-treatment, mediator, outcome or context), each with direction,
context, outcome, references and the quoted text.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from tkiros.errors import TkirosError
from tkiros.query.queries import norm_key
from tkiros.rqfile import run_internal
from tkiros.vocab import RDFS, SKOS, TK, TKD

# Which name property a match came through, as search reports it.
NAME_KINDS = {
    RDFS + "label": "label",
    SKOS + "prefLabel": "label",
    SKOS + "altLabel": "synonym",
    SKOS + "notation": "abbreviation",
}
RANKS = ("exact", "prefix", "substring", "similar")


@dataclass
class Hit:
    iri: str
    curie: str
    label: str
    matched: str
    via: str
    rank: str
    types: list[str] = field(default_factory=list)


def _namespace_order(iri: str) -> int:
    """Our entities first, then our ontology's terms, then imported external terms."""
    return 0 if iri.startswith(TKD) else 1 if iri.startswith(TK) else 2


def _names(store):
    """(subject IRI, name text, how it is a name) for every label, synonym, abbreviation and mapping CURIE."""
    import pyoxigraph as ox

    from tkiros.prefixes import compact

    for row in run_internal(store, "views/names"):
        if isinstance(row["s"], ox.NamedNode) and isinstance(row["n"], ox.Literal):
            yield row["s"].value, row["n"].value, NAME_KINDS[row["p"].value]
    for row in run_internal(store, "views/mappings"):
        if isinstance(row["s"], ox.NamedNode) and isinstance(row["x"], ox.NamedNode):
            yield row["s"].value, compact(row["x"].value), "identifier"


def mappings_of(store, iri: str) -> list[tuple[str, str]]:
    """(predicate IRI, value) of each skos mapping of one resource, by the predicate's rank in views/mappings.rq
    (which lists the mapping predicates), then by value."""
    rows = {(int(r["rank"].value), r["p"].value, r["x"].value) for r in run_internal(store, "views/mappings", s=iri)}
    return [(p, x) for _, p, x in sorted(rows)]


def _is_finding_or_span(store, iri: str) -> bool:
    return bool(run_internal(store, "views/finding-or-span", iri=iri))


def search(text: str, limit: int = 20, store=None) -> list[Hit]:
    """Resources whose names match ``text``, closest first (findings and text spans are left to `show`)."""
    import pyoxigraph as ox

    from tkiros.prefixes import compact, expand

    if not text.strip():
        raise TkirosError("search: give some text to look for")
    if limit < 1:
        raise TkirosError(f"--limit {limit}: must be at least 1")
    if store is None:
        from tkiros.store.store import open_store

        store = open_store()
    wanted = norm_key(text)
    best: dict[str, tuple] = {}

    def offer(iri, name, via, rank):
        key = (RANKS.index(rank), abs(len(norm_key(name)) - len(wanted)), _namespace_order(iri), name.casefold(), iri)
        if iri not in best or key < best[iri][0]:
            best[iri] = (key, name, via, rank)

    # The text may be a CURIE or IRI of any resource, findings included.
    candidate = text.strip()
    if ":" in candidate:
        try:
            iri = candidate if candidate.startswith(("http://", "https://")) else expand(candidate)
        except KeyError:
            iri = None
        if iri and any(True for _ in store.quads_for_pattern(ox.NamedNode(iri), None, None)):
            offer(iri, compact(iri), "curie", "exact")
    names = list(_names(store))
    for iri, name, via in names:
        n = norm_key(name)
        if not n:
            continue
        if n == wanted:
            offer(iri, name, via, "exact")
        elif n.startswith(wanted):
            offer(iri, name, via, "prefix")
        elif wanted in n:
            offer(iri, name, via, "substring")
    for iri in {i for i, _, _ in names}:  # the resource's own CURIE too: "tkd:hmox1" or just "hmox1"
        local = norm_key(compact(iri).split(":", 1)[-1])
        if local == wanted:
            offer(iri, compact(iri), "curie", "exact")
        elif local.startswith(wanted):
            offer(iri, compact(iri), "curie", "prefix")
    if len(best) < limit:  # near spellings (typos) only when the plain matches run short
        by_norm: dict[str, list] = {}
        for iri, name, via in names:
            if via != "identifier":  # a near spelling of an accession number means nothing
                by_norm.setdefault(norm_key(name), []).append((iri, name, via))
        for close in difflib.get_close_matches(wanted, list(by_norm), n=limit, cutoff=0.75):
            for iri, name, via in by_norm[close]:
                offer(iri, name, via, "similar")
    ranked = sorted(best.items(), key=lambda kv: kv[1][0])
    hits = []
    for iri, (_key, name, via, rank) in ranked:
        # findings and spans (which have labels too) only when asked for by their exact CURIE
        if not (via == "curie" and rank == "exact") and _is_finding_or_span(store, iri):
            continue
        hits.append(Hit(iri, compact(iri), _label(store, iri), name, via, rank, asserted_types(store, iri)))
        if len(hits) >= limit:
            break
    return hits


def _label(store, iri: str) -> str:
    rows = list(run_internal(store, "views/label", iri=iri))
    return rows[0]["l"].value if rows else ""


def asserted_types(store, iri: str) -> list[str]:
    from tkiros.prefixes import compact

    return [compact(r["t"].value) for r in run_internal(store, "views/asserted-types", iri=iri)]


# ---------------------------------------------------------------------------------------------------
# show


@dataclass
class FindingView:
    finding: str
    label: str
    roles: list[str]
    direction: str
    agents: list[str]
    targets: list[str]
    outcomes: list[str]
    context: list[str]
    qualifiers: list[str]
    references: list[int]
    evidence: list[str]
    quotes: list[str]


@dataclass
class EntityView:
    iri: str
    curie: str
    label: str
    synonyms: list[str]
    asserted_types: list[str]
    inferred_types: list[str] | None
    inferred_note: str
    identifiers: list[str]
    notes: list[str]
    facts: list[str]
    findings: list[FindingView]


def _values(store, name: str, var: str = "v", **terms) -> list[str]:
    """The distinct values of ``var`` in the answer of the packaged query ``name``, sorted."""
    return sorted({r[var].value for r in run_internal(store, name, **terms)})


def _inferred_types(iri: str) -> tuple[list[str] | None, str]:
    """Types the reasoner infers, when tkiros.reasoning.reason provides inferred_store(); else (None, why)."""
    try:
        from tkiros.reasoning.cache import inferred_store  # written by another module; optional here
    except ImportError:
        return None, "no reasoner module (tkiros.reasoning.reason) installed"
    from tkiros.prefixes import compact

    try:
        inferred = inferred_store()
        rows = run_internal(inferred, "views/types", iri=iri)
        return sorted(compact(r["t"].value) for r in rows), ""
    except TkirosError as err:
        return None, f"reasoner unavailable: {err.message.splitlines()[0] if err.message else type(err).__name__}"
    except Exception as err:  # noqa: BLE001 - the reasoner is optional: show what we know without it
        return None, f"reasoner unavailable: {type(err).__name__}"


def resolve(raw, value: str) -> str:
    """An entity's IRI from a label, synonym or CURIE. A name shared by one of our individuals and an
    ontology class (NOX4 is tkd:nox4 and tkiros:NOX4) means the individual."""
    import pyoxigraph as ox

    from tkiros.query.queries import entity_index, resolve_entity

    if ":" not in value and any(True for _ in raw.quads_for_pattern(ox.NamedNode(TKD + value), None, None)):
        return TKD + value  # a bare local name, as in tkd:nrf2-f35
    try:
        return resolve_entity(raw, value, "ENTITY").value
    except TkirosError as err:
        hits = entity_index(raw).get(norm_key(value), set())
        ours = [h for h in hits if h.startswith(TKD)]
        if len(hits) > 1 and len(ours) == 1:
            return ours[0]
        raise TkirosError(err.message.replace("--param ENTITY=", "", 1)) from None


def show(entity: str, store=None, inferred: bool = True) -> EntityView:
    from tkiros.prefixes import compact

    if store is None:
        from tkiros.store.store import open_store

        store = open_store()
    iri = resolve(store, entity)
    c = compact
    label = _label(store, iri)
    synonyms = _values(store, "views/synonyms", iri=iri)
    asserted = asserted_types(store, iri)
    inferred_types, inferred_note = _inferred_types(iri) if inferred else (None, "not asked for: --no-inferred")
    if inferred_types is not None:
        inferred_types = [t for t in inferred_types if t not in asserted and t != "owl:NamedIndividual"]
    identifiers = sorted(f"{c(p)} {c(x)}" for p, x in mappings_of(store, iri))
    identifiers += [f"dcterms:identifier {v}" for v in _values(store, "views/identifiers", iri=iri)]
    notes = _values(store, "views/notes", iri=iri)
    facts = sorted(
        f"{c(r['p'].value)} {c(r['o'].value) if r['o'].__class__.__name__ == 'NamedNode' else r['o'].value}"
        for r in run_internal(store, "views/facts", iri=iri)
    )
    return EntityView(
        iri,
        c(iri),
        label,
        synonyms,
        asserted,
        inferred_types,
        inferred_note,
        identifiers,
        notes,
        facts,
        _findings_of(store, iri),
    )


def _findings_of(raw, iri: str) -> list[FindingView]:
    from tkiros.prefixes import compact

    roles: dict[str, set[str]] = {}
    rank: dict[str, int] = {}
    for r in run_internal(raw, "views/finding-roles", iri=iri):
        roles.setdefault(r["f"].value, set()).add(r["role"].value)
        rank[r["role"].value] = int(r["rank"].value)
    views = []
    for f in sorted(roles, key=finding_sort_key):
        linked: dict[str, set[str]] = {}  # property -> labels of what the finding links to by it, in one query
        for r in run_internal(raw, "views/linked-labels", f=f):
            linked.setdefault(r["p"].value, set()).add(r["v"].value)

        def vals(prop, linked=linked):
            return sorted(linked.get(TK + prop, ()))

        context = []
        for name, prop in (
            ("cancer", "inCancerType"),
            ("cell line", "inCellLine"),
            ("cell state", "inCellState"),
            ("resistant to", "resistantTo"),
            ("mutation", "withMutation"),
            ("with", "hasCoTreatment"),
            ("during", "duringTreatmentWith"),
            ("via", "hasMediator"),
            ("system", "inStudySystem"),
        ):
            context += [f"{name}: {v}" for v in vals(prop)]
        views.append(
            FindingView(
                finding=compact(f),
                label=_label(raw, f),
                roles=sorted(roles[f], key=rank.__getitem__),
                direction=", ".join(vals("hasDirection")),
                agents=vals("hasAgent"),
                targets=vals("hasTarget"),
                outcomes=vals("hasOutcome"),
                context=context,
                qualifiers=vals("hasQualifier"),
                references=sorted(int(v) for v in _values(raw, "views/finding-references", "n", f=f)),
                evidence=sorted(compact(v) for v in _values(raw, "views/evidence-types", f=f)),
                quotes=[r["q"].value for r in run_internal(raw, "views/quotes", f=f)],
            )
        )
    return views


def finding_sort_key(iri: str):
    """Findings in id order with numbers compared as numbers: erbb-f2 before erbb-f10."""
    import re

    local = iri.rsplit("/", 1)[-1]
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", local)]


def render_show_text(view: EntityView) -> str:
    lines = [f"{view.label or view.curie}  ({view.curie})", f"  IRI: {view.iri}"]
    if view.synonyms:
        lines.append(f"  also called: {', '.join(view.synonyms)}")
    lines.append(f"  types: {', '.join(view.asserted_types) or '-'}")
    if view.inferred_types is not None:
        lines.append(f"  inferred types: {', '.join(view.inferred_types) or '(none beyond the asserted)'}")
    else:
        lines.append(f"  inferred types: ({view.inferred_note})")
    lines.append(f"  identifiers: {'; '.join(view.identifiers) or '(none recorded)'}")
    for fact in view.facts:
        lines.append(f"  {fact}")
    for note in view.notes:
        lines.append(f"  note: {note}")
    lines.append("")
    lines.append(f"{len(view.findings)} finding{'s' if len(view.findings) != 1 else ''} in which it takes part:")
    for fv in view.findings:
        lines.append("")
        lines.append(f"{fv.finding}  [{', '.join(fv.roles)}]  {fv.label}")
        lines.append(f"    {', '.join(fv.agents)} --{fv.direction}--> {', '.join(fv.targets)}")
        if fv.outcomes:
            lines.append(f"    outcome: {', '.join(fv.outcomes)}")
        if fv.context:
            lines.append(f"    context: {'; '.join(fv.context)}")
        if fv.qualifiers:
            lines.append(f"    qualifiers: {', '.join(fv.qualifiers)}")
        refs = ", ".join(str(n) for n in fv.references)
        lines.append(
            f"    references: {('[' + refs + ']') if refs else '(none cited)'}; evidence: {', '.join(fv.evidence)}"
        )
        for q in fv.quotes:
            lines.append(f'    "{q}"')
    return "\n".join(lines) + "\n"


def render_hits_table(hits: list[Hit]) -> str:
    if not hits:
        return "(no match)\n"
    headers = ["curie", "label", "matched", "via", "match", "types"]
    rows = [[h.curie, h.label, h.matched, h.via, h.rank, ", ".join(h.types)] for h in hits]
    widths = [min(max(len(r[i]) for r in rows + [headers]), 50) for i in range(len(headers))]

    def fmt(cells):
        return "  ".join((c if len(c) <= 50 else c[:47] + "...").ljust(w) for c, w in zip(cells, widths)).rstrip()

    return (
        "\n".join([fmt(headers), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])
        + f"\n({len(hits)} match{'es' if len(hits) != 1 else ''})\n"
    )
