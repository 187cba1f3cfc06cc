"""Release metadata: VoID and DCAT with checksums of every file, the seeds as sources, and index.html."""

from __future__ import annotations

import html
from dataclasses import dataclass

import pyoxigraph as ox

from tkiros.rdfio import canonical
from tkiros.release.graphs import Graphs
from tkiros.release.names import (
    CREATOR,
    LICENSE,
    RELEASE_PREFIXES,
    Release,
    release_iri,
)
from tkiros.vocab import DCTERMS, ONTOLOGY_IRI, OWL, RDF, RELEASES, TK, TKD, XSD

IANA = "https://www.iana.org/assignments/media-types/"


@dataclass
class ReleaseFile:
    path: str
    size: int
    sha256: str
    media_type: str
    title: str = ""
    triples: int | None = None


def seed_sources(main: list) -> list[tuple[str, str]]:
    """(IRI, title) of each seed document: its DOI URL when it has one, else its tkiros IRI."""
    by_seed: dict[str, dict[str, str]] = {}
    seeds = {t.subject for t in main if t.predicate.value == RDF + "type" and t.object.value == TK + "SeedDocument"}
    for t in main:
        if t.subject in seeds and isinstance(t.object, ox.Literal):
            by_seed.setdefault(t.subject.value, {})[t.predicate.value] = t.object.value
    out = []
    for seed in sorted(s.value for s in seeds):
        info = by_seed.get(seed, {})
        doi = info.get("http://purl.org/ontology/bibo/doi")
        out.append((f"https://doi.org/{doi}" if doi else seed, info.get(DCTERMS + "title", "")))
    return out


def void_triples(release: Release, graphs: Graphs, files: list[ReleaseFile]) -> list:
    """VoID and DCAT description of the release: statistics, partitions, sources, distributions, checksums."""
    from urllib.parse import quote

    from tkiros.prefixes import compact

    N, L = ox.NamedNode, ox.Literal
    ds = N(release.iri)
    V, DCAT, SPDX = RELEASE_PREFIXES["void"], RELEASE_PREFIXES["dcat"], RELEASE_PREFIXES["spdx"]

    def xsd(value, kind):
        return L(str(value), datatype=N(XSD + kind))

    main = graphs.main
    out = [
        (ds, N(RDF + "type"), N(V + "Dataset")),
        (ds, N(RDF + "type"), N(DCAT + "Dataset")),
        (ds, N(DCTERMS + "title"), L(f"tkiros {release.version}", language="en")),
        (
            ds,
            N(DCTERMS + "description"),
            L(
                "The tkiros ontology and knowledge graph of how tyrosine kinase inhibitors kill cancer cells through reactive oxygen species, how cells resist and how ROS-raising strategies re-sensitize them, curated from a 2024 review and a 2019 preprint; every finding traceable to an exact span of its source.",
                language="en",
            ),
        ),
        (ds, N(DCTERMS + "license"), N(LICENSE)),
        (ds, N(DCTERMS + "creator"), L(CREATOR)),
        (ds, N(DCTERMS + "publisher"), L(CREATOR)),
        (ds, N(DCTERMS + "issued"), xsd(release.date, "date")),
        (ds, N(DCAT + "version"), L(release.version)),
        (ds, N(OWL + "versionInfo"), L(release.version)),
        (ds, N(DCAT + "inSeries"), N(RELEASES)),
        (N(RELEASES), N(RDF + "type"), N(DCAT + "DatasetSeries")),
        (N(RELEASES), N(DCTERMS + "title"), L("tkiros releases", language="en")),
        (ds, N(DCAT + "landingPage"), N(release.iri + "index.html")),
        (ds, N(V + "uriSpace"), L(TKD)),
        (ds, N(V + "vocabulary"), N(TK)),
        (ds, N(V + "rootResource"), N(ONTOLOGY_IRI)),
    ]
    if release.prior_version:
        out.append((ds, N(DCAT + "previousVersion"), N(release_iri(release.prior_version))))
    for iri, title in seed_sources(main):
        out += [(ds, N(DCTERMS + "source"), N(iri)), (ds, N("http://www.w3.org/ns/prov#wasDerivedFrom"), N(iri))]
        if title:
            out.append((N(iri), N(DCTERMS + "title"), L(title, language="en")))
    if release.sparql_endpoint:
        service = N(release.iri + "void#sparql")
        out += [
            (ds, N(V + "sparqlEndpoint"), N(release.sparql_endpoint)),
            (service, N(RDF + "type"), N(DCAT + "DataService")),
            (service, N(DCAT + "endpointURL"), N(release.sparql_endpoint)),
            (service, N(DCAT + "servesDataset"), ds),
        ]

    # Statistics of the main artifact (tkiros.ttl).
    subjects = {t.subject for t in main}
    objects = {t.object for t in main if not isinstance(t.object, ox.Literal)}
    classes: dict = {}
    for t in main:
        if t.predicate.value == RDF + "type":
            classes.setdefault(t.object, set()).add(t.subject)
    properties: dict = {}
    for t in main:
        properties[t.predicate] = properties.get(t.predicate, 0) + 1
    out += [
        (ds, N(V + "triples"), xsd(len(main), "integer")),
        (
            ds,
            N(V + "entities"),
            xsd(len({s for ss in classes.values() for s in ss if isinstance(s, ox.NamedNode)}), "integer"),
        ),
        (ds, N(V + "classes"), xsd(len(classes), "integer")),
        (ds, N(V + "properties"), xsd(len(properties), "integer")),
        (ds, N(V + "distinctSubjects"), xsd(len(subjects), "integer")),
        (ds, N(V + "distinctObjects"), xsd(len(objects), "integer")),
    ]

    def slug(iri: str) -> str:
        return quote(compact(iri).replace(":", "-"), safe="-_.")

    for cls in sorted(classes, key=str):
        part = N(f"{release.iri}void#class-{slug(cls.value)}")
        out += [
            (ds, N(V + "classPartition"), part),
            (part, N(V + "class"), cls),
            (part, N(V + "entities"), xsd(len(classes[cls]), "integer")),
        ]
    for prop in sorted(properties, key=str):
        part = N(f"{release.iri}void#property-{slug(prop.value)}")
        out += [
            (ds, N(V + "propertyPartition"), part),
            (part, N(V + "property"), prop),
            (part, N(V + "triples"), xsd(properties[prop], "integer")),
        ]

    for f in files:
        dist = N(release.iri + f.path)
        out += [
            (ds, N(DCAT + "distribution"), dist),
            (dist, N(RDF + "type"), N(DCAT + "Distribution")),
            (dist, N(DCTERMS + "title"), L(f.title or f.path)),
            (dist, N(DCAT + "downloadURL"), dist),
            (dist, N(DCAT + "mediaType"), N(IANA + f.media_type)),
            (dist, N(DCAT + "byteSize"), xsd(f.size, "nonNegativeInteger")),
            (dist, N(DCTERMS + "license"), N(LICENSE)),
            (dist, N(SPDX + "checksum"), N(f"{release.iri}{f.path}#sha256")),
            (N(f"{release.iri}{f.path}#sha256"), N(RDF + "type"), N(SPDX + "Checksum")),
            (N(f"{release.iri}{f.path}#sha256"), N(SPDX + "algorithm"), N(SPDX + "checksumAlgorithm_sha256")),
            (N(f"{release.iri}{f.path}#sha256"), N(SPDX + "checksumValue"), xsd(f.sha256, "hexBinary")),
        ]
        if f.media_type in (
            "text/turtle",
            "application/n-triples",
            "application/ld+json",
            "application/rdf+xml",
        ) and f.path.startswith("tkiros"):
            out.append((ds, N(V + "dataDump"), dist))
        if f.triples is not None:
            out.append((dist, N(V + "triples"), xsd(f.triples, "integer")))
    return canonical(ox.Triple(*t) for t in out)


