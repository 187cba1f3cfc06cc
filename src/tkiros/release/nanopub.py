"""One nanopublication per finding, so that a single claim can be cited, shared and superseded on its own.

Each is a TriG file of four named graphs, as nanopublications are:
- Head: links the nanopublication to its three parts;
- assertion: the finding's claim (agent, direction, target, context, qualifiers, tkiros:negated, its
  evidence level) and, for a supported finding about individuals only, the direct edges derived from it
  (as ontology/rules/20-direct-edges.rq derives them: an erratum, hedged, title-only or negative claim
  stays on the finding node and gives no plain edge);
- provenance: the seed span the claim is read from (offsets and exact quote), the review's cited
  references, the evidence type, prov:wasDerivedFrom and prov:hadPrimarySource;
- pubinfo: release version, date, licence and creator, the Biolink knowledge_level and agent_type of the
  claim (as in the KGX edges; a source erratum's is not_provided), and npx:supersedes the prior release's
  nanopublication of the finding when its assertion changed (prov:alternateOf when it did not).

Nanopublication IRIs are per release and trusty (content-addressed, tkiros.release.trusty):
https://w3id.org/tkiros/releases/VERSION/nanopubs/FINDING.RA..., the artifact code being the hash of the four
graphs; the graphs are that IRI with #Head, #assertion, #provenance and #pubinfo.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from tkiros.rdfio import used_prefixes
from tkiros.release.kgx_export import knowledge_level
from tkiros.release.names import CREATOR, LICENSE, RELEASE_PREFIXES, Release, prefixes, release_iri
from tkiros.release.trusty import PLACEHOLDER, make_trusty
from tkiros.vocab import BIOLINK, CITO, DCTERMS, OWL_CLASS, PROV, RDF, RDFS, TK, XSD

NP = RELEASE_PREFIXES["np"]
NPX = RELEASE_PREFIXES["npx"]
PAV = RELEASE_PREFIXES["pav"]

# Properties of a finding that say where the claim comes from rather than what it claims.
PROVENANCE_PROPERTIES = {TK + "hasSpan", CITO + "citesAsEvidence", TK + "hasEvidenceType", TK + "inSection"}
REFERENCE_PROPERTIES = {RDF + "type", TK + "referenceNumber", TK + "citationText"}


def nanopub_iri(version: str, finding_local: str) -> str:
    """The IRI before its artifact code: the trusty IRI is this, a dot and the code."""
    return f"{release_iri(version)}nanopubs/{finding_local}"


def _index(triples):
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    return by_subject


def _prior_assertion(folder: Path | None, local: str):
    """(IRI, assertion triples) of the finding's nanopublication in the prior release, or None.

    The IRI is read from the file (np:hasAssertion of the np:Nanopublication), so a prior release with
    trusty IRIs and one from before them are both linked to by the IRI they really have."""
    if folder is None:
        return None
    path = folder / "nanopubs" / f"{local}.trig"
    if not path.is_file():
        return None
    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
    except SyntaxError:
        return None
    has_assertion = NP + "hasAssertion"
    heads = [(q.subject, q.object) for q in quads if q.predicate.value == has_assertion]
    if len(heads) != 1:
        return None
    this, graph = heads[0]
    return this.value, {q.triple for q in quads if q.graph_name == graph}


def nanopublications(main: list, release: Release):
    """Yield (finding local name, trusty IRI, TriG bytes, number of quads) for every finding, sorted by IRI."""
    N, L = ox.NamedNode, ox.Literal
    by_subject = _index(main)
    rdf_type = N(RDF + "type")
    findings = sorted((t.subject for t in main if t.predicate == rdf_type and t.object == N(TK + "Finding")), key=str)
    direct_edge = {t.subject: t.object for t in main if t.predicate == N(TK + "directEdge")}
    supported = {t.subject for t in main if t.predicate == rdf_type and t.object == N(TK + "SupportedFinding")}
    classes = {t.subject for t in main if t.predicate == rdf_type and t.object == N(OWL_CLASS)}
    seed_of_span_source = {}
    for t in main:
        if t.predicate == N(TK + "inSeed"):
            seed_of_span_source[t.subject] = t.object
    doi_of_seed = {}
    for t in main:
        if t.predicate == N("http://purl.org/ontology/bibo/doi"):
            doi_of_seed[t.subject] = N(f"https://doi.org/{t.object.value}")
    pfx = prefixes(extra=True)
    pfx.update({"prov": PROV, "cito": CITO, "biolink": BIOLINK})

    for finding in findings:
        local = finding.value.rsplit("/", 1)[-1]
        this = N(f"{nanopub_iri(release.version, local)}.{PLACEHOLDER}")
        head, assertion = N(this.value + "#Head"), N(this.value + "#assertion")
        provenance, pubinfo = N(this.value + "#provenance"), N(this.value + "#pubinfo")
        own = by_subject.get(finding, [])

        claim = [t for t in own if t.predicate.value not in PROVENANCE_PROPERTIES]
        values = {}
        for t in own:
            values.setdefault(t.predicate.value, []).append(t.object)
        qualifiers = {q.value[len(TK) :] for q in values.get(TK + "hasQualifier", [])}
        plain_edges = finding in supported
        for direction in values.get(TK + "hasDirection", []) if plain_edges else []:
            edge = direct_edge.get(direction)
            for agent in (a for a in values.get(TK + "hasAgent", []) if a not in classes):
                if edge is not None:
                    claim += [ox.Triple(agent, edge, target) for target in values.get(TK + "hasTarget", [])]
                claim += [ox.Triple(agent, N(TK + "leadsToOutcome"), o) for o in values.get(TK + "hasOutcome", [])]

        prov = [t for t in own if t.predicate.value in PROVENANCE_PROPERTIES]
        sources = set()
        for span in values.get(TK + "hasSpan", []):
            prov.append(ox.Triple(assertion, N(PROV + "wasDerivedFrom"), span))
            prov += by_subject.get(span, [])
            seed = seed_of_span_source.get(span)
            if seed is not None:
                sources.add(doi_of_seed.get(seed, seed))
        for source in sources:
            prov.append(ox.Triple(assertion, N(PROV + "hadPrimarySource"), source))
        for ref in values.get(CITO + "citesAsEvidence", []):
            prov.append(ox.Triple(assertion, N(CITO + "citesAsEvidence"), ref))
            prov += [t for t in by_subject.get(ref, []) if t.predicate.value in REFERENCE_PROPERTIES]

        info = [
            ox.Triple(this, N(DCTERMS + "license"), N(LICENSE)),
            ox.Triple(this, N(DCTERMS + "creator"), L(CREATOR)),
            ox.Triple(this, N(DCTERMS + "created"), L(release.date, datatype=N(XSD + "date"))),
            ox.Triple(this, N(DCTERMS + "isPartOf"), N(release.iri)),
            ox.Triple(this, N(PAV + "version"), L(release.version)),
            ox.Triple(this, N(NPX + "introduces"), finding),
            ox.Triple(
                this, N(BIOLINK + "knowledge_level"), L(knowledge_level(qualifiers, plain_edges) or "not_provided")
            ),
            ox.Triple(this, N(BIOLINK + "agent_type"), L("manual_agent")),
        ]
        labels = [t.object for t in own if t.predicate.value == RDFS + "label"]
        if labels:
            info.append(
                ox.Triple(this, N(RDFS + "label"), L(f"tkiros {release.version} finding {local}: {labels[0].value}"))
            )
        before = _prior_assertion(release.prior_folder, local)
        if before is not None:
            prior_iri, prior_claim = before
            relation = PROV + "alternateOf" if prior_claim == set(claim) else NPX + "supersedes"
            info.append(ox.Triple(this, N(relation), N(prior_iri)))

        quads = [
            ox.Quad(this, rdf_type, N(NP + "Nanopublication"), head),
            ox.Quad(this, N(NP + "hasAssertion"), assertion, head),
            ox.Quad(this, N(NP + "hasProvenance"), provenance, head),
            ox.Quad(this, N(NP + "hasPublicationInfo"), pubinfo, head),
        ]
        for graph, triples in ((assertion, claim), (provenance, prov), (pubinfo, info)):
            quads += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in _sorted(triples)]
        code, quads = make_trusty(quads)
        iri = this.value.replace(PLACEHOLDER, code)
        local_pfx = {"this": iri, "sub": iri + "#"}
        local_pfx.update(used_prefixes(quads, pfx))
        yield local, iri, ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=local_pfx), len(quads)


def _sorted(triples):
    rdf_type = RDF + "type"
    return sorted(
        set(triples), key=lambda t: (str(t.subject), t.predicate.value != rdf_type, str(t.predicate), str(t.object))
    )
