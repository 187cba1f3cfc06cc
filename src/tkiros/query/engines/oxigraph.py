"""The embedded engine: Oxigraph evaluates the query in a forked child (tkiros.query.isolate), within a time
limit and a row cap."""

from __future__ import annotations

import pyoxigraph as ox

from tkiros.errors import TkirosError
from tkiros.query.results import Result
from tkiros.rqfile import check_read_only, syntax_message

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_ROWS = 200_000


def _evaluate(store, text: str, substitutions: dict | None, where: str, max_rows: int | None) -> Result:
    try:
        res = store.query(text, substitutions=substitutions or None)
        if isinstance(res, ox.QueryBoolean):
            return Result(["ask"], [], bool(res))
        if not isinstance(res, ox.QuerySolutions):
            raise TkirosError(f"{where}: CONSTRUCT/DESCRIBE queries are not saved-query results; use SELECT or ASK")
        variables = [v.value for v in res.variables]
        rows = []
        for sol in res:
            if max_rows is not None and len(rows) >= max_rows:
                raise TkirosError(f"{where}: more than {max_rows} rows; add a LIMIT or raise --max-rows")
            rows.append([sol[v] for v in variables])
        return Result(variables, rows)
    except SyntaxError as err:
        raise TkirosError(syntax_message(where, str(err))) from None
    except (OSError, RuntimeError, ValueError) as err:
        raise TkirosError(f"{where}: query failed: {str(err).splitlines()[0]}") from None


def execute(
    store,
    text: str,
    substitutions: dict | None = None,
    where: str = "query",
    timeout: float | None = DEFAULT_TIMEOUT_S,
    max_rows: int | None = DEFAULT_MAX_ROWS,
) -> Result:
    """Run a user's query: read-only, in a child process (see tkiros.query.isolate), within ``timeout``
    seconds and ``max_rows`` rows (None: no limit)."""
    from tkiros.query.isolate import run_isolated  # looked up at call time, so a test can stand in for it

    check_read_only(text, where)
    if max_rows is not None and max_rows < 1:
        raise TkirosError(f"--max-rows {max_rows}: must be 1 or more")
    return run_isolated(lambda: _evaluate(store, text, substitutions, where, max_rows), timeout, where)


def run(
    text: str,
    substitutions: dict,
    graph,
    *,
    where: str = "query",
    timeout: float | None = DEFAULT_TIMEOUT_S,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    inferred: bool = False,
    endpoint: str | None = None,
) -> Result:
    """The engine interface (tkiros.query.engines): ``graph`` is already the inferred store when ``inferred``."""
    return execute(graph, text, substitutions, where=where, timeout=timeout, max_rows=max_rows)
