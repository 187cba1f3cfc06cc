"""Releases that other ontologies and triplestores can link to: `tkiros publish` and `tkiros diff`.

A release is a folder of deterministic files (two runs on the same sources give byte-identical files):
the graph in Turtle, N-Triples, JSON-LD and RDF/XML in three artifacts (tkiros: asserted; tkiros-base:
without the import modules; tkiros-full: with the reasoner's inferences), the SHACL shapes, VoID and
DCAT metadata with checksums, KGX tables for Biolink-model pipelines, one nanopublication per finding,
the SSSOM mappings, HTML documentation of the terms and an index.html. It is built in a hidden sibling folder and
renamed into place, so a failed or killed run leaves the previous release whole.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import click

from tkiros.errors import TkirosError

# --- Names --------------------------------------------------------------------------------------------

RELEASES = "https://w3id.org/tkiros/releases/"
ONTOLOGY_IRI = "https://w3id.org/tkiros/vocab"
# The artifacts in the manner of the ODK: the main one keeps the ontology IRI others import.
ARTIFACT_IRIS = {
    "tkiros": ONTOLOGY_IRI,
    "tkiros-base": "https://w3id.org/tkiros/tkiros-base",
    "tkiros-full": "https://w3id.org/tkiros/tkiros-full",
    "tkiros-ontology": "https://w3id.org/tkiros/tkiros-ontology",
}
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
CREATOR = "The tkiros developers"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
TK = "https://w3id.org/tkiros/vocab/"
TKD = "https://w3id.org/tkiros/data/"

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


# --- Canonical RDF ------------------------------------------------------------------------------------


def _ox():
    import pyoxigraph

    return pyoxigraph


def canonical(triples) -> list:
    """The triples with blank nodes relabelled by RDFC-1.0 (when there are any), deduplicated and sorted.

    Sorted by subject, then rdf:type first, then predicate and object in N-Triples form; the ontology
    header (an owl:Ontology) comes first, so the files read top-down.
    """
    ox = _ox()
    triples = list(dict.fromkeys(triples))
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
        ds = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        triples = [q.triple for q in ds]
    rdf_type = ox.NamedNode(RDF + "type")
    headers = {str(t.subject) for t in triples if t.predicate == rdf_type and t.object == ox.NamedNode(OWL + "Ontology")}

    def key(t):
        s = str(t.subject)
        return (s not in headers, s, t.predicate != rdf_type, str(t.predicate), str(t.object))

    return sorted(triples, key=key)


def serialize(triples, ext: str, pfx: dict[str, str] | None = None, terms: dict[str, str] | None = None) -> bytes:
    """Canonical bytes of ``triples`` (already canonical()) in the format of file extension ``ext``."""
    ox = _ox()
    pfx = pfx if pfx is not None else prefixes()
    if ext == "jsonld":
        return jsonld_bytes(triples, jsonld_context(pfx, terms))
    fmt = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "owl": ox.RdfFormat.RDF_XML, "rdf": ox.RdfFormat.RDF_XML}[ext]
    if ext == "nt":
        return ox.serialize(triples, format=fmt)
    return ox.serialize(triples, format=fmt, prefixes=_used_prefixes(triples, pfx))


_CLEAN_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


def _used_prefixes(quads_or_triples, pfx: dict[str, str]) -> dict[str, str]:
    """The prefixes a file uses, so that it declares what it needs and no more.

    A prefix whose local names would mostly need backslash escapes in Turtle (a DOI's slash, a licence
    URL) is left out: those IRIs read better written in full.
    """
    ox = _ox()
    iris = set()
    for t in quads_or_triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    by_length = sorted(pfx.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    clean: dict[str, int] = {}
    dirty: dict[str, int] = {}
    for iri in iris:
        for name, ns in by_length:
            if iri.startswith(ns) and len(iri) > len(ns):
                counter = clean if _CLEAN_LOCAL.match(iri[len(ns):]) else dirty
                counter[name] = counter.get(name, 0) + 1
                break
    return {name: ns for name, ns in pfx.items() if name in clean and dirty.get(name, 0) * 10 < clean[name]}


_GEN_DELIMS = tuple(":/?#[]@")


def jsonld_context(pfx: dict[str, str] | None = None, terms: dict[str, str] | None = None, v11: bool = False) -> dict:
    """The JSON-LD @context: a term per vocabulary term ("hasAgent") and the prefixes.

    By default JSON-LD 1.0 (no 1.1 keyword, so every processor loads it): only the prefixes whose IRI ends
    in a gen-delim character, the IRIs under the others (obo:MONDO_ style) being written in full by
    jsonld_bytes. ``v11`` adds those as '@prefix' definitions, for expanding CURIEs such as CHEBI:49668.
    """
    pfx = pfx if pfx is not None else prefixes()
    ctx: dict = {"@version": 1.1} if v11 else {}
    for name in sorted(pfx):
        ns = pfx[name]
        if ns.endswith(_GEN_DELIMS):
            ctx[name] = ns
        elif v11:
            ctx[name] = {"@id": ns, "@prefix": True}
    for term, iri in sorted((terms or {}).items()):
        ctx.setdefault(term, iri)
    return ctx


def vocabulary_terms(triples, pfx: dict[str, str] | None = None) -> dict[str, str]:
    """JSON-LD term name -> IRI for each of our vocabulary terms (local name, unless it would clash)."""
    pfx = pfx if pfx is not None else prefixes()
    vocab = pfx["tkiros"]
    names: dict[str, str] = {}
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            iri = getattr(term, "value", "")
            if isinstance(iri, str) and iri.startswith(vocab) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", iri[len(vocab):]):
                names.setdefault(iri[len(vocab):], iri)
    return {n: iri for n, iri in names.items() if n not in pfx}


def _compactor(pfx: dict[str, str]):
    by_length = sorted(pfx.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def compact(iri: str) -> str:
        for name, ns in by_length:
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
                return f"{name}:{iri[len(ns):]}"
        return iri

    return compact


def jsonld_bytes(triples, context: dict) -> bytes:
    """Compact JSON-LD with the context inline: one node object per subject, in canonical order.

    Written by hand rather than by a JSON-LD compaction library so that the output is canonical and fast;
    literals keep their exact lexical form ('@value' strings with '@type').
    """
    ox = _ox()
    plain = {k: v for k, v in context.items() if isinstance(v, str) and not k.startswith("@")}
    by_iri = {v: k for k, v in plain.items() if not v.endswith(_GEN_DELIMS)}  # terms
    compact = _compactor({k: v for k, v in plain.items() if v.endswith(_GEN_DELIMS)})
    rdf_type = ox.NamedNode(RDF + "type")

    def vocab(iri: str) -> str:  # keys and types: a term where one is defined
        return by_iri.get(iri) or compact(iri)

    def ident(term) -> str:
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else compact(term.value)

    def value(term):
        if isinstance(term, ox.Literal):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            if term.datatype.value == XSD + "string":
                return term.value
            return {"@value": term.value, "@type": compact(term.datatype.value)}
        return {"@id": ident(term)}

    nodes: dict[str, dict] = {}
    for t in triples:
        node = nodes.setdefault(str(t.subject), {"@id": ident(t.subject)})
        if t.predicate == rdf_type and isinstance(t.object, ox.NamedNode):
            node.setdefault("@type", []).append(vocab(t.object.value))
        else:
            node.setdefault(vocab(t.predicate.value), []).append(value(t.object))
    graph = [{k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in n.items()} for n in nodes.values()]
    doc = {"@context": context, "@graph": graph}
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


# --- The graphs ---------------------------------------------------------------------------------------


def _load(files: list[Path], root: Path, rules: bool = True):
    """An in-memory store of ``files`` plus the triples the CONSTRUCT rules derive (no seed full texts)."""
    from tkiros.store import BASE_IRI, _relative, apply_rules, parse_error

    ox = _ox()
    store = ox.Store()
    for path in files:
        try:
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE_IRI)
        except SyntaxError as err:
            raise parse_error(path, root, err) from None
        except OSError as err:
            raise TkirosError(f"{_relative(path, root)}: cannot read: {err.strerror or err}") from None
    if rules:
        apply_rules(store, root)
    return store


def _triples(store) -> list:
    ox = _ox()
    return [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]


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


def with_header(triples, artifact: str, release: Release) -> list:
    """The artifact's triples with its own ontology header: IRI, version IRI, version, date, prior version.

    Import modules are merged: their own owl:Ontology headers and our owl:imports are dropped, so that
    Protégé and the OWL API load the file without fetching anything.
    """
    ox = _ox()
    rdf_type, ontology = ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + "Ontology")
    ours = ox.NamedNode(ONTOLOGY_IRI)
    others = {t.subject for t in triples if t.predicate == rdf_type and t.object == ontology and t.subject != ours}
    header = ox.NamedNode(ARTIFACT_IRIS[artifact])
    out = []
    for t in triples:
        if t.subject in others or t.predicate.value == OWL + "imports":
            continue
        if t.subject == ours:
            if t.predicate.value in VERSION_PREDICATES:
                continue
            t = ox.Triple(header, t.predicate, t.object)
        out.append(t)
    out += [
        ox.Triple(header, rdf_type, ontology),
        ox.Triple(header, ox.NamedNode(OWL + "versionIRI"), ox.NamedNode(release.version_iri(artifact))),
        ox.Triple(header, ox.NamedNode(OWL + "versionInfo"), ox.Literal(release.version)),
        ox.Triple(header, ox.NamedNode(DCTERMS + "issued"), ox.Literal(release.date, datatype=ox.NamedNode(XSD + "date"))),
        ox.Triple(ox.NamedNode(DCTERMS + "issued"), rdf_type, ox.NamedNode(OWL + "AnnotationProperty")),
    ]
    if release.prior_version:
        out.append(ox.Triple(header, ox.NamedNode(OWL + "priorVersion"), ox.NamedNode(release.prior_version_iri(artifact))))
    return canonical(out)


@dataclass
class Graphs:
    """The triples of each artifact, canonical and with their headers."""

    main: list
    base: list
    full: list | None
    shapes: list
    terms: list  # our ontology terms, without instances and import modules (for the HTML documentation)
    reasoner: str | None = None


def build_graphs(release: Release, reasoner: str | None) -> Graphs:
    from tkiros.paths import source_files

    root = release.root
    everything = source_files(root)
    imports_dir = (root / "ontology" / "imports").resolve()
    own = [p for p in everything if imports_dir not in p.resolve().parents]
    main_raw = _triples(_load(everything, root))
    base_raw = _triples(_load(own, root))
    terms_files = sorted((root / "ontology").glob("*.ttl"))  # documented: our own terms, not the import modules
    terms_raw = _triples(_load(terms_files, root, rules=False))
    shapes_raw = _triples(_load(sorted((root / "shapes").glob("*.ttl")), root, rules=False))
    full, used = None, None
    if reasoner:
        inferred, used = infer(main_raw, reasoner, root)
        full = with_header(main_raw + inferred, "tkiros-full", release)
    return Graphs(
        main=with_header(main_raw, "tkiros", release),
        base=with_header(base_raw, "tkiros-base", release),
        full=full,
        shapes=canonical(shapes_raw),
        terms=with_header(terms_raw, "tkiros", release),
        reasoner=used,
    )


# --- Reasoning ----------------------------------------------------------------------------------------

_BUILTIN = (RDF, RDFS, OWL, XSD)


def _to_ox(term):
    """A pyoxigraph term from a pyoxigraph or rdflib term (tkiros.reason gives the one, owlrl the other)."""
    ox = _ox()
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return term
    kind = type(term).__name__
    if kind == "URIRef":
        return ox.NamedNode(str(term))
    if kind == "BNode":
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)


def keep_inferred(triples, asserted) -> list:
    """The inferences worth publishing: types, class and property hierarchy, property values.

    Reflexive axioms, built-in vocabulary (owl:Thing, rdfs:Resource, owl:sameAs x x ...), triples about
    literals and blank nodes, and anything already asserted are left out.
    """
    ox = _ox()
    asserted = set(asserted)
    out = []
    for t in triples:
        s, p, o = t.subject, t.predicate, t.object
        if t in asserted or not isinstance(s, ox.NamedNode) or isinstance(o, ox.BlankNode):
            continue
        if s.value.startswith(_BUILTIN) or p.value == TK + "text":
            continue
        if p.value in (RDF + "type", RDFS + "subClassOf", RDFS + "subPropertyOf", OWL + "equivalentClass",
                       OWL + "equivalentProperty", OWL + "sameAs"):
            if not isinstance(o, ox.NamedNode) or o.value.startswith(_BUILTIN) or o == s:
                continue
        elif p.value.startswith(_BUILTIN):
            continue
        out.append(ox.Triple(s, p, o))
    return out


class InconsistentRelease(TkirosError):
    """The reasoner finds the ontology and data inconsistent (or a class unsatisfiable): exit code 1."""

    exit_code = 1


def infer(asserted: list, reasoner: str, root: Path) -> tuple[list, str]:
    """Inferred triples of the graph, from tkiros.reason.run when that module exists, else OWL RL (owlrl)."""
    try:
        from tkiros import reason as reason_module
    except ImportError:
        reason_module = None
    if reason_module is not None and hasattr(reason_module, "run"):
        import inspect

        from tkiros.store import Graph

        ox = _ox()
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in asserted)
        takes_graph = "graph" in inspect.signature(reason_module.run).parameters
        result = reason_module.run(reasoner, graph=Graph(store, root, "")) if takes_graph else reason_module.run(reasoner)
        if not getattr(result, "ok", result.consistent):
            inconsistency = getattr(result, "inconsistency", None)
            why = "; ".join(inconsistency.text().splitlines()[:2]) if inconsistency else f"inconsistent under {reasoner}"
            raise InconsistentRelease(f"cannot publish tkiros-full: {why} (`tkiros reason` explains; --no-reasoner skips tkiros-full)")
        inferred = [ox.Triple(*(_to_ox(x) for x in tuple(t)[:3])) for t in result.inferred]
        return keep_inferred(inferred, asserted), reasoner
    if reasoner not in ("hermit", "owlrl"):
        raise TkirosError(f"--reasoner {reasoner}: only owlrl is available without tkiros.reason")
    return keep_inferred(owlrl_closure(asserted), asserted), "owlrl"


def owlrl_closure(asserted: list) -> list:
    """Every triple of the OWL 2 RL closure of ``asserted`` (owlrl), as pyoxigraph triples."""
    import owlrl
    import rdflib

    ox = _ox()
    g = rdflib.Graph()
    g.parse(data=ox.serialize(asserted, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    errors = [str(o) for s, p, o in g if str(p).endswith("#error") and isinstance(s, rdflib.BNode)]
    if errors:
        raise InconsistentRelease(f"cannot publish tkiros-full: the ontology is inconsistent under OWL RL: {sorted(errors)[0]}")
    # OWL RL yields generalised triples (literal subjects, ...); keep the RDF ones.
    return [ox.Triple(_to_ox(s), _to_ox(p), _to_ox(o)) for s, p, o in g
            if isinstance(s, (rdflib.URIRef, rdflib.BNode)) and isinstance(p, rdflib.URIRef)]


# --- Metadata -----------------------------------------------------------------------------------------

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
    ox = _ox()
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

    ox = _ox()
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
        (ds, N(DCTERMS + "description"), L("The tkiros ontology and knowledge graph of how tyrosine kinase inhibitors kill cancer cells through reactive oxygen species, how cells resist and how ROS-raising strategies re-sensitize them, curated from a 2024 review and a 2019 preprint; every finding traceable to an exact span of its source.", language="en")),
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
        out += [(ds, N(V + "sparqlEndpoint"), N(release.sparql_endpoint)),
                (service, N(RDF + "type"), N(DCAT + "DataService")),
                (service, N(DCAT + "endpointURL"), N(release.sparql_endpoint)),
                (service, N(DCAT + "servesDataset"), ds)]

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
        (ds, N(V + "entities"), xsd(len({s for ss in classes.values() for s in ss if isinstance(s, ox.NamedNode)}), "integer")),
        (ds, N(V + "classes"), xsd(len(classes), "integer")),
        (ds, N(V + "properties"), xsd(len(properties), "integer")),
        (ds, N(V + "distinctSubjects"), xsd(len(subjects), "integer")),
        (ds, N(V + "distinctObjects"), xsd(len(objects), "integer")),
    ]

    def slug(iri: str) -> str:
        return quote(compact(iri).replace(":", "-"), safe="-_.")

    for cls in sorted(classes, key=str):
        part = N(f"{release.iri}void#class-{slug(cls.value)}")
        out += [(ds, N(V + "classPartition"), part), (part, N(V + "class"), cls),
                (part, N(V + "entities"), xsd(len(classes[cls]), "integer"))]
    for prop in sorted(properties, key=str):
        part = N(f"{release.iri}void#property-{slug(prop.value)}")
        out += [(ds, N(V + "propertyPartition"), part), (part, N(V + "property"), prop),
                (part, N(V + "triples"), xsd(properties[prop], "integer"))]

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
        if f.media_type in ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml") and f.path.startswith("tkiros"):
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
        rows.append(f"<tr><td><a href=\"{e(f.path)}\">{e(f.path)}</a></td><td>{e(f.title)}</td>"
                    f"<td class=\"n\" title=\"{f.size} bytes\">{e(_human(f.size))}</td>"
                    f"<td class=\"n\">{'' if f.triples is None else f.triples}</td><td><code>{f.sha256}</code></td></tr>")
    for prefix, what in (("nanopubs/", "nanopublications, one per finding (TriG; their trusty IRIs are listed in release.json)"),
                         ("queries/", "saved SPARQL queries"),
                         ("site/", "files of the browsable site: a page per drug, gene, cancer, cell line, mechanism class and finding")):
        group = [f for f in files if f.path.startswith(prefix)]
        if group:
            size = sum(f.size for f in group)
            triples = sum(f.triples or 0 for f in group)
            href = prefix + ("index.html" if prefix == "site/" else "")
            rows.append(f"<tr><td><a href=\"{href}\">{prefix}</a></td><td>{len(group)} {e(what)}</td>"
                        f"<td class=\"n\" title=\"{size} bytes\">{e(_human(size))}</td><td class=\"n\">{triples or ''}</td>"
                        f"<td>see <a href=\"SHA256SUMS\">SHA256SUMS</a></td></tr>")
    prior = ""
    if release.prior_version:
        prior = f"<p>Prior version: <a href=\"{e(release_iri(release.prior_version))}\">{e(release.prior_version)}</a></p>"
    endpoint = ""
    if release.sparql_endpoint:
        endpoint = f"<p>SPARQL endpoint: <a href=\"{e(release.sparql_endpoint)}\">{e(release.sparql_endpoint)}</a></p>"
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
<p>Released {e(release.date)}. Version IRI: <code>{e(release.version_iri('tkiros'))}</code>.
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


# --- Writing a release --------------------------------------------------------------------------------


class _Writer:
    """Writes the files of a release into a folder, recording size and checksum of each."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.files: list[ReleaseFile] = []
        self.sources: dict[str, list] = {}  # RDF file -> the triples it was written from
        env = os.environ.get(CRASH_ENV)
        self.crash_after = int(env) if env and env.isdigit() else None

    def write(self, rel: str, data: bytes, media_type: str, title: str = "", triples: int | None = None,
              source: list | None = None) -> ReleaseFile:
        path = self.folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        f = ReleaseFile(rel, len(data), hashlib.sha256(data).hexdigest(), media_type, title, triples)
        self.files.append(f)
        if source is not None:
            self.sources[rel] = source
        if self.crash_after is not None and len(self.files) >= self.crash_after:
            os.kill(os.getpid(), signal.SIGKILL)  # the test of atomicity: die as abruptly as a power cut
        return f


