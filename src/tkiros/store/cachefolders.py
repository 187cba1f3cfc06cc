"""The cache folders of built stores: the in-use locks that keep a store from being pruned while a
process reads it, and the manifest (SHA-256 of each RocksDB file) by which a damaged copy is found."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tkiros.store.paths import cache_dir
from tkiros.store.statdigest import cached_digest

_held: list = []  # lock files of the stores this process uses, held until it exits


def hold(folder: Path) -> None:
    """Mark a cached store as in use by this process (a shared lock); _prune never removes it meanwhile."""
    import fcntl

    try:
        fh = open(folder / ".in-use", "a")
        fcntl.flock(fh, fcntl.LOCK_SH)
        _held.append(fh)
    except OSError:
        pass


def in_use(folder: Path) -> bool:
    import fcntl

    try:
        with open(folder / ".in-use", "a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(fh, fcntl.LOCK_UN)
    except OSError:
        pass
    return False


_STORE_FILES = ("CURRENT", "IDENTITY", "MANIFEST-*", "OPTIONS-*", "*.sst", "*.log")


def _store_files(folder: Path) -> list[Path]:
    """The files of ``folder`` that _STORE_FILES names (as Path.glob matches them), read in one listing."""
    from fnmatch import fnmatchcase

    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found = (folder / n for n in names if any(fnmatchcase(n, pattern) for pattern in _STORE_FILES))
    return sorted(p for p in found if p.is_file())


def store_manifest(folder: Path) -> dict[str, str]:
    """SHA-256 of each file RocksDB reads, recorded in .complete when a store is built."""
    import hashlib  # lazily: an intact store is known by its stat records (tkiros.store.statdigest)

    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in _store_files(folder)}


def write_manifest(folder: Path) -> None:
    """Record the built store's manifest in ``folder/.complete`` (its presence marks the build finished)."""
    import json

    (folder / ".complete").write_text(json.dumps(store_manifest(folder), indent=0, sort_keys=True) + "\n")


def damage(folder: Path) -> str | None:
    """Why a cached store folder cannot be used (None if every file is as it was built).

    Hashing the whole store on every open grows with the data (~15 ms at x1, seconds at x100), so a store
    once found intact is remembered by the stat records of its files and of its .complete (see
    tkiros.store.statdigest): a truncation, rewrite or removal of any file changes its record, and the
    store is checked again. Only then is the manifest read (json is not imported otherwise)."""
    if not (folder / "CURRENT").is_file():
        return "its CURRENT file is missing"
    files = _store_files(folder) + [folder / ".complete"]
    verdict = cached_digest(
        f"store intact {folder}", files, lambda: "damaged" if _check(folder) else "intact", cache_dir()
    )
    return None if verdict == "intact" else _check(folder)


def _check(folder: Path) -> str | None:
    """damage() without its memory: every file of the store hashed and compared with its manifest."""
    import json

    try:
        text = (folder / ".complete").read_text(encoding="utf-8")
        expected = json.loads(text) if text.strip() else None
    except OSError as err:
        return f"cannot read .complete: {err.strerror or err}"
    except ValueError:
        return ".complete (its manifest) is truncated or not JSON"
    if not isinstance(expected, dict):
        return None  # a store built before manifests were recorded: nothing to compare with
    try:
        actual = store_manifest(folder)
    except OSError as err:
        return f"cannot read it: {err.strerror or err}"
    for name, sha in expected.items():
        if name not in actual:
            return f"{name} is missing"
        if actual[name] != sha:
            return f"{name} differs from what was built (truncated or corrupted)"
    return None


def discard_damaged(folder: Path, what: str, why: str | None) -> bool:
    """Say in one line that a cached ``what`` is damaged and remove it, so that the caller rebuilds it."""
    if not why:
        return False
    import shutil

    sys.stderr.write(f"tkiros: the cached {what} {folder} is damaged ({why}); rebuilding it\n")
    shutil.rmtree(folder, ignore_errors=True)
    return True
