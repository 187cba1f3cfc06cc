"""Releases (`tkiros publish`, `tkiros diff`): every RDF file parses back isomorphic to its source, the KGX
tables are valid Biolink, two runs are byte-identical, a killed run leaves the previous release intact,
and diff finds added, removed and changed findings.

The release is published once per session from a private copy of the sources (so that edits made while
the suite runs cannot make two runs differ); timings are printed with ``pytest -s``.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from tkiros.errors import TkirosError
from tkiros.rdfio import canonical, to_ox
from tkiros.release.diff import diff_graphs, load_release_graph
from tkiros.release.names import ARTIFACT_IRIS, CRASH_ENV
from tkiros.release.publish import changelog_date, make_release, publish
from tkiros.vocab import ONTOLOGY_IRI

ROOT = Path(__file__).resolve().parent.parent
VERSION = "0.1.0"
ENDPOINT = "http://localhost:7878/query"
# The inconsistency test uses OWL RL (through tkiros.reasoning.reason too): it finds a disjointness clash in seconds.
FAST_REASONER = "owlrl"
TK = "https://w3id.org/tkiros/vocab/"
TKD = "https://w3id.org/tkiros/data/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL = "http://www.w3.org/2002/07/owl#"
RELEASE_IRI = f"https://w3id.org/tkiros/releases/{VERSION}/"

# Every RDF file of a release (one test case each; a test checks that the release has no other).
RDF_FILES = [
    f"{a}.{ext}"
    for a in ("tkiros", "tkiros-base", "tkiros-full", "tkiros-ontology")
    for ext in ("ttl", "nt", "jsonld", "owl", "rdf")
]
RDF_FILES += ["tkiros-shapes.ttl", "void.ttl"]
OX_FORMAT = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".owl": ox.RdfFormat.RDF_XML,
    ".rdf": ox.RdfFormat.RDF_XML,
}
RDFLIB_FORMAT = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".owl": "xml", ".rdf": "xml"}


def copy_sources(target: Path, source: Path = ROOT) -> Path:
    for d in ("ontology", "instances", "seeds", "shapes", "queries"):
        shutil.copytree(source / d, target / d)
    shutil.copy(source / "CHANGELOG.md", target / "CHANGELOG.md")
    return target


def cli(args, env=None, **kw):
    """Run `tkiros` in a subprocess (another Python hash seed), as a user would."""
    full_env = {**os.environ, "PYTHONHASHSEED": "12345", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "tkiros.cli", *args], capture_output=True, text=True, env=full_env, **kw
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def sha256sums_hold(folder: Path) -> bool:
    lines = (folder / "SHA256SUMS").read_text().splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    actual = {name: hashlib.sha256(data).hexdigest() for name, data in tree(folder).items() if name != "SHA256SUMS"}
    return listed == actual


def same_graph(a: rdflib.Graph, b: rdflib.Graph) -> bool:
    """Graph isomorphism: plain set equality when neither has blank nodes, else rdflib.compare.isomorphic."""

    def has_bnodes(g):
        return any(isinstance(t, rdflib.BNode) for triple in g for t in triple)

    if not has_bnodes(a) and not has_bnodes(b):
        return set(a) == set(b)
    return isomorphic(a, b)


_CANONICAL: dict[int, set] = {}


def canonical_set(triples) -> set:
    """The RDFC-1.0 canonical triples (cached: the four formats of an artifact share one source)."""
    if id(triples) not in _CANONICAL:
        _CANONICAL[id(triples)] = set(canonical(triples))
    return _CANONICAL[id(triples)]


_RDFLIB_SOURCES: dict[int, rdflib.Graph] = {}


def rdflib_graph(triples) -> rdflib.Graph:
    """The triples as an rdflib graph (cached: the four formats of an artifact share one source)."""
    if id(triples) in _RDFLIB_SOURCES:
        return _RDFLIB_SOURCES[id(triples)]
    g = _RDFLIB_SOURCES[id(triples)] = rdflib.Graph()
    g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    return g


def nanopub_iris(folder: Path) -> dict[str, str]:
    """finding local name -> the trusty IRI of its nanopublication, as the release manifest lists them."""
    return json.loads((folder / "release.json").read_text())["nanopubs"]


@pytest.fixture(scope="session")
def home(tmp_path_factory):
    return copy_sources(tmp_path_factory.mktemp("publish") / "home")


@pytest.fixture(scope="session")
def published(home):
    """The 0.1.0 release of the copied sources, with the default reasoner (the fast path) and a SPARQL endpoint."""
    out = home.parent / "release"
    result = publish(out, version=VERSION, root=home, sparql_endpoint=ENDPOINT)  # the default reasoner
    print(f"\npublish {VERSION} (reasoner {result.graphs.reasoner}): {result.seconds:.1f} s, {len(result.files)} files")
    return out, result


@pytest.fixture(scope="session")
def findings(published) -> list[str]:
    _, result = published
    return sorted(
        t.subject.value
        for t in result.graphs.main
        if t.predicate.value == RDF_TYPE and t.object.value == TK + "Finding"
    )


# --- The files --------------------------------------------------------------------------------------


def test_release_has_every_artifact_and_checksums_hold(published, findings):
    out, result = published
    names = set(tree(out))
    expected = set(RDF_FILES) | {
        "context.jsonld",
        "kgx/nodes.tsv",
        "kgx/edges.tsv",
        "ontology.html",
        "index.html",
        "release.json",
        "SHA256SUMS",
    }
    assert expected <= names
    assert {n for n in names if n.startswith("nanopubs/")} == {
        f"nanopubs/{f.rsplit('/', 1)[-1]}.trig" for f in findings
    }
    assert sha256sums_hold(out)
    manifest = json.loads((out / "release.json").read_text())
    assert manifest["version"] == VERSION and manifest["prior_version"] is None
    assert set(manifest["files"]) == names - {"release.json", "SHA256SUMS"}


def test_parametrized_rdf_files_are_all_the_rdf_files_of_the_release(published):
    out, _ = published
    rdf = {n for n in tree(out) if Path(n).suffix in OX_FORMAT and "/" not in n and n != "context.jsonld"}
    assert len(RDF_FILES) == len(rdf) and set(RDF_FILES) == rdf


@pytest.mark.parametrize("name", RDF_FILES)
def test_rdf_file_parses_back_isomorphic_to_its_source(published, name):
    out, result = published
    source = result.sources[name]
    data = (out / name).read_bytes()
    suffix = Path(name).suffix
    # pyoxigraph: RDFC-1.0 canonical forms are equal exactly when the graphs are isomorphic
    expected = canonical_set(source)
    parsed = [q.triple for q in ox.parse(data, format=OX_FORMAT[suffix])]
    assert set(canonical(parsed)) == expected
    g = rdflib.Graph()
    g.parse(data=data, format=RDFLIB_FORMAT[suffix])
    # rdflib's parse, compared after RDFC-1.0 canonicalisation (rdflib.compare.isomorphic takes seconds a file
    # once there are blank nodes; it is run on tkiros.ttl below)
    assert len(g) == len(source) and set(canonical([ox.Triple(*(to_ox(x) for x in t)) for t in g])) == expected


def test_rdflib_isomorphic_on_the_main_turtle(published):
    out, result = published
    g = rdflib.Graph()
    g.parse(out / "tkiros.ttl", format="turtle")
    assert isomorphic(g, rdflib_graph(result.sources["tkiros.ttl"]))


def test_jsonld_expands_with_pyld_to_the_same_graph(published):
    from pyld import jsonld

    out, result = published
    doc = json.loads((out / "tkiros.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    g = rdflib.Graph()
    g.parse(data=nquads, format="nt")
    assert same_graph(g, rdflib_graph(result.sources["tkiros.jsonld"]))


def test_published_context_expands_project_curies(published):
    from pyld import jsonld

    out, _ = published
    context = json.loads((out / "context.jsonld").read_text())["@context"]
    doc = {
        "@context": context,
        "@id": "tkd:gefitinib",
        "@type": "tkiros:SmallMoleculeTKI",
        "skos:exactMatch": {"@id": "CHEBI:49668"},
    }
    expanded = jsonld.expand(doc)[0]
    assert expanded["@id"] == TKD + "gefitinib"
    assert expanded["@type"] == [TK + "SmallMoleculeTKI"]
    assert expanded["http://www.w3.org/2004/02/skos/core#exactMatch"] == [
        {"@id": "http://purl.obolibrary.org/obo/CHEBI_49668"}
    ]


@pytest.mark.parametrize("name", ["tkiros.owl", "tkiros-full.owl"])
def test_owlready2_loads_the_rdfxml(published, findings, name):
    import owlready2

    out, _ = published
    world = owlready2.World()
    onto = world.get_ontology((out / name).as_uri()).load()
    finding_class = world[TK + "Finding"]
    assert finding_class is not None and len(list(world.classes())) > 100
    assert {i.iri for i in finding_class.instances()} == set(findings)
    gefitinib = world[TKD + "gefitinib"]
    assert world[TK + "SmallMoleculeTKI"] in gefitinib.is_a
    assert onto.base_iri.startswith(ARTIFACT_IRIS[Path(name).stem])
    world.close()


# --- Content and versioning ---------------------------------------------------------------------------


def header(triples, iri):
    return {(t.predicate.value, t.object.value) for t in triples if t.subject.value == iri}


def test_artifacts_carry_version_iri_date_and_no_imports_statements(published):
    out, result = published
    date = result.release.date
    assert date == changelog_date(VERSION, ROOT)  # the date comes from CHANGELOG.md, not the clock
    for artifact, triples in (
        ("tkiros", result.graphs.main),
        ("tkiros-base", result.graphs.base),
        ("tkiros-full", result.graphs.full),
    ):
        h = header(triples, ARTIFACT_IRIS[artifact])
        assert (OWL + "versionIRI", f"{RELEASE_IRI}{artifact}") in h
        assert (OWL + "versionInfo", VERSION) in h and ("http://purl.org/dc/terms/issued", date) in h
        assert not any(p == OWL + "priorVersion" for p, _ in h)
        assert not any(t.predicate.value == OWL + "imports" for t in triples)
        ontologies = {
            t.subject.value for t in triples if t.predicate.value == RDF_TYPE and t.object.value == OWL + "Ontology"
        }
        assert ontologies == {ARTIFACT_IRIS[artifact]}


def test_main_has_derived_edges_and_no_seed_texts_base_has_no_imports(published, home):
    _, result = published
    main = {(t.subject.value, t.predicate.value, t.object.value) for t in result.graphs.main}
    base = {(t.subject.value, t.predicate.value, t.object.value) for t in result.graphs.base}
    assert (TKD + "gefitinib", TK + "increases", TKD + "ros") in main
    assert not any(p == TK + "text" for _, p, _ in main)
    imported = [
        q.triple
        for f in sorted((home / "ontology" / "imports").glob("*.ttl"))
        for q in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)
        if not q.subject.value.startswith("https://w3id.org/tkiros/imports/")
    ]  # module headers are dropped
    imported_only = {
        (t.subject.value, t.predicate.value, t.object.value)
        for t in imported
        if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
    } - base
    assert imported_only and imported_only <= main
    assert not imported_only & base


def test_full_adds_inferred_types(published):
    _, result = published
    main, full = set(result.graphs.main), set(result.graphs.full)
    added = {t for t in full - main if t.subject.value != ARTIFACT_IRIS["tkiros-full"]}
    assert main - full == {t for t in main if t.subject.value == ONTOLOGY_IRI}  # only the header is renamed

    def gefitinib_is(cls):
        return ox.Triple(ox.NamedNode(TKD + "gefitinib"), ox.NamedNode(RDF_TYPE), ox.NamedNode(TK + cls))

    assert gefitinib_is("ROSInducingTKI") in added  # a defined class: only a reasoner classifies into it
    assert gefitinib_is("Agent") in main  # a superclass: ontology/rules/90-instance-types.rq already types it
    assert all(not t.object.value.startswith(OWL) for t in added if t.predicate.value == RDF_TYPE)


def test_shapes_blank_nodes_are_canonical(published):
    out, _ = published
    text = (out / "tkiros-shapes.ttl").read_text()
    labels = set(re.findall(r"_:(\w+)", text))
    assert labels and all(re.fullmatch(r"c14n\d+", label) for label in labels)


def test_void_and_dcat_describe_every_distribution(published, findings):
    out, result = published
    g = rdflib.Graph()
    g.parse(out / "void.ttl", format="turtle")
    V, DCAT, SPDX = (
        rdflib.Namespace(n)
        for n in ("http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#", "http://spdx.org/rdf/terms#")
    )
    DCT = rdflib.Namespace("http://purl.org/dc/terms/")
    ds = rdflib.URIRef(RELEASE_IRI)
    assert (ds, rdflib.RDF.type, V.Dataset) in g and (ds, rdflib.RDF.type, DCAT.Dataset) in g
    assert int(g.value(ds, V.triples)) == len(result.graphs.main)
    assert str(g.value(ds, DCAT.version)) == VERSION and str(g.value(ds, DCT.issued)) == result.release.date
    assert (ds, DCT.license, rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")) in g
    assert (ds, DCT.source, rdflib.URIRef("https://doi.org/10.1186/s12935-024-03418-x")) in g
    assert (ds, V.sparqlEndpoint, rdflib.URIRef(ENDPOINT)) in g
    finding_partition = next(
        p for p in g.objects(ds, V.classPartition) if g.value(p, V["class"]) == rdflib.URIRef(TK + "Finding")
    )
    assert int(g.value(finding_partition, V.entities)) == len(findings)
    distributions = list(g.objects(ds, DCAT.distribution))
    not_distributions = ("nanopubs/", "queries/", "site/", "void.ttl", "index.html", "release.json", "SHA256SUMS")
    assert {str(d)[len(RELEASE_IRI) :] for d in distributions} == {
        f.path for f in result.files if not f.path.startswith(not_distributions)
    }
    for dist in distributions:
        name = str(dist)[len(RELEASE_IRI) :]
        data = (out / name).read_bytes()
        assert int(g.value(dist, DCAT.byteSize)) == len(data), name
        checksum = g.value(dist, SPDX.checksum)
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest(), name


def test_index_html_lists_files_with_size_and_checksum(published):
    out, result = published
    page = (out / "index.html").read_text()
    listed = [
        f
        for f in result.files
        if not f.path.startswith(("nanopubs/", "queries/", "site/"))
        and f.path not in ("index.html", "release.json", "SHA256SUMS")
    ]
    for f in listed:
        assert f'href="{f.path}"' in page and f.sha256 in page and f'title="{f.size} bytes"' in page, f.path
    assert f"{len([f for f in result.files if f.path.startswith('nanopubs/')])} nanopublications" in page


def test_sssom_mappings_are_copied_when_present(published, home):
    out, _ = published
    source = home / "ontology" / "mappings" / "tkiros.sssom.tsv"
    if source.is_file():
        assert (out / "mappings" / "tkiros.sssom.tsv").read_bytes() == source.read_bytes()
    else:
        assert not (out / "mappings").exists()


def test_ontology_html_documents_every_term_once(published):
    out, result = published
    page = (out / "ontology.html").read_text()
    terms = {
        t.subject.value
        for t in result.graphs.terms
        if t.predicate.value == RDF_TYPE
        and isinstance(t.subject, ox.NamedNode)
        and t.object.value
        in {
            OWL + "Class",
            OWL + "ObjectProperty",
            OWL + "DatatypeProperty",
            OWL + "AnnotationProperty",
            OWL + "NamedIndividual",
        }
    }
    documented = re.findall(
        r'<section class="term" id="[^"]+"><h3>.*?</h3><table><tr><th>IRI</th><td><code>([^<]+)</code>', page
    )
    assert sorted(documented) == sorted(terms)  # each exactly once
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    definition = next(
        t.object.value
        for t in result.graphs.terms
        if t.subject.value == TK + "Finding" and t.predicate.value == "http://purl.obolibrary.org/obo/IAO_0000115"
    )
    assert html.escape(definition) in page
    if any(t.predicate.value == OWL + "equivalentClass" for t in result.graphs.terms):
        assert "<b>and</b>" in page or "<b>or</b>" in page  # class expressions in Manchester syntax


# --- Nanopublications -----------------------------------------------------------------------------------


def test_one_nanopublication_per_finding_with_four_graphs(published, findings):
    out, _ = published
    NP = "http://www.nanopub.org/nschema#"
    iris = nanopub_iris(out)
    assert sorted(iris) == sorted(f.rsplit("/", 1)[-1] for f in findings)
    for finding in findings:
        local = finding.rsplit("/", 1)[-1]
        this = iris[local]
        assert re.fullmatch(re.escape(f"{RELEASE_IRI}nanopubs/{local}.") + "RA[A-Za-z0-9_-]{43}", this), this
        quads = list(ox.parse(path=str(out / "nanopubs" / f"{local}.trig"), format=ox.RdfFormat.TRIG))
        graphs = {q.graph_name.value for q in quads}
        assert graphs == {this + "#Head", this + "#assertion", this + "#provenance", this + "#pubinfo"}, local
        head = {(q.predicate.value, q.object.value) for q in quads if q.graph_name.value == this + "#Head"}
        assert (RDF_TYPE, NP + "Nanopublication") in head and (NP + "hasAssertion", this + "#assertion") in head
        assertion = {
            (q.subject.value, q.predicate.value, q.object.value)
            for q in quads
            if q.graph_name.value == this + "#assertion"
        }
        assert (finding, RDF_TYPE, TK + "Finding") in assertion
        prov = {(q.subject.value, q.predicate.value) for q in quads if q.graph_name.value == this + "#provenance"}
        assert (this + "#assertion", "http://www.w3.org/ns/prov#wasDerivedFrom") in prov
        pubinfo = {(q.predicate.value, q.object.value) for q in quads if q.graph_name.value == this + "#pubinfo"}
        assert ("http://purl.org/pav/version", VERSION) in pubinfo
        assert ("http://purl.org/dc/terms/license", "https://creativecommons.org/licenses/by/4.0/") in pubinfo


def test_nanopublications_are_trusty_and_verify(published, findings):
    """Each nanopublication's IRI ends in the artifact code of its four graphs: recomputing the code verifies it,
    in tkiros.release.trusty and in nanopub-sign (the bindings of nanopub-rs), and one changed triple breaks both."""
    import nanopub_sign

    from tkiros.release.trusty import verify

    out, _ = published
    iris = nanopub_iris(out)
    checked = 0
    for local, iri in sorted(iris.items()):
        text = (out / "nanopubs" / f"{local}.trig").read_text(encoding="utf-8")
        quads = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TRIG))
        heads = {q.subject.value for q in quads if q.predicate.value == "http://www.nanopub.org/nschema#hasAssertion"}
        assert heads == {iri}, local
        assert verify(quads, iri), local
        nanopub_sign.Nanopub(text).check()  # raises on a wrong artifact code
        checked += 1
    assert checked == len(findings)

    local, iri = sorted(iris.items())[0]
    quads = list(ox.parse(path=str(out / "nanopubs" / f"{local}.trig"), format=ox.RdfFormat.TRIG))
    label = next(
        q
        for q in quads
        if q.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label"
        and q.graph_name.value.endswith("#assertion")
    )
    edited = [q for q in quads if q != label] + [
        ox.Quad(label.subject, label.predicate, ox.Literal(label.object.value + ".", language="en"), label.graph_name)
    ]
    assert not verify(edited, iri)
    with pytest.raises(Exception, match="hash"):
        nanopub_sign.Nanopub(ox.serialize(edited, format=ox.RdfFormat.TRIG).decode("utf-8")).check()


def test_release_loads_into_a_quad_store_with_the_nanopublications(published, findings):
    """As docs/publishing.md says: the N-Triples dump and the nanopublications' named graphs in one store."""
    out, _ = published
    store = ox.Store()
    store.bulk_load(path=str(out / "tkiros-full.nt"), format=ox.RdfFormat.N_TRIPLES)
    for trig in sorted((out / "nanopubs").glob("*.trig")):
        store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    prefixes = """PREFIX np: <http://www.nanopub.org/nschema#>
        PREFIX tkiros: <https://w3id.org/tkiros/vocab/>
        PREFIX tkd: <https://w3id.org/tkiros/data/>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        """
    assert store.query(prefixes + "ASK { tkd:gefitinib a tkiros:Agent }")  # an inferred type, no reasoner needed
    count = next(
        iter(store.query(prefixes + "SELECT (COUNT(?np) AS ?n) WHERE { GRAPH ?head { ?np a np:Nanopublication } }"))
    )
    assert int(count["n"].value) == len(findings)
    rows = list(
        store.query(
            prefixes
            + """SELECT ?finding ?quote WHERE {
          GRAPH ?head { ?np np:hasAssertion ?a ; np:hasProvenance ?p }
          GRAPH ?a { ?finding tkiros:hasAgent tkd:gefitinib ; tkiros:hasTarget tkd:ros }
          GRAPH ?p { ?finding tkiros:hasSpan ?span . ?span oa:exact ?quote } }"""
        )
    )
    assert rows and all("gefitinib" in r["quote"].value.lower() for r in rows)


