"""The seed documents: their text, and exact spans into it (offsets are Unicode code points, end exclusive)."""

from __future__ import annotations

from pathlib import Path

from tkiros.errors import TkirosError
from tkiros.store.paths import project_root

SEEDS = {"review": "000_d5f8ed2bf1a7bc40.txt", "preprint": "002_173859a5a6e9b201.txt"}


def seed_text(seed: str, root: Path | None = None) -> str:
    if seed not in SEEDS:
        raise TkirosError(f"unknown seed {seed!r}; choose one of {', '.join(SEEDS)}")
    return ((root or project_root()) / "seeds" / SEEDS[seed]).read_text(encoding="utf-8")


def locate(seed: str, quote: str, nth: int = 1, root: Path | None = None) -> tuple[int, int]:
    """The (start, end) of the nth occurrence of ``quote`` in the seed."""
    text = seed_text(seed, root)
    hits, i = [], text.find(quote)
    while i >= 0:
        hits.append(i)
        i = text.find(quote, i + 1)
    if not hits:
        raise TkirosError(f"quote not found in the {seed} seed: {quote[:80]!r}")
    if nth < 1 or nth > len(hits):
        raise TkirosError(f"--nth {nth}: the quote occurs {len(hits)} time(s)")
    return hits[nth - 1], hits[nth - 1] + len(quote)


def span_turtle(seed: str, span_id: str, quote: str, nth: int = 1) -> str:
    start, end = locate(seed, quote, nth)
    esc = quote.replace("\\", "\\\\").replace('"', '\\"')
    return (f"tkd:{span_id} a tkiros:SeedSpan ;\n    tkiros:inSeed tkd:seed-{seed} ;\n"
            f"    oa:start {start} ;\n    oa:end {end} ;\n    oa:exact \"{esc}\" .\n")
