"""The embedded default store: pyoxigraph, compiled from the source Turtle and cached on disk.

The compiled store is keyed by a SHA-256 over every source file and rule, so it is rebuilt only when a
source changes. It is built in a temporary folder and renamed into place, so two processes racing to
build it leave one valid store and a reader never sees a half-built one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from tkiros import __version__
from tkiros.errors import SourceError, TkirosError
from tkiros.rqfile import run_internal, syntax_message
from tkiros.store.cachefolders import damage, discard_damaged, hold, in_use, write_manifest
from tkiros.store.paths import cache_dir, project_root, rule_files, source_files
from tkiros.vocab import RDFS, TK, TKD

SOURCE_FOLDERS = ("ontology", "instances", "seeds")


def check_source_folders(root: Path) -> None:
    """Each source folder exists, is readable and holds Turtle: a missing or empty instances/ would
    otherwise give an empty graph that conforms to every shape and answers every query with 0 rows."""
    for name in SOURCE_FOLDERS:
        folder = root / name
        if not folder.exists():
            raise TkirosError(f"{name}/: missing source folder (in {root})")
        if not folder.is_dir():
            raise TkirosError(f"{name}/: not a folder")
        try:
            os.listdir(folder)
        except OSError as err:
            raise TkirosError(f"{name}/: cannot read the source folder: {err.strerror or err}") from None
        if not any(True for _ in (folder.rglob("*.ttl") if name == "instances" else folder.glob("*.ttl"))):
            raise TkirosError(f"{name}/: no Turtle (.ttl) files; the resource cannot be built without them")


def _read_source(path: Path, root: Path) -> bytes:
    rel = _relative(path, root)
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise TkirosError(f"{rel}: is a folder, not a Turtle file; rename it") from None
    except OSError as err:
        raise TkirosError(f"{rel}: cannot read: {err.strerror or type(err).__name__}") from None


def sources_digest(root: Path | None = None, trust_stats: bool = True) -> str:
    """SHA-256 over every source file, rule and seed; remembered by the files' stat records unless
    ``trust_stats`` is False (see tkiros.store.statdigest)."""
    from tkiros.store.statdigest import cached_digest

    root = root or project_root()
    check_source_folders(root)
    seeds = sorted((root / "seeds").glob("*.txt"))  # a seed edit must invalidate the store (integrity checks)
    files = source_files(root) + rule_files(root) + seeds

    def compute() -> str:
        import hashlib  # only when the stat records changed: OpenSSL's load is a tenth of a cold query

        h = hashlib.sha256(f"tkiros {__version__} store v1\n".encode())
        for path in files:
            h.update(str(path.relative_to(root)).encode() + b"\0")
            h.update(_read_source(path, root) + b"\0")
        return h.hexdigest()

    if not trust_stats:
        return compute()
    return cached_digest(f"sources {__version__} {Path(root).resolve()}", files, compute, cache_dir())


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def parse_error(path: Path, root: Path, err: SyntaxError) -> SourceError:
    line, col = getattr(err, "lineno", None), getattr(err, "offset", None)
    where = f"{_relative(path, root)}:{line}:{col}" if line else _relative(path, root)
    msg = str(err.msg if hasattr(err, "msg") and err.msg else err).splitlines()[0]
    return SourceError(f"{where}: malformed Turtle: {msg}")


LABEL = ox.NamedNode(RDFS + "label")


def load_sources(store: ox.Store, root: Path, instances: list[Path] | None = None) -> None:
    """Load every source file into ``store``.

    A malformed file raises SourceError naming file:line:col; an IRI given two different labels in one
    language (a copy-paste slip, or two curators naming one thing differently) names both files.
    """
    labels: dict[tuple[str, str], tuple[str, str]] = {}
    for path in source_files(root, instances):
        rel = _relative(path, root)
        data = _read_source(path, root)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]  # a UTF-8 byte-order mark (some editors add one) is not part of the Turtle
        try:
            quads = list(ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=TKD))
        except SyntaxError as err:
            raise parse_error(path, root, err) from None
        except UnicodeDecodeError:
            raise SourceError(f"{rel}: not UTF-8 text") from None
        for q in quads:
            if q.predicate == LABEL and isinstance(q.object, ox.Literal) and isinstance(q.subject, ox.NamedNode):
                key = (q.subject.value, q.object.language or "")
                seen = labels.get(key)
                if seen and seen[0] != q.object.value and seen[1] != rel:  # within one file: the shapes say it
                    from tkiros.prefixes import compact

                    raise SourceError(
                        f"{rel}: {compact(q.subject.value)} has conflicting labels {seen[0]!r} ({seen[1]}) and {q.object.value!r} ({rel})"
                    )
                labels.setdefault(key, (q.object.value, rel))
        store.extend(quads)


def add_seed_texts(store: ox.Store, root: Path) -> None:
    """Attach each seed's full text (tkiros:text) so that span quotes can be checked in SPARQL anywhere,
    after checking that the seed is the text the findings were curated on (its SHA-256) and that every
    span lies inside it. Either failure is an input error (exit 2) naming the seed and the findings."""
    import hashlib

    from tkiros.prefixes import compact

    rows = run_internal(store, "store/seeds")
    seeds = (root / "seeds").resolve()
    for row in list(rows):
        path = (root / "seeds" / row["file"].value).resolve()
        rel = _relative(path, root.resolve())
        if seeds not in path.parents:  # a seed is a file of seeds/; '../../etc/hostname' would be published
            raise SourceError(f"{compact(row['seed'].value)}: tkiros:fileName {row['file'].value!r} is outside seeds/")
        if row["sha"] is None:
            raise SourceError(
                f"{compact(row['seed'].value)}: no tkiros:sha256; a seed's text must be pinned by its digest"
            )
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise TkirosError(f"{rel}: cannot read seed text: {err}") from None
        seed = row["seed"]
        if row["sha"] is not None and hashlib.sha256(text.encode("utf-8")).hexdigest() != row["sha"].value:
            broken = [
                r["f"].value
                for r in run_internal(store, "store/seed-findings", seed=seed)
                if not _span_matches(store, r["f"], text)
            ]
            names = ", ".join(compact(b) for b in sorted(broken)[:5]) + (
                f" and {len(broken) - 5} more" if len(broken) > 5 else ""
            )
            raise SourceError(
                f"{rel}: the seed changed after curation (SHA-256 differs from its .meta.ttl); "
                f"{len(broken)} finding(s) no longer match their quotes{': ' + names if broken else ''}"
            )
        for r in run_internal(store, "store/seed-spans", seed=seed):
            try:
                start, end = int(r["s"].value), int(r["e"].value)
            except ValueError:
                continue  # a non-integer offset is reported by the shapes (span-start / span-end)
            if end > len(text) or start < 0:
                raise SourceError(
                    f"{compact(r['span'].value)}: span [{start}, {end}) exceeds {rel} ({len(text)} characters)"
                )
        store.add(ox.Quad(seed, ox.NamedNode(TK + "text"), ox.Literal(text)))


def _span_matches(store: ox.Store, finding, text: str) -> bool:
    for r in run_internal(store, "store/finding-spans", finding=finding):
        try:
            if text[int(r["s"].value) : int(r["e"].value)] != r["q"].value:
                return False
        except ValueError:
            return False
    return True


def apply_rules(store: ox.Store, root: Path) -> int:
    """Add the triples that the CONSTRUCT rules of ontology/rules/ derive; returns how many were new."""
    added = 0
    for rule in rule_files(root):
        try:
            text = _read_source(rule, root).decode("utf-8-sig")
            if not text.strip():
                raise SourceError(f"{_relative(rule, root)}: empty file, no rule in it")
            triples = list(store.query(text))
        except UnicodeDecodeError:
            raise SourceError(f"{_relative(rule, root)}: not UTF-8 text") from None
        except SyntaxError as err:
            raise SourceError(
                syntax_message(_relative(rule, root), str(err)).replace("SPARQL syntax error", "malformed SPARQL rule")
            ) from None
        before = len(store)
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        added += len(store) - before
    return added


def compile_into(store: ox.Store, root: Path, instances: list[Path] | None = None) -> ox.Store:
    """Load the sources, attach the seed texts (after the integrity checks) and derive the rule triples."""
    load_sources(store, root, instances)
    if instances is None and not run_internal(store, "store/any-finding"):
        raise TkirosError("instances/: no tkiros:Finding in the sources; a resource without findings is an input error")
    add_seed_texts(store, root)
    apply_rules(store, root)
    return store


def build_store(root: Path | None = None, instances: list[Path] | None = None) -> ox.Store:
    """Compile the sources into a fresh in-memory store.

    ``instances`` replaces instances/ (fixtures, drafts); such a store is never cached.
    """
    return compile_into(ox.Store(), root or project_root(), instances)


class Graph:
    """An opened graph: the pyoxigraph store, where it came from, and its digest. (Not a dataclass: that
    would import inspect, a fifth of a cold query's budget.)"""

    def __init__(self, store: ox.Store, root: Path, digest: str, path: Path | None = None):
        self.store, self.root, self.digest, self.path = store, root, digest, path

    def __repr__(self) -> str:
        return f"Graph(root={self.root!r}, digest={self.digest!r}, path={self.path!r})"

    # A Graph answers as its store does, so callers never unwrap it.
    def query(self, sparql: str, **kwargs):
        return self.store.query(sparql, **kwargs)

    def quads_for_pattern(self, *args, **kwargs):
        return self.store.quads_for_pattern(*args, **kwargs)

    def __len__(self) -> int:
        return len(self.store)


def open_store(root: Path | None = None, use_cache: bool = True) -> Graph:
    """Open the compiled store, building it first if no cached copy matches the sources.

    A damaged cached copy (truncated files, missing CURRENT, bit-rot) is reported in one line and rebuilt.
    """
    from tkiros.procs import sweep

    root = Path(root) if root else project_root()
    if not (root / "ontology").is_dir():
        raise TkirosError(f"{root}: no ontology/ folder here; set TKIROS_HOME to a tkiros checkout")
    digest = sources_digest(root)
    if not use_cache:
        return Graph(build_store(root), root, digest)
    target = cache_dir() / f"store-{digest[:24]}"
    sweep(target.parent, ".building-*")
    if (target / ".complete").is_file():
        discard_damaged(target, "store", damage(target))
    if not (target / ".complete").is_file():
        _build_into(root, target, digest)
    try:
        store = ox.Store.read_only(str(target))
    except OSError as err:
        raise TkirosError(f"{target}: cannot open the cached store: {err}") from None
    hold(target)
    return Graph(store, root, digest, target)


def build_atomically(target: Path, fill, prefix: str = ".building-", verify=None) -> Path:
    """Build an on-disk store at ``target`` without a reader ever seeing it half-built.

    ``fill(store)`` loads the data into a fresh store in a temporary sibling folder, which is then
    renamed into place; a racing builder that already won leaves its copy, a broken copy is replaced.
    ``verify()``, if given, is called before the rename and raises if the build must not be kept. The
    temporary folder carries the builder's process id, so that one left by a killed build is swept.
    """
    import shutil
    import tempfile

    from tkiros.procs import owned_prefix

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=owned_prefix(prefix), dir=target.parent))
    try:
        store = ox.Store(str(tmp / "db"))
        fill(store)
        store.flush()
        store.optimize()
        del store  # close RocksDB before the rename
        if verify:
            verify()
        write_manifest(tmp / "db")
        try:
            os.rename(tmp / "db", target)
        except OSError:
            if not (target / ".complete").is_file():  # lost the race to a broken copy: replace it
                shutil.rmtree(target, ignore_errors=True)
                os.rename(tmp / "db", target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _build_into(root: Path, target: Path, digest: str) -> None:
    def unchanged() -> None:
        # The store is cached under the digest of the sources read before the build: a source edited
        # meanwhile would be cached under the old digest (and served again once the edit is reverted).
        if sources_digest(root, trust_stats=False) != digest:
            raise TkirosError("the sources changed while the store was being built; run the command again")

    build_atomically(target, lambda store: compile_into(store, root), verify=unchanged)
    _prune(target)


def _prune(keep: Path) -> None:
    """Remove stale compiled stores, keeping the newest few and any that a process (a server) uses."""
    import shutil

    old = sorted((p for p in keep.parent.glob("store-*") if p != keep), key=lambda p: p.stat().st_mtime)
    for p in old[:-2]:
        if not in_use(p):
            shutil.rmtree(p, ignore_errors=True)


def open_files(instances: list[Path], root: Path | None = None) -> Graph:
    """An in-memory graph of the ontology and seed metadata plus the given instance files only."""
    root = Path(root) if root else project_root()
    return Graph(build_store(root, instances=[Path(p) for p in instances]), root, "")


def export_ntriples(graph: Graph) -> bytes:
    """The whole default graph as N-Triples (for rdflib-based tools such as pySHACL)."""
    return ox.serialize(graph.quads_for_pattern(None, None, None, ox.DefaultGraph()), format=ox.RdfFormat.N_TRIPLES)
