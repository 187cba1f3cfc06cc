"""Query engines behind one interface: ``ENGINES[name](text, substitutions, graph, *, where, timeout, max_rows,
inferred, endpoint) -> Result``. ``text`` is the query with its parameters already bound in ``substitutions``
(RDF terms); ``graph`` is the embedded store the parameters were resolved on (the inferred store when
``inferred``). An engine that cannot honour an argument refuses it with a one-line error."""

from __future__ import annotations

from typing import Protocol

from tkiros.query.engines import naive, oxigraph, remote
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


ENGINES: dict[str, Engine] = {"oxigraph": oxigraph.run, "rdflib": naive.run, "endpoint": remote.run}
