"""`tkiros query` without click (tkiros.cli.spec) behaves exactly as through click: every command line of
tests/catalogue/query-command-lines.tsv runs in a new process both ways, and stdout, stderr, the exit code and
the files written are byte-identical; the fast path runs the lines marked "fast" and leaves the others to click."""

from __future__ import annotations

import csv
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path(__file__).parent / "catalogue" / "query-command-lines.tsv"
FILES = {
    "select.rq": "SELECT ?x WHERE { VALUES ?x { 1 2 3 4 5 } }\n",
    "ask.rq": "ASK { ?s ?p ?o }\n",
    "update.rq": "INSERT DATA { <urn:a> <urn:b> <urn:c> }\n",
    "service.rq": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }\n",
    "bad.rq": "SELEC ?x WHERE { ?x ?y ?z }\n",
}
# Runs tkiros.cli.main one way or the other, then notes in .route which one ran the command (click's group
# is imported only by the click path; the fast path imports click only to print an error).
RUNNER = """
import atexit, sys
route = sys.argv.pop(1)
def note():
    with open(".route", "w") as fh:
        fh.write("click" if "tkiros.cli.app" in sys.modules else "fast")
atexit.register(note)
from tkiros.cli import main
main(fast=route == "fast")
"""


def rows() -> list[str]:
    return [ln for ln in CATALOGUE.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]


CASES = list(csv.DictReader(rows(), delimiter="\t", quoting=csv.QUOTE_NONE))


def test_every_row_is_a_case():
    assert len(CASES) == len(rows()) - 1 == 76
    assert len({c["id"] for c in CASES}) == len(CASES)
    assert {c["route"] for c in CASES} == {"fast", "click"}


def run(route: str, case: dict, folder: Path, **kw) -> tuple[subprocess.CompletedProcess, str, dict]:
    """One run in a fresh ``folder``: the process, the route it took, and the files it left (name: bytes)."""
    for p in sorted(folder.rglob("*"), reverse=True):
        p.unlink() if not p.is_dir() or p.is_symlink() else p.rmdir()
    for name, text in FILES.items():
        (folder / name).write_text(text)
    env = {k: v for k, v in os.environ.items() if k not in ("TKIROS_HOME", "TKIROS_DEBUG")}
    if case["env"] != "-":
        for item in case["env"].split(";"):
            key, _, value = item.partition("=")
            env[key] = value.replace("{root}", str(ROOT))
    args = [a.replace("{root}", str(ROOT)) for a in shlex.split(case["args"])]
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kw}
    proc = subprocess.run([sys.executable, "-c", RUNNER, route, *args], cwd=folder, env=env, timeout=600, **streams)
    taken = (folder / ".route").read_text()
    files = {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".route"
    }
    return proc, taken, files


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_fast_path_answers_as_click(case, tmp_path):
    fast, fast_route, fast_files = run("fast", case, tmp_path)
    slow, slow_route, slow_files = run("click", case, tmp_path)
    assert slow_route == "click"
    assert fast_route == case["route"], f"expected the {case['route']} path to run it"
    assert fast.returncode == slow.returncode, (fast.stderr, slow.stderr)
    assert fast.stderr == slow.stderr
    assert fast.stdout == slow.stdout
    assert fast_files == slow_files
    assert b"Traceback" not in fast.stderr
    if case["route"] == "fast" and fast.returncode == 0:
        assert fast.stdout or set(fast_files) - set(FILES), "a successful query writes its rows somewhere"


def test_a_closed_stdout_ends_alike(tmp_path):
    """A reader that went away (`tkiros query ... | head -0`): click ends silently with exit 1; so does the fast path."""
    outcomes = []
    for route in ("fast", "click"):
        r, w = os.pipe()
        os.close(r)
        try:
            proc, taken, _ = run(route, {"env": "-", "args": "query tkis-raising-ros -f csv"}, tmp_path, stdout=w)
        finally:
            os.close(w)
        outcomes.append((taken, proc.returncode, proc.stderr))
    assert [o[0] for o in outcomes] == ["fast", "click"]
    assert outcomes[0][1:] == outcomes[1][1:] and outcomes[0][1] == 1, outcomes


def test_ctrl_c_ends_alike(tmp_path):
    """Ctrl-C during a long query: the same lines on stderr and exit 130 on both paths."""
    (tmp_path / "long.rq").write_text("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n")
    outcomes = []
    for route in ("fast", "click"):
        proc = subprocess.Popen(
            [sys.executable, "-c", RUNNER, route, "query", "long.rq", "--timeout", "120", "--max-rows", "100000000"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(4)
        assert proc.poll() is None
        proc.send_signal(signal.SIGINT)
        err = proc.communicate(timeout=30)[1]
        outcomes.append((proc.returncode, err))
    assert outcomes[0] == outcomes[1] and outcomes[0][0] == 130, outcomes
