"""From a plain-text paper to candidate findings, offline: sentences, grounding, extraction, the
candidates file and the curator's accept/reject loop. Rules live in rules.toml beside this file."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def rules() -> dict:
    with open(Path(__file__).with_name("rules.toml"), "rb") as fh:
        return tomllib.load(fh)