# --- KGX ------------------------------------------------------------------------------------------------


def test_kgx_is_valid_biolink(published):
    from tkiros.release.kgx_check import biolink_problems

    out, _ = published
    problems = biolink_problems((out / "kgx" / "nodes.tsv").read_text(), (out / "kgx" / "edges.tsv").read_text())
    assert problems == []


def test_kgx_edges_carry_finding_publication_and_qualifiers(published, findings):
    from tkiros.release.kgx_check import read_tsv

    out, _ = published
    nodes = {n["id"]: n for n in read_tsv((out / "kgx" / "nodes.tsv").read_text())}
    edges = read_tsv((out / "kgx" / "edges.tsv").read_text())
    assert nodes["tkd:gefitinib"]["category"] == ["biolink:SmallMolecule"]
    assert nodes["tkd:egfr"]["category"] == ["biolink:Protein"]
    assert nodes["tkd:apoptosis"]["category"] == ["biolink:BiologicalProcess"]
    assert nodes["tkd:lung-cancer"]["category"] == ["biolink:Disease"]
    assert nodes["tkd:cl-k562"]["category"] == ["biolink:CellLine"]
    assert nodes["tkd:seed-review"]["category"] == ["biolink:Publication"]
    assert "doi:10.1186/s12935-024-03418-x" in nodes["tkd:seed-review"]["xref"]
    raise_ros = [
        e
        for e in edges
        if e["subject"] == "tkd:gefitinib"
        and e["object"] == "tkd:ros"
        and e["predicate"] == "biolink:affects"
        and e.get("object_direction_qualifier") == "increased"
    ]
    assert raise_ros
    e = raise_ros[0]
    assert e["object_aspect_qualifier"] == "activity_or_abundance"
    assert e["qualified_predicate"] == "biolink:causes" and e["original_predicate"] == "tkiros:increases"
    assert e["knowledge_level"] == "knowledge_assertion" and e["agent_type"] == "manual_agent"
    assert e["publications"] == ["doi:10.1186/s12935-024-03418-x"] and e["tkiros_reference_numbers"]
    assert e["tkiros_finding"].startswith("tkd:") and e["supporting_text"]
    _, result = published
    # a drug class (owl:Class, punned) is no KGX node: a finding needs an instance as agent and as target
    classes = {
        t.subject.value
        for t in result.graphs.main
        if t.predicate.value == RDF_TYPE and t.object.value == "http://www.w3.org/2002/07/owl#Class"
    }
    agents = {
        t.subject.value
        for t in result.graphs.main
        if t.predicate.value == TK + "hasAgent" and t.object.value not in classes
    }
    targets = {
        t.subject.value
        for t in result.graphs.main
        if t.predicate.value in (TK + "hasTarget", TK + "hasOutcome") and t.object.value not in classes
    }
    errata = {
        t.subject.value
        for t in result.graphs.main
        if t.predicate.value == TK + "hasQualifier" and t.object.value == TK + "sourceErratum"
    }
    assert errata and {e["tkiros_finding"] for e in edges} == {
        "tkd:" + f[len(TKD) :] for f in findings if f in agents & targets - errata
    }