def changelog_date(version: str, root: Path) -> str | None:
    """The date of ``version`` in CHANGELOG.md ('## [X.Y.Z] - YYYY-MM-DD'), if recorded there."""
    path = root / "CHANGELOG.md"
    if not path.is_file():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^##\s*\[?v?(\d+\.\d+\.\d+)\]?\s*[-–]\s*(\d{4}-\d{2}-\d{2})", line)
        if m and m.group(1) == version:
            return m.group(2)
    return None


def _read_manifest(folder: Path) -> dict | None:
    path = folder / "release.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise TkirosError(f"{path}: not a readable release manifest: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        raise TkirosError(f"{path}: not a tkiros release manifest (no version)")
    return data


def make_release(out: Path, version: str | None, date: str | None, prior: str | None,
                 sparql_endpoint: str | None = None, root: Path | None = None) -> Release:
    """Check the parameters and work out the prior release; every problem is one line naming the option."""
    from tkiros import __version__
    from tkiros.paths import project_root

    root = Path(root) if root else project_root()
    version = version or __version__
    if not VERSION_RE.match(version):
        raise TkirosError(f"--version {version!r}: expected X.Y.Z (semantic version)")
    if date is None:
        date = changelog_date(version, root)
        if date is None:
            raise TkirosError(f"--date: no release date for {version} in {root / 'CHANGELOG.md'}; pass --date YYYY-MM-DD")
    if not DATE_RE.match(date):
        raise TkirosError(f"--date {date!r}: expected YYYY-MM-DD")
    try:
        _dt.date.fromisoformat(date)
    except ValueError:
        raise TkirosError(f"--date {date!r}: not a calendar date") from None
    if sparql_endpoint and not re.match(r"^https?://\S+$", sparql_endpoint):
        raise TkirosError(f"--sparql-endpoint {sparql_endpoint!r}: expected an http(s) URL")
    release = Release(version, date, sparql_endpoint=sparql_endpoint, root=root)
    if prior:
        folder = Path(prior)
        if folder.is_dir():
            manifest = _read_manifest(folder)
            if manifest is None:
                raise TkirosError(f"--prior {prior}: no release.json there; give a release folder or a version X.Y.Z")
            release.prior_version, release.prior_folder = manifest["version"], folder
        elif VERSION_RE.match(prior):
            release.prior_version = prior
        else:
            raise TkirosError(f"--prior {prior!r}: neither a release folder nor a version X.Y.Z")
    else:
        manifest = _read_manifest(out) if out.is_dir() else None
        if manifest and manifest["version"] != version:
            release.prior_version, release.prior_folder = manifest["version"], out
        elif manifest and manifest.get("prior_version"):  # publishing the same version again keeps its prior
            release.prior_version = manifest["prior_version"]
    if release.prior_version == version:
        raise TkirosError(f"--prior {release.prior_version}: the prior version must differ from --version {version}")
    return release


