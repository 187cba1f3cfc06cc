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
    meta_path = target / "result.json"
    if meta_path.is_file() and (target / "inferred.nt").is_file():
        meta = json.loads(meta_path.read_text())
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
    tmp = Path(tempfile.mkdtemp(prefix=".reasoning-", dir=target.parent))
    try:
        (tmp / "inferred.nt").write_bytes(ox.serialize(result.inferred, format=ox.RdfFormat.N_TRIPLES))
        store = ox.Store(str(tmp / "db"))
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in result.triples())
        store.flush()
        store.optimize()
        del store  # close RocksDB before the rename
        computed_on = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        (tmp / "result.json").write_text(json.dumps({"reasoner": asked, "ran": result.reasoner, "fallback": result.fallback,
                                                     "seconds": result.seconds, "computed_on": computed_on,
                                                     "inferred": len(result.inferred), "asserted": len(result.asserted)}) + "\n")
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
    """An opened pyoxigraph store (tkiros.store.store.Graph) of the asserted and inferred triples.

    Built once per change of the sources and reasoner, then read from the cache folder.
    """
    from tkiros.store.paths import cache_dir, project_root
    from tkiros.store.store import Graph, sources_digest

    root = Path(root) if root else project_root()
    digest = sources_digest(root)
    target = cache_dir() / f"inferred-{reasoner}-{_cache_key(digest, reasoner)}"
    if not (target / "result.json").is_file():
        cached_run(reasoner, root)
    try:
        store = ox.Store.read_only(str(target / "db"))
    except OSError as err:
        raise TkirosError(f"{target}: cannot open the cached inferred store: {err}") from None
    return Graph(store, root, digest, target)
