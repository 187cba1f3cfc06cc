"""Releases that other ontologies and triplestores can link to: `tkiros publish` and `tkiros diff`.

A release is a folder of deterministic files (two runs on the same sources give byte-identical files):
the graph in Turtle, N-Triples, JSON-LD and RDF/XML in three artifacts (tkiros: asserted; tkiros-base:
without the import modules; tkiros-full: with the reasoner's inferences), the SHACL shapes, VoID and
DCAT metadata with checksums, KGX tables for Biolink-model pipelines, one nanopublication per finding,
the SSSOM mappings, HTML documentation of the terms and an index.html. It is built in a hidden sibling folder and
renamed into place, so a failed or killed run leaves the previous release whole.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tkiros.errors import TkirosError
from tkiros.rdfio import jsonld_context, serialize, vocabulary_terms
from tkiros.release.graphs import Graphs, build_graphs, with_header
from tkiros.release.install import install, tidy
from tkiros.release.metadata import GROUPED, ReleaseFile, index_html, void_triples
from tkiros.release.names import (
    CRASH_ENV,
    DATE_RE,
    RDF_FORMATS,
    VERSION_RE,
    Release,
    prefixes,
)
from tkiros.vocab import ONTOLOGY_IRI


class _Writer:
    """Writes the files of a release into a folder, recording size and checksum of each."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.files: list[ReleaseFile] = []
        self.sources: dict[str, list] = {}  # RDF file -> the triples it was written from
        env = os.environ.get(CRASH_ENV)
        self.crash_after = int(env) if env and env.isdigit() else None

    def write(
        self,
        rel: str,
        data: bytes,
        media_type: str,
        title: str = "",
        triples: int | None = None,
        source: list | None = None,
    ) -> ReleaseFile:
        path = self.folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        f = ReleaseFile(rel, len(data), hashlib.sha256(data).hexdigest(), media_type, title, triples)
        self.files.append(f)
        if source is not None:
            self.sources[rel] = source
        if self.crash_after is not None and len(self.files) >= self.crash_after:
            os.kill(os.getpid(), signal.SIGKILL)  # the test of atomicity: die as abruptly as a power cut
        return f


def changelog_date(version: str, root: Path) -> str | None:
    """The date of ``version`` in CHANGELOG.md ('## [X.Y.Z] - YYYY-MM-DD'), if recorded there."""
    path = root / "CHANGELOG.md"
    if not path.is_file():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^##\s*\[?v?(\d+\.\d+\.\d+)\]?\s*[-–]\s*(\d{4}-\d{2}-\d{2})", line)
        if m and m.group(1) == version:
            return m.group(2)
    return None


def _read_manifest(folder: Path) -> dict | None:
    path = folder / "release.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise TkirosError(f"{path}: not a readable release manifest: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        raise TkirosError(f"{path}: not a tkiros release manifest (no version)")
    return data


def make_release(
    out: Path,
    version: str | None,
    date: str | None,
    prior: str | None,
    sparql_endpoint: str | None = None,
    root: Path | None = None,
) -> Release:
    """Check the parameters and work out the prior release; every problem is one line naming the option."""
    from tkiros import __version__
    from tkiros.store.paths import project_root

    root = Path(root) if root else project_root()
    version = version or __version__
    if not VERSION_RE.match(version):
        raise TkirosError(f"--version {version!r}: expected X.Y.Z (semantic version)")
    if date is None:
        date = changelog_date(version, root)
        if date is None:
            raise TkirosError(
                f"--date: no release date for {version} in {root / 'CHANGELOG.md'}; pass --date YYYY-MM-DD"
            )
    if not DATE_RE.match(date):
        raise TkirosError(f"--date {date!r}: expected YYYY-MM-DD")
    try:
        _dt.date.fromisoformat(date)
    except ValueError:
        raise TkirosError(f"--date {date!r}: not a calendar date") from None
    if sparql_endpoint and not re.match(r"^https?://\S+$", sparql_endpoint):
        raise TkirosError(f"--sparql-endpoint {sparql_endpoint!r}: expected an http(s) URL")
    release = Release(version, date, sparql_endpoint=sparql_endpoint, root=root)
    if prior:
        folder = Path(prior)
        if folder.is_dir():
            manifest = _read_manifest(folder)
            if manifest is None:
                raise TkirosError(f"--prior {prior}: no release.json there; give a release folder or a version X.Y.Z")
            release.prior_version, release.prior_folder = manifest["version"], folder
        elif VERSION_RE.match(prior):
            release.prior_version = prior
        else:
            raise TkirosError(f"--prior {prior!r}: neither a release folder nor a version X.Y.Z")
    else:
        manifest = _read_manifest(out) if out.is_dir() else None
        if manifest and manifest["version"] != version:
            release.prior_version, release.prior_folder = manifest["version"], out
        elif manifest and manifest.get("prior_version"):  # publishing the same version again keeps its prior
            release.prior_version = manifest["prior_version"]
    if release.prior_version == version:
        raise TkirosError(f"--prior {release.prior_version}: the prior version must differ from --version {version}")
    return release


