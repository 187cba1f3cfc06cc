"""List cells in one order: a GROUP_CONCAT's items come in whatever order the engine meets them (Oxigraph
and rdflib differ, and a store rebuilt from the same sources may differ too), so each " | " list a saved
query builds is sorted here, and the same sources give byte-identical results on every engine."""

from __future__ import annotations

import re

import pyoxigraph as ox

SEPARATOR = " | "
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"' + r"|'(?:[^'\\]|\\.)*'")
_COMMENT = re.compile(r"(?m)(^|\s)#[^\n]*")  # not the '#' inside an IRI such as owl#
_AS = re.compile(r"\bAS\s+\?(\w+)", re.I)


def _expression_before(text: str, end: int) -> str:
    """The expression that ends at ``end`` (just before AS): back to the '(' that opens it."""
    depth = 0
    for i in range(end - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            if depth == 0:
                return text[i + 1 : end]
            depth -= 1
    return text[:end]


def list_variables(query_text: str) -> set[str]:
    """Variables that hold a GROUP_CONCAT list, directly or through SAMPLE, COALESCE ... of one."""
    text = _STRING.sub('""', _COMMENT.sub(r"\1", query_text))  # comments first: "compound's" is no string
    bound = [(m.group(1), _expression_before(text, m.start())) for m in _AS.finditer(text)]
    found = {name for name, expr in bound if re.search(r"\bGROUP_CONCAT\s*\(", expr, re.I)}
    uses = [set(re.findall(r"\?(\w+)", expr)) for _, expr in bound]  # the ?variables each expression names
    grew = True
    while grew:
        more = {name for (name, _), used in zip(bound, uses) if name not in found and used & found}
        found |= more
        grew = bool(more)
    return found


def _key(item: str):
    return (0, int(item), "") if item.isdigit() else (1, 0, item)


def sort_list_cells(variables: list[str], rows: list[list], query_text: str) -> list[list]:
    """Rows with the items of every list cell sorted (numbers by value, then text); other cells as they are."""
    lists = list_variables(query_text)  # once: it reads the whole query text
    columns = [i for i, v in enumerate(variables) if v in lists]
    if not columns:
        return rows
    out = []
    for row in rows:
        row = list(row)
        for i in columns:
            term = row[i]
            if isinstance(term, ox.Literal) and SEPARATOR in term.value:
                items = SEPARATOR.join(sorted(term.value.split(SEPARATOR), key=_key))
                row[i] = (
                    ox.Literal(items, language=term.language)
                    if term.language
                    else ox.Literal(items, datatype=term.datatype)
                )
        out.append(row)
    return out
