"""The graphs of a release: the asserted graph with each artifact's ontology header, the base and
ontology-only graphs, the shapes, and the inferred graph of tkiros-full."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from tkiros.errors import TkirosError
from tkiros.rdfio import canonical, to_ox
from tkiros.release.names import (
    ARTIFACT_IRIS,
    VERSION_PREDICATES,
    Release,
)
from tkiros.vocab import DCTERMS, ONTOLOGY_IRI, OWL, RDF, RDFS, TK, TKD, XSD


def _load(files: list[Path], root: Path, rules: bool = True):
    """An in-memory store of ``files`` plus the triples the CONSTRUCT rules derive (no seed full texts)."""
    from tkiros.store.paths import shown_path
    from tkiros.store.store import apply_rules, parse_error

    store = ox.Store()
    for path in files:
        try:
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=TKD)
        except SyntaxError as err:
            raise parse_error(path, root, err) from None
        except OSError as err:
            raise TkirosError(f"{shown_path(path, root)}: cannot read: {err.strerror or err}") from None
    if rules:
        apply_rules(store, root)
    return store


def _triples(store) -> list:
    return [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]


def with_header(triples, artifact: str, release: Release) -> list:
    """The artifact's triples with its own ontology header: IRI, version IRI, version, date, prior version.

    Import modules are merged: their own owl:Ontology headers and our owl:imports are dropped, so that
    Protégé and the OWL API load the file without fetching anything.
    """
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
        ox.Triple(
            header, ox.NamedNode(DCTERMS + "issued"), ox.Literal(release.date, datatype=ox.NamedNode(XSD + "date"))
        ),
        ox.Triple(ox.NamedNode(DCTERMS + "issued"), rdf_type, ox.NamedNode(OWL + "AnnotationProperty")),
    ]
    if release.prior_version:
        out.append(
            ox.Triple(header, ox.NamedNode(OWL + "priorVersion"), ox.NamedNode(release.prior_version_iri(artifact)))
        )
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
    from tkiros.store.paths import source_files

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


def keep_inferred(triples, asserted) -> list:
    """The inferences worth publishing: types, class and property hierarchy, property values.

    Reflexive axioms, built-in vocabulary (owl:Thing, rdfs:Resource, owl:sameAs x x ...), triples about
    literals and blank nodes, and anything already asserted are left out.
    """
    asserted = set(asserted)
    out = []
    for t in triples:
        s, p, o = t.subject, t.predicate, t.object
        if t in asserted or not isinstance(s, ox.NamedNode) or isinstance(o, ox.BlankNode):
            continue
        if s.value.startswith(_BUILTIN) or p.value == TK + "text":
            continue
        if p.value in (
            RDF + "type",
            RDFS + "subClassOf",
            RDFS + "subPropertyOf",
            OWL + "equivalentClass",
            OWL + "equivalentProperty",
            OWL + "sameAs",
        ):
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
    """Inferred triples of the graph, from tkiros.reasoning.reason.run when that module exists, else OWL RL (owlrl)."""
    try:
        from tkiros.reasoning import reason as reason_module
    except ImportError:
        reason_module = None
    if reason_module is not None and hasattr(reason_module, "run"):
        import inspect

        from tkiros.store.store import Graph

        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in asserted)
        takes_graph = "graph" in inspect.signature(reason_module.run).parameters
        result = (
            reason_module.run(reasoner, graph=Graph(store, root, "")) if takes_graph else reason_module.run(reasoner)
        )
        if not getattr(result, "ok", result.consistent):
            inconsistency = getattr(result, "inconsistency", None)
            why = (
                "; ".join(inconsistency.text().splitlines()[:2]) if inconsistency else f"inconsistent under {reasoner}"
            )
            raise InconsistentRelease(
                f"cannot publish tkiros-full: {why} (`tkiros reason` explains; --no-reasoner skips tkiros-full)"
            )
        inferred = [ox.Triple(*(to_ox(x) for x in tuple(t)[:3])) for t in result.inferred]
        # The reasoner that answered: HermiT when the fast path handed the graph over.
        return keep_inferred(inferred, asserted), getattr(result, "reasoner", reasoner)
    if reasoner not in ("hermit", "owlrl"):
        raise TkirosError(f"--reasoner {reasoner}: only owlrl is available without tkiros.reasoning.reason")
    return keep_inferred(owlrl_closure(asserted), asserted), "owlrl"


def owlrl_closure(asserted: list) -> list:
    """Every triple of the OWL 2 RL closure of ``asserted`` (owlrl), as pyoxigraph triples."""
    import owlrl
    import rdflib

    g = rdflib.Graph()
    g.parse(data=ox.serialize(asserted, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    errors = [str(o) for s, p, o in g if str(p).endswith("#error") and isinstance(s, rdflib.BNode)]
    if errors:
        raise InconsistentRelease(
            f"cannot publish tkiros-full: the ontology is inconsistent under OWL RL: {sorted(errors)[0]}"
        )
    # OWL RL yields generalised triples (literal subjects, ...); keep the RDF ones.
    return [
        ox.Triple(to_ox(s), to_ox(p), to_ox(o))
        for s, p, o in g
        if isinstance(s, (rdflib.URIRef, rdflib.BNode)) and isinstance(p, rdflib.URIRef)
    ]
