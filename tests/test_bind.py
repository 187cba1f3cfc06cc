"""Parameters written into a query as constants (tkiros.query.bind): the same rows as the engine's substitution
for every saved query's example values, terms written only in N-Triples syntax, and no rewrite wherever a
constant would not mean the same as a binding (MINUS, OPTIONAL-only, VALUES, AS, SELECT *, a sub-SELECT's
own variable, LIMIT)."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_queries import EXAMPLE_PARAMS, OPTIONAL_EXAMPLES, normalise
from tkiros.query.bind import constants
from tkiros.query.queries import Result, bind_params, expand_subtypes, get_query, list_queries

CASES = sorted(
    (name, key, value)
    for table in (EXAMPLE_PARAMS, OPTIONAL_EXAMPLES)
    for name, params in table.items()
    for key, value in params.items()
)
# Bound the engine's way on purpose: a constant would change what these mean (see tkiros.query.bind).
# (A parameter with subtypes, such as findings-in-cancer's cancer=NSCLC, travels as a VALUES list.)
KEPT_AS_BINDINGS: set[tuple[str, str]] = set()


def rows(store, text, subs) -> list[tuple[str, ...]]:
    res = store.query(text, substitutions=subs or None)
    variables = [v.value for v in res.variables]
    return normalise(Result(variables, [[s[v] for v in variables] for s in res]).to("tsv"))


def test_every_saved_query_with_a_parameter_has_a_case():
    with_params = {(q.name, p) for q in list_queries() for p in q.params}
    assert {(n, k) for n, k, _ in CASES} <= with_params
    assert len(CASES) == len({(n, k) for n, k, _ in CASES})


@pytest.mark.parametrize("name,key,value", CASES, ids=[f"{n}-{k}" for n, k, _ in CASES])
def test_constants_give_the_rows_of_the_binding(name, key, value, graph):
    q = get_query(name)
    params = {key: value}
    subs = bind_params(q, params, graph.store)
    text = q.text + expand_subtypes(q, params, subs, graph.store)
    new, left = constants(text, subs)
    as_constant = bool(subs) and not left  # subtypes are moved into a VALUES list before (subs is then empty)
    assert as_constant == ((name, key) not in KEPT_AS_BINDINGS)
    if as_constant:
        assert new != text and str(next(iter(subs.values()))) in new
    assert rows(graph.store, new, left) == rows(graph.store, text, subs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=st.text(max_size=80)
    | st.sampled_from(
        [
            '"} ; DROP ALL ; {',
            "x> } <y",
            "a\nb\r\"c'",
            '\\u0022 \\" \\\\',
            "Ω→ ✓ 𝔸 日本",
            "'''",
            '"""',
            "#comment\n?label",
            "<http://x/> ?s ?p ?o",
        ]
    )
)
def test_any_string_value_is_written_as_one_escaped_literal(value):
    text = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?label ?s WHERE { ?s rdfs:label ?label . ?s a ?t } ORDER BY ?label\n"
    )
    term = ox.Literal(value)
    new, left = constants(text, {ox.Variable("label"): term})
    assert not left
    # exactly the variable tokens became the engine's own serialisation of the term, nothing else changed
    assert new == text.replace("SELECT ?label", f"SELECT ({term} AS ?label)").replace(
        "rdfs:label ?label", f"rdfs:label {term}"
    ).replace("ORDER BY ?label", "")
    store = ox.Store()
    s = ox.NamedNode("http://example.org/s")
    store.add(ox.Quad(s, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), term))
    store.add(
        ox.Quad(
            s, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode("http://example.org/T")
        )
    )
    got = [(r["label"], r["s"]) for r in store.query(new)]
    assert got == [(term, s)]


