"""One prefix map for the whole project, as a curies.Converter: our namespaces, W3C vocabularies, and
bioregistry-style prefixes with standard OBO PURLs for OBO ontologies.

``compact`` and ``expand`` answer exactly as ``converter().compress`` and ``converter().expand`` (a test
checks it on every IRI of the store) but are computed from the same records without importing curies,
whose import (pydantic) would cost ``tkiros query`` more than the query itself (~130 ms).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

# The project prefix map is data: src/tkiros/prefixes.json, a curies extended prefix map (prefix, uri_prefix,
# prefix_synonyms, pattern). OBO-style capitalised prefixes are the preferred prefixes of bioregistry (its
# lowercase canonical prefix is a synonym); patterns are bioregistry's, used to check that an identifier is
# well formed. tkirosns names the project's other IRIs (ontology, releases, import modules).
PREFIX_MAP_FILE = Path(__file__).with_name("prefixes.json")
RECORDS: tuple[tuple[str, str, tuple[str, ...], str | None], ...] = tuple(
    (r["prefix"], r["uri_prefix"], tuple(r.get("prefix_synonyms", ())), r.get("pattern"))
    for r in json.loads(PREFIX_MAP_FILE.read_text(encoding="utf-8"))
)

PREFIXES: dict[str, str] = {prefix: uri for prefix, uri, _, _ in RECORDS}
PATTERNS: dict[str, str] = {prefix: pattern for prefix, _, _, pattern in RECORDS if pattern}
_SYNONYMS: dict[str, str] = {syn: prefix for prefix, _, syns, _ in RECORDS for syn in (prefix, *syns)}
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


@lru_cache(maxsize=1)
def converter():
    """The project prefix map as a curies.Converter (with synonyms and patterns), for mapping tools."""
    import curies

    return curies.load_extended_prefix_map(PREFIX_MAP_FILE)


def compact(iri: str) -> str:
    """The CURIE of ``iri`` under the longest matching URI prefix, else the IRI itself."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def expand(curie: str) -> str:
    """The IRI of a CURIE (prefix synonyms such as chebi: are accepted); KeyError for an unknown prefix."""
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in _SYNONYMS:
        raise KeyError(prefix)
    return PREFIXES[_SYNONYMS[prefix]] + local


def standard_prefix(prefix: str) -> str | None:
    """The preferred prefix for a prefix or one of its synonyms (chebi -> CHEBI), else None."""
    return _SYNONYMS.get(prefix)


def is_well_formed(curie: str) -> bool:
    """True when the CURIE's prefix is known and its local part matches the prefix's pattern (if any)."""
    prefix, sep, local = curie.partition(":")
    std = _SYNONYMS.get(prefix)
    if not sep or std is None or not local:
        return False
    pattern = PATTERNS.get(std)
    return pattern is None or re.match(pattern, local) is not None


def local_name(iri: str) -> str:
    """The part of an IRI after its last '/' or '#'."""
    return re.split(r"[/#]", iri)[-1]
