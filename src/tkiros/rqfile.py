"""SPARQL files (.rq): reading them, their comment header, and what a request's text says about itself.

Every .rq file of the project, whether a saved query (queries/), a check (shapes/checks/), a rule
(ontology/rules/) or an internal query (src/tkiros/sparql/), opens with the same comment header::

    # title: TKIs that raise ROS
    # why: a reason, which may continue on lines
    #      indented by two or more spaces
    # param: tki (entity) optional: restrict to one TKI

A saved query that rebuilds one of the review's tables also says how it is laid out (tkiros.views.tables)::

    # table: 2. How each TKI raises ROS
    # note: a sentence printed under the table, which may continue on
    #       indented lines
    # column: tkiLabel | TKI
    # column: inhibits | Inhibits | list
    # order: query

``headers`` reads it; ``read_rq`` reads the file with one-line errors; ``internal`` loads a packaged query and
``run_internal`` runs one with its parameters bound.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from tkiros.errors import TkirosError

HEADER = re.compile(r"^#\s*(title|question|param|keywords|why|severity|table|note|column|order)\s*:\s*(.*)$", re.I)
CONTINUED = {"why", "note"}  # the keys whose value may continue on indented lines
CONTINUATION = re.compile(r"^#\s{2,}(\S.*)$")
INTERNAL_FOLDER = Path(__file__).resolve().parent / "sparql"

UPDATE_FORMS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
QUERY_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
# Comments, strings and IRIs: skipped when reading the query's structure (they may hold any word).
OPAQUE = re.compile(
    r'#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\x00-\x20]*>"
)


def headers(text: str) -> list[tuple[int, str, str]]:
    """(line number, key in lower case, value) of each header line of the leading comment block.

    A line indented by two or more spaces after '#' continues a why or note value (joined by a space).
    """
    out: list[tuple[int, str, str]] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = HEADER.match(line)
        if m:
            out.append((lineno, m.group(1).lower(), m.group(2).strip()))
            continue
        more = CONTINUATION.match(line)
        if more and out and out[-1][1] in CONTINUED:
            n, key, value = out[-1]
            out[-1] = (n, key, f"{value} {more.group(1).strip()}")
    return out


def header(text: str, key: str) -> str | None:
    """The first value of header ``key``, or None."""
    return next((value for _, k, value in headers(text) if k == key), None)


def read_rq(p: Path, shown: str | None = None) -> str:
    """A query file's text; one line naming the file when it is a folder, unreadable or not UTF-8."""
    shown = shown or str(p)
    if p.is_dir():
        raise TkirosError(f"{shown}: is a folder, not a query file")
    try:
        text = p.read_text(encoding="utf-8-sig")  # a byte-order mark is not part of the query
    except FileNotFoundError:
        raise TkirosError(f"{shown}: no such query file") from None
    except UnicodeDecodeError:
        raise TkirosError(f"{shown}: not UTF-8 text") from None
    except OSError as err:
        raise TkirosError(f"{shown}: cannot read: {err.strerror or err}") from None
    if not text.strip():
        raise TkirosError(f"{shown}: empty file, no query in it")
    return text


@lru_cache(maxsize=None)
def internal(name: str) -> str:
    """The text of a packaged query, src/tkiros/sparql/NAME.rq (or NAME given with its suffix)."""
    return (INTERNAL_FOLDER / (name if name.endswith(".rq") else f"{name}.rq")).read_text(encoding="utf-8")


def run_internal(store, name: str, **terms):
    """The answer of the packaged query NAME on ``store``, each keyword bound to the variable of that name.

    A value is an RDF term (a str is an IRI); it is bound by SEP-0007 substitution, never written into the
    text, so the query must project every variable it is given.
    """
    import pyoxigraph as ox

    subs = {ox.Variable(k): ox.NamedNode(v) if isinstance(v, str) else v for k, v in terms.items()}
    return store.query(internal(name), substitutions=subs or None)


def query_form(text: str) -> str:
    """The form of a SPARQL request, read by the grammar: after the prologue (BASE and PREFIX
    declarations, whose prefix names may be any word, such as add: or copy:) comes the keyword of a
    query (SELECT, CONSTRUCT, DESCRIBE, ASK) or of an update (INSERT, DELETE, LOAD, ...)."""
    # a comment is nothing (it may open the text); an IRI or string is one opaque token
    masked = OPAQUE.sub(lambda m: " " if m.group(0).startswith("#") else " <> ", text)
    tokens = re.findall(r"[^\s{}()]+|[{}()]", masked)
    i = 0
    while i < len(tokens):
        word = tokens[i].upper()
        if word == "BASE":
            i += 2
        elif word == "PREFIX":
            i += 3
        else:
            keyword = re.match(r"[A-Z]+", word)  # SELECT*{...} and SELECT?s are SELECT
            return keyword.group(0) if keyword else word
    return ""


def syntax_message(where: str, message: str) -> str:
    """'q.rq:4:1: SPARQL syntax error: expected ...' from Oxigraph's 'error at 4:1: expected ...'."""
    first = message.splitlines()[0]
    m = re.match(r"error at (\d+):(\d+): (.*)", first)
    if m:
        detail = m.group(3)
        return f"{where}:{m.group(1)}:{m.group(2)}: SPARQL syntax error: {detail[:110] + ('...' if len(detail) > 110 else '')}"
    return f"{where}: SPARQL syntax error: {first[:140]}"


_SERVICE = re.compile(r"(?<![\w:?$.-])SERVICE\s+(?:SILENT\s+)?(?:<|[A-Za-z_\d.-]*:|[?$])", re.I)
_federation = False


def allow_federation(on: bool = True) -> None:
    """Let queries use SERVICE (fetch remote endpoints); off unless the user asks (--federation)."""
    global _federation
    _federation = on


def check_read_only(text: str, where: str, allow_service: bool | None = None) -> None:
    """Refuse SPARQL Update, and SERVICE (federation) unless allowed here or by allow_federation()."""
    form = query_form(text)
    if form in UPDATE_FORMS:
        raise TkirosError(f"{where}: SPARQL Update ({form}) is refused; tkiros queries are read-only")
    if not (_federation if allow_service is None else allow_service) and _SERVICE.search(
        OPAQUE.sub(lambda m: "<>" if m.group(0)[0] == "<" else " ", text)
    ):
        raise TkirosError(
            f"{where}: SERVICE (federated query) is refused: it would fetch other servers; allow it with --federation"
        )