DATA = """
@prefix : <http://example.org/> .
:a :p :b ; :q :d .
:c :p :b .
:e :p :f .
"""
X = ox.NamedNode("http://example.org/b")
UNSAFE = {
    "only in OPTIONAL": "SELECT ?s ?o WHERE { ?s <http://example.org/q> ?x OPTIONAL { ?s <http://example.org/p> ?o } }",
    "MINUS": "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o MINUS { ?s <http://example.org/q> ?o } }",
    "VALUES head": "SELECT ?s ?o WHERE { VALUES ?o { <http://example.org/b> } ?s <http://example.org/p> ?o }",
    "after AS": "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?y BIND(?y AS ?o) }",
    "SELECT *": "SELECT * WHERE { ?s <http://example.org/p> ?o }",
    "in one UNION branch": "SELECT ?s ?o WHERE { { ?s <http://example.org/p> ?o } UNION { ?s <http://example.org/q> ?z } }",
    "LIMIT in a sub-SELECT": "SELECT ?s ?o WHERE { { SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?s LIMIT 1 } }",
    "only in a FILTER": "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?y FILTER(?y = ?o) }",
}


@pytest.mark.parametrize("why", sorted(UNSAFE))
def test_no_constant_where_it_would_change_the_meaning(why):
    subs = {ox.Variable("o"): X}
    new, left = constants(UNSAFE[why], subs)
    assert new == UNSAFE[why] and left == subs


SAFE = {
    "top-level pattern": "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o OPTIONAL { ?s <http://example.org/q> ?o } }",
    "every UNION branch": "SELECT ?s ?o WHERE { { ?s <http://example.org/p> ?o } UNION { ?o <http://example.org/p> ?s } }",
    "projecting sub-SELECT": "SELECT ?s ?o (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?s ?o WHERE { ?s <http://example.org/p> ?o } } } GROUP BY ?s ?o",
    "sub-SELECT's own ?o": "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o { SELECT ?s WHERE { ?s <http://example.org/q> ?o } } }",
    "comment before a sub-SELECT": "SELECT ?s ?o (COUNT(*) AS ?n) WHERE {\n  { # the pairs\n    SELECT DISTINCT ?s ?o WHERE { ?s <http://example.org/p> ?o } } } GROUP BY ?s ?o",
}


@pytest.mark.parametrize("why", sorted(SAFE))
def test_constants_where_they_mean_the_binding(why):
    store = ox.Store()
    store.load(DATA, format=ox.RdfFormat.TURTLE)
    subs = {ox.Variable("o"): X}
    new, left = constants(SAFE[why], subs)
    assert not left and new != SAFE[why]
    assert rows(store, new, {}) == rows(store, SAFE[why], subs)
    if why == "sub-SELECT's own ?o":
        assert "<http://example.org/q> ?o" in new  # a different variable of the same name is left alone
    if why == "comment before a sub-SELECT":
        assert new.count("AS ?o)") == 1  # read as a sub-SELECT: only the outer query projects the term


@pytest.mark.parametrize("name,key,value", CASES, ids=[f"{n}-{k}" for n, k, _ in CASES])
def test_an_endpoint_is_sent_the_constants(name, key, value, graph, monkeypatch):
    """`tkiros query --endpoint` sends a lookup with its parameter written in, never as the trailing VALUES
    block that an endpoint joins after planning (issue 17, goal 1); a case kept as a binding still travels
    as one, and a parameter with subtypes as the VALUES list of its terms."""
    from tkiros.query import queries
    from tkiros.query.engines import remote

    sent = []

    def capture(endpoint, text, substitutions, **kwargs):
        sent.append(text + remote.values_block(substitutions))
        return Result([], [])

    monkeypatch.setattr(remote, "run_remote", capture)
    queries.run_query(name, {key: value}, store=graph.store, endpoint="http://127.0.0.1:9/sparql")
    (text,) = sent
    subs = bind_params(get_query(name), {key: value}, graph.store)
    term = str(subs[ox.Variable(key)])
    block = remote.values_block({ox.Variable(key): subs[ox.Variable(key)]})
    if (name, key) in KEPT_AS_BINDINGS:
        assert text.endswith(block)
    elif "# the parameter and its subtypes" in text:
        assert not text.endswith(block) and term in text.split("# the parameter and its subtypes")[1]
    else:
        assert block not in text and term in text
        assert not re.search(rf"\?{key}\b", text.split("WHERE", 1)[1])  # the variable is gone from the pattern
