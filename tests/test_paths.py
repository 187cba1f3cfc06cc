"""Which data tkiros reads: TKIROS_HOME, the project around the working directory, or the bundled copy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from cli_helpers import DATA_DIRS, ROOT, copy_project
from tkiros.store.paths import data_source

EXTRA = """@prefix tkiros: <https://w3id.org/tkiros/vocab/> .
@prefix tkd: <https://w3id.org/tkiros/data/> .
tkd:zz-second-clone-f01 a tkiros:Finding .
"""


def _tkiros(args, cwd, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k != "TKIROS_HOME"}
    env.update(env_extra or {})
    exe = Path(sys.executable).with_name("tkiros")
    return subprocess.run([str(exe), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_a_second_clone_reads_its_own_data(tmp_path):
    """The editable install lives in this checkout; run from inside another clone, it reads that clone."""
    clone = copy_project(tmp_path / "clone")
    (clone / "instances" / "zz-extra.ttl").write_text(EXTRA)
    (clone / "docs").mkdir()
    ours = json.loads(_tkiros(["stats", "--format", "json"], cwd=ROOT).stdout)
    res = _tkiros(["stats", "--format", "json"], cwd=clone / "docs")  # a subfolder, as with git
    assert res.returncode == 0, res.stderr
    theirs = json.loads(res.stdout)
    assert theirs["findings"] == ours["findings"] + 1
    assert theirs["data"] == str(clone.resolve()) and theirs["data source"] == "checkout"
    version = _tkiros(["--version"], cwd=clone).stdout
    assert f"data: {clone.resolve()}" in version


def test_editable_install_outside_any_project_reads_its_checkout(tmp_path):
    res = _tkiros(["--version"], cwd=tmp_path)
    assert res.returncode == 0
    assert f"data: {ROOT} (the checkout of the editable install)" in res.stdout
    assert res.stderr == ""  # an unrelated folder earns no note


def test_tkiros_home_wins_over_the_working_directory(tmp_path):
    home = copy_project(tmp_path / "home")
    res = _tkiros(["--version"], cwd=ROOT, env_extra={"TKIROS_HOME": str(home)})
    assert f"data: {home.resolve()} (from TKIROS_HOME)" in res.stdout


def _fake_bundled(tmp_path: Path) -> Path:
    bundled = tmp_path / "site-packages" / "tkiros" / "_data"
    (bundled / "ontology").mkdir(parents=True)
    (bundled / "ontology" / "tkiros.ttl").write_text("")
    (bundled / "instances").mkdir()
    return bundled


def test_installed_wheel_uses_the_bundled_copy_outside_a_project(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TKIROS_HOME", raising=False)
    bundled = _fake_bundled(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    src = data_source(cwd=elsewhere, bundled=bundled)
    assert (src.root, src.kind) == (bundled, "bundled")
    assert "bundled with the installed package" in src.describe()
    assert capsys.readouterr().err == ""


def test_installed_wheel_reads_the_checkout_it_stands_in(tmp_path, monkeypatch):
    """`pip install .` then editing instances/: the edits are read, not the frozen copy."""
    monkeypatch.delenv("TKIROS_HOME", raising=False)
    bundled = _fake_bundled(tmp_path)
    clone = copy_project(tmp_path / "clone")
    src = data_source(cwd=clone / "instances", bundled=bundled)
    assert (src.root, src.kind) == (clone.resolve(), "checkout")


def test_a_broken_checkout_gets_a_note_on_stderr(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TKIROS_HOME", raising=False)
    bundled = _fake_bundled(tmp_path)
    half = tmp_path / "half"
    (half / "instances").mkdir(parents=True)  # ontology/ missing
    src = data_source(cwd=half, bundled=bundled)
    assert src.kind == "bundled"
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(half) in err and "bundled data" in err and "TKIROS_HOME" in err


def test_the_wheel_bundles_every_data_folder():
    """The non-editable install's fallback exists only if pyproject force-includes each data folder."""
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())
    included = cfg["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    for d in DATA_DIRS:
        assert included.get(d) == f"tkiros/_data/{d}"


def test_pip_install_dot_reads_the_bundled_copy_outside_and_the_checkout_inside(tmp_path):
    """Quick start 1, for real: a wheel built from this checkout and installed (non-editable). Outside any
    project it reads its frozen copy and says so; inside a clone it reads that clone's edited instances/."""
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(wheels)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    site = tmp_path / "site"
    with zipfile.ZipFile(next(wheels.glob("tkiros-*.whl"))) as whl:  # what `pip install` puts in site-packages
        whl.extractall(site)
    env = {k: v for k, v in os.environ.items() if k != "TKIROS_HOME"}
    env["PYTHONPATH"] = str(site)  # before the editable install's path

    def run(args, cwd):
        return subprocess.run(
            [sys.executable, "-m", "tkiros.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
        )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [sys.executable, "-c", "import tkiros; print(tkiros.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.strip() == str(site / "tkiros" / "__init__.py")
    version = run(["--version"], elsewhere)
    assert f"data: {site / 'tkiros' / '_data'} (the copy bundled with the installed package)" in version.stdout, (
        version.stdout
    )
    assert version.stderr == ""
    bundled = json.loads(run(["stats", "--format", "json"], elsewhere).stdout)
    ours = json.loads(_tkiros(["stats", "--format", "json"], cwd=ROOT).stdout)
    assert bundled["data source"] == "bundled" and bundled["findings"] == ours["findings"]

    clone = copy_project(tmp_path / "clone")
    (clone / "instances" / "zz-extra.ttl").write_text(EXTRA)
    theirs = json.loads(run(["stats", "--format", "json"], clone / "instances").stdout)
    assert theirs["data"] == str(clone.resolve()) and theirs["findings"] == ours["findings"] + 1
