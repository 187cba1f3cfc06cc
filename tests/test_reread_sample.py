"""The reread sample recorded in docs/reread-sample.md is the one the fixed seed draws from the data."""

from __future__ import annotations

import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_recorded_sample_is_the_current_draw(graph):
    tk = "https://w3id.org/tkiros/vocab/"
    findings = sorted(r["f"].value for r in graph.query(f"SELECT ?f WHERE {{ ?f a <{tk}Finding> }}"))
    drawn = ["tkd:" + f.rsplit("/", 1)[1] for f in random.Random(239).sample(findings, 20)]
    recorded = re.findall(r"^\| (tkd:[\w-]+) \|", (ROOT / "docs" / "reread-sample.md").read_text(), re.M)
    assert recorded == drawn, (
        "the data changed: redraw the sample, reread it against the seed and update docs/reread-sample.md"
    )
