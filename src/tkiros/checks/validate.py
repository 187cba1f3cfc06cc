"""SHACL validation of the graph with the shapes of shapes/ (pySHACL, SHACL-SPARQL enabled)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tkiros.errors import SourceError, TkirosError
from tkiros.store.paths import project_root
from tkiros.vocab import SH


@dataclass
class Violation:
    focus: str
    focus_label: str
    rule: str
    message: str
    severity: str
    path: str = ""
    value: str = ""
    quote: str = ""


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    report_graph: object = None

    @property
    def errors(self):
        return [v for v in self.violations if v.severity == "Violation"]

    def text(self) -> str:
        from tkiros.prefixes import compact

        if not self.violations:
            return "Conforms: every shape holds.\n"
        lines = []
        for v in sorted(self.violations, key=lambda v: (v.severity != "Violation", v.rule, v.focus, v.message)):
            label = f" ({v.focus_label})" if v.focus_label else ""
            # name the offending property and value, so a typo such as tkiros:increse is visible at once
            where = ": ".join(
                compact(x) if x.startswith(("http://", "https://")) else repr(x) for x in (v.path, v.value) if x
            )
            lines.append(
                f"{v.severity.upper()}: {compact(v.focus)}{label} [{v.rule}] {v.message}"
                + (f" (got {where})" if where else "")
            )
            if v.quote:
                lines.append(f'    seed span: "{v.quote[:160]}"')
        n, w = len(self.errors), len(self.violations) - len(self.errors)
        lines.append(
            f"{'Does not conform' if not self.conforms else 'Conforms'}: {n} violation(s), {w} warning(s) or info."
        )
        return "\n".join(lines) + "\n"

    def json(self) -> str:
        return (
            json.dumps(
                {"conforms": self.conforms, "results": [v.__dict__ for v in self.violations]},
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )

    def turtle(self) -> str:
        return self.report_graph.serialize(format="turtle")


def load_shapes(root: Path | None = None, folder: Path | None = None):
    import rdflib

    folder = folder or (root or project_root()) / "shapes"
    g = rdflib.Graph()
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise TkirosError(f"{folder}: no shapes (*.ttl) found")
    for path in files:
        shown = f"{folder.name}/{path.name}"
        if path.is_dir():
            raise SourceError(f"{shown}: is a folder, not a Turtle file; rename it")
        try:
            g.parse(path, format="turtle")
        except UnicodeDecodeError:
            raise SourceError(f"{shown}: not UTF-8 text") from None
        except Exception as err:  # rdflib raises several parser error types
            raise SourceError(f"{shown}: malformed Turtle in shapes: {str(err).splitlines()[0]}") from None
    return g


def data_graph(graph=None):
    """The graph to validate as rdflib: asserted sources, seed texts and derived edges."""
    import rdflib

    from tkiros.store.store import export_ntriples, open_store

    graph = graph or open_store()
    g = rdflib.Graph()
    g.parse(data=export_ntriples(graph), format="nt")
    return g


def split_sparql_constraints(shapes):
    """The shapes without their SPARQL constraints, and those constraints as plain records.

    pySHACL evaluates a SPARQL constraint once per focus node with rdflib's engine (minutes on the full
    graph); the same constraint evaluated once over all focus nodes in Oxigraph gives the same results in
    milliseconds. The shapes files stay standard SHACL-SPARQL, so any SHACL engine can use them.
    """
    import rdflib

    ns = rdflib.Namespace(SH)
    core = rdflib.Graph()
    for t in shapes:
        core.add(t)
    records = []
    for shape, constraint in list(shapes.subject_objects(ns.sparql)):
        core.remove((shape, ns.sparql, constraint))
        prefixes = []
        for pnode in shapes.objects(constraint, ns.prefixes):
            for decl in shapes.objects(pnode, ns.declare):
                prefixes.append((str(shapes.value(decl, ns.prefix)), str(shapes.value(decl, ns.namespace))))
        severity = shapes.value(constraint, ns.severity) or shapes.value(shape, ns.severity) or ns.Violation
        records.append(
            {
                "shape": shape,
                "constraint": constraint,
                "name": str(
                    shapes.value(constraint, ns.name) or _rule_name(shapes, shape, ns.SPARQLConstraintComponent)
                ),
                "message": str(shapes.value(constraint, ns.message) or "SPARQL constraint violated"),
                "severity": str(severity).rsplit("#", 1)[-1],
                "select": str(shapes.value(constraint, ns.select)),
                "prefixes": sorted(set(prefixes)),
                "classes": [str(c) for c in shapes.objects(shape, ns.targetClass)],
                "nodes": [n for n in shapes.objects(shape, ns.targetNode)],
            }
        )
    return core, sorted(records, key=lambda r: r["name"])


CONSTRAINT_TIMEOUT_S = 300.0  # a slow check in shapes/ must not hang validate forever


def _constraint_rows(store, text: str, name: str) -> list[tuple]:
    try:
        rows = []
        for row in store.query(text):
            try:
                value = row["value"]
            except (KeyError, IndexError):
                value = None
            rows.append((row["this"], value))
        return rows
    except SyntaxError as err:
        raise TkirosError(f"shapes/: SPARQL constraint {name} does not parse: {str(err).splitlines()[0]}") from None


def run_sparql_constraints(records, store) -> list[Violation]:
    """Evaluate SPARQL constraints over all focus nodes at once in Oxigraph ($this bound by the target),
    each in a child process with a time limit (tkiros.query.isolate)."""
    import re

    from tkiros.query.isolate import run_isolated

    out = []
    for rec in records:
        targets = [f"{{ ?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{c}> }}" for c in rec["classes"]]
        targets += [f"{{ BIND(<{n}> AS ?this) }}" for n in rec["nodes"]]
        if not targets:
            continue
        body = re.sub(r"\$this\b", "?this", rec["select"])
        m = re.search(r"\bWHERE\s*\{", body, re.I)
        if not m:
            raise TkirosError(f"shapes/: SPARQL constraint {rec['name']} has no WHERE clause")
        body = body[: m.end()] + " " + " UNION ".join(targets) + " " + body[m.end() :]
        head = "".join(f"PREFIX {p}: <{n}>\n" for p, n in rec["prefixes"])
        rows = run_isolated(
            lambda: _constraint_rows(store, head + body, rec["name"]),
            CONSTRAINT_TIMEOUT_S,
            f"shapes/: SPARQL constraint {rec['name']}",
        )
        seen = set()
        for focus, value in rows:
            key = (focus.value if focus is not None else "", value.value if value is not None else "")
            if key in seen or focus is None:
                continue
            seen.add(key)
            out.append(
                Violation(
                    focus=focus.value,
                    focus_label="",
                    rule=rec["name"],
                    message=rec["message"],
                    severity=rec["severity"],
                    value=key[1],
                )
            )
    return out


def validate(data=None, shapes=None, instances=None, engine: str = "fast") -> ValidationReport:
    """Validate the whole tkiros graph (or ``data``, an rdflib Graph, or the given ``instances`` files
    with the ontology and seed metadata) against the shapes of shapes/.

    ``engine="fast"`` runs the core shapes in pySHACL and the SPARQL constraints in Oxigraph;
    ``engine="pyshacl"`` runs everything in pySHACL (slow; the tests prove both agree).
    """
    import pyshacl
    import rdflib
    from rdflib.namespace import RDF, RDFS

    from tkiros.store.store import export_ntriples, open_files, open_store

    store = None
    own_data = data is None  # a graph built here: pySHACL need not copy it first (a third of its time)
    if data is None:
        graph = open_files(instances) if instances is not None else open_store()
        store = graph.store
        data = rdflib.Graph()
        data.parse(data=export_ntriples(graph), format="nt")
    elif engine == "fast":
        import pyoxigraph as ox

        store = ox.Store()
        store.load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    shapes = shapes if shapes is not None else load_shapes()
    sparql_violations = []
    if engine == "fast":
        core, records = split_sparql_constraints(shapes)
        sparql_violations = run_sparql_constraints(records, store)
        shapes = core
    shapes = shapes if shapes is not None else load_shapes()
    conforms, report, text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
        inplace=own_data,
    )
    if not isinstance(report, rdflib.Graph):  # pySHACL reports a broken shapes graph as a ValidationFailure
        raise TkirosError(f"shapes/: the shapes cannot be applied: {str(report).strip().splitlines()[0]}")
    ns = rdflib.Namespace(SH)
    tk = rdflib.Namespace("https://w3id.org/tkiros/vocab/")
    oa = rdflib.Namespace("http://www.w3.org/ns/oa#")
    out = []
    for res in report.subjects(RDF.type, ns.ValidationResult):
        focus = report.value(res, ns.focusNode)
        shape = report.value(res, ns.sourceShape)
        comp = report.value(res, ns.sourceConstraintComponent)
        sev = report.value(res, ns.resultSeverity)
        msgs = sorted(str(m) for m in report.objects(res, ns.resultMessage))
        constraint = report.value(res, ns.sourceConstraint)
        named = shapes.value(constraint, ns.name) if constraint is not None else None
        rule = str(named) if named is not None else _rule_name(shapes, shape, comp)
        span = data.value(focus, tk.hasSpan) if focus is not None else None
        quote = str(data.value(span, oa.exact) or "") if span is not None else ""
        if not quote and focus is not None and data.value(focus, oa.exact) is not None:
            quote = str(data.value(focus, oa.exact))
        out.append(
            Violation(
                focus=str(focus),
                focus_label=str(data.value(focus, RDFS.label) or "") if focus is not None else "",
                rule=rule,
                message=msgs[0] if msgs else str(comp),
                severity=str(sev).rsplit("#", 1)[-1],
                path=str(report.value(res, ns.resultPath) or ""),
                value=str(report.value(res, ns.value) or ""),
                quote=quote,
            )
        )
    for v in sparql_violations:
        focus = rdflib.URIRef(v.focus)
        v.focus_label = str(data.value(focus, RDFS.label) or "")
        span = data.value(focus, tk.hasSpan)
        v.quote = str(data.value(span, oa.exact) or "") if span is not None else str(data.value(focus, oa.exact) or "")
        out.append(v)
        _add_result(report, v)
    conforms = not any(v.severity == "Violation" for v in out)
    return ValidationReport(conforms, out, report)


def _add_result(report, v: Violation) -> None:
    """Record a SPARQL-constraint result in the SHACL report graph, as pySHACL would."""
    import rdflib
    from rdflib.namespace import RDF

    ns = rdflib.Namespace(SH)
    res = rdflib.BNode()
    report.add((res, RDF.type, ns.ValidationResult))
    report.add((res, ns.focusNode, rdflib.URIRef(v.focus)))
    report.add((res, ns.resultSeverity, ns[v.severity]))
    report.add((res, ns.resultMessage, rdflib.Literal(v.message)))
    report.add((res, ns.sourceConstraintComponent, ns.SPARQLConstraintComponent))
    if v.value:
        report.add((res, ns.value, rdflib.URIRef(v.value)))
    if v.severity == "Violation":
        for node in report.subjects(RDF.type, ns.ValidationReport):
            report.set((node, ns.conforms, rdflib.Literal(False)))


def _rule_name(shapes, shape, component) -> str:
    """A readable rule id: the property shape's sh:name, else the shape's local name, else the component."""
    import rdflib

    ns = rdflib.Namespace(SH)
    if shape is not None:
        name = shapes.value(shape, ns.name)
        if name is not None:
            return str(name)
        if isinstance(shape, rdflib.URIRef):
            return str(shape).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return str(component).rsplit("#", 1)[-1]
