"""The query web page of `tkiros serve`, as a person uses it: headless Chromium opens it, a saved query is
typed into its editor and run with its own button, and the page shows the rows. A screenshot is kept.

The set-up installs Debian's chromium with apt-get when /usr/bin/chromium is missing (CI is a fresh
Debian machine where we are root) and fails, never skips, when that is impossible. Chromium is driven
through the Chrome DevTools protocol (tests/chromium_helpers.py).
"""

from __future__ import annotations

import json

from chromium_helpers import chromium, screenshot  # noqa: F401 (chromium is a fixture)

QUERY = "tkis-raising-ros"


def test_query_page_runs_a_saved_query_and_shows_its_rows(chromium, graph, tmp_path_factory):
    from test_serve import start_cli_server
    from tkiros.query.queries import get_query, run_query

    expected = run_query(QUERY, store=graph)
    labels = {row[expected.variables.index("tkiLabel")].value for row in expected.rows}
    proc, info = start_cli_server(tmp_path_factory.mktemp("serve"), graph)
    try:
        chromium.call("Page.navigate", url=info["page"])
        chromium.wait_for(
            "!!document.querySelector('.yasqe .CodeMirror') && !!document.querySelector('.yasqe_queryButton')",
            what="the query editor",
        )
        chromium.evaluate(
            f"document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue({json.dumps(get_query(QUERY).text)})"
        )
        chromium.evaluate("document.querySelector('.yasqe_queryButton').click()")
        shown = chromium.wait_for(
            f"document.querySelectorAll('.yasr table tbody tr').length >= {min(len(expected.rows), 10)}"
            " && document.querySelector('.yasr').innerText",
            what="result rows",
        )
        page_rows = chromium.evaluate("[...document.querySelectorAll('.yasr table tbody tr')].map(tr => tr.innerText)")
        summary = chromium.evaluate(
            "(document.querySelector('.yasr_response_chip') || document.querySelector('.yasr')).innerText"
        )
        png = screenshot(chromium)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    shot = tmp_path_factory.mktemp("screenshots") / "query-page.png"
    shot.write_bytes(png)
    print(f"\nscreenshot: {shot}")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert f"{len(expected.rows)} results" in summary, summary
    # The table's first page (50 rows a page) shows the query's rows: each names a TKI of the answer.
    assert len(page_rows) == min(len(expected.rows), 50)
    for row in page_rows:
        assert any(f'"{label}"' in row for label in labels), f"a row that is not in the answer: {row[:200]}"
    assert {label for label in labels if f'"{label}"' in shown} == labels or len(expected.rows) > 50
