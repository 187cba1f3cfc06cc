"""Validate KGX tables with the ``kgx`` library itself, offline; run by tests/test_publish.py in its own venv.

    python kgx_validate.py NODES.tsv EDGES.tsv     # prints {"errors": N, "messages": [...]} as JSON

kgx 2.6 downloads the Biolink Model YAML, the predicate mapping and JSON-LD contexts from GitHub when it
is imported; here it reads the copies shipped by the ``biolink-model`` package instead, so the check is
the same on a machine without network and pinned to the model the export was written for. kgx pins old
Sphinx and pyarrow, which is why it lives in a venv of its own rather than among the test extras.
"""

import importlib.resources as ir
import json
import sys

import bmt

SCHEMA = str(ir.files("biolink_model") / "schema" / "biolink_model.yaml")
_init = bmt.Toolkit.__init__
bmt.Toolkit.__init__ = lambda self, schema=SCHEMA, predicate_map=None, **kw: _init(
    self, schema, predicate_map or {"predicate mappings": []}, **kw
)

import kgx.config  # noqa: E402  (after the patch: kgx builds a Toolkit when imported)

kgx.config.get_config()
PREFIX_MAP = json.loads((ir.files("biolink_model") / "prefixmaps" / "biolink_model_prefix_map.json").read_text())
for name in ("biolink", "monarch_context", "obo_context"):
    kgx.config.jsonld_context_map[name] = dict(PREFIX_MAP)

from kgx.transformer import Transformer  # noqa: E402
from kgx.validator import Validator  # noqa: E402


def main(nodes: str, edges: str) -> None:
    validator = Validator()
    validator.prefixes.add("tkd")  # our own individuals' prefix, declared in the release's context.jsonld
    transformer = Transformer(stream=True)
    transformer.transform(
        input_args={"filename": [nodes, edges], "format": "tsv"}, output_args={"format": "null"}, inspector=validator
    )
    messages = []
    for level, by_type in validator.get_errors().items():
        for error_type, by_message in by_type.items():
            for message, ids in by_message.items():
                messages.append(f"{level} {error_type}: {message} ({', '.join(sorted(set(map(str, ids)))[:3])})")
    print(json.dumps({"errors": len(messages), "messages": sorted(messages)}))


if __name__ == "__main__":
    main(*sys.argv[1:3])
