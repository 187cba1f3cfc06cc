"""Where the data lives: a source checkout, TKIROS_HOME, or the copy shipped inside the wheel."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIRS = ("ontology", "instances", "seeds", "shapes", "queries")


def project_root() -> Path:
    """The folder holding ontology/, instances/, seeds/, shapes/ and queries/."""
    env = os.environ.get("TKIROS_HOME")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parent
    checkout = here.parent.parent  # src/tkiros -> repository root
    if (checkout / "ontology" / "tkiros.ttl").is_file():
        return checkout
    return here / "_data"


def cache_dir() -> Path:
    env = os.environ.get("TKIROS_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tkiros"


def source_files(root: Path | None = None, instances: list[Path] | None = None) -> list[Path]:
    """Every Turtle file that makes up the asserted graph, in a stable order.

    ``instances`` replaces the files of instances/ (to validate a fixture or a draft on its own).
    """
    root = root or project_root()
    files: list[Path] = []
    files += sorted((root / "ontology").glob("*.ttl"))
    files += sorted((root / "ontology" / "imports").glob("*.ttl"))
    files += sorted((root / "seeds").glob("*.ttl"))
    files += sorted((root / "instances").rglob("*.ttl")) if instances is None else [Path(p) for p in instances]
    return files


def rule_files(root: Path | None = None) -> list[Path]:
    """SPARQL CONSTRUCT rules whose results are added to the graph (direct edges, superclass types)."""
    root = root or project_root()
    return sorted((root / "ontology" / "rules").glob("*.rq"))