def test_kgx_marks_what_the_resource_does_not_take_as_true(published, findings):
    """Supported findings are knowledge assertions; hedged ones predictions; title-only ones not_provided;
    errata give no edge; negative findings carry negated."""
    from tkiros.release.kgx_check import read_tsv

    out, result = published
    main = result.graphs.main
    edges = read_tsv((out / "kgx" / "edges.tsv").read_text())
    quals: dict[str, set] = {}
    for t in main:
        if t.predicate.value == TK + "hasQualifier":
            quals.setdefault("tkd:" + t.subject.value[len(TKD) :], set()).add(t.object.value[len(TK) :])
    supported = {
        "tkd:" + t.subject.value[len(TKD) :]
        for t in main
        if t.predicate.value == RDF_TYPE and t.object.value == TK + "SupportedFinding"
    }
    negated = {
        "tkd:" + t.subject.value[len(TKD) :]
        for t in main
        if t.predicate.value == TK + "negated" and t.object.value == "true"
    }
    levels = {}
    for e in edges:
        f = e["tkiros_finding"]
        levels.setdefault(e["knowledge_level"], set()).add(f)
        assert e["tkiros_supported"] == ("true" if f in supported else "false"), f
        assert (e.get("negated") == "True") == (f in negated), f
        assert "sourceErratum" not in quals.get(f, set()), f
        assert e["tkiros_evidence_level"].startswith("tkiros:")
    assert supported & levels["knowledge_assertion"] and not (levels["knowledge_assertion"] - supported - negated)
    assert levels["prediction"] and all("uncertain" in quals[f] and f not in supported for f in levels["prediction"])
    assert levels["not_provided"] and all(
        quals[f] & {"titleDerived"} and f not in supported for f in levels["not_provided"]
    )


