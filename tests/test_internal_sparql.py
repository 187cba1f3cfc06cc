"""The SPARQL the code runs (src/tkiros/sparql/**/*.rq): each file is a titled, well-formed query."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from tkiros.rqfile import INTERNAL_FOLDER, header, internal

FILES = sorted(INTERNAL_FOLDER.rglob("*.rq"))


def test_every_file_is_a_case():
    assert len(FILES) == len(list(Path(INTERNAL_FOLDER).rglob("*.rq"))) >= 20


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(INTERNAL_FOLDER)) for p in FILES])
def test_internal_query_is_titled_and_parses(path):
    name = str(path.relative_to(INTERNAL_FOLDER).with_suffix(""))
    text = internal(name)
    assert header(text, "title"), f"{name}.rq: no '# title:' header"
    ox.Store().query(text)  # a syntax error raises SyntaxError


# SPARQL text in Python: a query form with its group, or a PREFIX declaration.
SPARQL_TEXT = re.compile(
    r"\b(?:SELECT|CONSTRUCT|DESCRIBE)\b[^{}]*?\bWHERE\s*\{|\bASK\s*\{|(?<![@\w])PREFIX\s+[\w-]*:\s*<", re.IGNORECASE
)  # (a Turtle '@prefix' is data, not a query)
PACKAGE = INTERNAL_FOLDER.parent
# Modules that may hold query text, and why: nothing else does.
ALLOWED = {
    "query/bind.py": "the binding mechanism: it writes bound terms into a query's text as constants",
}


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def sparql_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string or f-string (its literal parts joined) that reads as SPARQL; docstrings,
    which describe queries in prose, are not code."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
        else:
            continue
        if SPARQL_TEXT.search(text):
            found.append((node.lineno, text))
    return found


def test_the_detector_finds_query_text():
    assert sparql_strings('q = f"SELECT ?l WHERE {{ <{iri}> <{RDFS}label> ?l }}"')
    assert sparql_strings('q = "ASK { ?f a <x> }"')
    assert sparql_strings('q = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?s ?x"')
    assert not sparql_strings('def f():\n    """Runs SELECT ?x WHERE { ?x a ?c } on the store."""')
    assert not sparql_strings('msg = "select the rows where the data is"')
    assert not sparql_strings('ttl = "@prefix tkd: <https://w3id.org/tkiros/data/> ."')


def test_no_module_holds_sparql_text():
    assert all((PACKAGE / m).is_file() for m in ALLOWED), "an allowed module no longer exists"
    found = [
        f"{p.relative_to(PACKAGE)}:{line}: {text.strip()[:70]!r}"
        for p in sorted(PACKAGE.rglob("*.py"))
        if p.relative_to(PACKAGE).as_posix() not in ALLOWED
        for line, text in sparql_strings(p.read_text(encoding="utf-8"))
    ]
    assert not found, "SPARQL in Python; put it in src/tkiros/sparql/<stage>/NAME.rq:\n" + "\n".join(found)


def _names_used() -> set[str]:
    """The packaged queries the code names: the first string argument of internal() and run_internal()."""
    names = set()
    for p in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("internal", "run_internal"):
                args = [a for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                names.update(a.value for a in args[:1])
    return names


def test_every_query_the_code_names_exists_and_every_file_is_used():
    used = _names_used()
    assert {n for n in used if not (INTERNAL_FOLDER / f"{n}.rq").is_file()} == set()
    # A file is used when the code names it (also through a helper, as lookup's _values); stats/ is read as a
    # folder (tkiros.views.stats): each file there is one count.
    strings = {
        node.value
        for p in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    unused = {
        name
        for name in (str(p.relative_to(INTERNAL_FOLDER).with_suffix("")) for p in FILES)
        if not name.startswith("stats/") and name not in strings
    }
    assert unused == set()
