"""The query web page of `tkiros serve`, as a person uses it: headless Chromium opens it, a saved query is
typed into its editor and run with its own button, and the page shows the rows. A screenshot is kept.

The set-up installs Debian's chromium with apt-get when /usr/bin/chromium is missing (CI is a fresh
Debian machine where we are root) and fails, never skips, when that is impossible. Chromium is driven
through the Chrome DevTools protocol over a websocket (websocket-client).
"""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import subprocess
import time
from urllib.request import urlopen

import pytest

CHROMIUM = "/usr/bin/chromium"
QUERY = "tkis-raising-ros"
# Chromium as root in a container: no sandbox, no GPU, no network of its own (only the loopback page).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1000",
         "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1"]


class DevTools:
    """A minimal Chrome DevTools protocol client for one page target."""

    def __init__(self, ws_url: str):
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.ids = itertools.count(1)

    def call(self, method: str, **params):
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise AssertionError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def evaluate(self, expression: str):
        res = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise AssertionError(f"page script failed: {res['exceptionDetails'].get('text')} {res['exceptionDetails'].get('exception', {}).get('description', '')}")
        return res["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30, what: str = ""):
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"the page did not show {what or expression} within {timeout} s")
            time.sleep(0.2)

    def close(self):
        self.ws.close()


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    from test_virtuoso import ensure_debian_packages

    ensure_debian_packages(CHROMIUM, ["chromium"])
    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.is_file() and port_file.read_text().strip()):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chromium did not start its DevTools endpoint (exit {proc.poll()})")
            time.sleep(0.1)
        port = int(port_file.read_text().splitlines()[0])
        pages = json.loads(urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10).read())
        page = next(p for p in pages if p.get("type") == "page")
        tools = DevTools(page["webSocketDebuggerUrl"])
        tools.call("Page.enable")
        tools.call("Runtime.enable")
        yield tools
        tools.close()
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


def test_query_page_runs_a_saved_query_and_shows_its_rows(chromium, graph, tmp_path_factory):
    from test_serve import start_cli_server

    from tkiros.query.queries import get_query, run_query

    expected = run_query(QUERY, store=graph)
    labels = {row[expected.variables.index("tkiLabel")].value for row in expected.rows}
    proc, info = start_cli_server(tmp_path_factory.mktemp("serve"), graph)
    try:
        chromium.call("Page.navigate", url=info["page"])
        chromium.wait_for("!!document.querySelector('.yasqe .CodeMirror') && !!document.querySelector('.yasqe_queryButton')",
                          what="the query editor")
        chromium.evaluate(f"document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue({json.dumps(get_query(QUERY).text)})")
        chromium.evaluate("document.querySelector('.yasqe_queryButton').click()")
        shown = chromium.wait_for(f"document.querySelectorAll('.yasr table tbody tr').length >= {min(len(expected.rows), 10)}"
                                  " && document.querySelector('.yasr').innerText", what="result rows")
        page_rows = chromium.evaluate("[...document.querySelectorAll('.yasr table tbody tr')].map(tr => tr.innerText)")
        summary = chromium.evaluate("(document.querySelector('.yasr_response_chip') || document.querySelector('.yasr')).innerText")
        png = base64.b64decode(chromium.call("Page.captureScreenshot", format="png")["data"])
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