def write_release(folder: Path, release: Release, graphs: Graphs) -> _Writer:
    """Write every file of the release into ``folder`` (a fresh, empty folder)."""
    from tkiros.release.kgx_export import kgx_tables
    from tkiros.release.nanopub import nanopublications

    w = _Writer(folder)
    pfx = prefixes()
    terms = vocabulary_terms(graphs.terms, pfx)
    artifacts = [
        ("tkiros", graphs.main, "ontology and knowledge graph, asserted"),
        ("tkiros-base", graphs.base, "our own axioms, without import modules"),
        (
            "tkiros-ontology",
            with_header(graphs.terms, "tkiros-ontology", release),
            "the ontology only: terms and axioms, no instance data (for documentation and ontology tools)",
        ),
    ]
    if graphs.full is not None:
        artifacts.append(("tkiros-full", graphs.full, f"with inferences ({graphs.reasoner})"))
    for name, triples, what in artifacts:
        for ext, (media, fmt) in RDF_FORMATS.items():
            w.write(
                f"{name}.{ext}",
                serialize(triples, ext, pfx, terms),
                media,
                f"{name}: {what}; {fmt}",
                len(triples),
                triples,
            )
    w.write(
        "tkiros-shapes.ttl",
        serialize(graphs.shapes, "ttl", prefixes(extra=True)),
        "text/turtle",
        "SHACL shapes: the contract a finding meets; Turtle",
        len(graphs.shapes),
        graphs.shapes,
    )
    w.write(
        "context.jsonld",
        (json.dumps({"@context": jsonld_context(pfx, terms, v11=True)}, indent=1) + "\n").encode("utf-8"),
        "application/ld+json",
        "JSON-LD 1.1 @context: the tkiros terms and every prefix (the data files inline a 1.0 one)",
    )

    nodes, edges = kgx_tables(graphs.main, release)
    w.write("kgx/nodes.tsv", nodes, "text/tab-separated-values", "KGX nodes (Biolink Model); TSV")
    w.write(
        "kgx/edges.tsv", edges, "text/tab-separated-values", "KGX edges (Biolink Model), one per finding claim; TSV"
    )

    nanopubs = {}
    for name, iri, data, quads in nanopublications(graphs.main, release):
        w.write(f"nanopubs/{name}.trig", data, "application/trig", f"nanopublication of finding {name}", quads)
        nanopubs[name] = iri

    mappings = release.root / "ontology" / "mappings" / "tkiros.sssom.tsv"
    if mappings.is_file():
        w.write(
            "mappings/tkiros.sssom.tsv",
            mappings.read_bytes(),
            "text/tab-separated-values",
            "SSSOM mappings to external identifiers",
        )
    for rq in sorted((release.root / "queries").glob("*.rq")):
        w.write(f"queries/{rq.name}", rq.read_bytes(), "application/sparql-query", f"saved query {rq.stem}")

    from tkiros.release.ontodoc import ontology_html

    w.write(
        "ontology.html", ontology_html(graphs.terms, ONTOLOGY_IRI), "text/html", "documentation of the ontology's terms"
    )
    from tkiros.release.site import SITE_MEDIA_TYPES, build_site

    for rel, data in build_site(release.root).items():
        w.write(f"site/{rel}", data, SITE_MEDIA_TYPES[Path(rel).suffix], "page of the browsable site")
    # One distribution per top-level file; the nanopublications and queries are listed in index.html.
    void = void_triples(release, graphs, [f for f in w.files if not f.path.startswith(GROUPED)])
    w.write(
        "void.ttl",
        serialize(void, "ttl", prefixes(extra=True)),
        "text/turtle",
        "dataset description: VoID and DCAT; Turtle",
        len(void),
        void,
    )
    w.write(
        "index.html", index_html(release, list(w.files)), "text/html", "this release: files, sizes, triples, checksums"
    )
    manifest = {
        "version": release.version,
        "date": release.date,
        "prior_version": release.prior_version,
        "version_iri": release.version_iri("tkiros"),
        "reasoner": graphs.reasoner,
        "files": {
            f.path: {"bytes": f.size, "sha256": f.sha256, "media_type": f.media_type, "triples": f.triples}
            for f in w.files
        },
        "nanopubs": nanopubs,  # finding -> the trusty IRI of its nanopublication
    }
    w.write(
        "release.json",
        (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode("utf-8"),
        "application/json",
        "release manifest",
    )
    sums = "".join(f"{f.sha256}  {f.path}\n" for f in sorted(w.files, key=lambda f: f.path))
    w.write("SHA256SUMS", sums.encode("utf-8"), "text/plain", "SHA-256 of every file (sha256sum -c SHA256SUMS)")
    return w


@dataclass
class Published:
    release: Release
    files: list[ReleaseFile]
    graphs: Graphs
    sources: dict[str, list]  # each RDF file of the release -> the triples it was written from
    seconds: float = 0.0


def check_out_folder(out: Path, root: Path | None = None) -> Path:
    """The release folder to write: a symlink's target (the link itself is never replaced by a folder),
    never inside the sources (its Turtle would be read back as source data on the next run)."""
    from tkiros.store.paths import DATA_DIRS, project_root

    shown = str(out)
    real = Path(os.path.realpath(out))
    root = Path(os.path.realpath(root or project_root()))
    for name in DATA_DIRS:
        folder = root / name
        if real == folder or folder in real.parents:
            raise TkirosError(f"--out {shown}: is inside the source folder {name}/; choose a folder outside it")
    if real == root:
        raise TkirosError(f"--out {shown}: is the project folder itself; choose a new folder")
    return real


def publish(
    out: Path,
    version: str | None = None,
    date: str | None = None,
    prior: str | None = None,
    reasoner: str | None = "fast",
    sparql_endpoint: str | None = None,
    root: Path | None = None,
) -> Published:
    """Build a release into ``out`` atomically; returns the release, its files and the graphs written."""
    started = time.monotonic()
    out = check_out_folder(Path(out), Path(root) if root else None)
    if out.exists() and not out.is_dir():
        raise TkirosError(f"--out {out}: exists and is not a folder")
    if not out.parent.is_dir():
        raise TkirosError(f"--out {out}: folder {out.parent} does not exist")

    tidy(out)
    if out.is_dir() and any(out.iterdir()) and not (out / "release.json").is_file():
        raise TkirosError(f"--out {out}: not empty and not a tkiros release (no release.json); choose a new folder")
    release = make_release(out, version, date, prior, sparql_endpoint, root)
    graphs = build_graphs(release, reasoner)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-{os.getpid()}-", dir=out.parent))
    except OSError as err:
        raise TkirosError(f"--out {out}: cannot write in folder {out.parent}: {err.strerror or err}") from None
    try:
        written = write_release(tmp, release, graphs)
        install(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Published(release, written.files, graphs, written.sources, time.monotonic() - started)
