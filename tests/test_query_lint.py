"""Saved queries avoid the lateral-UNION shape: a UNION joined with other patterns of its group.

Oxigraph joins such a UNION laterally (re-running every branch once per row of the other patterns), so
the query grows much faster than its answer (issue 17: ros-sources 89x from x1 to x10). Writing the
UNION first does not help: Oxigraph reorders the group and still puts the UNION on the lateral side
(seen with `oxigraph query --explain`). Wrapping it in a sub-SELECT that the group joins makes it run once,
and so does a UNION alone in its group, or followed only by OPTIONAL, MINUS, FILTER, BIND or VALUES.

The check reads rdflib's SPARQL parse tree, never the query text. A query may keep the shape only with a
header line giving the reason, e.g. ``# lint: lateral-union allowed: each branch is one index lookup``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyparsing import ParseResults
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

ROOT = Path(__file__).resolve().parent.parent
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
EXEMPTION = re.compile(r"^#\s*lint:\s*lateral-union allowed:\s*(\S.*)$", re.M)
# Parts of a group that an inner join pairs with a UNION. OPTIONAL and MINUS keep the UNION on their left
# side (evaluated once); VALUES, FILTER and BIND are a constant table or a test on rows already there.
JOINED_PARTS = {"TriplesBlock", "GroupOrUnionGraphPattern", "GraphGraphPattern", "ServiceGraphPattern"}
# Queries that still have the shape, and why. Strict xfails: the day one is rewritten, the test says so.
# Their growth from x10 to x100 is in docs/serving.md ("Query growth").
NOT_YET_REWRITTEN: dict[str, str] = {}


def lateral_unions(query_text: str) -> list[str]:
    """One description per UNION joined with other patterns of its group (sub-SELECTs and EXISTS searched too)."""
    found: list[str] = []

    def walk(node, depth: int) -> None:
        if isinstance(node, CompValue):
            if node.name == "GroupGraphPatternSub":
                parts = list(node.get("part") or [])
                for i, part in enumerate(parts):
                    if part.name == "GroupOrUnionGraphPattern" and len(part["graph"]) > 1:
                        others = [p.name for j, p in enumerate(parts) if j != i and p.name in JOINED_PARTS]
                        if others:
                            found.append(
                                f"a {len(part['graph'])}-branch UNION at depth {depth} joined with {', '.join(others)}"
                            )
            for value in node.values():
                walk(value, depth + 1)
        elif isinstance(node, (list, tuple, ParseResults)):
            for value in node:
                walk(value, depth)

    walk(parseQuery(query_text), 0)
    return found


def test_every_query_file_is_a_case():
    from tkiros.query.queries import list_queries

    assert len(CASES) == len(QUERY_FILES) == len(list_queries()) >= 3


CASES = [
    pytest.param(p, id=p.stem, marks=pytest.mark.xfail(strict=True, reason=NOT_YET_REWRITTEN[p.stem]))
    if p.stem in NOT_YET_REWRITTEN
    else pytest.param(p, id=p.stem)
    for p in QUERY_FILES
]


def test_pending_names_existing_queries():
    assert set(NOT_YET_REWRITTEN) <= {p.stem for p in QUERY_FILES}


@pytest.mark.parametrize("path", CASES)
def test_no_lateral_union(path):
    text = path.read_text(encoding="utf-8")
    found = lateral_unions(text)
    exempt = EXEMPTION.search(text)
    if exempt:
        assert found, (
            f"{path.name} claims a lateral-UNION exemption ({exempt.group(1)!r}) but has no such UNION: drop the line"
        )
    else:
        assert not found, f"{path.name}: {'; '.join(found)}: wrap the UNION in a sub-SELECT (alone in its group)"


PREFIX = "PREFIX : <urn:x:>\n"


@pytest.mark.parametrize(
    "body",
    [
        "SELECT * { ?f :a ?x . { ?f :b ?y } UNION { ?f :c ?y } }",
        "SELECT * { { ?f :a ?x } UNION { ?f :d ?x } { ?f :b ?y } UNION { ?f :c ?y } }",
        "SELECT * { { SELECT ?f { ?f :a ?x . { ?f :b ?y } UNION { ?f :c ?y } } } }",
        "SELECT * { ?f :a ?x . OPTIONAL { ?f :e ?z . { ?f :b ?y } UNION { ?f :c ?y } } }",
        "SELECT * { ?f :a ?x FILTER EXISTS { ?f :e ?z . { ?f :b ?y } UNION { ?f :c ?y } } }",
        "SELECT * { { ?f :b ?y } UNION { ?f :c ?y } ?f :a ?x . }",
    ],
)
def test_lint_catches_the_shape(body):
    assert lateral_unions(PREFIX + body)


@pytest.mark.parametrize(
    "body",
    [
        "SELECT * { ?f :a ?x . { SELECT ?f ?y { { ?f :b ?y } UNION { ?f :c ?y } } } }",
        "SELECT * { VALUES ?f { :g } { ?f :b ?y } UNION { ?f :c ?y } }",
        "SELECT * { ?f :a ?x . OPTIONAL { { ?f :b ?y } UNION { ?f :c ?y } } }",
        "SELECT * { ?f :a ?x . { ?f :b ?y } }",
        "SELECT * { { ?f :b ?y } UNION { ?f :c ?y } OPTIONAL { ?f :a ?x } FILTER(?y != :z) }",
    ],
)
def test_lint_allows_the_one_pass_shapes(body):
    assert lateral_unions(PREFIX + body) == []
