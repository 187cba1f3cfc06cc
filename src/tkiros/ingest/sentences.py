"""Reading a document, and its sentences, sections, reference list and citation markers, each with
exact offsets (Unicode code points into the text, end exclusive)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tkiros.errors import TkirosError
from tkiros.ingest import rules


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    text: str


def read_document(path: Path) -> str:
    """The text of a plain-text document; a missing, binary, empty or non-UTF-8 file is an input error."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise TkirosError(f"{path}: cannot read: {err.strerror or err}") from None
    if b"\0" in raw[:65536]:
        raise TkirosError(f"{path}: a binary file, not plain text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise TkirosError(f"{path}: not UTF-8 text (byte {err.start})") from None
    if not text.strip():
        raise TkirosError(f"{path}: the document is empty")
    return text


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    before = text[max(0, dot - 8) : dot]
    return any(
        before.endswith(a) and (dot - len(a) == 0 or not text[dot - len(a) - 1].isalnum())
        for a in rules()["sentences"]["abbreviations"]
    )


_BOUNDARY = re.compile(r"[.!?](?:\s*\[[\d,\s–-]+\])?(?=\s+[\"'(\[]?[A-Z0-9])|\n")


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Piece]:
    """The sentences of text[start:end]: a line break or a period followed by a capital ends one.

    A citation marker right after the period ("... apoptosis. [14] Next") stays with its sentence.
    """
    end = len(text) if end is None else end
    out: list[Piece] = []
    pos = start
    for m in _BOUNDARY.finditer(text, start, end):
        if m.group(0) != "\n" and text[m.start()] == "." and _ends_with_abbreviation(text, m.start()):
            continue
        _add(out, text, pos, m.end() if m.group(0) != "\n" else m.start())
        pos = m.end()
    _add(out, text, pos, end)
    return out


def _add(out: list[Piece], text: str, s: int, e: int) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append(Piece(s, e, text[s:e]))


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def reference_list(text: str, where: str = "document") -> tuple[int | None, list[Piece]]:
    """(offset of the reference heading, one Piece per reference in list order), or (None, []) when the
    document has no reference heading. A heading with no parsable entry after it is an input error."""
    heads = {h.lower() for h in rules()["references"]["headings"]}
    head = None
    for pos, line in _lines(text):
        if line.strip().lower().rstrip(":") in heads:
            head = pos  # the last such heading: a "References" in running text comes earlier
    if head is None:
        return None, []
    refs: list[Piece] = []
    numbered = re.compile(r"^\s*(?:\[(\d+)\]|(\d+)[.)])\s+")
    body_start = text.index("\n", head) + 1 if "\n" in text[head:] else len(text)
    for pos, line in _lines(text[body_start:]):
        if not line.strip():
            continue
        s = body_start + pos + (len(line) - len(line.lstrip()))
        m = numbered.match(line)
        if m and int(m.group(1) or m.group(2)) != len(refs) + 1:
            raise TkirosError(
                f"{where}: reference list: entry {int(m.group(1) or m.group(2))} found where {len(refs) + 1} was expected "
                f"(line at offset {s})"
            )
        if refs and not m and len(line.strip()) < 40 and not re.search(r"(?:19|20)\d\d", line):
            break  # a heading after the list ("Acknowledgements") ends it
        if not re.search(r"(?:19|20)\d\d", line) or len(line.strip()) < 20:
            raise TkirosError(
                f"{where}: reference list: cannot parse the entry at offset {s} "
                f"(expected one reference per line with a year): {line.strip()[:60]!r}"
            )
        refs.append(Piece(s, body_start + pos + len(line.rstrip()), text[s : body_start + pos + len(line.rstrip())]))
    if not refs:
        raise TkirosError(f"{where}: a reference heading at offset {head} but no reference after it")
    return head, refs


def citations(sentence: Piece) -> list[int]:
    """The reference numbers the sentence's bracketed markers cite, ranges expanded, in order."""
    nums: list[int] = []
    for m in re.finditer(rules()["citations"]["pattern"], sentence.text):
        for part in re.split(r"\s*,\s*", m.group(1)):
            bits = re.split(r"\s*[-–]\s*", part)
            lo, hi = int(bits[0]), int(bits[-1])
            if hi < lo or hi - lo > 50:
                continue  # "[2020–21]" and the like are not citation ranges
            nums += [n for n in range(lo, hi + 1) if n not in nums]
    return nums


def sections(text: str, body_end: int) -> list[tuple[str, int, int]]:
    """Sections of a document without metadata: a short line without a final period, between a blank
    line or the start and a longer paragraph, is a heading. (label, start, end) tuples covering [0, body_end)."""
    heads: list[tuple[str, int]] = []
    prev_blank = True
    for pos, line in _lines(text[:body_end]):
        s = line.strip()
        if s and prev_blank and len(s) < 90 and not s.endswith((".", ",", ";", ":")) and pos > 0:
            heads.append((s, pos))
        prev_blank = not s
    bounds = [("Front matter", 0)] + heads
    out = []
    for i, (label, s) in enumerate(bounds):
        e = bounds[i + 1][1] if i + 1 < len(bounds) else body_end
        if e > s:
            out.append((label, s, e))
    return out
