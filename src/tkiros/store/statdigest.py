"""A content digest over a list of files, remembered by the files' stat records (issue 17, goal 4).

Hashing every source file on every `tkiros query` cost a tenth of a cold run. The digest is remembered in
the cache folder beside the stat record of each file it was computed from (size, mtime_ns, ctime_ns,
inode); while every file's record is unchanged the remembered digest is returned, and any change (an edit,
a new or removed file, a rename) falls back to hashing. A file modified within the last two seconds is
never trusted by its record (its timestamp could still collide with a second edit, as with "racily clean"
files in git), so it is hashed until it is older.

The records are kept in ``digests.tsv``, one line per key: the key, the digest, then each file's path and
record, tab-separated. A line is compared as text with the one the files give now, so that a check reads
no JSON (json's import alone was a twentieth of a cold query); the file is read once per process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

RECENT_NS = 2_000_000_000
KEEP = 16  # records kept (one per checkout's sources and per cached store checked)
BOOK = "digests.tsv"
_read: dict[str, tuple[tuple, dict[str, str]]] = {}  # book -> (its stat record, key -> line), read once


def _record(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _line(key: str, digest: str, records: list[list]) -> str | None:
    """The book's line for ``key``; None when a name holds a tab or a line break (such a key is not kept)."""
    fields = [key, digest, *(str(v) for r in records for v in r)]
    return None if any("\t" in f or "\n" in f or "\r" in f for f in fields) else "\t".join(fields)


def _entries(book: Path) -> dict[str, str]:
    """The book's lines by key (empty when it is missing or unreadable)."""
    try:
        st = os.stat(book)
        sig = (st.st_size, st.st_mtime_ns, st.st_ino)
        seen = _read.get(str(book))
        if seen and seen[0] == sig:
            return dict(seen[1])
        text = book.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    entries = {ln.partition("\t")[0]: ln for ln in text.splitlines() if ln.count("\t") >= 2}
    _read[str(book)] = (sig, entries)
    return dict(entries)


def cached_digest(key: str, files: list[Path], compute: Callable[[], str], cache: Path) -> str:
    """``compute()`` (a digest of exactly these files' contents), or the one remembered for ``key`` while
    no file's stat record has changed."""
    try:
        records = [[str(p), *_record(p)] for p in files]
    except OSError:
        return compute()  # compute() reports the unreadable file
    book = cache / BOOK
    known = _entries(book)
    line = known.get(key)
    if line is not None:
        digest = line.split("\t", 2)[1]
        if line == _line(key, digest, records):
            return digest
    digest = compute()
    # Remember it only when no file is recent and none changed while being hashed.
    now = time.time_ns()
    try:
        after = [[str(p), *_record(p)] for p in files]
    except OSError:
        return digest
    if after != records or any(now - r[2] < RECENT_NS or now - r[3] < RECENT_NS for r in records):
        return digest
    line = _line(key, digest, records)
    if line is None or "\t" in digest:
        return digest
    known.pop(key, None)
    known[key] = line
    kept = list(known.values())[-KEEP:]
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = book.with_name(f".digests.{os.getpid()}.tmp")
        tmp.write_text("".join(ln + "\n" for ln in kept), encoding="utf-8")
        os.replace(tmp, book)
    except OSError:
        pass  # a read-only cache only costs the hashing
    return digest