def write_release(folder: Path, release: Release, graphs: Graphs) -> _Writer:
    """Write every file of the release into ``folder`` (a fresh, empty folder)."""
    from tkiros.kgx_export import kgx_tables
    from tkiros.nanopub import nanopublications

    w = _Writer(folder)
    pfx = prefixes()
    terms = vocabulary_terms(graphs.terms, pfx)
    artifacts = [("tkiros", graphs.main, "ontology and knowledge graph, asserted"),
                 ("tkiros-base", graphs.base, "our own axioms, without import modules"),
                 ("tkiros-ontology", with_header(graphs.terms, "tkiros-ontology", release),
                  "the ontology only: terms and axioms, no instance data (for documentation and ontology tools)")]
    if graphs.full is not None:
        artifacts.append(("tkiros-full", graphs.full, f"with inferences ({graphs.reasoner})"))
    for name, triples, what in artifacts:
        for ext, (media, fmt) in RDF_FORMATS.items():
            w.write(f"{name}.{ext}", serialize(triples, ext, pfx, terms), media, f"{name}: {what}; {fmt}", len(triples), triples)
    w.write("tkiros-shapes.ttl", serialize(graphs.shapes, "ttl", prefixes(extra=True)), "text/turtle",
            "SHACL shapes: the contract a finding meets; Turtle", len(graphs.shapes), graphs.shapes)
    w.write("context.jsonld", (json.dumps({"@context": jsonld_context(pfx, terms, v11=True)}, indent=1) + "\n").encode("utf-8"),
            "application/ld+json", "JSON-LD 1.1 @context: the tkiros terms and every prefix (the data files inline a 1.0 one)")

    nodes, edges = kgx_tables(graphs.main, release)
    w.write("kgx/nodes.tsv", nodes, "text/tab-separated-values", "KGX nodes (Biolink Model); TSV")
    w.write("kgx/edges.tsv", edges, "text/tab-separated-values", "KGX edges (Biolink Model), one per finding claim; TSV")

    nanopubs = {}
    for name, iri, data, quads in nanopublications(graphs.main, release):
        w.write(f"nanopubs/{name}.trig", data, "application/trig", f"nanopublication of finding {name}", quads)
        nanopubs[name] = iri

    mappings = release.root / "ontology" / "mappings" / "tkiros.sssom.tsv"
    if mappings.is_file():
        w.write("mappings/tkiros.sssom.tsv", mappings.read_bytes(), "text/tab-separated-values", "SSSOM mappings to external identifiers")
    for rq in sorted((release.root / "queries").glob("*.rq")):
        w.write(f"queries/{rq.name}", rq.read_bytes(), "application/sparql-query", f"saved query {rq.stem}")

    from tkiros.ontodoc import ontology_html

    w.write("ontology.html", ontology_html(graphs.terms, ONTOLOGY_IRI), "text/html", "documentation of the ontology's terms")
    from tkiros.site import SITE_MEDIA_TYPES, build_site

    for rel, data in build_site(release.root).items():
        w.write(f"site/{rel}", data, SITE_MEDIA_TYPES[Path(rel).suffix], "page of the browsable site")
    # One distribution per top-level file; the nanopublications and queries are listed in index.html.
    void = void_triples(release, graphs, [f for f in w.files if not f.path.startswith(GROUPED)])
    w.write("void.ttl", serialize(void, "ttl", prefixes(extra=True)), "text/turtle", "dataset description: VoID and DCAT; Turtle", len(void), void)
    w.write("index.html", index_html(release, list(w.files)), "text/html", "this release: files, sizes, triples, checksums")
    manifest = {
        "version": release.version,
        "date": release.date,
        "prior_version": release.prior_version,
        "version_iri": release.version_iri("tkiros"),
        "reasoner": graphs.reasoner,
        "files": {f.path: {"bytes": f.size, "sha256": f.sha256, "media_type": f.media_type, "triples": f.triples} for f in w.files},
        "nanopubs": nanopubs,  # finding -> the trusty IRI of its nanopublication
    }
    w.write("release.json", (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode("utf-8"), "application/json", "release manifest")
    sums = "".join(f"{f.sha256}  {f.path}\n" for f in sorted(w.files, key=lambda f: f.path))
    w.write("SHA256SUMS", sums.encode("utf-8"), "text/plain", "SHA-256 of every file (sha256sum -c SHA256SUMS)")
    return w


def _tidy(out: Path) -> None:
    """Remove what killed runs left beside ``out``; restore a release moved aside by a half-done swap."""
    from tkiros.procs import pid_alive as _alive

    for p in out.parent.glob(f".{out.name}.*"):
        m = re.match(rf"^\.{re.escape(out.name)}\.(building|previous)-(\d+)-", p.name)
        if not m or _alive(int(m.group(2))):
            continue
        if m.group(1) == "previous" and not out.exists() and (p / "release.json").is_file():
            os.rename(p, out)
        else:
            shutil.rmtree(p, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _install(tmp: Path, out: Path) -> None:
    """Put the finished release ``tmp`` at ``out``, replacing a previous release in one rename."""
    os.sync()
    if not out.exists():
        os.rename(tmp, out)
        return
    if _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous release
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.previous-{os.getpid()}-", dir=out.parent))
    aside.rmdir()
    os.rename(out, aside)
    os.rename(tmp, out)
    shutil.rmtree(aside, ignore_errors=True)


@dataclass
class Published:
    release: Release
    files: list[ReleaseFile]
    graphs: Graphs
    sources: dict[str, list]  # each RDF file of the release -> the triples it was written from
    seconds: float = 0.0


def check_out_folder(out: Path, root: Path | None = None) -> Path:
    """The release folder to write: a symlink's target (the link itself is never replaced by a folder),
    never inside the sources (its Turtle would be read back as source data on the next run)."""
    from tkiros.paths import DATA_DIRS, project_root

    shown = str(out)
    real = Path(os.path.realpath(out))
    root = Path(os.path.realpath(root or project_root()))
    for name in DATA_DIRS:
        folder = root / name
        if real == folder or folder in real.parents:
            raise TkirosError(f"--out {shown}: is inside the source folder {name}/; choose a folder outside it")
    if real == root:
        raise TkirosError(f"--out {shown}: is the project folder itself; choose a new folder")
    return real


def publish(out: Path, version: str | None = None, date: str | None = None, prior: str | None = None,
            reasoner: str | None = "hermit", sparql_endpoint: str | None = None, root: Path | None = None) -> Published:
    """Build a release into ``out`` atomically; returns the release, its files and the graphs written."""
    started = time.monotonic()
    out = check_out_folder(Path(out), Path(root) if root else None)
    if out.exists() and not out.is_dir():
        raise TkirosError(f"--out {out}: exists and is not a folder")
    if not out.parent.is_dir():
        raise TkirosError(f"--out {out}: folder {out.parent} does not exist")

    _tidy(out)
    if out.is_dir() and any(out.iterdir()) and not (out / "release.json").is_file():
        raise TkirosError(f"--out {out}: not empty and not a tkiros release (no release.json); choose a new folder")
    release = make_release(out, version, date, prior, sparql_endpoint, root)
    graphs = build_graphs(release, reasoner)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-{os.getpid()}-", dir=out.parent))
    except OSError as err:
        raise TkirosError(f"--out {out}: cannot write in folder {out.parent}: {err.strerror or err}") from None
    try:
        written = write_release(tmp, release, graphs)
        _install(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Published(release, written.files, graphs, written.sources, time.monotonic() - started)


# --- Diff ---------------------------------------------------------------------------------------------

_DIFF_FORMATS = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".owl": "RDF_XML", ".rdf": "RDF_XML", ".jsonld": "JSON_LD"}
_TERM_TYPES = {OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty",
               OWL + "Ontology", RDFS + "Class", RDF + "Property", OWL + "SymmetricProperty", OWL + "TransitiveProperty"}


def load_release_graph(path: Path) -> list:
    """The triples of a release folder (its tkiros.ttl) or of one RDF file."""
    ox = _ox()
    path = Path(path)
    if path.is_dir():
        path = path / "tkiros.ttl"
    if not path.is_file():
        raise TkirosError(f"{path}: no such release file (give a release folder or an RDF file)")
    fmt = _DIFF_FORMATS.get(path.suffix)
    if fmt is None:
        raise TkirosError(f"{path}: unknown RDF format {path.suffix!r}; use .ttl, .nt, .jsonld or .owl")
    try:
        return [q.triple for q in ox.parse(path=str(path), format=getattr(ox.RdfFormat, fmt))]
    except SyntaxError as err:
        line = getattr(err, "lineno", None)
        raise TkirosError(f"{path}{f':{line}' if line else ''}: malformed RDF: {str(err).splitlines()[0]}") from None


def _descriptions(triples) -> tuple[dict[str, set[str]], dict[str, str], dict[str, str]]:
    """Per IRI subject: its statements (blank-node objects expanded in place), its category and its label."""
    ox = _ox()
    triples = canonical(triples)
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    headers = {t.subject for t in triples if t.predicate.value == RDF + "type" and t.object.value == OWL + "Ontology"}

    def render(term, depth=0) -> str:
        if isinstance(term, ox.BlankNode) and depth < 8:
            inner = sorted(f"{t.predicate} {render(t.object, depth + 1)}" for t in by_subject.get(term, []))
            return "[ " + " ; ".join(inner) + " ]"
        return str(term)

    desc, category, label = {}, {}, {}
    for s, ts in by_subject.items():
        if not isinstance(s, ox.NamedNode):
            continue
        stmts = set()
        for t in ts:
            if s in headers and t.predicate.value in VERSION_PREDICATES:
                continue
            stmts.add(f"{t.predicate} {render(t.object)}")
        types = {t.object.value for t in ts if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode)}
        if TK + "Finding" in types:
            category[s.value] = "findings"
        elif types & _TERM_TYPES or s.value.startswith(TK):
            category[s.value] = "axioms"
        else:
            category[s.value] = "entities"
        labels = sorted(t.object.value for t in ts if t.predicate.value == RDFS + "label" and isinstance(t.object, ox.Literal))
        if labels:
            label[s.value] = labels[0]
        desc[s.value] = stmts
    return desc, category, label


def diff_graphs(old: list, new: list) -> dict:
    """Findings, entities and axioms added, removed and changed (same IRI, different triples)."""
    from tkiros.prefixes import compact

    def short(stmt: str) -> str:
        return re.sub(r"<([^>]+)>", lambda m: compact(m.group(1)) if compact(m.group(1)) != m.group(1) else m.group(0), stmt)

    d_old, c_old, l_old = _descriptions(old)
    d_new, c_new, l_new = _descriptions(new)
    report: dict = {k: {"added": [], "removed": [], "changed": []} for k in ("findings", "entities", "axioms")}
    for iri in sorted(set(d_old) | set(d_new)):
        cat = c_new.get(iri) or c_old[iri]
        entry = {"id": compact(iri), "label": l_new.get(iri) or l_old.get(iri, "")}
        if iri not in d_old:
            report[cat]["added"].append(entry)
        elif iri not in d_new:
            report[cat]["removed"].append(entry)
        elif d_old[iri] != d_new[iri]:
            entry["added"] = sorted(short(s) for s in d_new[iri] - d_old[iri])
            entry["removed"] = sorted(short(s) for s in d_old[iri] - d_new[iri])
            report[cat]["changed"].append(entry)
    report["edge support"] = edge_support_changes(old, new)
    old_set, new_set = set(canonical(old)), set(canonical(new))
    report["triples"] = {"old": len(old_set), "new": len(new_set), "added": len(new_set - old_set), "removed": len(old_set - new_set)}
    return report


def edge_support(triples) -> dict[tuple[str, str, str], tuple[set[str], set[str]]]:
    """Per plain edge (agent, edge property, target or outcome) a finding states: (its supporting findings,
    every finding stating it). Only tkiros:SupportedFinding about individuals backs a plain edge
    (ontology/rules/10-supported-findings.rq, 20-direct-edges.rq)."""
    edge_of, classes, supported, facts = {}, set(), set(), {}
    for t in triples:
        p = t.predicate.value
        if p == TK + "directEdge":
            edge_of[t.subject.value] = t.object.value
        elif p == RDF + "type" and t.object.value == OWL + "Class":
            classes.add(t.subject.value)
        elif p == RDF + "type" and t.object.value == TK + "SupportedFinding":
            supported.add(t.subject.value)
        elif p in (TK + "hasAgent", TK + "hasDirection", TK + "hasTarget", TK + "hasOutcome"):
            facts.setdefault(t.subject.value, {}).setdefault(p, set()).add(t.object.value)
    edges: dict = {}
    for f, fv in facts.items():
        props = {edge_of[d] for d in fv.get(TK + "hasDirection", ()) if d in edge_of}
        for agent in fv.get(TK + "hasAgent", set()) - classes:
            keys = [(agent, p, x) for p in props for x in fv.get(TK + "hasTarget", ())]
            keys += [(agent, TK + "leadsToOutcome", x) for x in fv.get(TK + "hasOutcome", ()) if props]
            for key in keys:
                backing, stating = edges.setdefault(key, (set(), set()))
                stating.add(f)
                if f in supported:
                    backing.add(f)
    return edges


def edge_support_changes(old: list, new: list) -> list[dict]:
    """Plain edges whose set of supporting findings changed, and whether each went supported <-> unsupported."""
    from tkiros.prefixes import compact

    def state(entry) -> str:
        return "absent" if entry is None else ("supported" if entry[0] else "unsupported")

    e_old, e_new = edge_support(old), edge_support(new)
    changes = []
    for key in sorted(set(e_old) | set(e_new)):
        a, b = e_old.get(key), e_new.get(key)
        was, now = (a[0] if a else set()), (b[0] if b else set())
        if was == now and state(a) == state(b):
            continue
        changes.append({"edge": " ".join(compact(x) for x in key), "old": state(a), "new": state(b),
                        "added": sorted(compact(f) for f in now - was), "removed": sorted(compact(f) for f in was - now)})
    return changes


def diff_text(report: dict, old: str, new: str) -> str:
    lines = [f"tkiros diff {old} -> {new}"]
    for cat in ("findings", "entities", "axioms"):
        r = report[cat]
        lines.append(f"{cat}: {len(r['added'])} added, {len(r['removed'])} removed, {len(r['changed'])} changed")
        for e in r["added"]:
            lines.append(f"  + {e['id']}" + (f"  {e['label']}" if e["label"] else ""))
        for e in r["removed"]:
            lines.append(f"  - {e['id']}" + (f"  {e['label']}" if e["label"] else ""))
        for e in r["changed"]:
            lines.append(f"  ~ {e['id']}" + (f"  {e['label']}" if e["label"] else ""))
            lines += [f"      - {s}" for s in e["removed"]] + [f"      + {s}" for s in e["added"]]
    changes = report["edge support"]
    lines.append(f"edge support: {len(changes)} plain edge(s) changed support")
    for c in changes:
        lines.append(f"  ~ {c['edge']}  {c['old']} -> {c['new']}"
                     + "".join(f"  +{f}" for f in c["added"]) + "".join(f"  -{f}" for f in c["removed"]))
    t = report["triples"]
    lines.append(f"triples: {t['old']} -> {t['new']} ({t['added']} added, {t['removed']} removed)")
    return "\n".join(lines) + "\n"


# --- Command line -------------------------------------------------------------------------------------


@click.command("publish")
@click.option("--out", "out", required=True, metavar="DIR", help="Release folder (replaced atomically; a previous release there becomes the prior version).")
@click.option("--version", "version", default=None, metavar="X.Y.Z", help="Release version [default: the package version].")
@click.option("--date", "date", default=None, metavar="YYYY-MM-DD", help="Release date [default: the version's date in CHANGELOG.md].")
@click.option("--prior", default=None, metavar="DIR|X.Y.Z", help="The previous release (folder or version) [default: the release in --out].")
@click.option("--reasoner", default="hermit", show_default=True, metavar="NAME", help="Reasoner for tkiros-full (tkiros.reason; 'owlrl' for OWL RL materialisation).")
@click.option("--no-reasoner", is_flag=True, help="Skip reasoning: no tkiros-full files.")
@click.option("--sparql-endpoint", default=None, metavar="URL", help="Where the release is served, recorded in void.ttl.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Format of the summary printed.")
def publish_cmd(out, version, date, prior, reasoner, no_reasoner, sparql_endpoint, fmt):
    """Publish a release: RDF dumps, VoID/DCAT, KGX, nanopublications, HTML docs.

    Every file is deterministic (two runs give identical bytes); the folder is built beside DIR and
    renamed into place, so a failed run leaves the previous release intact.

    \b
    Example:
      tkiros publish --out release --version 0.1.0 --date 2026-11-21
    """
    published = publish(Path(out), version, date, prior, None if no_reasoner else reasoner, sparql_endpoint)
    release, files, seconds = published.release, published.files, published.seconds
    if fmt == "json":
        data = {"out": str(Path(out)), "version": release.version, "date": release.date, "prior_version": release.prior_version,
                "seconds": round(seconds, 2), "files": [{"path": f.path, "bytes": f.size, "triples": f.triples, "sha256": f.sha256} for f in files]}
        click.echo(json.dumps(data, indent=2))
        return
    shown = [f for f in files if not f.path.startswith(GROUPED)]
    width = max(len(f.path) for f in shown)
    lines = [f"tkiros {release.version} ({release.date}) -> {out}" + (f"  prior: {release.prior_version}" if release.prior_version else "")]
    for f in shown:
        lines.append(f"  {f.path.ljust(width)}  {f.size:>10} B" + (f"  {f.triples:>7} triples" if f.triples is not None else ""))
    n = sum(1 for f in files if f.path.startswith("nanopubs/"))
    pages = sum(1 for f in files if f.path.startswith("site/") and f.path.endswith(".html"))
    lines.append(f"  nanopubs/: {n} nanopublications; site/: {pages} pages; {len(files)} files in {seconds:.1f} s")
    click.echo("\n".join(lines))


@click.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", default=None, metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
def diff_cmd(old, new, fmt, output):
    """Compare two releases (folders or .ttl files): findings, entities and axioms added, removed, changed.

    \b
    Example:
      tkiros diff releases/0.1.0 releases/0.2.0 --format json
    """
    from tkiros.output import emit

    report = diff_graphs(load_release_graph(Path(old)), load_release_graph(Path(new)))
    if fmt == "json":
        emit(json.dumps({"old": old, "new": new, **report}, indent=2, ensure_ascii=False) + "\n", output)
    else:
        emit(diff_text(report, old, new), output)
