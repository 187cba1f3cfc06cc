"""The names of a release: artifact IRIs, licence, the release prefix map and formats, and Release itself
(what one publish run is about)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tkiros.vocab import DCTERMS, ONTOLOGY_IRI, OWL, RELEASES

# The artifacts in the manner of the ODK: the main one keeps the ontology IRI others import.
ARTIFACT_IRIS = {
    "tkiros": ONTOLOGY_IRI,
    "tkiros-base": "https://w3id.org/tkiros/tkiros-base",
    "tkiros-full": "https://w3id.org/tkiros/tkiros-full",
    "tkiros-ontology": "https://w3id.org/tkiros/tkiros-ontology",
}
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
CREATOR = "The tkiros developers"


# Vocabularies of the release metadata and nanopublications, beside the project prefix map.
RELEASE_PREFIXES = {
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "spdx": "http://spdx.org/rdf/terms#",
    "np": "http://www.nanopub.org/nschema#",
    "npx": "http://purl.org/nanopub/x/",
    "pav": "http://purl.org/pav/",
    "tksh": "https://w3id.org/tkiros/shapes/",
}

VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# The four RDF serialisations of each artifact: extension -> (media type, format name).
RDF_FORMATS = {
    "ttl": ("text/turtle", "Turtle"),
    "nt": ("application/n-triples", "N-Triples"),
    "jsonld": ("application/ld+json", "JSON-LD"),
    "owl": ("application/rdf+xml", "OWL (RDF/XML)"),
    "rdf": ("application/rdf+xml", "RDF/XML, the same bytes as .owl (a suffix every RDF tool recognizes)"),
}

# Triples that change with every release and say nothing about the content (ignored by `diff`).
VERSION_PREDICATES = {OWL + "versionIRI", OWL + "versionInfo", OWL + "priorVersion", DCTERMS + "issued"}

CRASH_ENV = "TKIROS_PUBLISH_CRASH_AFTER"  # test hook: SIGKILL this process after writing N files


def prefixes(extra: bool = False) -> dict[str, str]:
    from tkiros.prefixes import PREFIXES

    out = dict(PREFIXES)
    if extra:
        out.update(RELEASE_PREFIXES)
    return out


def release_iri(version: str) -> str:
    return f"{RELEASES}{version}/"


@dataclass
class Release:
    """What a publish run is about: version, date, prior version and where the sources are."""

    version: str
    date: str
    prior_version: str | None = None
    prior_folder: Path | None = None
    sparql_endpoint: str | None = None
    root: Path | None = None

    @property
    def iri(self) -> str:
        return release_iri(self.version)

    def version_iri(self, artifact: str) -> str:
        return f"{self.iri}{artifact}"

    def prior_version_iri(self, artifact: str) -> str | None:
        return f"{release_iri(self.prior_version)}{artifact}" if self.prior_version else None
