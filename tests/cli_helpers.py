"""Shared test helpers: run the CLI as a user does, and copy the project to a scratch folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import click
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA_DIRS = ("ontology", "instances", "seeds", "shapes", "queries")


def invoke(args, env=None):
    """Run the CLI through main(), so that errors become one line and an exit code, as for users."""
    from tkiros.cli import main

    @click.command()
    def entry():
        main(list(args))

    return CliRunner().invoke(entry, [], catch_exceptions=False, env=env)


def copy_project(target: Path) -> Path:
    """A copy of the project's data folders (to break on purpose) at ``target``."""
    for d in DATA_DIRS:
        shutil.copytree(ROOT / d, target / d)
    return target
