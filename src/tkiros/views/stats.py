"""Counts that describe the graph: one query per count in src/tkiros/sparql/stats/ (NN-name.rq, in the order
of NN), each titled by its header and answering one ?n."""

from __future__ import annotations

from tkiros.rqfile import INTERNAL_FOLDER, header


def count_queries() -> dict[str, str]:
    """Count name (the file's title header) -> query text, in file order."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((INTERNAL_FOLDER / "stats").glob("*.rq"))]
    return {header(t, "title"): t for t in texts}


def stats(store=None) -> dict[str, int]:
    if store is None:
        from tkiros.store.store import open_store

        store = open_store()
    out = {}
    for name, q in count_queries().items():
        row = next(iter(store.query(q)))
        out[name] = int(row["n"].value)
    return out
