"""SHACL validation of the graph with the shapes of shapes/ (pySHACL, SHACL-SPARQL enabled)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tkiros.errors import SourceError, TkirosError
from tkiros.paths import project_root

SH = "http://www.w3.org/ns/shacl#"


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
            lines.append(f"{v.severity.upper()}: {compact(v.focus)}{label} [{v.rule}] {v.message}")
            if v.quote:
                lines.append(f'    seed span: "{v.quote[:160]}"')
        n, w = len(self.errors), len(self.violations) - len(self.errors)
        lines.append(f"{'Does not conform' if not self.conforms else 'Conforms'}: {n} violation(s), {w} warning(s) or info.")
        return "\n".join(lines) + "\n"

    def json(self) -> str:
        return json.dumps({"conforms": self.conforms, "results": [v.__dict__ for v in self.violations]}, indent=2, ensure_ascii=False) + "\n"

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
        try:
            g.parse(path, format="turtle")
        except Exception as err:  # rdflib raises several parser error types
            raise SourceError(f"{path.name}: malformed Turtle in shapes: {str(err).splitlines()[0]}") from None
    return g


def data_graph(graph=None):
    """The graph to validate as rdflib: asserted sources, seed texts and derived edges."""
    import rdflib

    from tkiros.store import export_ntriples, open_store

    graph = graph or open_store()
    g = rdflib.Graph()
    g.parse(data=export_ntriples(graph), format="nt")
    return g


def validate(data=None, shapes=None, instances=None) -> ValidationReport:
    """Validate the whole tkiros graph (or ``data``, an rdflib Graph, or the given ``instances`` files
    with the ontology and seed metadata) against the shapes of shapes/."""
    import pyshacl
    import rdflib
    from rdflib.namespace import RDF, RDFS

    if data is None:
        if instances is not None:
            from tkiros.store import open_files

            data = data_graph(open_files(instances))
        else:
            data = data_graph()
    shapes = shapes if shapes is not None else load_shapes()
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, abort_on_first=False
    )
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
        out.append(Violation(
            focus=str(focus), focus_label=str(data.value(focus, RDFS.label) or "") if focus is not None else "",
            rule=rule, message=msgs[0] if msgs else str(comp), severity=str(sev).rsplit("#", 1)[-1],
            path=str(report.value(res, ns.resultPath) or ""), value=str(report.value(res, ns.value) or ""), quote=quote,
        ))
    conforms = not any(v.severity == "Violation" for v in out)
    return ValidationReport(conforms, out, report)


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
