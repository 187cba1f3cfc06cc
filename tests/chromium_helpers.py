"""Headless Chromium for the browser tests, driven over the Chrome DevTools protocol (websocket-client).

The ``chromium`` fixture installs Debian's chromium with apt-get when /usr/bin/chromium is missing (CI is a
fresh Debian machine where we are root) and fails, never skips, when that is impossible. A test module
uses it with ``from chromium_helpers import chromium``.
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
# Chromium as root in a container: no sandbox, no GPU, no network of its own (only the loopback page).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
    "--remote-debugging-port=0",
    "--remote-debugging-address=127.0.0.1",
]


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
            raise AssertionError(
                f"page script failed: {res['exceptionDetails'].get('text')} {res['exceptionDetails'].get('exception', {}).get('description', '')}"
            )
        return res["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30, what: str = ""):
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(expression)
            except AssertionError as e:
                # asked while the page navigates, the old page's context is gone: ask the new one next round
                if "navigated or closed" not in str(e) and "Cannot find context" not in str(e):
                    raise
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the page did not show {what or expression} within {timeout} s: {self.page_state()}"
                )
            time.sleep(0.2)

    def page_state(self) -> str:
        """Where the page is, whether it loaded, and each file it fetched with its HTTP status (0: the
        fetch failed), for a failure message."""
        try:
            return self.evaluate(
                "JSON.stringify({url: location.href, readyState: document.readyState,"
                " files: performance.getEntriesByType('resource').map(e => [e.name, e.responseStatus])})"
            )
        except AssertionError as e:
            return f"(the page could not be asked: {e})"

    def close(self):
        self.ws.close()


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    from test_virtuoso import ensure_debian_packages

    ensure_debian_packages(CHROMIUM, ["chromium"])
    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.Popen(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
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


def screenshot(tools: DevTools) -> bytes:
    """A PNG of the page as it is shown now."""
    return base64.b64decode(tools.call("Page.captureScreenshot", format="png")["data"])
