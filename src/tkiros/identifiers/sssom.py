"""Entities and their mappings in the graph: identifiers per entity, entities without one, and the SSSOM table."""

from __future__ import annotations

import csv
import io

from tkiros.identifiers.sources import CONFIDENCE, MATCH_PREDICATES, NO_IDENTIFIER
from tkiros.identifiers.usage import curie_sort_key
from tkiros.rqfile import internal


def entity_identifiers(graph) -> dict[str, dict]:
    """For every tkiros entity: label, mappings [(predicate CURIE, object CURIE)], notes."""
    from tkiros.prefixes import compact

    rows = graph.query(internal("identifiers/entity-identifiers"))
    out: dict[str, dict] = {}
    for r in rows:
        e = out.setdefault(compact(r["e"].value), {"label": r["label"].value, "mappings": set(), "notes": set()})
        if r["p"] is not None:
            e["mappings"].add((MATCH_PREDICATES[r["p"].value], compact(r["o"].value)))
        if r["note"] is not None:
            e["notes"].add(r["note"].value)
    return out


def entities_without_identifier(graph) -> dict[str, str]:
    """Entity CURIE -> its 'no public identifier' note, for entities with no mapping."""
    out = {}
    for curie, e in entity_identifiers(graph).items():
        if not e["mappings"]:
            notes = sorted(n for n in e["notes"] if n.startswith(NO_IDENTIFIER))
            out[curie] = notes[0] if notes else ""
    return dict(sorted(out.items()))


def sssom_rows(graph) -> list[dict[str, str]]:
    """One row per skos mapping of a tkiros entity or class, from the graph (labels from the import modules).

    A mapping's comment is the subject's skos:note that starts with the object's CURIE and a colon."""
    from tkiros.prefixes import compact

    rows = graph.query(internal("identifiers/mappings"))
    notes: dict[str, list[str]] = {}
    for r in graph.query(internal("identifiers/notes")):
        notes.setdefault(r["s"].value, []).append(r["n"].value)
    out: dict[tuple, dict[str, str]] = {}
    for r in rows:
        s, o = r["s"].value, r["o"].value
        obj = compact(o)
        pred = MATCH_PREDICATES[r["p"].value]
        comment = sorted(n[len(obj) + 2 :] for n in notes.get(s, []) if n.startswith(obj + ": "))
        row = {
            "subject_id": compact(s),
            "subject_label": r["sl"].value if r["sl"] is not None else "",
            "predicate_id": pred,
            "object_id": obj,
            "object_label": r["ol"].value if r["ol"] is not None else "",
            "mapping_justification": "semapv:ManualMappingCuration",
            "confidence": str(CONFIDENCE[pred]),
            "comment": " ".join(comment),
        }
        key = (row["subject_id"], pred, obj)
        if key not in out or (row["subject_label"], row["object_label"]) < (
            out[key]["subject_label"],
            out[key]["object_label"],
        ):
            out[key] = row
    return [out[k] for k in sorted(out, key=lambda k: (k[0], k[1], curie_sort_key(k[2])))]


SSSOM_COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "comment",
)


def sssom_text(graph) -> str:
    """The SSSOM/TSV table (YAML metadata header, then the rows) of every mapping in the graph."""
    from tkiros import __version__
    from tkiros.prefixes import PREFIXES

    rows = sssom_rows(graph)
    used = {"skos", "semapv"}
    for r in rows:
        used.add(r["subject_id"].split(":", 1)[0])
        used.add(r["object_id"].split(":", 1)[0])
    head = [
        "curie_map:",
        *[f'  {p}: "{PREFIXES[p]}"' for p in sorted(used, key=str.casefold)],
        "mapping_set_id: https://w3id.org/tkiros/mappings/tkiros.sssom.tsv",
        'mapping_set_title: "Mappings of tkiros entities and classes to external ontologies"',
        'mapping_set_description: "Every skos:exactMatch, closeMatch, broadMatch and narrowMatch of instances/identifiers.ttl'
        ' and ontology/tkiros-xrefs.ttl, each object verified against its source by tkiros imports refresh."',
        f'mapping_set_version: "{__version__}"',
        "license: https://creativecommons.org/licenses/by/4.0/",
        "creator_label:",
        '  - "The tkiros developers"',
    ]
    out = io.StringIO()
    for line in head:
        out.write(f"#{line}\n")
    w = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(SSSOM_COLUMNS)
    for r in rows:
        w.writerow([r[c] for c in SSSOM_COLUMNS])
    return out.getvalue()
