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


def run_rdflib(text: str, substitutions: dict, root=None, where: str = "query"):
    g = rdflib_graph(Path(root) if root else None)
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
