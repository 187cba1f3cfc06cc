"""The import rule of docs/architecture.md, read from the source with ast (every import, also those
inside functions): a module imports only from its own stage or the stages below it, no two modules
import each other (directly or round a longer circle), and no module imports another's private name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "tkiros"

# The stages, lowest first; a module's stage is its first package below tkiros (or its own name).
STAGES = [
    {"errors", "vocab", "prefixes", "rdfio", "rqfile", "datatables", "output", "procs"},  # foundations
    {"store"},
    {"reasoning"},
    {"query"},
    {"checks"},
    {"identifiers"},
    {"views"},
    {"release", "serve"},
    {"ingest"},
    {"cli", "__init__"},  # the command line and the Python API facade sit on top
]
RANK = {name: i for i, names in enumerate(STAGES) for name in names}
MAX_LINES = 420  # "no module much over 400 lines"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(target: str) -> str | None:
    """The tkiros module that ``target`` (a module or module.attribute) names, or None."""
    while target:
        if target in MODULES:
            return target
        target = target.rpartition(".")[0]
    return None


def imports(module: str) -> list[tuple[str, str, int]]:
    """(imported module, imported name or '', line) for each import of a tkiros module."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(resolve(a.name), "", node.lineno) for a in node.names if a.name.startswith("tkiros")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if not base.startswith("tkiros"):
                continue
            for a in node.names:
                sub = resolve(f"{base}.{a.name}")
                if sub == f"{base}.{a.name}":  # a submodule imported from its package
                    out.append((sub, "", node.lineno))
                else:
                    out.append((resolve(base), a.name, node.lineno))
    return [(m, n, line) for m, n, line in out if m and m != module]


GRAPH = {m: imports(m) for m in MODULES}


def test_the_stages_name_every_package():
    assert {stage(m) for m in MODULES} <= set(RANK), (
        "a new package needs its place in STAGES (and docs/architecture.md)"
    )


def test_imports_point_down_the_stages():
    upward = [
        f"{MODULES[m].relative_to(SRC)}:{line}: {m} ({stage(m)}) imports {t} ({stage(t)})"
        for m, deps in GRAPH.items()
        for t, _, line in deps
        if RANK[stage(t)] > RANK[stage(m)] and stage(t) != "__init__"
    ]
    assert not upward, "\n".join(upward)


def test_no_private_name_is_imported_across_modules():
    private = [
        f"{MODULES[m].relative_to(SRC)}:{line}: {n} from {t}"
        for m, deps in GRAPH.items()
        for t, n, line in deps
        if n.startswith("_") and not n.startswith("__")
    ]
    assert not private, "\n".join(private)


def test_no_import_circle():
    # tkiros.__version__ is a constant, not a dependency on the API facade that imports everything
    edges = {m: {t for t, n, _ in deps if (t, n) != ("tkiros", "__version__")} for m, deps in GRAPH.items()}
    circles, state = [], {}

    def visit(m, path):
        state[m] = "open"
        for t in sorted(edges[m]):
            if state.get(t) == "open":
                circles.append(" -> ".join(path[path.index(t) :] + [t]))
            elif t not in state:
                visit(t, path + [t])
        state[m] = "done"

    for m in sorted(edges):
        if m not in state:
            visit(m, [m])
    assert not circles, "\n".join(circles)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_much_over_400_lines(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[module].relative_to(SRC)} has {lines} lines; split it along its sections"


def test_the_graph_is_read():
    # the rule tests above would pass on an empty graph; make sure the reader finds the real imports
    assert ("tkiros.store.store", "open_store") in {(t, n) for t, n, _ in GRAPH["tkiros.query.queries"]}
    assert len(MODULES) >= 40


def test_the_readme_layout_table_names_every_folder():
    import re
    import subprocess

    root = SRC.parent
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout
    folders = {str(Path(f).parent) for f in tracked.splitlines()} - {"."}
    assert len(folders) >= 20  # the file list was read
    readme = (root / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    missing = sorted(f for f in folders if not re.search(rf"(?<![\w-]){re.escape(Path(f).name)}\b", layout))
    assert not missing, "README.md's layout table does not name: " + ", ".join(missing)
