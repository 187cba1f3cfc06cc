"""Mechanism diagrams: the causal chains around an entity (or a saved query's findings) drawn with Graphviz.

In the spirit of the review's Figures 2 and 3: drug -> target -> ROS -> stress -> outcome, the cell's
resistance arms (antioxidant defences, resistance conferred) in green, re-sensitizing arms in purple,
and every edge labelled with its direction and the review's reference numbers.

The DOT text is built here, sorted, so it is the same on every run; it is rendered to SVG or PNG by
``graphviz-pure`` (a Rust port of Graphviz installed from PyPI, which writes the same bytes on every
platform) or, failing that, by a Graphviz ``dot`` on the PATH.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tkiros.errors import TkirosError
from tkiros.rqfile import run_internal
from tkiros.vocab import TK

# Node style by the first class (in this order) that the entity belongs to.
NODE_STYLES = (
    ("SmallMoleculeTKI", "box", "#cfe2f3", "TKI"),
    ("MonoclonalAntibody", "box", "#cfe2f3", "TKI"),
    ("ReactiveOxygenSpecies", "ellipse", "#f4a582", "ROS"),
    ("ROSSource", "ellipse", "#fddbc7", "ROS source"),
    ("AntioxidantSystem", "ellipse", "#b8e186", "antioxidant defence"),
    ("CellularStress", "ellipse", "#fff2a8", "stress"),
    ("CellDeathMode", "octagon", "#d9d9d9", "cell death"),
    ("CellFate", "octagon", "#eeeeee", "cell fate"),
    ("DrugResistance", "octagon", "#b8e186", "resistance"),
    ("ProteinKinase", "box", "#e5d8f0", "kinase"),
    ("Agent", "box", "#e0f3f8", "other agent"),
    ("Protein", "box", "#ffffff", "protein"),
)
DEFAULT_NODE = ("box", "#ffffff", "other")
DIRECTION_LABELS = {
    "increase": "increases",
    "decrease": "decreases",
    "activation": "activates",
    "inhibition": "inhibits",
    "induction": "induces",
    "resistanceReversal": "reverses resistance",
    "resistanceConferral": "confers resistance",
    "mediation": "mediates",
    "positiveCorrelation": "correlates with",
    "protection": "protects against",
    "sensitization": "sensitizes to",
    "growthSuppression": "suppresses growth of",
}
EDGE_COLOURS = {
    "kill": "#b2182b",
    "resistance": "#1b7837",
    "resensitization": "#762a83",
    "other": "#404040",
    "outcome": "#7f7f7f",
    "via": "#7f7f7f",
}
LEGEND = (
    ("kill", "raises ROS, stress or death", "solid"),
    ("resistance", "resistance or antioxidant arm", "solid"),
    ("resensitization", "re-sensitization", "solid"),
    ("other", "inhibits or lowers (other)", "solid"),
    ("via", "acts via (mediator)", "dashed"),
    ("outcome", "leads to outcome", "dotted"),
)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    kind: str
    style: str = "solid"


@dataclass
class Diagram:
    title: str
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (label, style key)
    edges: dict[tuple[str, str, str, str, str], set[int]] = field(default_factory=dict)  # edge -> reference numbers
    iris: dict[str, tuple[str, ...]] = field(default_factory=dict)  # node id -> the entities it stands for
    support: dict[tuple[str, str, str, str, str], set[str]] = field(default_factory=dict)  # edge -> findings drawn


def _node_id(iri: str) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9]+", "_", iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]).strip("_")


def _wrap(text: str, width: int = 22) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines)


def _classes(raw, iri: str) -> set[str]:
    return {r["c"].value.removeprefix(TK) for r in run_internal(raw, "views/classes", iri=iri)}


def _style_key(raw, iri: str) -> str:
    classes = _classes(raw, iri)
    for cls, *_ in NODE_STYLES:
        if cls in classes:
            return cls
    return "default"


def _label(raw, iri: str) -> str:
    rows = list(run_internal(raw, "views/label", iri=iri))
    return rows[0]["l"].value if rows else iri.rsplit("/", 1)[-1]


def _objects(raw, finding: str) -> dict[str, list[str]]:
    """Property (local name) -> the resources the finding links to by it, sorted; one query per finding."""
    out: dict[str, set[str]] = {}
    for r in run_internal(raw, "views/objects", f=finding):
        out.setdefault(r["p"].value.removeprefix(TK), set()).add(r["o"].value)
    return {p: sorted(v) for p, v in out.items()}


def _is(raw, iri: str, cls: str) -> bool:
    return bool(run_internal(raw, "views/is-a", iri=iri, **{"class": TK + cls}))


def findings_around(raw, iri: str) -> list[str]:
    """The findings an entity takes part in (any role but plain context), and every step downstream of them."""
    return sorted(r["f"].value for r in run_internal(raw, "views/findings-around", iri=iri))


def build_diagram(finding_iris: list[str], title: str, store=None) -> Diagram:
    """Nodes and edges for the findings: agent (or combination) -> [mediator ->] target, then -> outcome."""
    diagram = Diagram(title)
    included = set(finding_iris)

    def node(iri: str) -> str:
        nid = _node_id(iri)
        if nid not in diagram.nodes:
            diagram.nodes[nid] = (_label(store, iri), _style_key(store, iri))
            diagram.iris[nid] = (iri,)
        return nid

    def add(edge: Edge, refs: set[int], finding: str) -> None:
        key = (edge.source, edge.target, edge.label, edge.kind, edge.style)
        diagram.edges.setdefault(key, set()).update(refs)
        diagram.support.setdefault(key, set()).add(finding)

    for f in sorted(included):
        objects = _objects(store, f)
        agents, partners, targets, mediators, outcomes = (
            objects.get(p, []) for p in ("hasAgent", "hasCoTreatment", "hasTarget", "hasMediator", "hasOutcome")
        )
        directions = [d.removeprefix(TK) for d in objects.get("hasDirection", [])]
        direction = directions[0] if directions else ""
        refs = {int(r["n"].value) for r in run_internal(store, "views/finding-references", f=f)}
        if partners:  # a combination acts as one node: "siramesine + lapatinib"
            members = sorted(agents + partners)
            cid = "c_" + "_".join(_node_id(m)[2:] for m in members)
            if cid not in diagram.nodes:
                diagram.nodes[cid] = (" + ".join(sorted(_label(store, m) for m in members)), "combination")
                diagram.iris[cid] = tuple(members)
            sources = [cid]
        else:
            sources = [node(a) for a in agents]
        kind = _edge_kind(store, direction, targets)
        label = DIRECTION_LABELS.get(direction, direction)
        # The finding's own structure: the agent acts on the target; each mediator hangs off the agent with
        # the sign another finding of the same span gives it ("via, decreases"), never as the actor.
        signs = _mediator_signs(store, f) if mediators else {}
        for s in sources:
            for t in targets:
                add(Edge(s, node(t), label, kind), refs, f)
            for m in mediators:
                sign = ", ".join(DIRECTION_LABELS.get(d, d) for d in signs.get(m, []))
                add(Edge(s, node(m), f"via, {sign}" if sign else "via", "via", "dashed"), refs, f)
        # The outcome is drawn only at the end of a chain, where no included step follows.
        downstream = {r["n"].value for r in run_internal(store, "views/next-steps", f=f)}
        if outcomes and not (downstream & included):
            for t in targets:
                for o in outcomes:
                    if o != t:
                        add(Edge(node(t), node(o), "leads to", "outcome", "dotted"), refs, f)
    return diagram


def _mediator_signs(raw, finding: str) -> dict[str, list[str]]:
    """Mediator -> the directions in which one of the finding's agents acts on it, per a finding of the same span."""
    out: dict[str, list[str]] = {}
    for r in run_internal(raw, "views/mediator-signs", finding=finding):
        out.setdefault(r["m"].value, []).append(r["d"].value.removeprefix(TK))
    return out


