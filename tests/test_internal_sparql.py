"""The SPARQL the code runs (src/tkiros/sparql/**/*.rq): each file is a titled, well-formed query."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from tkiros.rqfile import INTERNAL_FOLDER, header, internal

FILES = sorted(INTERNAL_FOLDER.rglob("*.rq"))


def test_every_file_is_a_case():
    assert len(FILES) == len(list(Path(INTERNAL_FOLDER).rglob("*.rq"))) >= 20


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(INTERNAL_FOLDER)) for p in FILES])
def test_internal_query_is_titled_and_parses(path):
    name = str(path.relative_to(INTERNAL_FOLDER).with_suffix(""))
    text = internal(name)
    assert header(text, "title"), f"{name}.rq: no '# title:' header"
    ox.Store().query(text)  # a syntax error raises SyntaxError
