"""`tkiros site`: a static site a biologist can browse, without SPARQL and without a server.

One page per drug, gene/protein, cancer, cell line (and other entity), per mechanism class (the defined
classes the default reasoner fills) and per finding, an index per kind, and a search box over labels and
synonyms whose index (search-index.js) is loaded by a <script> tag, so it works from file:// too. An
entity page shows its names, types, external identifiers (skos mappings with their kind), the evidence
cards of its findings, its diagram (inline SVG from tkiros.views.diagram), its inferred classes with their
explanation (tkiros.views.explain) and the references behind it. The same sources give the same bytes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import escape as e
from pathlib import Path

import pyoxigraph as ox

from tkiros.datatables import read_rows
from tkiros.errors import TkirosError
from tkiros.release.site_html import Linker, card_html, explanation_html, frame, table
from tkiros.rqfile import run_internal
from tkiros.vocab import RDFS, SKOS, TK, TYPE

ASSETS = Path(__file__).with_name("site_assets")
MARKER = "site.json"  # written last; a folder holding it is a site that `tkiros site -o` may replace
SITE_MEDIA_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".json": "application/json"}


@dataclass
class Page:
    iri: str
    label: str
    kind: str  # folder: drug, gene, cancer, cell-line, other, finding, class
    path: str
    synonyms: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # finding IRIs it takes part in


def kinds() -> list[tuple[str, str, str, list[str]]]:
    """(folder, title, singular, classes) from site_assets/kinds.tsv."""
    return [(r["folder"], r["title"], r["singular"], r["classes"].split()) for r in read_rows(ASSETS / "kinds.tsv")]


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


def _file_name(iri: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", _local(iri)) + ".html"


def _values(raw, s: str, preds: tuple[str, ...]) -> list[str]:
    return sorted(
        {q.object.value for p in preds for q in raw.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None)}
    )


def _svg(dot: str) -> str:
    from tkiros.views.diagram import render

    svg = render(dot, "svg").decode("utf-8")
    return svg[svg.index("<svg") :]  # inline: without the XML prologue, doctype and generator comment


class Site:
    def __init__(self, root: Path | None = None):
        from tkiros.reasoning.cache import inferred_store
        from tkiros.reasoning.results import DEFAULT_REASONER
        from tkiros.store.store import open_store

        self.graph = open_store(root)
        self.raw = self.graph.store
        self.inferred = inferred_store(DEFAULT_REASONER, root).store
        self.reasoner = DEFAULT_REASONER
        self.kinds = kinds()
        self.pages: dict[str, Page] = {}
        self.files: dict[str, bytes] = {}

    # --- what gets a page --------------------------------------------------------------------------

    def collect(self) -> None:
        from tkiros.views.card import finding_card

        raw = self.raw
        label = lambda iri: (_values(raw, iri, (RDFS + "label",)) or [_local(iri)])[0]  # noqa: E731
        for r in run_internal(raw, "release/own-entities"):
            iri = r["s"].value
            types = {q.object.value for q in raw.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(TYPE), None)}
            folder = next(k[0] for k in self.kinds if any(TK + c in types for c in k[3]))
            syn = _values(raw, iri, (SKOS + "altLabel", SKOS + "prefLabel", SKOS + "notation"))
            self.pages[iri] = Page(iri, label(iri), folder, f"{folder}/{_file_name(iri)}", syn)
        findings = sorted(r["f"].value for r in run_internal(raw, "release/findings"))
        self.cards = {f: finding_card(raw, f) for f in findings}
        for f, card in self.cards.items():
            self.pages[f] = Page(f, card.claim, "finding", f"finding/{_file_name(f)}")
            for iris in card.links.values():
                for iri in iris:
                    page = self.pages.get(iri)
                    if page is not None and page.kind != "finding" and f not in page.findings:
                        page.findings.append(f)
        # Mechanism classes: the defined classes that the default reasoner fills with our individuals.
        for r in run_internal(self.inferred, "release/mechanism-classes"):
            c = r["c"].value
            self.pages[c] = Page(
                c, (_values(self.inferred, c, (RDFS + "label",)) or [_local(c)])[0], "class", f"class/{_file_name(c)}"
            )
        self.explanations = self._explain([i for i, p in self.pages.items() if p.kind != "class"])

    def _explain(self, iris: list[str]) -> dict[str, dict]:
        from tkiros.views.explain import Explainer, explain_iri

        ex = Explainer(self.inferred)
        out = {}
        for iri in sorted(iris):
            data = explain_iri(iri, self.inferred, self.raw, ex, self.reasoner)
            data["defined"] = [d for d in data["defined"] if d["class"] in self.pages]
            if data["defined"]:
                out[iri] = data
        return out

    def sorted_pages(self, kind: str) -> list[Page]:
        from tkiros.views.lookup import finding_sort_key

        pages = [p for p in self.pages.values() if p.kind == kind]
        if kind == "finding":
            return sorted(pages, key=lambda p: finding_sort_key(p.iri))
        return sorted(pages, key=lambda p: (p.label.casefold(), p.iri))

    # --- pages -------------------------------------------------------------------------------------

    def write(self, rel: str, title: str, body: str) -> None:
        root = "../" * rel.count("/")
        self.files[rel] = frame(
            title,
            body,
            root,
            [(k[0], k[1]) for k in self.kinds] + [("class", "Mechanism classes"), ("finding", "Findings")],
        )

    def linker(self, rel: str) -> Linker:
        return Linker({i: p.path for i, p in self.pages.items()}, "../" * rel.count("/"))

    def entity_page(self, page: Page, svg: str | None) -> None:
        from tkiros.prefixes import compact
        from tkiros.views.lookup import asserted_types, mappings_of

        raw, link = self.raw, self.linker(page.path)
        types = ", ".join(link(t, compact(t)) for t in sorted(_expand_types(asserted_types(raw, page.iri))))
        maps = [
            f'<li><a href="{e(x)}">{e(compact(x))}</a> <span class="how">{e(compact(p))}</span></li>'
            for p, x in mappings_of(raw, page.iri)
        ]
        notes = "".join(
            f"<p>{e(n)}</p>"
            for n in _values(raw, page.iri, (SKOS + "note", "http://purl.obolibrary.org/obo/IAO_0000115"))
        )
        meta = [
            ("also called", e(", ".join(page.synonyms)) if page.synonyms else ""),
            ("types", types),
            ("identifiers", f"<ul>{''.join(maps)}</ul>" if maps else "none recorded"),
        ]
        body = [
            f'<h1>{e(page.label)}<span class="curie">{e(compact(page.iri))}</span></h1>',
            '<dl class="meta">' + "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in meta if v) + "</dl>",
            notes,
        ]
        if svg:
            body.append(f'<h2>Diagram</h2><figure class="diagram">{svg}</figure>')
        if page.iri in self.explanations:
            body.append("<h2>Inferred classes</h2>" + explanation_html(self.explanations[page.iri], link, _local))
        cards = [self.cards[f] for f in self.sorted_finding_iris(page.findings)]
        body.append(
            f"<h2>Findings ({len(cards)})</h2>"
            + ("\n".join(card_html(c, link) for c in cards) or "<p>It takes part in no finding.</p>")
        )
        refs = {r["number"]: r["citation"] for c in cards for r in c.references}
        if refs:
            body.append(
                '<h2>References</h2><ul class="refs">'
                + "".join(f"<li>[{n}] {e(refs[n] or '(no citation text)')}</li>" for n in sorted(refs))
                + "</ul>"
            )
        self.write(page.path, page.label, "\n".join(body))

    def sorted_finding_iris(self, iris: list[str]) -> list[str]:
        from tkiros.views.lookup import finding_sort_key

        return sorted(iris, key=finding_sort_key)

    def finding_page(self, page: Page) -> None:
        link = self.linker(page.path)
        card = self.cards[page.iri]
        involved = sorted(
            {iri for iris in card.links.values() for iri in iris if iri in self.pages and iri != page.iri},
            key=lambda i: (self.pages[i].kind, self.pages[i].label.casefold(), i),
        )
        body = [
            f'<h1>{e(card.claim)}<span class="curie">{e(card.finding)}</span></h1>',
            card_html(card, link, heading_link=False),
        ]
        if involved:
            body.append(
                "<h2>Entities</h2><ul>"
                + "".join(
                    f'<li>{link(i, self.pages[i].label)} <span class="how">{e(self.pages[i].kind)}</span></li>'
                    for i in involved
                )
                + "</ul>"
            )
        if page.iri in self.explanations:
            body.append("<h2>Inferred classes</h2>" + explanation_html(self.explanations[page.iri], link, _local))
        self.write(page.path, card.claim, "\n".join(body))

    def class_page(self, page: Page) -> None:
        from tkiros.prefixes import compact
        from tkiros.views.explain import class_expression, manchester

        link = self.linker(page.path)
        text = _values(self.inferred, page.iri, ("http://purl.obolibrary.org/obo/IAO_0000115",))
        defs = [
            q.object
            for q in self.inferred.quads_for_pattern(
                ox.NamedNode(page.iri), ox.NamedNode("http://www.w3.org/2002/07/owl#equivalentClass"), None
            )
            if isinstance(q.object, ox.BlankNode)
        ]
        members = sorted(
            (i for i, d in self.explanations.items() if any(x["class"] == page.iri for x in d["defined"])),
            key=lambda i: (self.pages[i].kind, self.pages[i].label.casefold(), i),
        )
        body = [
            f'<h1>{e(page.label)}<span class="curie">{e(compact(page.iri))}</span></h1>',
            "".join(f"<p>{e(t)}</p>" for t in text),
            f"<p>Definition: <code>{e(manchester(class_expression(self.inferred, defs[0])))}</code></p>"
            if defs
            else "",
            f"<h2>Members ({len(members)}), inferred by the {e(self.reasoner)} reasoner</h2>",
        ]
        for i in members:
            body.append(
                f'<h3>{link(i, self.pages[i].label)} <span class="how">{e(self.pages[i].kind)}</span></h3>'
                + explanation_html(self.explanations[i], link, _local, only=page.iri)
            )
        self.write(page.path, page.label, "\n".join(body))

    def index_pages(self) -> None:
        from tkiros.prefixes import compact

        sections = []
        for folder, title, _, _ in self.kinds + [
            ("class", "Mechanism classes", "", []),
            ("finding", "Findings", "", []),
        ]:
            rel = f"{folder}/index.html"
            link = self.linker(rel)
            pages = self.sorted_pages(folder)
            if folder == "finding":
                rows = [[link(p.iri, p.label), e(compact(p.iri))] for p in pages]
                tab = table(["claim", "finding"], rows)
            elif folder == "class":
                rows = [
                    [
                        link(p.iri, p.label),
                        str(
                            sum(1 for d in self.explanations.values() if any(x["class"] == p.iri for x in d["defined"]))
                        ),
                    ]
                    for p in pages
                ]
                tab = table(["class", "members"], rows)
            else:
                rows = [[link(p.iri, p.label), e(", ".join(p.synonyms)), str(len(p.findings))] for p in pages]
                tab = table(["name", "also called", "findings"], rows)
            self.write(rel, title, f"<h1>{e(title)} ({len(pages)})</h1>{tab}")
            sections.append(f'<li><a href="{folder}/index.html">{e(title)}</a> ({len(pages)})</li>')
        intro = (
            "<p>How tyrosine kinase inhibitors kill cancer cells through reactive oxygen species, how cells resist, "
            "and how ROS-raising strategies re-sensitize them: every finding with the exact sentence of its source "
            "and the references it cites. Search a drug, gene or cancer by name or synonym above.</p>"
        )
        self.write("index.html", "tkiros", f"<h1>tkiros</h1>{intro}<ul>{''.join(sections)}</ul>")

    def search_index(self) -> bytes:
        singular = {k[0]: k[2] for k in self.kinds} | {"class": "mechanism class"}
        rows = [
            [p.label, p.synonyms, p.path, singular[p.kind]]
            for i, p in sorted(self.pages.items())
            if p.kind != "finding"
        ]
        return ("window.TKIROS_INDEX = " + json.dumps(rows, ensure_ascii=False, separators=(",", ":")) + ";\n").encode(
            "utf-8"
        )

    def linked(self, dot: str, diagram) -> str:
        """The DOT with each node that stands for one entity with a page linking to it (from an entity page)."""
        for nid, iris in sorted(diagram.iris.items()):
            if len(iris) == 1 and iris[0] in self.pages:
                dot = dot.replace(f"\n  {nid} [", f'\n  {nid} [URL="../{self.pages[iris[0]].path}", ', 1)
        return dot

    def build(self, workers: int = 2) -> dict[str, bytes]:
        from tkiros.views.diagram import build_diagram, findings_around, to_dot

        self.collect()
        entities = [p for p in self.pages.values() if p.kind not in ("finding", "class")]
        dots = {}
        for p in entities:
            around = findings_around(self.raw, p.iri)
            if around:
                diagram = build_diagram(around, f"Mechanisms around {p.label} (tkiros)", self.graph)
                dots[p.iri] = self.linked(to_dot(diagram), diagram)
        with ThreadPoolExecutor(max_workers=workers) as pool:  # each render is a graphviz-pure process
            svgs = dict(zip(dots, pool.map(_svg, dots.values())))
        for p in entities:
            self.entity_page(p, svgs.get(p.iri))
        for p in self.sorted_pages("finding"):
            self.finding_page(p)
        for p in self.sorted_pages("class"):
            self.class_page(p)
        self.index_pages()
        self.files["search-index.js"] = self.search_index()
        for name in ("site.css", "site.js"):
            self.files[name] = (ASSETS / name).read_bytes()
        counts = {
            k: sum(1 for p in self.pages.values() if p.kind == k) for k in sorted({p.kind for p in self.pages.values()})
        }
        self.files[MARKER] = (
            json.dumps({"pages": counts, "files": len(self.files) + 1}, indent=1, sort_keys=True) + "\n"
        ).encode()
        return dict(sorted(self.files.items()))


def _expand_types(curies: list[str]) -> list[str]:
    from tkiros.prefixes import expand

    return [expand(c) for c in curies]


def build_site(root: Path | None = None) -> dict[str, bytes]:
    """Every file of the site: relative path -> bytes."""
    return Site(root).build()


def write_site(out: Path, files: dict[str, bytes]) -> None:
    """Write the site into ``out`` atomically: built beside it, then swapped in with one rename."""
    from tkiros.release.install import install, tidy

    out = Path(os.path.realpath(out))
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise TkirosError(f"-o {out}: exists and is not a tkiros site (no {MARKER}); choose a new folder")
    if not out.parent.is_dir():
        raise TkirosError(f"-o {out}: folder {out.parent} does not exist")
    tidy(out)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-{os.getpid()}-", dir=out.parent))
    except OSError as err:
        raise TkirosError(f"-o {out}: cannot write in folder {out.parent}: {err.strerror or err}") from None
    try:
        for rel, data in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        tmp.chmod(0o755)
        install(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