def _edge_kind(raw, direction: str, targets: list[str]) -> str:
    if direction in ("resistanceReversal", "sensitization"):
        return "resensitization"
    if direction in ("resistanceConferral", "protection"):
        return "resistance"
    if direction in ("decrease", "inhibition") and any(_is(raw, t, "ReactiveOxygenSpecies") for t in targets):
        return "resistance"  # an antioxidant arm: ROS lowered
    if direction == "positiveCorrelation" and any(_is(raw, t, "DrugResistance") for t in targets):
        return "resistance"
    if direction in ("increase", "induction", "activation", "mediation", "growthSuppression"):
        return "kill"
    return "other"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(diagram: Diagram) -> str:
    """Deterministic DOT: nodes and edges sorted, styles fixed."""
    styles = {cls: (shape, fill) for cls, shape, fill, _ in NODE_STYLES}
    styles["combination"] = ("box", "#9ecae1")
    styles["default"] = DEFAULT_NODE[:2]
    lines = [
        "digraph tkiros {",
        f"  label={_quote(diagram.title)};",
        '  labelloc="t"; fontname="Arial"; fontsize=16; rankdir="LR"; nodesep=0.25; ranksep=0.45;',
        '  node [fontname="Arial", fontsize=11, style="filled,rounded", color="#555555"];',
        '  edge [fontname="Arial", fontsize=9, arrowsize=0.7];',
    ]
    for nid in sorted(diagram.nodes):
        label, key = diagram.nodes[nid]
        shape, fill = styles.get(key, styles["default"])
        lines.append(f"  {nid} [label={_quote(_wrap(label))}, shape={shape}, fillcolor={_quote(fill)}];")
    for key in sorted(diagram.edges):
        source, target, label, kind, style = key
        refs = sorted(diagram.edges[key])
        text = label + (f"\n[{', '.join(str(n) for n in refs)}]" if refs else "")
        colour = EDGE_COLOURS[kind]
        lines.append(
            f"  {source} -> {target} [label={_quote(text)}, color={_quote(colour)}, fontcolor={_quote(colour)}, style={style}];"
        )
    lines += _legend()
    lines.append("}")
    return "\n".join(lines) + "\n"