def test_knowledge_level_follows_the_qualifiers():
    from tkiros.release.kgx_export import knowledge_level

    assert knowledge_level(set(), True) == "knowledge_assertion"
    assert knowledge_level({"generalClaim", "contextDependent"}, True) == "knowledge_assertion"
    assert knowledge_level(set(), False) == "knowledge_assertion"  # a plain negative finding
    assert knowledge_level({"uncertain", "titleDerived"}, False) == "prediction"
    assert knowledge_level({"titleDerived"}, False) == "not_provided"
    assert knowledge_level({"sourceErratum", "uncertain"}, False) is None


def test_nanopublications_assert_plain_edges_only_for_supported_findings(published):
    out, result = published
    main = result.graphs.main
    supported = {
        t.subject.value for t in main if t.predicate.value == RDF_TYPE and t.object.value == TK + "SupportedFinding"
    }
    edge_props = {t.object.value for t in main if t.predicate.value == TK + "directEdge"} | {TK + "leadsToOutcome"}
    seen = {True: 0, False: 0}
    iris = nanopub_iris(out)
    for trig in sorted((out / "nanopubs").glob("*.trig")):
        finding = TKD + trig.stem
        this = iris[trig.stem]
        quads = list(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
        plain = [q for q in quads if q.graph_name.value == this + "#assertion" and q.predicate.value in edge_props]
        info = {q.predicate.value: q.object.value for q in quads if q.graph_name.value == this + "#pubinfo"}
        assert info["https://w3id.org/biolink/vocab/agent_type"] == "manual_agent"
        is_supported = finding in supported
        if not is_supported:
            assert plain == [], trig.stem
            assert info["https://w3id.org/biolink/vocab/knowledge_level"] in {
                "prediction",
                "not_provided",
                "knowledge_assertion",
            }
        else:
            assert info["https://w3id.org/biolink/vocab/knowledge_level"] == "knowledge_assertion"
        seen[is_supported] += bool(plain) if is_supported else 1
    assert seen[True] and seen[False]


def test_biolink_check_catches_broken_tables(published):
    from tkiros.release.kgx_check import biolink_problems

    out, _ = published
    nodes = (out / "kgx" / "nodes.tsv").read_text()
    edges = (out / "kgx" / "edges.tsv").read_text()
    nodes = nodes.replace("biolink:SmallMolecule", "biolink:SmallMolecul", 1).replace("tkd:abl1\t", "xyz:abl1\t", 1)
    lines = edges.split("\n")
    header = lines[0].split("\t")
    row = lines[1].split("\t")
    row[header.index("predicate")] = "biolink:increasesLevelOf"
    row[header.index("knowledge_level")] = ""
    second = lines[2].split("\t")
    second[header.index("object_direction_qualifier")] = "up"
    second[header.index("object")] = "tkd:no-such-node"
    broken_edges = "\n".join([lines[0], "\t".join(row), "\t".join(second)] + lines[3:])
    problems = "\n".join(biolink_problems(nodes, broken_edges))
    assert "category biolink:SmallMolecul is not in the Biolink Model" in problems
    assert "node xyz:abl1: id prefix is not in the Biolink Model prefix map" in problems
    assert "biolink:increasesLevelOf is not snake_case" in problems
    assert "required property 'knowledge_level' is missing" in problems
    assert "object_direction_qualifier 'up' is not one of" in problems
    assert "object tkd:no-such-node is not a node" in problems


# kgx itself, in a venv of its own in the pytest cache (it pins old Sphinx and pyarrow): made once, about a
# minute on a fresh machine; tests/tools/kgx_validate.py points it at the biolink-model package's YAML.
KGX_PINS = ("kgx==2.6.0", "biolink-model==4.4.6")


@pytest.fixture(scope="session")
def kgx_python(request) -> Path:
    folder = Path(request.config.cache.mkdir("kgx-" + "-".join(p.split("==")[1] for p in KGX_PINS)))
    python, ready = folder / "bin" / "python", folder / "installed.txt"
    if not ready.is_file():
        shutil.rmtree(folder)
        made = subprocess.run([sys.executable, "-m", "venv", str(folder)], capture_output=True, text=True)
        assert made.returncode == 0, f"python -m venv failed: {made.stderr[-500:]}"
        started = time.monotonic()
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *KGX_PINS],
            capture_output=True,
            text=True,
            timeout=1800,
        )
        assert done.returncode == 0, f"pip install {' '.join(KGX_PINS)} failed: {done.stderr[-800:]}"
        ready.write_text(f"{' '.join(KGX_PINS)} installed in {time.monotonic() - started:.0f} s\n")
    return python


