"""tkiros: tyrosine kinase inhibitors, reactive oxygen species, resistance and re-sensitization.

The Python API the CLI is a thin layer over::

    import tkiros
    graph = tkiros.open_graph()                      # embedded pyoxigraph store (cached)
    for q in tkiros.list_queries():                  # saved SPARQL in queries/
        print(q.name, q.title)
    result = tkiros.run_query("tkis-raising-ros", params={"tki": "gefitinib"})
    print(result.to("table"))
    report = tkiros.validate()                       # SHACL shapes in shapes/
    print(report.conforms, report.text())

Heavy modules (rdflib, pyshacl, owlready2) are imported only by the functions that need them.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "open_graph", "list_queries", "get_query", "run_query", "validate", "stats", "TkirosError"]

from tkiros.errors import TkirosError


def open_graph(**kwargs):
    """Open the embedded default store built from ontology/, seeds/ metadata and instances/."""
    from tkiros.store.store import open_store

    return open_store(**kwargs)


def list_queries(folder=None):
    """The saved queries of queries/ (or ``folder``), sorted by name."""
    from tkiros.query.queries import list_queries as _list

    return _list(folder)


def get_query(name_or_path):
    """One saved query by name or by path of an .rq file."""
    from tkiros.query.queries import get_query as _get

    return _get(name_or_path)


def run_query(name_or_path, params=None, store=None):
    """Run a saved query (name or .rq path) with parameters bound as RDF terms; returns a Result."""
    from tkiros.query.queries import run_query as _run

    return _run(name_or_path, params=params or {}, store=store)


def validate(data=None):
    """Run the SHACL shapes of shapes/ over the graph; returns a ValidationReport."""
    from tkiros.checks.validate import validate as _validate

    return _validate(data)


def stats(store=None):
    """Counts of classes, individuals, findings, references and triples."""
    from tkiros.views.stats import stats as _stats

    return _stats(store)
