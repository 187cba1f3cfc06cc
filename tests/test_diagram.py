"""Mechanism diagrams: deterministic DOT (golden files), colours by arm, reference labels, SVG/PNG rendering.

Regenerate the golden DOT files after a curation change with: pytest tests/test_diagram.py --regen-goldens
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from tkiros.cli.views import diagram_cmd
from tkiros.views.diagram import EDGE_COLOURS, diagram_for_entity, diagram_for_query, render, renderer, to_dot

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
# golden file stem -> how the diagram is asked for
CASES = {
    "diagram-gefitinib": ("entity", "gefitinib"),
    "diagram-ho-1": ("entity", "HO-1"),
    "diagram-query-nrf2-keap1-findings": ("query", "nrf2-keap1-findings"),
}


def _dot(case: str, graph) -> str:
    kind, what = CASES[case]
    diagram = diagram_for_entity(what, graph) if kind == "entity" else diagram_for_query(what, {}, graph)
    return to_dot(diagram)


def test_every_golden_diagram_is_a_case():
    assert sorted(p.stem for p in GOLDEN.glob("diagram-*.dot")) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_dot_matches_golden(case, graph, regen):
    golden = GOLDEN / f"{case}.dot"
    text = _dot(case, graph)
    if regen:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"{golden.name} is missing: run pytest --regen-goldens and review it"
    assert text == golden.read_text(encoding="utf-8")


def test_dot_is_deterministic(graph):
    assert _dot("diagram-gefitinib", graph) == _dot("diagram-gefitinib", graph)
    lines = [ln for ln in _dot("diagram-gefitinib", graph).splitlines() if " -> " in ln and "legend" not in ln]
    assert lines == sorted(lines)


def _edges(dot: str) -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = {}
    for m in re.finditer(r"^  (\w+) -> (\w+) \[label=\"([^\"]*)\", color=\"(#[0-9a-f]{6})\"", dot, re.M):
        edges.setdefault((m[1], m[2]), []).append(f"{m[3]}|{m[4]}")
    return edges


def test_chain_edges_carry_direction_and_references(graph):
    """Gefitinib in glioma [14]: gefitinib -increases-> ROS (via NOX2, dashed) -induces-> ER stress; lung [13]."""
    edges = _edges(_dot("diagram-gefitinib", graph))
    assert any(e.startswith("via\\n[14]") for e in edges[("n_gefitinib", "n_nox2")])
    assert ("n_nox2", "n_ros") not in edges  # NOX2 is the mediator, not the actor
    assert any(e.startswith("induces\\n[14, 108]") for e in edges[("n_ros", "n_er_stress")])
    assert f"increases\\n[13, 14]|{EDGE_COLOURS['kill']}" in edges[("n_gefitinib", "n_ros")]


def test_resistance_and_resensitization_arms_have_their_colours(graph):
    edges = _edges(_dot("diagram-gefitinib", graph))
    assert f"confers resistance\\n[93]|{EDGE_COLOURS['resistance']}" in edges[("n_akr1b1", "n_gefitinib")]
    assert f"via, increases\\n[93]|{EDGE_COLOURS['via']}" in edges[("n_akr1b1", "n_glutathione")]
    assert (
        f"reverses resistance\\n[124, 125]|{EDGE_COLOURS['resensitization']}"
        in edges[("c_gefitinib_vorinostat", "n_gefitinib")]
    )
    assert f"via\\n[108]|{EDGE_COLOURS['via']}" in edges[("n_6_shogaol", "n_nox4")]
    assert f"decreases\\n[103]|{EDGE_COLOURS['resistance']}" in edges[("n_prdx2", "n_ros")]


def test_combinations_are_one_node(graph):
    dot = _dot("diagram-query-nrf2-keap1-findings", graph)
    assert re.search(r'^  c_lapatinib_siramesine \[label="lapatinib \+ siramesine"', dot, re.M)
    assert "n_siramesine" not in dot


@pytest.fixture(scope="module")
def gefitinib_dot(graph):
    return _dot("diagram-gefitinib", graph)


def test_a_renderer_is_installed():
    """graphviz-pure (PyPI) renders SVG and PNG; the test dependencies install it."""
    assert renderer() is not None


def test_svg_rendering_shows_the_nodes(gefitinib_dot):
    svg = render(gefitinib_dot, "svg")
    root = ET.fromstring(svg)
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    for label in ("gefitinib", "reactive oxygen", "NOX2", "apoptosis", "Legend"):
        assert label in texts


def test_png_rendering_is_an_image(gefitinib_dot):
    png = render(gefitinib_dot, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width > 800 and height > 600


@pytest.mark.parametrize("name", ["nrf2-keap1-resistance.png", "gefitinib-mechanisms.png"])
def test_docs_pictures_are_checked_in(name):
    png = (ROOT / "docs" / name).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24])[0] > 800


def test_cli_writes_each_format(tmp_path):
    runner = CliRunner()
    for suffix in ("dot", "svg", "png"):
        out = tmp_path / f"ho1.{suffix}"
        res = runner.invoke(diagram_cmd, ["HO-1", "-o", str(out)])
        assert res.exit_code == 0, res.output
        assert out.stat().st_size > 200
    assert (tmp_path / "ho1.dot").read_text().startswith("digraph tkiros {")
    assert b"<svg" in (tmp_path / "ho1.svg").read_bytes()


@pytest.mark.parametrize(
    "args,message",
    [
        ([], "give either an ENTITY or --query"),
        (["gefitinib", "--query", "nrf2-keap1-findings"], "give either an ENTITY or --query"),
        (["gefitinib", "--format", "png"], "needs -o FILE.png"),
        (["gefitinib", "-o", "x.pdf"], "unknown suffix"),
        (["no-such-entity-here"], "no entity has this label"),
        (["--query", "tki-kinase-targets"], "nothing to draw"),
    ],
)
def test_cli_errors_are_one_line(args, message):
    from tkiros.cli import main

    runner = CliRunner()
    import click

    @click.command()
    def entry():
        main(["diagram", *args])

    res = runner.invoke(entry, [], catch_exceptions=False)
    assert res.exit_code == 2 and message in res.output
    assert len(res.output.strip().splitlines()) == 1 and "Traceback" not in res.output


def _values(graph, finding, prop):
    return {
        r["o"].value
        for r in graph.query(f"SELECT ?o WHERE {{ <{finding}> <https://w3id.org/tkiros/vocab/{prop}> ?o }}")
    }


@pytest.mark.parametrize("entity", ["osimertinib", "gefitinib", "HO-1", "imatinib", "NRF2"])
def test_every_drawn_edge_is_a_finding_s_own_structure(entity, graph):
    """Each edge is checked against the findings it was drawn from, read back from the graph: the
    agent acts on the target with the finding's direction; a mediator hangs off the agent; an outcome
    follows the target. A mediator is never drawn as the actor."""
    from tkiros.views.diagram import DIRECTION_LABELS

    diagram = diagram_for_entity(entity, graph)
    assert diagram.edges
    for key in diagram.edges:
        source, target, label, kind, _style = key
        findings = diagram.support[key]
        assert findings, key
        src, tgt = set(diagram.iris[source]), set(diagram.iris[target])
        for f in findings:
            actors = _values(graph, f, "hasAgent") | _values(graph, f, "hasCoTreatment")
            if kind == "outcome":
                assert src <= _values(graph, f, "hasTarget") and tgt <= _values(graph, f, "hasOutcome"), (f, key)
                continue
            assert src <= actors and src & _values(graph, f, "hasAgent"), (f, key)
            if kind == "via":
                assert tgt <= _values(graph, f, "hasMediator"), (f, key)
            else:
                assert tgt <= _values(graph, f, "hasTarget"), (f, key)
                directions = {DIRECTION_LABELS.get(d.rsplit("/", 1)[-1], d) for d in _values(graph, f, "hasDirection")}
                assert label in directions, (f, key)


def test_osimertinib_diagram_says_dha_reverses_resistance_by_lowering_ho1(graph):
    diagram = diagram_for_entity("osimertinib", graph)
    edges = {(s, t, label) for s, t, label, *_ in diagram.edges}
    assert ("c_dihydroartemisinin_osimertinib", "n_osimertinib", "reverses resistance") in edges
    assert ("c_dihydroartemisinin_osimertinib", "n_hmox1", "via, decreases") in edges
    assert not any(s == "n_hmox1" and label == "reverses resistance" for s, _t, label in edges)
