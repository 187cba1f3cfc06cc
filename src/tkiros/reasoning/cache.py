"""The reasoned graph kept per (sources digest, reasoner) in the cache folder: `tkiros reason` and
`tkiros query --inferred` reason once per change of the sources."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from tkiros.errors import TkirosError
from tkiros.reasoning.reason import run
from tkiros.reasoning.results import DEFAULT_REASONER, PIPELINE_VERSION, REASONERS, InconsistentError, ReasoningResult


def _cache_key(digest: str, reasoner: str) -> str:
    return hashlib.sha256(f"{PIPELINE_VERSION}\n{digest}\n{reasoner}".encode()).hexdigest()[:24]


def cached_run(reasoner: str = DEFAULT_REASONER, root: Path | None = None, warn=None) -> ReasoningResult:
    """``run(reasoner)`` on the default store, read from the cache when the sources have not changed.

    Only a consistent, coherent result is cached; an inconsistent graph raises InconsistentError.
    """
    from tkiros.store.paths import cache_dir, project_root
    from tkiros.store.store import open_store

    if reasoner not in REASONERS:
        raise TkirosError(f"--reasoner {reasoner}: unknown; choose one of {', '.join(REASONERS)}")
    graph = open_store(Path(root) if root else project_root())
    target = cache_dir() / f"inferred-{reasoner}-{_cache_key(graph.digest, reasoner)}"
    meta = _cached_meta(target)
    if meta is not None:
        # Loaded only when used: a warm `tkiros reason` writes the cached text and needs neither.
        asserted = _Lazy(
            lambda: [
                ox.Triple(q.subject, q.predicate, q.object)
                for q in graph.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
            ],
            meta["asserted"],
        )
        inferred = _Lazy(
            lambda: [
                ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse((target / "inferred.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES)
            ],
            meta["inferred"],
        )
        return ReasoningResult(
            meta.get("ran", reasoner),
            True,
            asserted,
            inferred,
            None,
            meta["seconds"],
            meta.get("fallback", ""),
            meta.get("computed_on", "an unknown date"),
            target,
        )
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
    from tkiros.store.cachefolders import damage, discard_damaged

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
    from tkiros.store.cachefolders import write_manifest

    tmp = Path(tempfile.mkdtemp(prefix=owned_prefix(".reasoning"), dir=target.parent))
    try:
        nt = ox.serialize(result.inferred, format=ox.RdfFormat.N_TRIPLES)
        (tmp / "inferred.nt").write_bytes(nt)
        store = ox.Store(str(tmp / "db"))
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in result.triples())
        store.flush()
        store.optimize()
        del store  # close RocksDB before the rename
        write_manifest(tmp / "db")
        computed_on = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        (tmp / "result.json").write_text(
            json.dumps(
                {
                    "reasoner": asked,
                    "ran": result.reasoner,
                    "fallback": result.fallback,
                    "seconds": result.seconds,
                    "computed_on": computed_on,
                    "inferred": len(result.inferred),
                    "asserted": len(result.asserted),
                    "inferred_sha256": hashlib.sha256(nt).hexdigest(),
                }
            )
            + "\n"
        )
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / "result.json").is_file():  # lost the race to a broken copy: replace it
                shutil.rmtree(target, ignore_errors=True)
                os.rename(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    stale = sorted(
        (p for p in target.parent.glob(f"inferred-{asked}-*") if p != target), key=lambda p: p.stat().st_mtime
    )
    for p in stale[:-1]:
        shutil.rmtree(p, ignore_errors=True)


def inferred_store(reasoner: str = DEFAULT_REASONER, root: Path | None = None):
    """An opened pyoxigraph store (tkiros.store.store.Graph) of the asserted and inferred triples.

    Built once per change of the sources and reasoner, then read from the cache folder.
    """
    from tkiros.store.paths import cache_dir, project_root
    from tkiros.store.store import Graph, sources_digest

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
