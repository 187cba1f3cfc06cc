"""What `tkiros query` does once its command line is read, without click: called by the click command
(tkiros.cli.app) and by the fast path of tkiros.cli.main alike."""

from __future__ import annotations


def query_command(
    name_or_file, params, fmt, output, engine, inferred, endpoint, timeout, max_rows, federation, min_evidence
):
    from tkiros.output import emit
    from tkiros.query.queries import parse_params, run_query
    from tkiros.rqfile import allow_federation

    allow_federation(federation)
    store = None
    if min_evidence is not None:
        from tkiros.query.queries import parse_evidence_level
        from tkiros.store.store import open_store

        store = open_store()
        min_rank = parse_evidence_level(min_evidence, store)  # before the query runs: a bad level fails fast
    result = run_query(
        name_or_file,
        parse_params(params),
        engine=engine,
        endpoint=endpoint,
        timeout=timeout,
        inferred=inferred,
        max_rows=max_rows,
    )
    if min_evidence is not None:
        from tkiros.query.queries import filter_min_evidence, get_query

        result = filter_min_evidence(result, min_rank, store, where=get_query(name_or_file).path.name)
    emit(result.to(fmt), output)