def kgx_report(python: Path, nodes: Path, edges: Path) -> dict:
    done = subprocess.run(
        [str(python), str(ROOT / "tests" / "tools" / "kgx_validate.py"), str(nodes), str(edges)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"kgx_validate.py failed: {done.stderr[-800:]}"
    return json.loads(done.stdout)


def test_kgx_library_validates_the_release(published, kgx_python):
    out, _ = published
    report = kgx_report(kgx_python, out / "kgx" / "nodes.tsv", out / "kgx" / "edges.tsv")
    assert report == {"errors": 0, "messages": []}


def test_kgx_library_catches_broken_tables(published, kgx_python, tmp_path):
    """The last node and the last edge are broken, so a pass above means kgx read every row."""
    out, _ = published
    nodes = (out / "kgx" / "nodes.tsv").read_text().rstrip("\n").split("\n")
    edges = (out / "kgx" / "edges.tsv").read_text().rstrip("\n").split("\n")
    last = nodes[-1].split("\t")
    last[nodes[0].split("\t").index("category")] = "biolink:NoSuchCategory"
    header = edges[0].split("\t")
    edge = edges[-1].split("\t")
    edge[header.index("predicate")] = "biolink:increasesLevelOf"
    (tmp_path / "nodes.tsv").write_text("\n".join(nodes[:-1] + ["\t".join(last)]) + "\n")
    (tmp_path / "edges.tsv").write_text("\n".join(edges[:-1] + ["\t".join(edge)]) + "\n")
    report = kgx_report(kgx_python, tmp_path / "nodes.tsv", tmp_path / "edges.tsv")
    messages = "\n".join(report["messages"])
    assert (
        f"INVALID_CATEGORY: Category 'NoSuchCategory' is unknown in the current Biolink Model ({last[0]})" in messages
    )
    subject, obj = edge[header.index("subject")], edge[header.index("object")]
    assert (
        f"INVALID_EDGE_PREDICATE: Edge predicate 'increasesLevelOf' is not in snake_case form ({subject}->{obj})"
        in messages
    )


# --- Determinism, atomicity, versioning, diff -----------------------------------------------------------


def test_two_publishes_are_byte_identical(published, home):
    out, _ = published
    again = home.parent / "release-again"
    started = time.monotonic()
    res = cli(
        ["publish", "--out", str(again), "--version", VERSION, "--sparql-endpoint", ENDPOINT, "--format", "json"],
        env={"TKIROS_HOME": str(home)},
    )
    assert res.returncode == 0, res.stderr
    print(f"\nsecond publish (subprocess): {time.monotonic() - started:.1f} s")
    summary = json.loads(res.stdout)
    assert summary["version"] == VERSION and {f["path"] for f in summary["files"]} == set(tree(again))
    first, second = tree(out), tree(again)
    assert set(first) == set(second)
    assert [n for n in first if first[n] != second[n]] == []


def edit_sources(home: Path, target: Path) -> dict[str, str]:
    """A copy of ``home`` with one finding removed, one relabelled and one added; returns their IRIs."""
    copy_sources(target, home)
    store = ox.Store()
    for f in sorted((target / "instances").rglob("*.ttl")):
        store.load(path=str(f), format=ox.RdfFormat.TURTLE)
    finding_type = ox.NamedNode(TK + "Finding")
    all_findings = sorted(q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), finding_type))
    referenced = {q.object.value for q in store if isinstance(q.object, ox.NamedNode)}
    removed = next(f for f in all_findings if f not in referenced)
    changed = next(f for f in all_findings if f != removed)
    label = next(
        store.quads_for_pattern(ox.NamedNode(changed), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None)
    ).object.value
    cuts = 0
    for f in sorted((target / "instances").rglob("*.ttl")):
        text = f.read_text(encoding="utf-8")
        local = removed[len(TKD) :]
        text, n = re.subn(rf"(?ms)^tkd:{re.escape(local)} a tkiros:Finding ;\n.*?\s\.\n", "", text)
        cuts += n
        if f"tkd:{changed[len(TKD) :]} a tkiros:Finding" in text:
            assert text.count(f'"{label}"@en') == 1
            text = text.replace(f'"{label}"@en', f'"{label} (relabelled)"@en')
            text += (
                f"\n<{TKD}zz-added-f01> a <{TK}Finding> ;\n"
                f'    <http://www.w3.org/2000/01/rdf-schema#label> "a finding added for the diff test"@en ;\n'
                f"    <{TK}hasAgent> <{TKD}gefitinib> ; <{TK}hasTarget> <{TKD}ros> ; <{TK}hasDirection> <{TK}increase> .\n"
            )
        f.write_text(text, encoding="utf-8")
    assert cuts == 1
    return {"removed": removed, "changed": changed, "added": TKD + "zz-added-f01"}


