"""The catalogue of bad inputs (tests/catalogue/bad-inputs.tsv), replayed in a copy of the project: each
gives its exit code and, for an error, one line naming the user's file or option, never a Python exception."""

from __future__ import annotations

import codecs
import csv
import shlex
from pathlib import Path

import pytest

from cli_helpers import copy_project, invoke

CATALOGUE = Path(__file__).parent / "catalogue" / "bad-inputs.tsv"


def load_cases() -> list[dict]:
    lines = [ln for ln in CATALOGUE.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


CASES = load_cases()


def test_every_row_is_a_case():
    rows = [ln for ln in CATALOGUE.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    assert len(CASES) == len(rows) - 1 >= 30
    assert len({c["id"] for c in CASES}) == len(CASES)


def set_up(home: Path, setup: str) -> None:
    for step in filter(None, (s.strip() for s in setup.split(";"))):
        op, _, rest = step.partition(" ")
        path, _, text = rest.partition(" ")
        target = home / path
        if op == "mkdir":
            target.mkdir(parents=True)
        elif op == "link":
            target.symlink_to(text)
        elif op == "write":
            target.write_bytes(codecs.escape_decode(text.encode("utf-8"))[0])
        elif op == "bom":
            target.write_bytes(b"\xef\xbb\xbf" + target.read_bytes())
        else:
            raise ValueError(f"{CATALOGUE.name}: unknown set-up step {step!r}")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input(case, tmp_path, monkeypatch):
    home = copy_project(tmp_path / "home")
    monkeypatch.setenv("TKIROS_HOME", str(home))
    monkeypatch.chdir(home)
    set_up(home, case["setup"])
    res = invoke(shlex.split(case["command"]))
    assert res.exit_code == int(case["exit"]), res.output[-800:]
    assert "Traceback" not in res.output and "[Errno" not in res.output, res.output[-800:]
    if res.exit_code == 2:
        lines = res.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("tkiros: error:"), res.output[-800:]
        assert case["fragment"] in lines[0], lines[0]
        assert str(home) not in lines[0], lines[0]  # the user's relative path, not an absolute one
    if case["command"].startswith("queries -o"):
        assert not (home / case["command"].split()[-1].rstrip("/")).is_file()