def _human(size: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


# Folders of many files: one row each in index.html, not distributions of their own in void.ttl.
GROUPED = ("nanopubs/", "queries/", "site/")


def index_html(release: Release, files: list[ReleaseFile]) -> bytes:
    """index.html of a release: the files with sizes, triple counts and checksums (no wall clock)."""
    e = html.escape
    main_files = [f for f in files if not f.path.startswith(GROUPED)]
    rows = []
    for f in main_files:
        rows.append(
            f'<tr><td><a href="{e(f.path)}">{e(f.path)}</a></td><td>{e(f.title)}</td>'
            f'<td class="n" title="{f.size} bytes">{e(_human(f.size))}</td>'
            f'<td class="n">{"" if f.triples is None else f.triples}</td><td><code>{f.sha256}</code></td></tr>'
        )
    for prefix, what in (
        ("nanopubs/", "nanopublications, one per finding (TriG; their trusty IRIs are listed in release.json)"),
        ("queries/", "saved SPARQL queries"),
        ("site/", "files of the browsable site: a page per drug, gene, cancer, cell line, mechanism class and finding"),
    ):
        group = [f for f in files if f.path.startswith(prefix)]
        if group:
            size = sum(f.size for f in group)
            triples = sum(f.triples or 0 for f in group)
            href = prefix + ("index.html" if prefix == "site/" else "")
            rows.append(
                f'<tr><td><a href="{href}">{prefix}</a></td><td>{len(group)} {e(what)}</td>'
                f'<td class="n" title="{size} bytes">{e(_human(size))}</td><td class="n">{triples or ""}</td>'
                f'<td>see <a href="SHA256SUMS">SHA256SUMS</a></td></tr>'
            )
    prior = ""
    if release.prior_version:
        prior = (
            f'<p>Prior version: <a href="{e(release_iri(release.prior_version))}">{e(release.prior_version)}</a></p>'
        )
    endpoint = ""
    if release.sparql_endpoint:
        endpoint = f'<p>SPARQL endpoint: <a href="{e(release.sparql_endpoint)}">{e(release.sparql_endpoint)}</a></p>'
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tkiros {e(release.version)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 80em; }}
table {{ border-collapse: collapse; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }}
td.n {{ text-align: right; white-space: nowrap; }}
code {{ font-size: 0.8em; }}
</style>
</head>
<body>
<h1>tkiros {e(release.version)}</h1>
<p>Released {e(release.date)}. Version IRI: <code>{e(release.version_iri("tkiros"))}</code>.
Licence: <a href="{LICENSE}">CC BY 4.0</a>. Documentation of the ontology: <a href="ontology.html">ontology.html</a>.
Dataset description (VoID, DCAT): <a href="void.ttl">void.ttl</a>.</p>
{prior}{endpoint}
<p><b>tkiros</b> is the ontology with the knowledge graph (asserted, with the direct edges and superclass types the rules derive);
<b>tkiros-base</b> is our own axioms without the import modules; <b>tkiros-full</b> adds the types and
property values a reasoner infers. Each comes as Turtle, N-Triples, JSON-LD and OWL (RDF/XML).</p>
<table>
<thead><tr><th>file</th><th>what</th><th>size</th><th>triples</th><th>SHA-256</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</body>
</html>
"""
    return page.encode("utf-8")
