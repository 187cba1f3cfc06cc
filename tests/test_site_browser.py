"""The static site in headless Chromium, as a biologist uses it: a drug page opened from file:// shows its
evidence cards and diagram, a card's link leads to the finding's page, and the search box finds imatinib by
"Gleevec" (from file:// and under `tkiros serve`).

The screenshot of the imatinib page in docs/images/site-drug-page.png is rewritten on purpose only:
``pytest tests/test_site_browser.py --regen-goldens``.
"""

from __future__ import annotations

import json
from pathlib import Path

from chromium_helpers import chromium, screenshot  # noqa: F401 (chromium is a fixture)

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "images" / "site-drug-page.png"


def open_page(tools, url: str) -> None:
    tools.call("Page.navigate", url=url)
    tools.wait_for(f"location.href === {json.dumps(url)} && document.readyState === 'complete'", what=url)


def search(tools, text: str) -> list[dict]:
    tools.evaluate(
        f"(() => {{ const q = document.getElementById('q'); q.value = {json.dumps(text)};"
        " q.dispatchEvent(new Event('input')); })()"
    )
    tools.wait_for("document.querySelectorAll('#hits a').length > 0", what=f"search hits for {text}")
    return tools.evaluate("[...document.querySelectorAll('#hits a')].map(a => ({text: a.innerText, href: a.href}))")


def test_drug_page_renders_cards_and_diagram_links_resolve_and_search_finds_gleevec(chromium, site, regen):
    page = (site / "drug" / "imatinib.html").as_uri()
    chromium.call("Emulation.setDeviceMetricsOverride", width=1400, height=1100, deviceScaleFactor=1, mobile=False)
    open_page(chromium, page)
    assert chromium.evaluate("document.querySelector('h1').firstChild.textContent") == "imatinib"
    cards = chromium.evaluate("document.querySelectorAll('article.card').length")
    assert cards >= 40
    # the diagram is drawn: an inline SVG with nodes, laid out with a real size
    box = chromium.evaluate(
        "(() => { const r = document.querySelector('figure.diagram svg').getBoundingClientRect();"
        " return [r.width, r.height, document.querySelectorAll('figure.diagram svg g.node').length]; })()"
    )
    assert box[0] > 300 and box[1] > 200 and box[2] > 5, box
    assert (
        chromium.evaluate("getComputedStyle(document.querySelector('article.card')).borderLeftStyle") == "solid"
    )  # the CSS loaded
    png = screenshot(chromium)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    if regen:
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(png)

    # follow the first card's link to its finding page, and from there back to imatinib
    first = chromium.evaluate(
        "(() => { const a = document.querySelector('article.card h3 a'); return [a.href, a.textContent]; })()"
    )
    assert "/finding/" in first[0]
    chromium.evaluate("document.querySelector('article.card h3 a').click()")
    chromium.wait_for(
        f"location.href === {json.dumps(first[0])} && document.readyState === 'complete'", what="the finding page"
    )
    assert chromium.evaluate("document.querySelector('h1').firstChild.textContent") == first[1]
    assert chromium.evaluate("document.querySelectorAll('article.card blockquote').length") >= 1
    back = chromium.evaluate(
        "[...document.querySelectorAll('main a')].filter(a => a.textContent === 'imatinib').map(a => a.href)"
    )
    assert page in back

    # search from a page one level down and from the home page: "Gleevec" finds imatinib
    for url in (first[0], (site / "index.html").as_uri()):
        open_page(chromium, url)
        hits = search(chromium, "Gleevec")
        assert hits[0]["href"] == page and hits[0]["text"].startswith("imatinib"), hits
    chromium.evaluate("document.querySelector('#hits a').click()")
    chromium.wait_for(f"location.href === {json.dumps(page)}", what="imatinib's page from the search hit")


def test_site_works_under_tkiros_serve(chromium, graph, tmp_path):
    from test_serve import start_cli_server

    proc, info = start_cli_server(tmp_path, graph)
    try:
        url = info["site"] + "drug/imatinib.html"
        chromium.call("Page.navigate", url=url)
        chromium.wait_for(
            f"location.href === {json.dumps(url)} && document.readyState === 'complete'", timeout=300, what=url
        )
        assert chromium.evaluate("document.querySelectorAll('article.card').length") >= 40
        hits = search(chromium, "gleevec")
        assert hits[0]["href"] == url, hits
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
