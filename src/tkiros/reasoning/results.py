"""What reasoning gives: the reasoners' names, the result of a run (consistent or not, inferred triples),
why a graph is inconsistent, and the deterministic text of a result."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from tkiros.errors import TkirosError
from tkiros.rdfio import canonical
from tkiros.vocab import OWL, RDF, RDFS, TK, XSD

REASONERS = ("fast", "hermit", "pellet", "owlrl")
DEFAULT_REASONER = "fast"
DL_REASONERS = ("hermit", "pellet")
# Part of the cache key: bump when the shape of the inferred graph changes.
PIPELINE_VERSION = "reason v3"

# Namespaces of the RDF/OWL machinery itself: never classes of individuals in the inferred graph.
META = (RDF, RDFS, OWL, XSD)
# tkiros:directEdge links a direction individual to a property (metamodelling the rules use). Fed to a DL
# reasoner it makes each edge property an individual too (punning), and owlready2 then re-types the
# property as an individual. The rules have already used it, so the reasoner does not see it.
NOT_REASONED = {TK + "directEdge"}
INFERENCES_ONTOLOGY = "http://inferrences/"  # owlready2's own name for the ontology it writes inferences to


class InconsistentError(TkirosError):
    """The ontology and data contradict each other (or a class can have no member): exit code 1.

    The message is one line; ``inconsistency`` holds the full report.
    """

    exit_code = 1

    def __init__(self, inconsistency: "Inconsistency"):
        lines = inconsistency.text().splitlines()
        super().__init__("; ".join(lines[:2]) + " (`tkiros reason` explains)")
        self.inconsistency = inconsistency


@dataclass
class Inconsistency:
    """Why a graph is inconsistent: the axioms of one explanation and the individuals they name."""

    reasoner: str
    individuals: list[str] = field(default_factory=list)
    axioms: list[str] = field(default_factory=list)
    unsatisfiable: list[str] = field(default_factory=list)
    note: str = ""

    def text(self) -> str:
        from tkiros.prefixes import compact

        if self.unsatisfiable and not self.axioms:
            head = f"INCOHERENT ({self.reasoner}): {len(self.unsatisfiable)} class(es) can have no member"
        else:
            head = f"INCONSISTENT ({self.reasoner}): the ontology and the data contradict each other"
        lines = [head]
        if self.individuals:
            lines.append("individuals involved: " + ", ".join(compact(i) for i in self.individuals))
        if self.unsatisfiable:
            lines.append("unsatisfiable classes: " + ", ".join(compact(c) for c in self.unsatisfiable))
        if self.axioms:
            lines.append("axioms involved (one explanation):")
            lines += [f"  {a}" for a in self.axioms]
        if self.note:
            lines.append(self.note)
        return "\n".join(lines) + "\n"


@dataclass
class ReasoningResult:
    """What a reasoner made of the graph: ``consistent``, and the ``inferred`` triples (inferred only)."""

    reasoner: str
    consistent: bool
    asserted: list = field(default_factory=list)
    inferred: list = field(default_factory=list)
    inconsistency: Inconsistency | None = None
    seconds: float = 0.0
    fallback: str = ""  # why the fast path handed the graph to HermiT (empty when it did not)
    computed_on: str = ""  # for a result read from the cache: when it was computed (UTC)
    cache: Path | None = None  # the cache folder holding this result's serialisations

    @property
    def unsatisfiable(self) -> list[str]:
        return self.inconsistency.unsatisfiable if self.inconsistency else []

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable

    def triples(self) -> list:
        return self.asserted + self.inferred

    def serialize(self, fmt: str = "ntriples", inferred_only: bool = False) -> str:
        """Deterministic text; a cached result keeps it beside the cache (canonical blank nodes cost seconds)."""
        path = self.cache / f"serialized-{'inferred' if inferred_only else 'all'}.{fmt}" if self.cache else None
        if path is not None and path.is_file():
            return path.read_text(encoding="utf-8")
        text = serialize_triples(self.inferred if inferred_only else self.triples(), fmt)
        if path is not None:
            with contextlib.suppress(OSError):
                tmp = path.with_name(f".{path.name}.{os.getpid()}")
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(path)
        return text

    def summary(self) -> str:
        if not self.ok:
            return self.inconsistency.text().splitlines()[0]
        name = f"{self.reasoner} (fall-back from the fast path)" if self.fallback else self.reasoner
        when = (
            f"cached, computed in {self.seconds:.1f} s on {self.computed_on}"
            if self.computed_on
            else f"in {self.seconds:.1f} s"
        )
        return f"{name}: consistent; {len(self.inferred)} inferred triples ({len(self.asserted)} asserted); {when}"


def canonical_triples(triples: list) -> list:
    """The triples made canonical by tkiros.rdfio, sorted by subject, predicate and object."""
    return sorted(canonical(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def serialize_triples(triples: list, fmt: str = "ntriples") -> str:
    from tkiros.prefixes import PREFIXES

    triples = canonical_triples(triples)
    if fmt == "ntriples":
        return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
    if fmt == "turtle":
        used = {
            k: v
            for k, v in PREFIXES.items()
            if k
            in ("tkiros", "tkd", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov", "oa", "cito", "bibo", "obo")
        }
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used).decode("utf-8")
    raise TkirosError(f"--format {fmt}: choose ntriples or turtle")
