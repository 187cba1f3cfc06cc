"""Extractor benchmark: leave-one-section-out on the curated findings. A benchmark, never a test.

    python benchmarks/ingest_bench.py                # markdown tables on stdout
    python benchmarks/ingest_bench.py --json out.json

For each section of the review and of the preprint (from seeds/*.meta.ttl), the section is ingested with
the project's dictionary minus the entities first introduced in it (the entities that no finding of an
earlier section names, sections in document order, review before preprint), and the candidates are
compared with the curated findings of that section:

- (agent, target, direction): a candidate with n targets gives n triples; a finding with a agents and
  t targets gives a*t triples; precision = candidate triples that are curated / candidate triples,
  recall = curated triples found / curated triples;
- (agent, target) pairs, the same without the direction;
- spans: a curated span is found when a candidate's sentence overlaps it; a candidate sentence is right
  when it overlaps a curated span.

Totals are micro-averaged over sections. The same figures with the full dictionary show how much of the
shortfall is grounding (unknown names) and how much is the cue rules. Speed: pages per second of
`ingest` on the whole review (a page = 3,000 characters), dictionary build excluded and reported apart.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tkiros.ingest.candidates import DocInfo  # noqa: E402
from tkiros.ingest.commands import ingest_text  # noqa: E402
from tkiros.ingest.grounding import build_dictionary  # noqa: E402
from tkiros.ingest.meta import doc_info, known_meta  # noqa: E402

TK = "https://w3id.org/tkiros/vocab/"
OA = "http://www.w3.org/ns/oa#"
ROLES = ("hasAgent", "hasTarget", "hasCoTreatment", "inCancerType", "inCellLine", "resistantTo", "withMutation")
PAGE = 3000
THRESHOLDS = (0.5, 0.6, 0.7)


def gold(root: Path) -> dict[str, dict]:
    """section IRI -> {"triples", "pairs", "spans", "entities"} of its curated findings."""
    store = ox.Store()
    for p in sorted((root / "instances").glob("*.ttl")):
        store.load(path=str(p), format=ox.RdfFormat.TURTLE)
    out: dict[str, dict] = {}
    q = f"""SELECT ?f ?sec ?p ?o WHERE {{ ?f a <{TK}Finding> ; <{TK}inSection> ?sec ; ?p ?o .
            FILTER(?p IN ({", ".join(f"<{TK}{r}>" for r in ROLES)}, <{TK}hasDirection>)) }}"""
    findings: dict[str, dict] = {}
    for r in store.query(q):
        f = findings.setdefault(r["f"].value, {"sec": r["sec"].value})
        f.setdefault(r["p"].value.rsplit("/", 1)[-1], set()).add(r["o"].value)
    spans = {}
    for r in store.query(
        f"""SELECT ?f ?s ?e WHERE {{ ?f a <{TK}Finding> ; <{TK}hasSpan> ?sp . ?sp <{OA}start> ?s ; <{OA}end> ?e }}"""
    ):
        spans.setdefault(r["f"].value, set()).add((int(r["s"].value), int(r["e"].value)))
    for iri, f in findings.items():
        g = out.setdefault(f["sec"], {"triples": set(), "pairs": set(), "spans": set(), "entities": set()})
        for a in f.get("hasAgent", ()):
            for t in f.get("hasTarget", ()):
                g["pairs"].add((a, t))
                for d in f.get("hasDirection", ()):
                    g["triples"].add((a, t, d.rsplit("/", 1)[-1]))
        g["spans"] |= spans.get(iri, set())
        for role in ROLES:
            g["entities"] |= f.get(role, set())
    return out


def documents(root: Path) -> list[tuple[Path, str, DocInfo]]:
    docs = []
    for name in ("000_d5f8ed2bf1a7bc40.txt", "002_173859a5a6e9b201.txt"):
        path = root / "seeds" / name
        text = path.read_text(encoding="utf-8")
        docs.append((path, text, doc_info(root, name, text, known_meta(root, name))))
    return docs


def score(cands, g) -> dict:
    triples = {(c.agent, t, c.direction) for c in cands for t in c.targets}
    pairs = {(a, t) for a, t, _ in triples}
    sents = {(c.start, c.end) for c in cands}
    overlap = lambda a, b: a[0] < b[1] and b[0] < a[1]  # noqa: E731
    return {
        "triples_tp": len(triples & g["triples"]),
        "triples_cand": len(triples),
        "triples_gold": len(g["triples"]),
        "pairs_tp": len(pairs & g["pairs"]),
        "pairs_cand": len(pairs),
        "pairs_gold": len(g["pairs"]),
        "spans_found": sum(any(overlap(s, c) for c in sents) for s in g["spans"]),
        "spans_gold": len(g["spans"]),
        "sents_right": sum(any(overlap(c, s) for s in g["spans"]) for c in sents),
        "sents_cand": len(sents),
    }


def ratio(a: int, b: int) -> str:
    return f"{100 * a / b:.0f}%" if b else "-"


def run(root: Path) -> dict:
    t0 = time.perf_counter()
    full = build_dictionary(root)
    build_s = time.perf_counter() - t0
    g = gold(root)
    seen: set[str] = set()
    rows = []
    for path, text, info in documents(root):
        for sec, label, start, end in info.sections:
            if sec not in g:
                continue
            new = g[sec]["entities"] - seen
            seen |= g[sec]["entities"]
            loo, _ = ingest_text(text, info, full.without(new), start, end)
            upper, _ = ingest_text(text, info, full, start, end)
            rows.append(
                {
                    "section": label,
                    "file": path.name,
                    "findings_entities_new": len(new),
                    "loo": score(loo, g[sec]),
                    "full": score(upper, g[sec]),
                    "by_confidence": {
                        f"{key} >= {t}": score([c for c in cands if c.confidence >= t], g[sec])
                        for t in THRESHOLDS
                        for key, cands in (("loo", loo), ("full", upper))
                    },
                }
            )
    speed_text = documents(root)[0][1]
    info = documents(root)[0][2]
    best = min(_timed(lambda: ingest_text(speed_text, info, full)) for _ in range(3))
    return {
        "rows": rows,
        "dictionary_build_s": build_s,
        "review_chars": len(speed_text),
        "ingest_s": best,
        "pages_per_s": len(speed_text) / PAGE / best,
    }


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def table(res: dict, key: str) -> str:
    head = (
        "| section | new entities | triples P | triples R | pairs P | pairs R | spans P | spans R |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines, tot = [], {}
    for r in res["rows"]:
        s = r[key]
        for k, v in s.items():
            tot[k] = tot.get(k, 0) + v
        lines.append(_row(r["section"][:60], r["findings_entities_new"], s))
    lines.append(_row("**overall**", sum(r["findings_entities_new"] for r in res["rows"]), tot))
    body = [r for r in res["rows"] if r["section"] != "References"]  # `ingest` itself stops at the reference list
    sub = {k: sum(r[key][k] for r in body) for k in tot}
    lines.append(_row("**overall without the reference list**", sum(r["findings_entities_new"] for r in body), sub))
    return head + "\n".join(lines) + "\n"


def _row(label, new, s) -> str:
    return (
        f"| {label} | {new} | {ratio(s['triples_tp'], s['triples_cand'])} | {ratio(s['triples_tp'], s['triples_gold'])} | "
        f"{ratio(s['pairs_tp'], s['pairs_cand'])} | {ratio(s['pairs_tp'], s['pairs_gold'])} | "
        f"{ratio(s['sents_right'], s['sents_cand'])} | {ratio(s['spans_found'], s['spans_gold'])} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", metavar="FILE", help="Also write the raw counts as JSON.")
    args = ap.parse_args()
    res = run(ROOT)
    print("## Leave-one-section-out (dictionary minus the section's new entities)\n")
    print(table(res, "loo"))
    print("## Full dictionary (grounding upper bound)\n")
    print(table(res, "full"))
    print("## Confidence thresholds (body of the documents, without the reference list)\n")
    print("| run | min confidence | pairs P | pairs R | triples P | triples R |\n|---|---:|---:|---:|---:|---:|")
    body = [r for r in res["rows"] if r["section"] != "References"]
    for key in ("loo", "full"):
        for t in THRESHOLDS:
            tot = {k: sum(r["by_confidence"][f"{key} >= {t}"][k] for r in body) for k in body[0]["loo"]}
            print(
                f"| {'leave-one-section-out' if key == 'loo' else 'full dictionary'} | {t} | {ratio(tot['pairs_tp'], tot['pairs_cand'])} | "
                f"{ratio(tot['pairs_tp'], tot['pairs_gold'])} | {ratio(tot['triples_tp'], tot['triples_cand'])} | {ratio(tot['triples_tp'], tot['triples_gold'])} |"
            )
    print()
    print(
        f"dictionary build: {res['dictionary_build_s']:.2f} s; ingest of the review ({res['review_chars']} characters, "
        f"{res['review_chars'] / PAGE:.1f} pages of {PAGE} characters): {res['ingest_s']:.3f} s = {res['pages_per_s']:.0f} pages/s"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
