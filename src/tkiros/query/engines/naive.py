"""The naive path: rdflib parses every source file and runs the query itself.

Kept for two reasons: it is the baseline the benchmarks compare the embedded store against, and running
every saved query on a second, independent SPARQL engine proves the queries are plain SPARQL 1.1.
rdflib runs unpatched, so a user's own rdflib gets the same rows (queries avoid its known bugs instead).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from tkiros.errors import TkirosError
from tkiros.query.results import Result
from tkiros.rdfio import to_ox, to_rdflib
from tkiros.rqfile import check_read_only
from tkiros.store.paths import project_root, rule_files, source_files


@lru_cache(maxsize=2)
def rdflib_graph(root: Path | None = None):
    """All sources parsed by rdflib, with the direct edges of ontology/rules/ derived by rdflib too."""
    import rdflib

    root = Path(root) if root else project_root()
    g = rdflib.Graph()
    for path in source_files(root):
        try:
            g.parse(path, format="turtle")
        except Exception as err:  # rdflib's parser errors have no common base class
            raise TkirosError(f"{path.relative_to(root)}: malformed Turtle: {str(err).splitlines()[0]}") from None
    for rule in rule_files(root):
        derived = list(g.query(rule.read_text(encoding="utf-8")))
        for t in derived:
            g.add(t)
    return g


def evaluate(g, text: str, substitutions: dict, where: str = "query") -> Result:
    """The query's rows on rdflib graph ``g``, with ``substitutions`` as initial bindings."""
    bindings = {k.value: to_rdflib(v) for k, v in (substitutions or {}).items()}
    try:
        res = g.query(text, initBindings=bindings)
    except Exception as err:  # pyparsing and rdflib raise many error types
        raise TkirosError(f"{where}: rdflib could not run the query: {str(err).splitlines()[0]}") from None
    if res.type == "ASK":
        return Result(["ask"], [], bool(res.askAnswer))
    if res.type != "SELECT":
        raise TkirosError(f"{where}: CONSTRUCT/DESCRIBE queries are not saved-query results; use SELECT or ASK")
    variables = [str(v) for v in res.vars]
    return Result(variables, [[to_ox(row[i]) for i in range(len(variables))] for row in res])


_inferred_graphs: dict = {}  # (cache folder, digest) -> rdflib graph of an inferred store


def rdflib_copy(graph):
    """An rdflib copy of an opened store (the inferred one: rdflib has no reasoner of its own)."""
    import rdflib

    from tkiros.store.store import export_ntriples

    key = (str(getattr(graph, "path", "")), getattr(graph, "digest", ""))
    if key not in _inferred_graphs:
        _inferred_graphs.clear()
        g = rdflib.Graph()
        g.parse(data=export_ntriples(graph), format="nt")
        _inferred_graphs[key] = g
    return _inferred_graphs[key]


def run(
    text: str,
    substitutions: dict,
    graph,
    *,
    where: str = "query",
    timeout: float | None = None,
    max_rows: int | None = None,
    inferred: bool = False,
    endpoint: str | None = None,
) -> Result:
    """The engine interface (tkiros.query.engines): rdflib parses the sources itself, or, for ``inferred``,
    reads the reasoned graph tkiros built. rdflib runs in this process, without a time limit or row cap."""
    check_read_only(text, where)
    g = rdflib_copy(graph) if inferred else rdflib_graph(getattr(graph, "root", None))
    return evaluate(g, text, substitutions, where)
