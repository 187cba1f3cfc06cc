"""The last clean `tkiros check`, remembered by a digest of exactly what it checked.

The key covers the sources (the store's digest: ontology, instances, rules and seed texts), every file of
shapes/ (shapes and QC checks), the code and internal SPARQL of the checks, and the versions of the
engines that run them. Only a run in which every step passed is remembered, so any edit to what is
checked (a new violation included) changes the key and the whole check runs again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tkiros.store.paths import PACKAGE_DIR, cache_dir

BOOK = "check-clean.json"
FORMAT = "tkiros check v1"


def _checked_files(root: Path) -> list[Path]:
    shapes = sorted(p for p in (root / "shapes").rglob("*") if p.is_file())
    code = sorted((PACKAGE_DIR / "checks").glob("*.py")) + sorted((PACKAGE_DIR / "sparql" / "check").glob("*.rq"))
    return shapes + code


def check_key(graph) -> str:
    """A digest of the sources, shapes/, the checks' code and the engines' versions."""
    import hashlib
    from importlib.metadata import version

    from tkiros import __version__

    h = hashlib.sha256(f"{FORMAT}\n{__version__}\n{graph.digest}\n".encode())
    for dist in ("pyshacl", "rdflib", "pyoxigraph"):
        h.update(f"{dist} {version(dist)}\n".encode())
    for path in _checked_files(graph.root):
        h.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def remembered(key: str) -> list[dict] | None:
    """The steps of the last clean run with this key, or None."""
    try:
        record = json.loads((cache_dir() / BOOK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("key") != key or not isinstance(record.get("steps"), list):
        return None
    steps = record["steps"]
    if not all(isinstance(s, dict) and s.get("ok") is True for s in steps):
        return None
    return steps


def remember(key: str, steps: list[dict]) -> None:
    """Record a clean run (a run with a failed step is never recorded)."""
    if not steps or not all(s["ok"] for s in steps):
        return
    book = cache_dir() / BOOK
    try:
        book.parent.mkdir(parents=True, exist_ok=True)
        tmp = book.with_name(f".{BOOK}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": key, "steps": steps}), encoding="utf-8")
        os.replace(tmp, book)
    except OSError:
        pass  # a read-only cache only costs the next run its time
