"""Shared fixtures. Golden files are regenerated with: pytest --regen-goldens"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser):
    parser.addoption(
        "--regen-goldens",
        action="store_true",
        default=False,
        help="Rewrite expected results and golden files from the current data.",
    )


@pytest.fixture(scope="session")
def regen(request) -> bool:
    return request.config.getoption("--regen-goldens")


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    """Tests build their compiled stores in a private cache, never the user's."""
    old = os.environ.get("TKIROS_CACHE")
    os.environ["TKIROS_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("TKIROS_CACHE", None)
    else:
        os.environ["TKIROS_CACHE"] = old


@pytest.fixture(scope="session")
def graph():
    from tkiros.store.store import open_store

    return open_store()


@pytest.fixture(scope="session")
def shapes():
    from tkiros.checks.validate import load_shapes

    return load_shapes()


def build_site(out: Path, hash_seed: str) -> subprocess.CompletedProcess:
    """`tkiros site -o OUT` in a new process with this PYTHONHASHSEED (a build must not depend on it)."""
    return subprocess.run(
        [sys.executable, "-m", "tkiros.cli", "site", "-o", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The static site built once per test run (tests/test_site.py and tests/test_site_browser.py only read it)."""
    out = tmp_path_factory.mktemp("site") / "site"
    res = build_site(out, "1")
    assert res.returncode == 0, res.stderr
    print("\n" + res.stderr.strip())
    return out


@pytest.fixture(scope="session")
def site_builder():
    """build_site, for a test that builds the site once more (in another process, with another hash seed)."""
    return build_site