@pytest.fixture(scope="session")
def second_release(published, home):
    """Release 0.2.0 of edited sources published over a copy of 0.1.0, after a first attempt was killed."""
    out, _ = published
    folder = home.parent / "crash" / "release"
    shutil.copytree(out, folder)
    edited = edit_sources(home, home.parent / "home2")
    args = ["publish", "--out", str(folder), "--version", "0.2.0", "--date", "2026-12-01", "--no-reasoner"]
    env = {"TKIROS_HOME": str(home.parent / "home2")}
    killed = cli(args, env={**env, CRASH_ENV: "5"})
    leftovers = {
        p.name: len([f for f in p.rglob("*") if f.is_file()]) for p in folder.parent.glob(".release.building-*")
    }
    intact = tree(folder) == tree(out)
    started = time.monotonic()
    done = cli(args, env=env)
    print(f"\npublish 0.2.0 --no-reasoner (subprocess): {time.monotonic() - started:.1f} s")
    return {
        "folder": folder,
        "killed": killed,
        "leftovers": leftovers,
        "intact_after_kill": intact,
        "done": done,
        "leftovers_after": sorted(folder.parent.glob(".release.*")),
        **edited,
    }


def test_a_killed_publish_leaves_the_previous_release_intact(second_release):
    assert second_release["killed"].returncode == -signal.SIGKILL
    # it died after writing 5 files of the new release beside the old one ...
    assert list(second_release["leftovers"].values()) == [5]
    # ... and the old release was untouched; the next run cleaned up and succeeded
    assert second_release["intact_after_kill"]
    assert second_release["done"].returncode == 0, second_release["done"].stderr
    assert second_release["leftovers_after"] == []
    folder = second_release["folder"]
    assert sha256sums_hold(folder) and json.loads((folder / "release.json").read_text())["version"] == "0.2.0"
    assert len(load_release_graph(folder)) > 10000


