"""Trusty URIs (module RA: RDF graphs in any number of named graphs) computed offline.

A trusty URI ends in an artifact code, "RA" and the SHA-256 of a normal form of the quads in unpadded
base64url, so anyone holding the quads can recompute it and see whether they changed. The normal form is the
one of the TrustyURI specification and its reference implementation (trustyuri-java, RdfHasher and
StatementComparator), which the nanopublication tools (nanopub-java, nanopub-rs) verify against:

- in every IRI the artifact code is replaced by a single space (before the code is known: the placeholder);
- quads are sorted by graph, subject, predicate, object (IRIs by UTF-16 code units, as Java compares strings;
  IRIs before literals; literals by lexical form, then datatype, absent for a language-tagged literal, then
  language tag) and duplicates dropped;
- each quad is four lines: an IRI as itself; a literal as "@lang value" or "^datatype value", with "\\" and
  newline escaped as "\\\\" and "\\n"; the default graph as an empty line.

nanopub-sign (the Python bindings of nanopub-rs) can check such a nanopublication but computes trusty URIs
only while signing with a private key, hence this module; tests/test_trusty.py checks it against that library.
"""

from __future__ import annotations

import base64
import hashlib
import re

# trustyuri-java's placeholder for the artifact code of a resource being made trusty.
PLACEHOLDER = "~~~ARTIFACTCODE~~~"
CODE_RE = re.compile(r"RA[A-Za-z0-9_-]{43}$")


class TrustyError(ValueError):
    pass


def _ox():
    import pyoxigraph

    return pyoxigraph


def _utf16(s: str) -> bytes:
    return s.encode("utf-16-be")  # byte order of UTF-16BE is Java's String.compareTo order


def _iri(term, code: str) -> str:
    s = term.value
    if "\n" in s or "\t" in s:
        raise TrustyError(f"newline or tab in IRI {s!r}")
    return s.replace(code, " ")


def _norm(term, code: str) -> tuple[tuple, str]:
    """(sort key, digest line) of one term; None stands for the default graph."""
    ox = _ox()
    if term is None or isinstance(term, ox.DefaultGraph):
        return (0, b""), "\n"
    if isinstance(term, ox.NamedNode):
        s = _iri(term, code)
        return (0, _utf16(s)), s + "\n"
    if isinstance(term, ox.Literal):
        value = term.value.replace("\\", "\\\\").replace("\n", "\\n")
        lang = (term.language or "").lower()
        dt = "" if lang else term.datatype.value
        line = f"@{lang} {value}\n" if lang else f"^{dt} {value}\n"
        return (1, _utf16(term.value), bool(dt), _utf16(dt), lang), line
    raise TrustyError(f"blank node {term} cannot be in a trusty URI's content: give it an IRI")


def normal_form(quads, code: str = PLACEHOLDER) -> bytes:
    """The bytes hashed for the artifact code; ``code`` is the code (or placeholder) found in the IRIs."""
    rows = []
    for q in quads:
        parts = [_norm(q.graph_name, code), _norm(q.subject, code), _norm(q.predicate, code), _norm(q.object, code)]
        rows.append((tuple(k for k, _ in parts), "".join(line for _, line in parts)))
    rows.sort(key=lambda r: r[0])
    out, previous = [], None
    for key, text in rows:
        if key != previous:
            out.append(text)
        previous = key
    return "".join(out).encode("utf-8")


def artifact_code(quads, code: str = PLACEHOLDER) -> str:
    digest = hashlib.sha256(normal_form(quads, code)).digest()
    return "RA" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def make_trusty(quads) -> tuple[str, list]:
    """(artifact code, the quads with the placeholder in every IRI replaced by the code)."""
    quads = list(quads)
    code = artifact_code(quads)
    ox = _ox()

    def sub(term):
        if isinstance(term, ox.NamedNode) and PLACEHOLDER in term.value:
            return ox.NamedNode(term.value.replace(PLACEHOLDER, code))
        return term

    return code, [ox.Quad(sub(q.subject), sub(q.predicate), sub(q.object), sub(q.graph_name)) for q in quads]


def code_of(iri: str) -> str | None:
    """The artifact code an IRI ends in, or None."""
    m = CODE_RE.search(iri)
    return m.group(0) if m else None


def verify(quads, iri: str) -> bool:
    """Whether the quads hash to the artifact code ``iri`` ends in."""
    code = code_of(iri)
    return code is not None and artifact_code(quads, code) == code
