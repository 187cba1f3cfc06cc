"""One prefix map for the whole project, as a curies.Converter: our namespaces, W3C vocabularies, and
bioregistry-style prefixes with standard OBO PURLs for OBO ontologies.

``compact`` and ``expand`` answer exactly as ``converter().compress`` and ``converter().expand`` (a test
checks it on every IRI of the store) but are computed from the same records without importing curies,
whose import (pydantic) would cost ``tkiros query`` more than the query itself (~130 ms).
"""

from __future__ import annotations

import re
from functools import lru_cache

from tkiros.vocab import OBO

# (prefix, URI prefix, prefix synonyms, local-identifier pattern). OBO-style capitalised prefixes are the
# preferred prefixes of bioregistry (its lowercase canonical prefix is a synonym); patterns are
# bioregistry's, used to check that an identifier is well formed.
RECORDS: tuple[tuple[str, str, tuple[str, ...], str | None], ...] = (
    ("tkiros", "https://w3id.org/tkiros/vocab/", (), None),
    ("tkd", "https://w3id.org/tkiros/data/", (), None),
    ("tksh", "https://w3id.org/tkiros/shapes/", (), None),
    ("tkirosns", "https://w3id.org/tkiros/", (), None),  # the project's other IRIs: ontology, releases, import modules
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#", (), None),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#", (), None),
    ("owl", "http://www.w3.org/2002/07/owl#", (), None),
    ("xsd", "http://www.w3.org/2001/XMLSchema#", (), None),
    ("skos", "http://www.w3.org/2004/02/skos/core#", (), None),
    ("dcterms", "http://purl.org/dc/terms/", (), None),
    ("prov", "http://www.w3.org/ns/prov#", (), None),
    ("oa", "http://www.w3.org/ns/oa#", (), None),
    ("cito", "http://purl.org/spar/cito/", (), None),
    ("bibo", "http://purl.org/ontology/bibo/", (), None),
    ("sh", "http://www.w3.org/ns/shacl#", (), None),
    ("oboInOwl", "http://www.geneontology.org/formats/oboInOwl#", ("oboinowl", "oio"), None),
    ("semapv", "https://w3id.org/semapv/vocab/", (), None),
    ("sssom", "https://w3id.org/sssom/", (), None),
    ("obo", OBO, (), None),
    ("CHEBI", OBO + "CHEBI_", ("chebi",), r"^\d+$"),
    ("GO", OBO + "GO_", ("go",), r"^\d{7}$"),
    ("MONDO", OBO + "MONDO_", ("mondo",), r"^\d{7}$"),
    ("DOID", OBO + "DOID_", ("doid",), r"^\d+$"),
    ("NCIT", OBO + "NCIT_", ("ncit",), r"^C\d+$"),
    ("ECO", OBO + "ECO_", ("eco",), r"^\d{7}$"),
    ("RO", OBO + "RO_", ("ro",), r"^(HOM)?\d{7}$"),
    ("IAO", OBO + "IAO_", ("iao",), r"^\d{7}$"),
    ("BFO", OBO + "BFO_", ("bfo",), r"^\d{7}$"),
    ("CLO", OBO + "CLO_", ("clo",), r"^\d{7}$"),
    ("EFO", "http://www.ebi.ac.uk/efo/EFO_", ("efo",), r"^\d{7}$"),
    ("HGNC", "http://identifiers.org/hgnc:", ("hgnc",), r"^\d{1,5}$"),
    ("FPLX", "http://identifiers.org/fplx:", ("fplx", "famplex"), r"^[a-zA-Z0-9][A-Za-z0-9_]+$"),
    ("MESH", "http://id.nlm.nih.gov/mesh/", ("mesh", "MeSH"), r"^(C|D)\d{6,9}$"),
    ("DRUGBANK", "http://identifiers.org/drugbank:", ("drugbank",), r"^DB\d{5}$"),
    ("cellosaurus", "https://www.cellosaurus.org/CVCL_", ("CVCL",), r"^[A-Z0-9]{4}$"),
    ("doi", "https://doi.org/", ("DOI",), r"^10.\d{2,9}/.*$"),
    ("cclicenses", "https://creativecommons.org/licenses/", (), None),
    ("pypi", "https://pypi.org/project/", (), None),
    ("github", "https://github.com/", (), None),
)

PREFIXES: dict[str, str] = {prefix: uri for prefix, uri, _, _ in RECORDS}
PATTERNS: dict[str, str] = {prefix: pattern for prefix, _, _, pattern in RECORDS if pattern}
_SYNONYMS: dict[str, str] = {syn: prefix for prefix, _, syns, _ in RECORDS for syn in (prefix, *syns)}
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


@lru_cache(maxsize=1)
def converter():
    """The project prefix map as a curies.Converter (with synonyms and patterns), for mapping tools."""
    import curies

    return curies.Converter(
        [curies.Record(prefix=p, uri_prefix=u, prefix_synonyms=list(s), pattern=pat) for p, u, s, pat in RECORDS]
    )


def compact(iri: str) -> str:
    """The CURIE of ``iri`` under the longest matching URI prefix, else the IRI itself."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
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
