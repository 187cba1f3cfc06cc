"""`tkiros diff`: what changed between two releases (terms, labels, edges and the findings behind them)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from tkiros.errors import TkirosError
from tkiros.rdfio import canonical
from tkiros.release.names import (
    VERSION_PREDICATES,
)
from tkiros.vocab import OWL, RDF, RDFS, TK

_DIFF_FORMATS = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".owl": "RDF_XML", ".rdf": "RDF_XML", ".jsonld": "JSON_LD"}
_TERM_TYPES = {
    OWL + "Class",
    OWL + "ObjectProperty",
    OWL + "DatatypeProperty",
    OWL + "AnnotationProperty",
    OWL + "Ontology",
    RDFS + "Class",
    RDF + "Property",
    OWL + "SymmetricProperty",
    OWL + "TransitiveProperty",
}


def load_release_graph(path: Path) -> list:
    """The triples of a release folder (its tkiros.ttl) or of one RDF file."""
    path = Path(path)
    if path.is_dir():
        path = path / "tkiros.ttl"
    if not path.is_file():
        raise TkirosError(f"{path}: no such release file (give a release folder or an RDF file)")
    fmt = _DIFF_FORMATS.get(path.suffix)
    if fmt is None:
        raise TkirosError(f"{path}: unknown RDF format {path.suffix!r}; use .ttl, .nt, .jsonld or .owl")
    try:
        return [q.triple for q in ox.parse(path=str(path), format=getattr(ox.RdfFormat, fmt))]
    except SyntaxError as err:
        line = getattr(err, "lineno", None)
        raise TkirosError(f"{path}{f':{line}' if line else ''}: malformed RDF: {str(err).splitlines()[0]}") from None


def _descriptions(triples) -> tuple[dict[str, set[str]], dict[str, str], dict[str, str]]:
    """Per IRI subject: its statements (blank-node objects expanded in place), its category and its label."""
    triples = canonical(triples)
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    headers = {t.subject for t in triples if t.predicate.value == RDF + "type" and t.object.value == OWL + "Ontology"}

    def render(term, depth=0) -> str:
        if isinstance(term, ox.BlankNode) and depth < 8:
            inner = sorted(f"{t.predicate} {render(t.object, depth + 1)}" for t in by_subject.get(term, []))
            return "[ " + " ; ".join(inner) + " ]"
        return str(term)

    desc, category, label = {}, {}, {}
    for s, ts in by_subject.items():
        if not isinstance(s, ox.NamedNode):
            continue
        stmts = set()
        for t in ts:
            if s in headers and t.predicate.value in VERSION_PREDICATES:
                continue
            stmts.add(f"{t.predicate} {render(t.object)}")
        types = {t.object.value for t in ts if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode)}
        if TK + "Finding" in types:
            category[s.value] = "findings"
        elif types & _TERM_TYPES or s.value.startswith(TK):
            category[s.value] = "axioms"
        else:
            category[s.value] = "entities"
        labels = sorted(
            t.object.value for t in ts if t.predicate.value == RDFS + "label" and isinstance(t.object, ox.Literal)
        )
        if labels:
            label[s.value] = labels[0]
        desc[s.value] = stmts
    return desc, category, label


def diff_graphs(old: list, new: list) -> dict:
    """Findings, entities and axioms added, removed and changed (same IRI, different triples)."""
    from tkiros.prefixes import compact

    def short(stmt: str) -> str:
        return re.sub(
            r"<([^>]+)>", lambda m: compact(m.group(1)) if compact(m.group(1)) != m.group(1) else m.group(0), stmt
        )

    d_old, c_old, l_old = _descriptions(old)
    d_new, c_new, l_new = _descriptions(new)
    report: dict = {k: {"added": [], "removed": [], "changed": []} for k in ("findings", "entities", "axioms")}
    for iri in sorted(set(d_old) | set(d_new)):
        cat = c_new.get(iri) or c_old[iri]
        entry = {"id": compact(iri), "label": l_new.get(iri) or l_old.get(iri, "")}
        if iri not in d_old:
            report[cat]["added"].append(entry)
        elif iri not in d_new:
            report[cat]["removed"].append(entry)
        elif d_old[iri] != d_new[iri]:
            entry["added"] = sorted(short(s) for s in d_new[iri] - d_old[iri])
            entry["removed"] = sorted(short(s) for s in d_old[iri] - d_new[iri])
            report[cat]["changed"].append(entry)
    report["edge support"] = edge_support_changes(old, new)
    old_set, new_set = set(canonical(old)), set(canonical(new))
    report["triples"] = {
        "old": len(old_set),
        "new": len(new_set),
        "added": len(new_set - old_set),
        "removed": len(old_set - new_set),
    }
    return report


def edge_support(triples) -> dict[tuple[str, str, str], tuple[set[str], set[str]]]:
    """Per plain edge (agent, edge property, target or outcome) a finding states: (its supporting findings,
    every finding stating it). Only tkiros:SupportedFinding about individuals backs a plain edge
    (ontology/rules/10-supported-findings.rq, 20-direct-edges.rq)."""
    edge_of, classes, supported, facts = {}, set(), set(), {}
    for t in triples:
        p = t.predicate.value
        if p == TK + "directEdge":
            edge_of[t.subject.value] = t.object.value
        elif p == RDF + "type" and t.object.value == OWL + "Class":
            classes.add(t.subject.value)
        elif p == RDF + "type" and t.object.value == TK + "SupportedFinding":
            supported.add(t.subject.value)
        elif p in (TK + "hasAgent", TK + "hasDirection", TK + "hasTarget", TK + "hasOutcome"):
            facts.setdefault(t.subject.value, {}).setdefault(p, set()).add(t.object.value)
    edges: dict = {}
    for f, fv in facts.items():
        props = {edge_of[d] for d in fv.get(TK + "hasDirection", ()) if d in edge_of}
        for agent in fv.get(TK + "hasAgent", set()) - classes:
            keys = [(agent, p, x) for p in props for x in fv.get(TK + "hasTarget", ())]
            keys += [(agent, TK + "leadsToOutcome", x) for x in fv.get(TK + "hasOutcome", ()) if props]
            for key in keys:
                backing, stating = edges.setdefault(key, (set(), set()))
                stating.add(f)
                if f in supported:
                    backing.add(f)
    return edges


def edge_support_changes(old: list, new: list) -> list[dict]:
    """Plain edges whose set of supporting findings changed, and whether each went supported <-> unsupported."""
    from tkiros.prefixes import compact

    def state(entry) -> str:
        return "absent" if entry is None else ("supported" if entry[0] else "unsupported")

    e_old, e_new = edge_support(old), edge_support(new)
    changes = []
    for key in sorted(set(e_old) | set(e_new)):
        a, b = e_old.get(key), e_new.get(key)
        was, now = (a[0] if a else set()), (b[0] if b else set())
        if was == now and state(a) == state(b):
            continue
        changes.append(
            {
                "edge": " ".join(compact(x) for x in key),
                "old": state(a),
                "new": state(b),
                "added": sorted(compact(f) for f in now - was),
                "removed": sorted(compact(f) for f in was - now),
            }
        )
    return changes


def diff_text(report: dict, old: str, new: str) -> str:
    lines = [f"tkiros diff {old} -> {new}"]
    for cat in ("findings", "entities", "axioms"):
        r = report[cat]
        lines.append(f"{cat}: {len(r['added'])} added, {len(r['removed'])} removed, {len(r['changed'])} changed")
        for e in r["added"]:
            lines.append(f"  + {e['id']}" + (f"  {e['label']}" if e["label"] else ""))
        for e in r["removed"]:
            lines.append(f"  - {e['id']}" + (f"  {e['label']}" if e["label"] else ""))
        for e in r["changed"]:
            lines.append(f"  ~ {e['id']}" + (f"  {e['label']}" if e["label"] else ""))
            lines += [f"      - {s}" for s in e["removed"]] + [f"      + {s}" for s in e["added"]]
    changes = report["edge support"]
    lines.append(f"edge support: {len(changes)} plain edge(s) changed support")
    for c in changes:
        lines.append(
            f"  ~ {c['edge']}  {c['old']} -> {c['new']}"
            + "".join(f"  +{f}" for f in c["added"])
            + "".join(f"  -{f}" for f in c["removed"])
        )
    t = report["triples"]
    lines.append(f"triples: {t['old']} -> {t['new']} ({t['added']} added, {t['removed']} removed)")
    return "\n".join(lines) + "\n"
