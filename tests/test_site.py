"""The static site (`tkiros site`): a page for every entity of each kind, every finding and every mechanism
class; every internal link resolves; labels are escaped; two builds (two processes) are byte-identical;
`tkiros serve` serves it at /site/."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

TK = "https://w3id.org/tkiros/vocab/"
TKD = "https://w3id.org/tkiros/data/"


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def page_name(iri: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", re.split(r"[/#]", iri)[-1]) + ".html"


def test_every_entity_has_a_page_in_the_folder_of_its_kind(site, graph):
    from tkiros.release.site import kinds

    raw = graph.store
    entities = {
        r["s"].value for r in raw.query(f"SELECT ?s WHERE {{ ?s a <{TK}Entity> FILTER(STRSTARTS(STR(?s), '{TKD}')) }}")
    }
    assert len(entities) > 300
    total = len(entities)
    for folder, _, _, classes in kinds():
        values = " ".join(f"<{TK}{c}>" for c in classes)
        members = {
            r["s"].value for r in raw.query(f"SELECT ?s WHERE {{ VALUES ?c {{ {values} }} ?s a ?c }}")
        } & entities
        pages = {p.name for p in (site / folder).glob("*.html")} - {"index.html"}
        assert {page_name(i) for i in members} == pages, folder  # the first kind an entity belongs to holds its page
        entities -= members
    assert entities == set()  # "other" takes the rest
    assert sum(len(list((site / k[0]).glob("*.html"))) - 1 for k in kinds()) == total
    for cancer in ("nsclc", "cml"):
        assert (site / "cancer" / f"{cancer}.html").is_file()
    assert (site / "drug" / "imatinib.html").is_file() and (site / "gene" / "nfe2l2.html").is_file()


def test_every_finding_and_every_filled_mechanism_class_has_a_page(site, graph):
    from tkiros.reasoning.cache import inferred_store

    findings = [r["f"].value for r in graph.store.query(f"SELECT ?f WHERE {{ ?f a <{TK}Finding> }}")]
    assert {page_name(f) for f in findings} == {p.name for p in (site / "finding").glob("*.html")} - {"index.html"}
    classes = {
        r["c"].value
        for r in inferred_store().store.query(
            f"SELECT DISTINCT ?c WHERE {{ ?c <http://www.w3.org/2002/07/owl#equivalentClass> ?d FILTER(isBlank(?d)) "
            f"FILTER(STRSTARTS(STR(?c), '{TK}')) ?x a ?c FILTER(STRSTARTS(STR(?x), '{TKD}')) }}"
        )
    }
    assert len(classes) > 20
    assert {page_name(c) for c in classes} == {p.name for p in (site / "class").glob("*.html")} - {"index.html"}
    page = (site / "class" / "ROSInducingTKI.html").read_text()
    assert 'href="../drug/imatinib.html"' in page and "Because:" in page and "Definition:" in page


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids, self.h1 = [], set(), None
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src", "xlink:href"):
            if a.get(key):
                self.links.append(a[key])
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "h1":
            self._in_h1, self.h1 = True, ""
        if tag == "span" and self._in_h1:
            self._in_h1 = False  # the CURIE after the label

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1 += data


def test_every_internal_link_resolves_to_a_file(site):
    pages = sorted(site.rglob("*.html"))
    checked = 0
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            if link.startswith(("http://", "https://")):
                continue
            assert not link.startswith("/"), f"{page}: {link} is not relative"
            target = (page.parent / link.split("#")[0]).resolve()
            assert target.is_file() and site.resolve() in target.parents, (
                f"{page.relative_to(site)}: {link} does not resolve"
            )
            checked += 1
    assert len(pages) > 800 and checked > 10_000


def test_labels_are_escaped_and_read_back_exactly(site, graph):
    from tkiros.views.card import finding_card

    raw = graph.store
    for page in sorted((site / "finding").glob("*-f*.html")):
        card = finding_card(raw, TKD + page.stem)
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.h1 == card.claim, page.name  # html.parser unescapes: what the reader sees is the label


def test_card_html_escapes_markup_in_labels_quotes_and_citations():
    from tkiros.release.site_html import Linker, card_html, frame
    from tkiros.views.card import Card

    evil = '<script>alert("x")</script> & <b>'
    card = Card(
        "tkd:zz-f01",
        TKD + "zz-f01",
        evil,
        parts={"agent": [evil], "direction": ["increases"], "target": ["ROS & <i>"]},
        links={"agent": [TKD + "zz"], "direction": [TK + "increase"], "target": [TKD + "ros"]},
        spans=[{"seed": "review <1>", "start": 1, "end": 9, "quote": "a < b && c > d", "iri": TKD + "s"}],
        references=[{"number": 3, "citation": "Smith & Jones <2020>", "iri": TKD + "r3"}],
    )
    text = card_html(card, Linker({TKD + "zz": "drug/zz.html"}, "../"))
    assert "<script>" not in text and "<b>" not in text and "<i>" not in text
    assert (
        html.escape(evil) in text
        and "a &lt; b &amp;&amp; c &gt; d" in text
        and "Smith &amp; Jones &lt;2020&gt;" in text
    )
    assert f'<a href="../drug/zz.html">{html.escape(evil)}</a>' in text
    assert b"<title>&lt;script&gt;" in frame("<script>", "", "", [])


def test_search_index_finds_imatinib_by_its_synonym_gleevec(site):
    text = (site / "search-index.js").read_text(encoding="utf-8")
    assert text.startswith("window.TKIROS_INDEX = ") and text.endswith(";\n")
    index = json.loads(text[len("window.TKIROS_INDEX = ") : -2])
    hits = [row for row in index if any(n.lower() == "gleevec" for n in row[1])]
    assert [(h[0], h[2]) for h in hits] == [("imatinib", "drug/imatinib.html")]
    for label, synonyms, path, kind in index:
        assert (site / path).is_file(), path
    for page in ("index.html", "drug/imatinib.html", "finding/index.html"):
        text = (site / page).read_text()
        assert 'id="q"' in text and "search-index.js" in text and "site.js" in text


def test_drug_page_has_cards_diagram_explanation_references_and_links(site):
    page = (site / "drug" / "imatinib.html").read_text(encoding="utf-8")
    assert (
        "Gleevec" in page
        and 'href="http://purl.obolibrary.org/obo/CHEBI_45783">CHEBI:45783</a>' in page
        and "skos:exactMatch" in page
    )
    assert page.count('class="card"') >= 40 and "<blockquote>" in page and "characters " in page
    assert page.count("<svg") == 1 and "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert 'xlink:href="../gene/bcr-abl1.html"' in page  # diagram nodes link to their pages
    assert "<h2>Inferred classes</h2>" in page and 'href="../class/BCRABLInhibitor.html"' in page and "Because:" in page
    assert "<h2>References</h2>" in page and re.search(r"<li>\[\d+\] \w", page)
    assert 'href="../finding/bcrabl-f01.html"' in page


def test_entity_pages_list_the_mappings_of_the_mapping_query_by_its_rank(site, graph):
    """Every own entity's identifiers on its page are its mappings by the predicates that
    src/tkiros/sparql/views/mappings.rq lists, in the rank it gives them (exact first), then by value."""
    import pyoxigraph as ox

    from tkiros.prefixes import compact, expand
    from tkiros.rqfile import internal

    pairs = re.findall(r"\((\w+:\w+)\s+(\d+)\)", internal("views/mappings"))
    ranked = [expand(c) for c, _ in sorted(pairs, key=lambda p: int(p[1]))]
    assert len(ranked) >= 5
    pages = {p.name: p for p in site.glob("*/*.html") if p.parent.name not in ("finding", "class")}
    kinds, checked = set(), 0
    for iri in sorted({q.subject.value for p in ranked for q in graph.quads_for_pattern(None, ox.NamedNode(p), None)}):
        if not iri.startswith(TKD) or page_name(iri) not in pages:
            continue
        expected = [
            (compact(x), compact(p))
            for p in ranked
            for x in sorted(q.object.value for q in graph.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(p), None))
        ]
        block = re.search(r"<dt>identifiers</dt><dd>(.*?)</dd>", pages[page_name(iri)].read_text(encoding="utf-8"))
        listed = [
            (html.unescape(x), html.unescape(p))
            for x, p in re.findall(
                r'">([^<]*)</a> <span class="how">([^<]*)</span></li>', block.group(1) if block else ""
            )
        ]
        assert listed == expected, iri
        kinds.update(p for _, p in listed)
        checked += 1
    assert checked > 100 and {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch"} <= kinds


def test_two_builds_in_two_processes_are_byte_identical(site, site_builder, tmp_path):
    again = tmp_path / "again"
    res = site_builder(again, "777")
    assert res.returncode == 0, res.stderr
    first, second = files_of(site), files_of(again)
    assert set(first) == set(second) and len(first) > 800
    assert [n for n in first if first[n] != second[n]] == []


def test_site_refuses_a_folder_that_is_not_a_site_and_keeps_it(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    res = subprocess.run(
        [sys.executable, "-m", "tkiros.cli", "site", "-o", str(folder)], capture_output=True, text=True
    )
    assert res.returncode == 2 and "not a tkiros site" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert (folder / "notes.txt").read_text() == "mine"


def test_serve_serves_the_site_beside_the_query_page(tmp_path, graph):
    from test_serve import start_cli_server

    proc, info = start_cli_server(tmp_path, graph)
    try:
        assert info["site"] == info["page"] + "site/"
        with urlopen(info["site"] + "drug/imatinib.html", timeout=300) as resp:
            assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/html")
            assert b"Gleevec" in resp.read()
        with urlopen(info["site"], timeout=60) as resp:
            assert b"search-index.js" in resp.read()
        with urlopen(info["site"] + "search-index.js", timeout=60) as resp:
            assert resp.headers["Content-Type"].startswith("text/javascript")
        for bad in ("drug/nope.html", "..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/etc/passwd"):
            with pytest.raises(HTTPError) as err:
                urlopen(info["site"] + bad, timeout=60)
            assert err.value.code == 404, bad
        assert b"<html" in urlopen(info["page"], timeout=60).read().lower()  # the query page is still there
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_a_served_release_shows_its_own_site(tmp_path):
    from tkiros.release.site import MARKER
    from tkiros.serve.site import SiteSource

    release = tmp_path / "release"
    (release / "site").mkdir(parents=True)
    (release / "site" / MARKER).write_text("{}\n")
    assert SiteSource(release).folder() == release / "site"
