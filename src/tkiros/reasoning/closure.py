"""Closures the reasoners share: what a link map reaches, the ancestors of every class, and object
property values closed under sub-properties, inverses, symmetry and transitivity."""

from __future__ import annotations


def reachable(links: dict, start: str) -> set[str]:
    """Everything reachable from ``start`` through ``links`` (start itself only through a cycle)."""
    seen, todo = set(), [start]
    while todo:
        for d in links.get(todo.pop(), ()):
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen


def closure(parents: dict) -> dict[str, set[str]]:
    """Every key's strict ancestors through ``parents``."""
    return {c: reachable(parents, c) - {c} for c in parents}


def close_edges(edges: set, sub_props: dict, inverse: dict, symmetric: set, transitive: set) -> set:
    """Property assertions (s, p, o) closed under sub-properties, inverses, symmetry and transitivity."""
    up = closure(sub_props)
    supers: dict[str, set[str]] = {}
    edges = set(edges)
    todo = list(edges)
    while todo:  # only what the last round added is propagated again
        new = set()
        for s, p, o in todo:
            if p not in supers:
                supers[p] = {p} | up.get(p, set())
            for q in supers[p]:
                new.add((s, q, o))
                for r in inverse.get(q, ()):
                    new.add((o, r, s))
                if q in symmetric:
                    new.add((o, q, s))
        for p in transitive:
            step: dict[str, set[str]] = {}
            for s, q, o in edges | new:
                if q == p:
                    step.setdefault(s, set()).add(o)
            new |= {(s, p, o2) for s, os in step.items() for o in os for o2 in step.get(o, ())}
        todo = list(new - edges)
        edges |= new
    return edges
