"""The package's data tables: tab-separated files with a header row, whose lines starting with '#' are
comments (release/kgx_columns.tsv, release/biolink.sssom.tsv, release/site_assets/kinds.tsv,
checks/conflict_contexts.tsv)."""

from __future__ import annotations

import csv
from pathlib import Path

# a yes/no cell of a data table; anything else is the table's error, reported by its reader
FLAGS = {"true": True, "false": False}


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a data table, by its header."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))