def test_second_release_points_to_its_prior_version(second_release):
    folder = second_release["folder"]
    manifest = json.loads((folder / "release.json").read_text())
    assert manifest["prior_version"] == VERSION and "tkiros-full.ttl" not in manifest["files"]
    triples = load_release_graph(folder)
    h = header(triples, ONTOLOGY_IRI)
    assert (OWL + "priorVersion", f"{RELEASE_IRI}tkiros") in h
    assert (OWL + "versionIRI", "https://w3id.org/tkiros/releases/0.2.0/tkiros") in h
    void = rdflib.Graph().parse(folder / "void.ttl", format="turtle")
    assert (
        rdflib.URIRef("https://w3id.org/tkiros/releases/0.2.0/"),
        rdflib.URIRef("http://www.w3.org/ns/dcat#previousVersion"),
        rdflib.URIRef(RELEASE_IRI),
    ) in void


def test_nanopublications_supersede_changed_findings(published, second_release, findings):
    """The links to the prior release's nanopublications use their trusty IRIs; a changed finding gets a new one."""
    folder = second_release["folder"]
    prior_iris, iris = nanopub_iris(published[0]), nanopub_iris(folder)
    assert all(iri.startswith("https://w3id.org/tkiros/releases/0.2.0/nanopubs/") for iri in iris.values())

    def pubinfo(iri):
        local = iri[len(TKD) :]
        path = folder / "nanopubs" / f"{local}.trig"
        return {
            (q.predicate.value, q.object.value)
            for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG)
            if q.graph_name.value == iris[local] + "#pubinfo"
        }

    changed, removed = second_release["changed"], second_release["removed"]
    prior = prior_iris[changed[len(TKD) :]]
    assert ("http://purl.org/nanopub/x/supersedes", prior) in pubinfo(changed)
    unchanged = next(f for f in findings if f not in (changed, removed))
    assert ("http://www.w3.org/ns/prov#alternateOf", prior_iris[unchanged[len(TKD) :]]) in pubinfo(unchanged)
    assert not any(
        p.startswith(("http://purl.org/nanopub/x/supersedes", "http://www.w3.org/ns/prov#alternateOf"))
        for p, _ in pubinfo(second_release["added"])
    )
    assert not (folder / "nanopubs" / f"{removed[len(TKD) :]}.trig").exists()


def test_diff_finds_added_removed_and_changed_findings(published, second_release):
    out, _ = published
    report = diff_graphs(load_release_graph(out), load_release_graph(second_release["folder"]))
    ids = {k: [e["id"] for e in report["findings"][k]] for k in ("added", "removed", "changed")}
    assert ids["added"] == ["tkd:zz-added-f01"]
    assert ids["removed"] == ["tkd:" + second_release["removed"][len(TKD) :]]
    changed = next(
        e for e in report["findings"]["changed"] if e["id"] == "tkd:" + second_release["changed"][len(TKD) :]
    )
    assert any("(relabelled)" in s for s in changed["added"]) and any("rdfs:label" in s for s in changed["removed"])
    assert report["axioms"]["changed"] == []  # the version header is not a change
    support = {c["edge"]: c for c in report["edge support"]}
    gain = support["tkd:gefitinib tkiros:increases tkd:ros"]
    assert gain["added"] == ["tkd:zz-added-f01"] and gain["old"] == gain["new"] == "supported"
    assert report["triples"]["added"] > 0 and report["triples"]["removed"] > 0


def test_diff_command_text_and_json(published, second_release):
    out, _ = published
    new = second_release["folder"]
    res = cli(["diff", str(out / "tkiros.ttl"), str(new), "--format", "json"])
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert [e["id"] for e in data["findings"]["added"]] == ["tkd:zz-added-f01"]
    res = cli(["diff", str(out), str(new)])
    assert res.returncode == 0
    assert "findings: 1 added, 1 removed" in res.stdout and "+ tkd:zz-added-f01" in res.stdout
    assert "~ tkd:gefitinib tkiros:increases tkd:ros  supported -> supported  +tkd:zz-added-f01" in res.stdout
    res = cli(["diff", str(out), str(out / "missing.ttl")])
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1 and "missing.ttl" in res.stderr


def test_diff_reports_an_edge_going_from_supported_to_unsupported():
    from tkiros.release.diff import edge_support_changes

    N = ox.NamedNode

    def graph(f1_flagged: bool, with_f2: bool):
        t = [ox.Triple(N(TK + "increase"), N(TK + "directEdge"), N(TK + "increases"))]
        for f, agent in (("f1", "a"), ("f2", "a")) if with_f2 else (("f1", "a"),):
            t += [
                ox.Triple(N(TKD + f), N(TK + "hasAgent"), N(TKD + agent)),
                ox.Triple(N(TKD + f), N(TK + "hasTarget"), N(TKD + "b")),
                ox.Triple(N(TKD + f), N(TK + "hasDirection"), N(TK + "increase")),
            ]
            if not (f == "f1" and f1_flagged):
                t.append(ox.Triple(N(TKD + f), N(RDF_TYPE), N(TK + "SupportedFinding")))
        return t

    assert edge_support_changes(graph(False, False), graph(False, False)) == []
    [change] = edge_support_changes(graph(False, False), graph(True, False))
    assert change == {
        "edge": "tkd:a tkiros:increases tkd:b",
        "old": "supported",
        "new": "unsupported",
        "added": [],
        "removed": ["tkd:f1"],
    }
    [change] = edge_support_changes(graph(True, False), graph(True, True))
    assert (change["old"], change["new"], change["added"]) == ("unsupported", "supported", ["tkd:f2"])


# --- Errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, names",
    [
        (["--version", "1.0"], "--version"),
        (["--date", "2026-13-40"], "--date"),
        (["--date", "21/11/2026"], "--date"),
        (["--version", "9.9.9"], "--date"),  # no CHANGELOG entry, no --date
        (["--prior", "not-a-version"], "--prior"),
        (["--sparql-endpoint", "localhost"], "--sparql-endpoint"),
    ],
)
def test_bad_parameters_give_one_line_errors(tmp_path, args, names):
    res = cli(["publish", "--out", str(tmp_path / "r"), *args], env={"TKIROS_HOME": str(ROOT)})
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1 and names in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "r").exists()


