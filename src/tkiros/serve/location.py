"""What `tkiros serve` serves: the compiled store, an Oxigraph store folder, or a release folder or RDF
file loaded once into a store folder of its own."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from tkiros.errors import TkirosError

# RDF files a server can load, by extension (a release folder is served from its N-Triples or Turtle file).
RDF_EXTENSIONS = {
    ".ttl": "TURTLE",
    ".nt": "N_TRIPLES",
    ".nq": "N_QUADS",
    ".trig": "TRIG",
    ".owl": "RDF_XML",
    ".rdf": "RDF_XML",
    ".jsonld": "JSON_LD",
}
RELEASE_FILES = ("tkiros.nt", "tkiros.ttl")


def is_store_folder(path: Path) -> bool:
    """An Oxigraph (RocksDB) store folder."""
    return path.is_dir() and (path / "CURRENT").is_file() and any(path.glob("MANIFEST-*"))


def rdf_file_of(path: Path) -> Path | None:
    """The RDF file to load for ``path``: the file itself, or a release folder's tkiros.nt / tkiros.ttl."""
    if path.is_file():
        return path
    for name in RELEASE_FILES:
        if (path / name).is_file():
            return path / name
    return None


def store_location(location: str | Path | None = None) -> tuple[Path, str]:
    """The store folder to serve and a short description of it, building one when given an RDF file."""
    if location is None:
        from tkiros.store.store import open_store

        graph = open_store()
        return Path(graph.path), f"the compiled store {graph.path}"
    path = Path(location)
    if not path.exists():
        raise TkirosError(f"--location {location}: no such file or folder")
    if path.is_dir() and is_store_folder(path):
        return path, f"the Oxigraph store {path}"
    rdf = rdf_file_of(path)
    if rdf is None:
        raise TkirosError(
            f"--location {location}: neither an Oxigraph store folder nor a release folder (no {' or '.join(RELEASE_FILES)}) nor an RDF file"
        )
    return load_rdf_file(rdf), f"{rdf} (loaded)"


def load_rdf_file(rdf: Path) -> Path:
    """Load an RDF file into a store folder of its own in the cache, once per distinct file content."""
    import pyoxigraph as ox

    from tkiros.procs import sweep
    from tkiros.store.cachefolders import damage, discard_damaged, hold
    from tkiros.store.paths import cache_dir
    from tkiros.store.store import build_atomically

    fmt = RDF_EXTENSIONS.get(rdf.suffix.lower())
    if fmt is None:
        raise TkirosError(f"{rdf}: unknown RDF format {rdf.suffix!r}; use one of {', '.join(sorted(RDF_EXTENSIONS))}")
    try:
        data = rdf.read_bytes()
    except OSError as err:
        raise TkirosError(f"{rdf}: cannot read: {err.strerror or err}") from None
    digest = hashlib.sha256(f"tkiros served store v1 {ox.__version__} {fmt}\n".encode() + data).hexdigest()
    target = cache_dir() / f"served-{digest[:24]}"
    sweep(target.parent, ".loading-*")
    if (target / ".complete").is_file() and not discard_damaged(target, "store", damage(target)):
        hold(target)
        return target

    def fill(store) -> None:
        try:
            store.bulk_load(data, format=getattr(ox.RdfFormat, fmt), base_iri=rdf.resolve().as_uri())
        except SyntaxError as err:
            line = getattr(err, "lineno", None)
            raise TkirosError(f"{rdf}{f':{line}' if line else ''}: malformed RDF: {str(err).splitlines()[0]}") from None

    build_atomically(target, fill, prefix=".loading-")
    hold(target)
    _prune_loaded(target)
    return target


def _prune_loaded(keep: Path, spare: int = 3) -> None:
    """Remove store folders of RDF files loaded long ago, keeping the newest few (a server may still read them)."""
    from tkiros.store.cachefolders import in_use

    old = sorted((p for p in keep.parent.glob("served-*") if p != keep), key=lambda p: p.stat().st_mtime)
    for p in old[:-spare]:
        if not in_use(p):
            shutil.rmtree(p, ignore_errors=True)
