"""Query engines behind one interface: ``ENGINES[name](text, substitutions, graph, *, where, timeout, max_rows,
inferred, endpoint) -> Result``. ``text`` is the query with its parameters already bound in ``substitutions``
(RDF terms); ``graph`` is the embedded store the parameters were resolved on (the inferred store when
``inferred``). An engine that cannot honour an argument refuses it with a one-line error."""

from __future__ import annotations

from importlib import import_module

from tkiros.query.engines import oxigraph

TYPE_CHECKING = False  # typing's flag, without importing typing (a tenth of a cold query's budget)
if TYPE_CHECKING:
    from typing import Protocol

    from tkiros.query.results import Result

    class Engine(Protocol):
        def __call__(
            self,
            text: str,
            substitutions: dict,
            graph,
            *,
            where: str,
            timeout: float | None,
            max_rows: int | None,
            inferred: bool,
            endpoint: str | None,
        ) -> Result: ...


def _on_first_call(module: str) -> Engine:
    """``tkiros.query.engines.MODULE.run``, imported when first called: a query on the embedded store
    loads neither rdflib nor the endpoint client."""

    def run(*args, **kwargs) -> Result:
        return import_module(f"tkiros.query.engines.{module}").run(*args, **kwargs)

    return run


ENGINES: dict[str, Engine] = {
    "oxigraph": oxigraph.run,
    "rdflib": _on_first_call("naive"),
    "endpoint": _on_first_call("remote"),
}
