"""Saved queries sent to any SPARQL 1.1 endpoint through SPARQLWrapper.

A remote endpoint cannot take SEP-0007 substitutions: bound parameters arrive here already written into
the query as constants where that is exact (tkiros.query.bind), and the others travel as a trailing SPARQL VALUES
block; either way as N-Triples terms (escaped by pyoxigraph), never as raw text.
"""

from __future__ import annotations

import json
import math
import threading

from tkiros.errors import TkirosError
from tkiros.query.results import Result
from tkiros.rdfio import term_from_json
from tkiros.rqfile import QUERY_FORMS, check_read_only, query_form


def values_block(substitutions: dict) -> str:
    if not substitutions:
        return ""
    names = " ".join(f"?{v.value}" for v in substitutions)
    terms = " ".join(str(t) for t in substitutions.values())  # N-Triples syntax: <iri> or "escaped"^^<dt>
    return f"\nVALUES ({names}) {{ ({terms}) }}\n"


def parse_results(raw: bytes, where: str):
    if b"operation has been cancelled" in raw[:2000] or b"Timeout" in raw[:200]:
        raise TkirosError(f"{where}: the endpoint cut the query (its time limit?)")
    try:
        data = json.loads(raw.decode("utf-8"))
        if "boolean" in data:
            return Result(["ask"], [], bool(data["boolean"]))
        variables = list(data["head"]["vars"])
        rows = [[term_from_json(b[v]) if v in b else None for v in variables] for b in data["results"]["bindings"]]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
        snippet = raw[:60].decode("utf-8", "replace").replace("\n", " ")
        raise TkirosError(
            f"{where}: the endpoint did not answer with SPARQL JSON results ({type(err).__name__}; starts {snippet!r})"
        ) from None
    return Result(variables, rows)


def run_remote(endpoint: str, text: str, substitutions: dict, timeout: float = 30.0, where: str = "query"):
    from urllib.error import HTTPError, URLError

    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    if not endpoint.startswith(("http://", "https://")):
        raise TkirosError(f"--endpoint {endpoint}: not an http(s) URL")
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setTimeout(max(1, math.ceil(timeout)) if math.isfinite(timeout) else None)
    client.setQuery(text + values_block(substitutions))
    # SPARQLWrapper guesses the form with a regex that skips only every other comment line, so a header
    # line saying e.g. "drops" sent a SELECT as an update; the grammar's reading (query_form) decides.
    form = query_form(text)
    if form in QUERY_FORMS:  # run() refuses an update before sending; anything else is a syntax error there
        client.queryType = form
    outcome: dict = {}

    def call() -> None:
        try:
            response = client.query()
            outcome["raw"] = response.response.read()
        except BaseException as err:  # handed to the caller's thread
            outcome["error"] = err

    # The socket timeout bounds each read only; a trickling endpoint is cut by this deadline on the whole call.
    worker = threading.Thread(target=call, name="tkiros-endpoint", daemon=True)
    worker.start()
    worker.join(timeout if math.isfinite(timeout) else None)
    if worker.is_alive():
        raise TkirosError(f"--endpoint {endpoint}: no complete answer within {timeout:g} s (--timeout)")
    try:
        if "error" in outcome:
            raise outcome["error"]
        raw = outcome["raw"]
    except HTTPError as err:
        raise TkirosError(f"--endpoint {endpoint}: HTTP {err.code} {err.reason}") from None
    except SPARQLWrapperException as err:
        # SPARQLWrapper puts the server's own explanation (e.g. Virtuoso's "SQ074 ...") after the first line
        lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
        detail = " ".join(lines[:3])[:200]
        raise TkirosError(f"--endpoint {endpoint}: the endpoint refused the query: {detail}") from None
    except (URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise TkirosError(f"--endpoint {endpoint}: cannot reach the endpoint: {reason}") from None
    except Exception as err:  # SPARQLWrapper wraps socket timeouts in several ways
        raise TkirosError(
            f"--endpoint {endpoint}: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else 'failed'}"
        ) from None
    return parse_results(raw, f"--endpoint {endpoint}")


def run(
    text: str,
    substitutions: dict,
    graph,
    *,
    where: str = "query",
    timeout: float | None = 30.0,
    max_rows: int | None = None,
    inferred: bool = False,
    endpoint: str | None = None,
) -> Result:
    """The engine interface (tkiros.query.engines): the query goes to ``endpoint``, which answers from its own
    graph; SERVICE is the endpoint's business, not a fetch by tkiros."""
    if inferred:
        raise TkirosError(
            f"--endpoint {endpoint}: --inferred cannot apply to an endpoint, which answers from its own graph; "
            "load the reasoned graph there (tkiros reason -o FILE) and query it without --inferred"
        )
    check_read_only(text, where, allow_service=True)
    return run_remote(endpoint, text, substitutions, timeout=timeout if timeout is not None else math.inf, where=where)
