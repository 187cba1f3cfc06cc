"""A content digest over a list of files, remembered by the files' stat records (issue 17, goal 4).

Hashing every source file on every `tkiros query` cost a tenth of a cold run. The digest is remembered in
the cache folder beside the stat record of each file it was computed from (size, mtime_ns, ctime_ns,
inode); while every file's record is unchanged the remembered digest is returned, and any change (an edit,
a new or removed file, a rename) falls back to hashing. A file modified within the last two seconds is
never trusted by its record (its timestamp could still collide with a second edit, as with "racily clean"
files in git), so it is hashed until it is older.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

RECENT_NS = 2_000_000_000
KEEP = 16  # records kept (one per checkout's sources and per cached store checked)


def _record(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def cached_digest(key: str, files: list[Path], compute: Callable[[], str], cache: Path) -> str:
    """``compute()`` (a digest of exactly these files' contents), or the one remembered for ``key`` while
    no file's stat record has changed."""
    try:
        records = [[str(p), *_record(p)] for p in files]
    except OSError:
        return compute()  # compute() reports the unreadable file
    book = cache / "digests.json"
    try:
        known = json.loads(book.read_text(encoding="utf-8"))
        if not isinstance(known, dict):
            known = {}
    except (OSError, ValueError):
        known = {}
    entry = known.get(key)
    if isinstance(entry, dict) and entry.get("files") == records and isinstance(entry.get("digest"), str):
        return entry["digest"]
    digest = compute()
    # Remember it only when no file is recent and none changed while being hashed.
    now = time.time_ns()
    try:
        after = [[str(p), *_record(p)] for p in files]
    except OSError:
        return digest
    if after != records or any(now - r[2] < RECENT_NS or now - r[3] < RECENT_NS for r in records):
        return digest
    known.pop(key, None)
    known[key] = {"files": records, "digest": digest}
    known = dict(list(known.items())[-KEEP:])
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = book.with_name(f".digests.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(known), encoding="utf-8")
        os.replace(tmp, book)
    except OSError:
        pass  # a read-only cache only costs the hashing
    return digest
