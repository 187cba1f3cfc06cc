"""KGX tables (nodes.tsv, edges.tsv) of the knowledge graph, following the Biolink Model.

One node per entity, publication and seed; one edge per (finding, agent, target) with the Biolink
predicate and qualifiers of the finding's direction, plus (finding, agent, outcome) edges. Every edge
carries the finding's id (``tkiros_finding``), the review's DOI in ``publications`` with the numbers of
the references it cites (``tkiros_reference_numbers``), the ECO evidence type, the exact seed quote
(``supporting_text``), its Biolink ``knowledge_level`` and ``agent_type: manual_agent``, and
``negated: True`` for a negative finding.

What the resource takes as true is marked so a pipeline reading only Biolink slots cannot mistake the rest
for it (docs/publishing.md): a supported finding (tkiros:SupportedFinding) or a plain negative one is a
``knowledge_assertion``; a hedged (uncertain) claim is a ``prediction``; a claim known only from a
reference's title has ``not_provided``; a source erratum gives no edge at all. ``tkiros_supported`` and
``tkiros_evidence_level`` say the same in tkiros terms.

Node ids are tkiros CURIEs (``tkd:gefitinib``; the prefix ``tkd`` is https://w3id.org/tkiros/data/), with
verified external identifiers (skos:exactMatch) in ``xref``. The mapping was checked against Biolink Model
4.4.6 (the biolink-model package on PyPI); `biolink_problems` checks a table against it offline.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from tkiros.datatables import FLAGS, read_rows
from tkiros.errors import TkirosError
from tkiros.release.names import Release
from tkiros.vocab import BIBO, CITO, DCTERMS, IAO_DEFINITION, RDF, RDFS, SKOS, TK, TKD

BIOLINK_VERSION = "4.4.6"
KNOWLEDGE_SOURCE = "infores:tkiros"  # our own infores name; not (yet) in the Biolink information-resource registry
LOCAL_PREFIXES = ("tkd",)


BIOLINK_MAP = Path(__file__).with_name("biolink.sssom.tsv")
KGX_COLUMNS = Path(__file__).with_name("kgx_columns.tsv")


def _biolink_rows() -> list[dict[str, str]]:
    """The rows of biolink.sssom.tsv (an SSSOM table: tkiros classes to categories, directions to predicates)."""
    return read_rows(BIOLINK_MAP)


# tkiros class -> Biolink category. An individual gets the category of its nearest mapped class (then the
# first in the table's order; Biolink names categories in CamelCase, predicates in snake_case): e.g. NOX4 -> NADPHOxidase -> Protein, and IDH2 (a Protein and an NADPHSupply) a Protein.
CATEGORY_BY_CLASS = {
    r["subject_id"].removeprefix("tkiros:"): r["object_id"]
    for r in _biolink_rows()
    if r["object_id"][len("biolink:") :][:1].isupper()
}
_PRIORITY = list(CATEGORY_BY_CLASS)

# Categories whose activity or abundance can be qualified (GeneOrGeneProductOrChemicalEntityAspectEnum).
ASPECT_CATEGORIES = {
    "biolink:Protein",
    "biolink:Gene",
    "biolink:Drug",
    "biolink:SmallMolecule",
    "biolink:ChemicalEntity",
}

# Direction -> (predicate, qualified predicate, object direction, object aspect when the object allows one).
PREDICATE_BY_DIRECTION = {
    r["subject_id"].removeprefix("tkiros:"): (
        r["object_id"],
        r["qualified_predicate"] or None,
        r["object_direction_qualifier"] or None,
        r["object_aspect_qualifier"] or None,
    )
    for r in _biolink_rows()
    if r["object_id"][len("biolink:") :][:1].islower()
}
OUTCOME_PREDICATE = "biolink:contributes_to"

# Qualifiers of an unsupported finding -> Biolink knowledge_level (the first that applies, in this order);
# a source erratum's claim is left out of the edges (the text states it wrongly).
KNOWLEDGE_LEVEL_BY_QUALIFIER = {"uncertain": "prediction", "titleDerived": "not_provided"}
LEFT_OUT_QUALIFIERS = {"sourceErratum"}
ASSERTION = "knowledge_assertion"


def knowledge_level(qualifiers: set[str], supported: bool) -> str | None:
    """The Biolink knowledge level of a finding's edges, or None when the finding gives no edge.

    A negated finding is not a tkiros:SupportedFinding (it gives no plain edge), yet as a negative
    statement (Biolink ``negated``) it is an assertion like any other unless a qualifier says otherwise.
    """
    if qualifiers & LEFT_OUT_QUALIFIERS:
        return None
    if supported:
        return ASSERTION
    return next((level for q, level in KNOWLEDGE_LEVEL_BY_QUALIFIER.items() if q in qualifiers), ASSERTION)


@dataclass(frozen=True)
class Column:
    name: str
    slot: str  # the Biolink slot, or "" for a tkiros_ extension column
    multivalued: bool


@cache
def kgx_columns() -> dict[str, tuple[Column, ...]]:
    """The columns of each KGX table ("nodes", "edges"), in their order, from kgx_columns.tsv (read once)."""
    tables: dict[str, list[Column]] = {"nodes": [], "edges": []}
    for r in read_rows(KGX_COLUMNS):
        if r["file"] not in tables or r["multivalued"] not in FLAGS:
            raise TkirosError(
                f"{KGX_COLUMNS.name}: column {r['column']!r}: file must be nodes or edges and multivalued true or false"
            )
        tables[r["file"]].append(Column(r["column"], r["slot"], FLAGS[r["multivalued"]]))
    return {table: tuple(columns) for table, columns in tables.items()}


def multivalued() -> set[str]:
    """The columns whose cells are lists joined by '|', in either table."""
    return {c.name for columns in kgx_columns().values() for c in columns if c.multivalued}


def _clean(text: str) -> str:
    """A TSV cell: no tabs, newlines or the list delimiter '|'."""
    return " ".join(text.replace("|", "/").split())


def _row(columns: tuple[Column, ...], values: dict) -> str:
    cells = []
    for c in columns:
        v = values.get(c.name)
        if v is None:
            cells.append("")
            continue
        if isinstance(v, (list, tuple)) != c.multivalued:
            # kgx_check splits cells by the same table, so a list where it expects one value would be misread
            kind, given = ("multivalued", "one value") if c.multivalued else ("single-valued", "a list")
            raise TkirosError(f"{KGX_COLUMNS.name}: column {c.name!r} is {kind}, but the KGX export gives it {given}")
        cells.append("|".join(_clean(str(x)) for x in v) if c.multivalued else _clean(str(v)))
    return "\t".join(cells) + "\n"


def _table(columns: tuple[Column, ...], rows) -> str:
    names = [c.name for c in columns]
    lines = ["\t".join(names) + "\n"]
    for r in rows:
        if unknown := sorted(r.keys() - set(names)):  # a value with no column would be lost without a word
            raise TkirosError(f"{KGX_COLUMNS.name}: no column {unknown[0]!r}, which the KGX export fills")
        lines.append(_row(columns, r))
    return "".join(lines)


def kgx_tables(main: list, release: Release) -> tuple[bytes, bytes]:
    """(nodes.tsv, edges.tsv) as bytes, rows sorted, from the main artifact's triples."""
    from tkiros.prefixes import compact

    by_subject: dict = {}
    for t in main:
        by_subject.setdefault(t.subject, []).append(t)

    def values(s, p):
        return sorted((t.object for t in by_subject.get(s, []) if t.predicate.value == p), key=str)

    def literal(s, p):
        for o in values(s, p):
            if isinstance(o, ox.Literal) and o.language in (None, "", "en"):
                return o.value
        return None

    superclasses: dict = {}
    for t in main:
        if t.predicate.value == RDFS + "subClassOf" and isinstance(t.object, ox.NamedNode):
            superclasses.setdefault(t.subject.value, []).append(t.object.value)

    def ancestors(c: str) -> set[str]:
        found, todo = set(), list(superclasses.get(c, []))
        while todo:
            sup = todo.pop()
            if sup not in found:
                found.add(sup)
                todo.extend(superclasses.get(sup, []))
        return found

    def category_of(s) -> str | None:
        types = {
            t.object.value
            for t in by_subject.get(s, [])
            if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode)
        }
        # start from the most specific types: the graph also types each individual with every superclass
        frontier = sorted(types - {a for c in types for a in ancestors(c)})
        seen = set()
        while frontier:
            mapped = [
                CATEGORY_BY_CLASS[c[len(TK) :]]
                for c in frontier
                if c.startswith(TK) and c[len(TK) :] in CATEGORY_BY_CLASS
            ]
            if mapped:
                return min(
                    mapped, key=lambda cat: _PRIORITY.index(next(k for k, v in CATEGORY_BY_CLASS.items() if v == cat))
                )
            seen.update(frontier)
            frontier = sorted({sup for c in frontier for sup in superclasses.get(c, []) if sup not in seen})
        return None

    doi = {
        s: f"doi:{o.value}"
        for s, ts in by_subject.items()
        for t in ts
        if t.predicate.value == BIBO + "doi"
        for o in [t.object]
    }

    def node_id(s) -> str:
        return compact(s.value)

    nodes: dict[str, dict] = {}

    def add_node(s, category=None):
        nid = node_id(s)
        if nid in nodes:
            return nid
        category = category or category_of(s) or "biolink:NamedThing"
        xrefs = [compact(o.value) for o in values(s, SKOS + "exactMatch") if isinstance(o, ox.NamedNode)]
        if s in doi:  # a DOI is no KGX node id (kgx takes no '/' in a CURIE's local part)
            xrefs.append(doi[s])
        nodes[nid] = {
            "id": nid,
            "category": [category],
            "name": literal(s, RDFS + "label")
            or literal(s, DCTERMS + "title")
            or literal(s, TK + "citationText")
            or compact(s.value),
            "description": literal(s, IAO_DEFINITION)
            or literal(s, SKOS + "definition")
            or literal(s, DCTERMS + "title"),
            "synonym": sorted({o.value for o in values(s, SKOS + "altLabel") if isinstance(o, ox.Literal)}) or None,
            "xref": sorted(xrefs) or None,
            "iri": s.value,
            "provided_by": [KNOWLEDGE_SOURCE],
        }
        return nid

    for s in sorted(by_subject, key=str):
        if isinstance(s, ox.NamedNode) and s.value.startswith(TKD) and category_of(s):
            add_node(s)

    findings = sorted(
        (t.subject for t in main if t.predicate.value == RDF + "type" and t.object.value == TK + "Finding"), key=str
    )
    seed_of = {t.subject: t.object for t in main if t.predicate.value == TK + "inSeed"}
    supported = {
        t.subject for t in main if t.predicate.value == RDF + "type" and t.object.value == TK + "SupportedFinding"
    }
    edges = []
    owl_class = "http://www.w3.org/2002/07/owl#Class"
    # a drug class named where a drug would stand (punning, docs/CURATION.md) is no KGX node: KGX edges join
    # instances, and a class-level claim stays in the RDF release and the nanopublications
    is_class = {t.subject for t in main if t.predicate.value == RDF + "type" and t.object.value == owl_class}
    for f in findings:
        fv = {}
        for t in by_subject.get(f, []):
            if t.object not in is_class:
                fv.setdefault(t.predicate.value, []).append(t.object)
        for k in fv:
            fv[k] = sorted(fv[k], key=str)
        qualifiers = [q.value[len(TK) :] for q in fv.get(TK + "hasQualifier", [])]
        level = knowledge_level(set(qualifiers), f in supported)
        if level is None:
            continue
        negated = any(o.value == "true" for o in fv.get(TK + "negated", []))
        evidence = fv.get(TK + "hasEvidenceLevel", [])
        directions = [d.value[len(TK) :] for d in fv.get(TK + "hasDirection", [])]
        spans = fv.get(TK + "hasSpan", [])
        publications = sorted({doi[seed_of[sp]] for sp in spans if sp in seed_of and seed_of[sp] in doi})
        quotes = [literal(sp, "http://www.w3.org/ns/oa#exact") for sp in spans]
        refs = fv.get(CITO + "citesAsEvidence", [])
        ref_numbers = sorted({int(n.value) for r in refs for n in values(r, TK + "referenceNumber")})
        cancers = fv.get(TK + "inCancerType", [])
        common = {
            "knowledge_level": level,
            "agent_type": "manual_agent",
            "negated": "True" if negated else None,
            "primary_knowledge_source": KNOWLEDGE_SOURCE,
            "publications": publications or None,
            "has_evidence": [compact(e.value).replace("obo:ECO_", "ECO:") for e in fv.get(TK + "hasEvidenceType", [])]
            or None,
            "supporting_text": [q for q in quotes if q] or None,
            "tkiros_finding": compact(f.value),
            "tkiros_supported": "true" if f in supported else "false",
            "tkiros_evidence_level": compact(evidence[0].value) if evidence else None,
            "tkiros_reference_numbers": ref_numbers or None,
            "tkiros_qualifiers": qualifiers or None,
            "tkiros_co_treatments": [node_id(x) for x in fv.get(TK + "hasCoTreatment", [])] or None,
            "tkiros_mediators": [node_id(x) for x in fv.get(TK + "hasMediator", [])] or None,
            "tkiros_cancer_types": [node_id(x) for x in cancers] or None,
            "tkiros_cell_lines": [node_id(x) for x in fv.get(TK + "inCellLine", [])] or None,
            "disease_context_qualifier": node_id(cancers[0]) if len(cancers) == 1 else None,
        }
        for x in (
            fv.get(TK + "hasCoTreatment", []) + fv.get(TK + "hasMediator", []) + cancers + fv.get(TK + "inCellLine", [])
        ):
            add_node(x)
        for agent in fv.get(TK + "hasAgent", []):
            subject = add_node(agent)
            pairs = []
            for direction in directions:
                if direction not in PREDICATE_BY_DIRECTION:
                    continue
                predicate, qualified, towards, aspect = PREDICATE_BY_DIRECTION[direction]
                edge_property = next(
                    (
                        t.object
                        for t in by_subject.get(ox.NamedNode(TK + direction), [])
                        if t.predicate.value == TK + "directEdge"
                    ),
                    None,
                )
                for target in fv.get(TK + "hasTarget", []):
                    obj = add_node(target)
                    pairs.append(
                        (
                            obj,
                            predicate,
                            qualified,
                            towards,
                            aspect if aspect and nodes[obj]["category"][0] in ASPECT_CATEGORIES else None,
                            compact(edge_property.value) if edge_property else None,
                        )
                    )
            for outcome in fv.get(TK + "hasOutcome", []):
                pairs.append((add_node(outcome), OUTCOME_PREDICATE, None, None, None, "tkiros:leadsToOutcome"))
            for obj, predicate, qualified, towards, aspect, original in pairs:
                key = f"{f.value}|{subject}|{predicate}|{obj}|{towards}|{aspect}"
                edges.append(
                    {
                        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}",
                        "subject": subject,
                        "predicate": predicate,
                        "object": obj,
                        "qualified_predicate": qualified,
                        "object_direction_qualifier": towards,
                        "object_aspect_qualifier": aspect,
                        "original_predicate": original,
                        **common,
                    }
                )
    unique = {e["id"]: e for e in edges}
    edge_rows = sorted(
        unique.values(), key=lambda e: (e["tkiros_finding"], e["subject"], e["predicate"], e["object"], e["id"])
    )
    columns = kgx_columns()
    node_text = _table(columns["nodes"], (nodes[k] for k in sorted(nodes)))
    return node_text.encode("utf-8"), _table(columns["edges"], edge_rows).encode("utf-8")