def _legend() -> list[str]:
    """A compact legend: one node holding a table of coloured line samples, and what [n] means."""
    sample = {
        "solid": "&#8212;&#8212;&#8212;&gt;&#160;&#160;",
        "dashed": "- - - &gt;&#160;&#160;",
        "dotted": ". . . . &gt;&#160;&#160;",
    }
    rows = "".join(
        f'<TR><TD ALIGN="LEFT"><FONT COLOR="{EDGE_COLOURS[kind]}">{sample[style]}</FONT></TD>'
        f'<TD ALIGN="LEFT"><FONT COLOR="{EDGE_COLOURS[kind]}">{text}</FONT></TD></TR>'
        for kind, text, style in LEGEND
    )
    return [
        f'  legend [shape=box, style="rounded", color="#bbbbbb", fontsize=9, label=<<TABLE BORDER="0" '
        f'CELLPADDING="1" CELLSPACING="2"><TR><TD COLSPAN="2"><B>Legend</B></TD></TR>{rows}'
        f'<TR><TD COLSPAN="2" ALIGN="LEFT">[n]: the review\'s reference numbers</TD></TR></TABLE>>];'
    ]


def renderer() -> list[str] | None:
    """The command that renders DOT: graphviz-pure (from PyPI, beside this Python), else Graphviz's dot."""
    here = Path(sys.executable).parent / "graphviz-pure"
    for candidate in (str(here) if here.is_file() else None, shutil.which("graphviz-pure"), shutil.which("dot")):
        if candidate:
            return [candidate]
    return None


def render(dot: str, fmt: str) -> bytes:
    if fmt == "dot":
        return dot.encode("utf-8")
    command = renderer()
    if command is None:
        raise TkirosError(
            f"cannot render {fmt}: no Graphviz found; pip install graphviz-pure (or write .dot, which needs nothing)"
        )
    try:
        done = subprocess.run(command + [f"-T{fmt}"], input=dot.encode("utf-8"), capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise TkirosError(f"{Path(command[0]).name}: cannot render {fmt}: {err}") from None
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise TkirosError(f"{Path(command[0]).name} failed to render {fmt}: {message[0] if message else 'no output'}")
    return done.stdout


def diagram_for_entity(entity: str, store) -> Diagram:
    from tkiros.views.lookup import resolve

    iri = resolve(store, entity)
    findings = findings_around(store, iri)
    if not findings:
        raise TkirosError(f"{entity}: takes part in no finding, so there is nothing to draw")
    return build_diagram(findings, f"Mechanisms around {_label(store, iri)} (tkiros)", store)


def diagram_for_query(name: str, params: dict[str, str], store) -> Diagram:
    from tkiros.query.queries import get_query, run_query

    result = run_query(name, params, store=store)
    findings = set()
    for row in result.rows:
        for term in row:
            if (
                term is not None
                and term.__class__.__name__ == "NamedNode"
                and bool(run_internal(store, "views/is-finding", iri=term))
            ):
                findings.add(term.value)
    if not findings:
        raise TkirosError(f"query {name!r}: its rows name no finding, so there is nothing to draw")
    closure = set()
    for f in findings:  # with the chain steps that follow each finding
        closure |= {r["f"].value for r in run_internal(store, "views/chain", start=f)}
    return build_diagram(sorted(closure), f"{get_query(name).title} (tkiros)", store)
