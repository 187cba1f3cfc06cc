"""tests/fixtures/make_invalid_fixtures.py reproduces the committed fixtures it writes, byte for byte, so a
fixture is never edited by hand behind the generator's back."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INVALID = ROOT / "tests" / "fixtures" / "invalid"
# Fixtures written by hand after the generator (each breaks a rule added later); everything else is generated.
HAND_WRITTEN = {
    "drug-efficacy-as-amount-warning.ttl",
    "finding-cancer-target.ttl",
    "finding-cell-type.ttl",
    "finding-measured-with.ttl",
    "finding-negated.ttl",
    "finding-support-link.ttl",
    "non-tumour-has-cell-type.ttl",
    "perturbation-linked.ttl",
    "unsigned-direction-warning.ttl",
}


def test_the_generator_reproduces_the_committed_fixtures(tmp_path):
    shutil.copytree(ROOT / "tests" / "fixtures" / "valid", tmp_path / "tests" / "fixtures" / "valid")
    (tmp_path / "tests" / "fixtures" / "invalid").mkdir()
    subprocess.run(
        [sys.executable, str(ROOT / "tests" / "fixtures" / "make_invalid_fixtures.py")],
        cwd=tmp_path,
        check=True,
        timeout=120,
    )
    made = {p.name: p.read_bytes() for p in (tmp_path / "tests" / "fixtures" / "invalid").glob("*.ttl")}
    committed = {p.name for p in INVALID.glob("*.ttl")}
    assert made, "the generator wrote nothing"
    assert set(made) | HAND_WRITTEN == committed, "a fixture is neither generated nor listed as hand-written"
    assert not set(made) & HAND_WRITTEN
    changed = sorted(name for name, data in made.items() if (INVALID / name).read_bytes() != data)
    assert not changed, f"committed fixtures differ from what the generator writes: {changed}"