def test_refuses_to_replace_a_folder_that_is_not_a_release(tmp_path):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "notes.txt").write_text("mine")
    with pytest.raises(TkirosError, match="not a tkiros release"):
        publish(tmp_path / "r", version=VERSION, date="2026-11-21", reasoner=None, root=ROOT)
    assert (tmp_path / "r" / "notes.txt").read_text() == "mine"


def test_changelog_gives_the_release_date(tmp_path):
    (tmp_path / "CHANGELOG.md").write_text("# Changelog\n\n## [1.2.3] - 2027-01-02\n- x\n")
    assert changelog_date("1.2.3", tmp_path) == "2027-01-02" and changelog_date("1.2.4", tmp_path) is None
    release = make_release(tmp_path / "out", "1.2.3", None, "1.2.2", root=tmp_path)
    assert release.date == "2027-01-02" and release.prior_version == "1.2.2"


def test_refuses_to_publish_an_inconsistent_ontology(tmp_path, published):
    out, _ = published
    home = copy_sources(tmp_path / "home")
    (home / "instances" / "zz-clash.ttl").write_text(
        f"<{TKD}gefitinib> a <{TK}Finding> .\n"
    )  # Finding is disjoint with Entity
    folder = tmp_path / "release"
    shutil.copytree(out, folder)
    res = cli(
        ["publish", "--out", str(folder), "--version", "0.2.0", "--date", "2026-12-01", "--reasoner", FAST_REASONER],
        env={"TKIROS_HOME": str(home)},
    )
    assert res.returncode == 1 and len(res.stderr.strip().splitlines()) == 1
    assert "INCONSISTENT" in res.stderr and "tkd:gefitinib" in res.stderr
    assert tree(folder) == tree(out)


def test_owlrl_fallback_when_tkiros_reason_is_missing(monkeypatch):
    import tkiros.reasoning
    from tkiros.release.graphs import infer

    monkeypatch.setitem(sys.modules, "tkiros.reasoning.reason", None)  # as if reason.py were not there
    monkeypatch.delattr(tkiros.reasoning, "reason", raising=False)
    N = ox.NamedNode
    sub = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
    asserted = [
        ox.Triple(N(TK + "A"), N(RDF_TYPE), N(OWL + "Class")),
        ox.Triple(N(TK + "B"), N(RDF_TYPE), N(OWL + "Class")),
        ox.Triple(N(TK + "A"), N(sub), N(TK + "B")),
        ox.Triple(N(TKD + "x"), N(RDF_TYPE), N(TK + "A")),
    ]
    inferred, used = infer(asserted, "hermit", ROOT)
    assert used == "owlrl"
    assert ox.Triple(N(TKD + "x"), N(RDF_TYPE), N(TK + "B")) in inferred
    assert not any(t.object.value.startswith(OWL) or t.subject == t.object for t in inferred)
    clash = asserted + [ox.Triple(N(TK + "A"), N(OWL + "disjointWith"), N(TK + "B"))]
    with pytest.raises(TkirosError, match="inconsistent under OWL RL"):
        infer(clash, "hermit", ROOT)


def test_the_default_release_names_the_fast_path(published):
    out, result = published
    assert result.graphs.reasoner == "fast"
    assert json.loads((out / "release.json").read_text())["reasoner"] == "fast"
    assert "tkiros-full: with inferences (fast)" in (out / "void.ttl").read_text()


def test_a_release_names_hermit_when_the_fast_path_hands_over():
    """An axiom the fast path does not evaluate (allValuesFrom): HermiT answers, and the release says so."""
    from tkiros.release.graphs import infer

    N = ox.NamedNode
    restriction = ox.BlankNode("only-egfr")
    asserted = [
        ox.Triple(N(TK + "A"), N(RDF_TYPE), N(OWL + "Class")),
        ox.Triple(N(TK + "A"), N(OWL + "equivalentClass"), restriction),
        ox.Triple(restriction, N(RDF_TYPE), N(OWL + "Restriction")),
        ox.Triple(restriction, N(OWL + "onProperty"), N(TK + "inhibits")),
        ox.Triple(restriction, N(OWL + "allValuesFrom"), N(TK + "EGFR")),
        ox.Triple(N(TKD + "x"), N(RDF_TYPE), N(TK + "A")),
        ox.Triple(N(TKD + "x"), N(TK + "inhibits"), N(TKD + "y")),
    ]
    _, used = infer(asserted, "fast", ROOT)
    assert used == "hermit"


def test_swap_without_rename_exchange_and_recovery_of_a_half_done_swap(tmp_path, monkeypatch):
    from tkiros.release import install as install_module

    out, new = tmp_path / "release", tmp_path / ".release.building-1-x"
    for folder, version in ((out, "0.1.0"), (new, "0.2.0")):
        folder.mkdir()
        (folder / "release.json").write_text(json.dumps({"version": version}))
    monkeypatch.setattr(install_module, "exchange", lambda a, b: False)  # as on a system without renameat2
    install_module.install(new, out)
    assert json.loads((out / "release.json").read_text())["version"] == "0.2.0"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"]
    # a run killed between its two renames left the old release aside and none in place: the next run restores it
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    aside = tmp_path / f".release.previous-{int(dead.stdout)}-y"
    os.rename(out, aside)
    install_module.tidy(out)
    assert json.loads((out / "release.json").read_text())["version"] == "0.2.0" and not aside.exists()


def test_release_has_the_browsable_site(published, findings):
    out, result = published
    site = out / "site"
    assert (
        (site / "site.json").is_file()
        and (site / "drug" / "imatinib.html").is_file()
        and (site / "search-index.js").is_file()
    )
    assert {p.stem for p in (site / "finding").glob("*.html")} - {"index"} == {f.rsplit("/", 1)[-1] for f in findings}
    assert 'href="site/index.html"' in (out / "index.html").read_text()
    assert sum(1 for f in result.files if f.path.startswith("site/")) == sum(1 for p in site.rglob("*") if p.is_file())
