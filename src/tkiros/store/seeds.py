"""The seed documents: their text, and exact spans into it (offsets are Unicode code points, end exclusive)."""

from __future__ import annotations

from pathlib import Path

from tkiros.errors import TkirosError
from tkiros.store.paths import project_root
from tkiros.vocab import TK, TKD


def seed_files(root: Path | None = None) -> dict[str, str]:
    """Seed name -> text file, read from seeds/*.meta.ttl: tkd:seed-NAME and its tkiros:fileName."""
    import pyoxigraph as ox

    out = {}
    for meta in sorted(((root or project_root()) / "seeds").glob("*.meta.ttl")):
        for q in ox.parse(path=str(meta), format=ox.RdfFormat.TURTLE):
            if q.predicate.value == TK + "fileName" and q.subject.value.startswith(TKD + "seed-"):
                out[q.subject.value[len(TKD + "seed-") :]] = q.object.value
    return out


def seed_text(seed: str, root: Path | None = None) -> str:
    seeds = seed_files(root)
    if seed not in seeds:
        raise TkirosError(f"unknown seed {seed!r}; choose one of {', '.join(seeds)}")
    return ((root or project_root()) / "seeds" / seeds[seed]).read_text(encoding="utf-8")


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
    return (
        f"tkd:{span_id} a tkiros:SeedSpan ;\n    tkiros:inSeed tkd:seed-{seed} ;\n"
        f'    oa:start {start} ;\n    oa:end {end} ;\n    oa:exact "{esc}" .\n'
    )
