"""Bound parameters written into a query as constants, so that the engine plans with them (issue 17, goal 1).

Oxigraph plans a query before it sees SEP-0007 substitutions (and a VALUES block), so a lookup by one
agent scans every finding; the same query with the IRI in its text is an index lookup. Here a parameter
becomes a constant only where that is exactly what binding it means:

- its value is written as an RDF term in the engine's own term syntax (``str()`` of a pyoxigraph
  NamedNode or Literal is N-Triples, with every quote, ``>``, newline and non-ASCII character escaped);
  no user text is ever pasted;
- only variable tokens are replaced: comments, strings and IRIs are skipped by the same lexer that reads
  the query's form (tkiros.query.queries.OPAQUE);
- the variable appears in a triple pattern at the top level of the outer WHERE, so every solution binds it
  and fixing it there is the same as joining with the binding; it never appears in a sub-SELECT (its own
  scope), after AS, in a VALUES head, or with SELECT *; in the projection it becomes ``(term AS ?v)``, in
  GROUP BY ``(term)``; as an ORDER BY key it is dropped (a constant sorts nothing);
- the rewritten text must parse; otherwise the parameter stays an ordinary substitution.

Anything else keeps the engine's substitution (or, for an endpoint, a VALUES block): correct, just slower.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from tkiros.rqfile import OPAQUE

_TOKEN = None
_SCOPED = {"OPTIONAL", "MINUS", "EXISTS", "SERVICE", "GRAPH"}


def _scan(text: str):
    """(start, end, kind, value) for every token; kind is var, word, punct or other."""
    global _TOKEN
    if _TOKEN is None:  # compiled on first use: a query without parameters never pays for it
        _TOKEN = re.compile(
            OPAQUE.pattern + r"|(?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"
            r"|(?P<punct>[{}()*])|\s+|.",
            re.S,
        )
    for m in _TOKEN.finditer(text):
        kind = "var" if m.group("var") else "word" if m.group("word") else "punct" if m.group("punct") else "other"
        yield m.start(), m.end(), kind, m.group(0)


def constants(text: str, substitutions: dict) -> tuple[str, dict]:
    """The query text with every parameter that can safely be a constant written in, and the substitutions
    left over (to bind the usual way)."""
    left = dict(substitutions)
    if not left:
        return text, left
    for var, term in substitutions.items():
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            continue
        rewritten = _rewrite(text, var.value, str(term))
        if rewritten is not None and _parses(rewritten):
            text = rewritten
            del left[var]
    return text, left


class _Query:
    def __init__(self, parent):
        self.parent = parent  # the _Query this one is a sub-SELECT of (None: the outer query)
        self.projects = False  # projects the variable plainly (SELECT ... ?v ...)
        self.star = self.limited = False
        self.where = None


class _Group:
    def __init__(self, kind, query):
        self.kind, self.query = kind, query  # kind: where, plain, scoped, values, subquery
        self.direct = False  # the variable is in a triple pattern at this group's own level
        self.chains: list[list[_Group]] = []  # child groups joined by UNION (a lone group is a chain of one)
        self.sub = None  # the _Query of a '{ SELECT ... }' group


def _anchors(g: _Group) -> bool:
    """Every solution of the group binds the variable (a triple pattern here, or in every branch of a union)."""
    return g.direct or any(all(_member_anchors(m) for m in chain) for chain in g.chains)


def _member_anchors(g: _Group) -> bool:
    if g.kind == "plain":
        return _anchors(g)
    if g.kind == "subquery":
        return g.sub.projects and g.sub.where is not None and _anchors(g.sub.where)
    return False


def _rewrite(text: str, name: str, term: str) -> str | None:
    # comments dropped: one between a brace and its SELECT would hide the sub-SELECT
    tokens = [t for t in _scan(text) if (t[2] != "other" or t[3].strip()) and not t[3].startswith("#")]
    outer = _Query(None)
    query, stack = outer, []  # stack of open _Group
    clause, pending, paren = "select", None, 0
    sites = []  # (token index, query, clause, paren, after AS)
    chain = None  # the union chain the group just closed belongs to
    for i, (_, _, kind, tok) in enumerate(tokens):
        word = tok.upper() if kind == "word" else None
        prev = tokens[i - 1][3].upper() if i else ""
        if word == "SELECT":
            if stack and prev == "{" and stack[-1].sub is None:
                if stack[-1].kind == "plain":
                    stack[-1].kind = "subquery"  # joined: may anchor; under OPTIONAL it stays scoped
                query = stack[-1].sub = _Query(query)
            clause = "select"
        elif word == "WHERE":
            clause = None
        elif word in _SCOPED:
            pending = "minus" if word == "MINUS" else "scoped"
        elif word == "VALUES":
            clause, pending = "values-head", "values"
        elif word == "BY" and prev in ("GROUP", "ORDER"):
            clause = prev.lower() + "-by"
        elif word in ("LIMIT", "OFFSET"):
            query.limited, clause = True, None
        elif word == "HAVING":
            clause = None
        elif tok == "*" and clause == "select" and paren == 0:
            query.star = True
        elif tok == "(":
            paren += 1
        elif tok == ")":
            paren -= 1
        elif tok == "{":
            if not stack or (stack[-1].sub is query and query.where is None):
                g = query.where = _Group("where", query)
            else:
                g = _Group(pending or "plain", query)
                if g.kind == "plain":
                    if chain is not None and prev == "UNION":
                        chain.append(g)
                    else:
                        stack[-1].chains.append([g])
            clause, pending = None, None
            stack.append(g)
        elif tok == "}":
            g = stack.pop() if stack else None
            clause = None
            if g is not None and g.sub is not None:
                query = g.sub.parent
            if stack and g is not None and g.kind in ("plain", "subquery"):
                chain = next((c for c in stack[-1].chains if g in c), None)
        elif kind == "var" and tok[1:] == name:
            if any(g.kind == "minus" for g in stack):
                return None  # in MINUS a constant would drop the shared variable, and so change what is removed
            sites.append((i, query, clause, paren, prev == "AS"))
            if (
                stack
                and clause is None
                and paren == 0
                and stack[-1].kind in ("where", "plain")
                and stack[-1].query is query
            ):
                stack[-1].direct = True
        if tok != "}" and word != "UNION":
            chain = None
    return _apply(text, tokens, sites, outer, term)


def _same(q: _Query) -> bool:
    """An occurrence in sub-SELECT q is the outer variable when every enclosing sub-SELECT projects it."""
    while q.parent is not None:
        if not q.projects:
            return False
        q = q.parent
    return True


def _apply(text, tokens, sites, outer, term):
    for _, q, clause, paren, after_as in sites:
        if clause == "select" and paren == 0 and not after_as:
            q.projects = True
    if not sites or outer.star or outer.where is None or not _anchors(outer.where):
        if _DEBUG:
            print("not anchored", bool(sites), outer.star, outer.where and outer.where.__dict__)
        return None
    out, last = [], 0
    for i, q, clause, paren, after_as in sites:
        if not _same(q):
            continue  # a sub-SELECT's own variable of the same name
        if after_as or clause == "values-head" or q.star or (q.parent is not None and q.limited):
            return None
        start, end, _, tok = tokens[i]
        if clause == "select" and not paren:
            # a sub-SELECT no longer binds it (its rows all had the term there); the outer query projects the term
            repl = f"({term} AS {tok})" if q is outer else ""
        elif clause == "select":
            repl = term
        elif clause == "order-by" and not paren:
            # a constant sort key orders nothing; written in, Virtuoso reads ORDER BY (86) as a column index
            repl = ""
        elif clause in ("group-by", "order-by"):
            repl = term if paren else f"({term})"
        else:
            repl = term
        out.append(text[last:start] + repl)
        last = end
    out.append(text[last:])
    return _drop_empty_order_by("".join(out))


def _drop_empty_order_by(text: str) -> str:
    """Without ``ORDER BY`` when its only key was a parameter written in (nothing is left to sort by)."""
    tokens = [t for t in _scan(text) if not t[3].isspace()]
    for i in range(len(tokens) - 1):
        if tokens[i][3].upper() == "ORDER" and tokens[i + 1][3].upper() == "BY":
            after = tokens[i + 2] if i + 2 < len(tokens) else None
            if after is None or after[3] == "}" or after[3].upper() in ("LIMIT", "OFFSET"):
                return text[: tokens[i][0]] + text[tokens[i + 1][1] :].lstrip(" \t")
    return text


def _mentions(text: str, name: str) -> bool:
    return any(kind == "var" and tok[1:] == name for _, _, kind, tok in _scan(text))


_EMPTY = None
_DEBUG = False


def _parses(text: str) -> bool:
    global _EMPTY
    if _EMPTY is None:
        _EMPTY = ox.Store()
    try:
        res = _EMPTY.query(text)
        if isinstance(res, ox.QuerySolutions):
            for _ in res:
                break
        return True
    except (SyntaxError, ValueError, OSError, RuntimeError):
        return False
