"""Where the data lives: TKIROS_HOME, the project around the working directory, or the copy in the wheel.

Resolution works like git finding its repository: the nearest folder at or above the working directory
that holds ontology/tkiros.ttl and instances/ is the project. Without one, the data bundled inside the
wheel is used (for an editable install, the checkout it was installed from).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from tkiros.errors import SourceError

DATA_DIRS = ("ontology", "instances", "seeds", "shapes", "queries")
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/tkiros (this module is in src/tkiros/store/)


class DataSource:
    """Which data tkiros reads: ``root``, and ``kind``, why ("TKIROS_HOME", "checkout" or "bundled"). A plain
    class: a dataclass imports inspect, a fifth of a cold query's budget."""

    __slots__ = ("root", "kind")

    def __init__(self, root: Path, kind: str):
        object.__setattr__(self, "root", root)
        object.__setattr__(self, "kind", kind)

    def __setattr__(self, name, value):
        raise AttributeError(f"cannot assign to field {name!r}")  # frozen

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.root, self.kind) == (other.root, other.kind)

    def __hash__(self) -> int:
        return hash((self.root, self.kind))

    def __repr__(self) -> str:
        return f"DataSource(root={self.root!r}, kind={self.kind!r})"

    def describe(self) -> str:
        how = {
            "TKIROS_HOME": "from TKIROS_HOME",
            "checkout": "the project around the working directory",
            "bundled": "the copy bundled with the installed package"
            if self.root.name == "_data"
            else "the checkout of the editable install",
        }[self.kind]
        return f"{self.root} ({how})"


def is_project(folder: Path) -> bool:
    return (folder / "ontology" / "tkiros.ttl").is_file() and (folder / "instances").is_dir()


def _looks_like_checkout(folder: Path) -> bool:
    """A folder a user would take for a tkiros checkout even though it is incomplete."""
    if (folder / "instances").is_dir() or (folder / "ontology").is_dir():
        return True
    pyproject = folder / "pyproject.toml"
    try:
        return pyproject.is_file() and 'name = "tkiros"' in pyproject.read_text(encoding="utf-8")
    except OSError:
        return False


def bundled_root() -> Path:
    """The wheel's frozen copy, or for an editable install the checkout the package sits in."""
    checkout = PACKAGE_DIR.parent.parent  # src/tkiros -> repository root
    if is_project(checkout):
        return checkout
    return PACKAGE_DIR / "_data"


_warned: set[Path] = set()


def data_source(cwd: Path | None = None, bundled: Path | None = None, warn: bool = True) -> DataSource:
    """Which data tkiros reads, and why."""
    env = os.environ.get("TKIROS_HOME")
    if env:
        return DataSource(Path(env).resolve(), "TKIROS_HOME")
    try:
        start = Path(cwd) if cwd else Path.cwd()
    except OSError:  # the working directory was removed
        start = None
    if start is not None:
        start = start.resolve()
        for folder in (start, *start.parents):
            if is_project(folder):
                return DataSource(folder, "checkout")
    root = Path(bundled) if bundled else bundled_root()
    if warn and start is not None and start not in _warned:
        near = next((f for f in (start, *start.parents) if _looks_like_checkout(f)), None)
        if near is not None and near.resolve() != root.resolve():
            _warned.add(start)
            print(
                f"tkiros: note: {near} lacks ontology/tkiros.ttl or instances/; using the bundled data in {root} "
                "(set TKIROS_HOME to choose)",
                file=sys.stderr,
            )
    return DataSource(root, "bundled")


def project_root() -> Path:
    """The folder holding ontology/, instances/, seeds/, shapes/ and queries/."""
    return data_source().root


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
    """SPARQL CONSTRUCT rules whose results are added to the graph, in the order they run.

    Each rule sees the output of the rules before it, so the order is part of the meaning: every file name
    starts with a two-digit rank (``20-direct-edges.rq`` runs after ``10-supported-findings.rq``).
    """
    root = root or project_root()
    rules = sorted((root / "ontology" / "rules").glob("*.rq"))
    for rule in rules:
        if not re.match(r"\d\d-", rule.name):
            raise SourceError(
                f"ontology/rules/{rule.name}: a rule's file name must start with its two-digit rank "
                "(e.g. 30-evidence-origin.rq): rules run in that order, each on the previous ones' output"
            )
    ranks = [r.name[:2] for r in rules]
    shared = sorted({r for r in ranks if ranks.count(r) > 1})
    if shared:
        raise SourceError(
            f"ontology/rules/: two rules share the rank {shared[0]}; give each its own so the order is explicit"
        )
    return rules


def shown_path(path: Path, root: Path) -> str:
    """``path`` as a user reads it in a message: relative to the project root when it is inside it."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
