"""A bounded load test on loopback: 8 concurrent clients for 3 seconds against `tkiros serve`.

Every request must succeed with the same rows, and the server must still answer afterwards. No timing
assertions: throughput and latency are measured by benchmarks/query_bench.py, not tested.
"""

from __future__ import annotations

import threading
import time

from tkiros.query.queries import run_query
from tkiros.serve.server import serving

CLIENTS = 8
SECONDS = 3.0
QUERY = "source-errata"  # a simple saved query: one pattern, a few dozen rows


def test_concurrent_clients_get_no_errors(graph):
    from test_serve import count_triples

    expected = sorted(tuple(str(t) for t in row) for row in run_query(QUERY, store=graph).rows)
    assert expected
    counts = [0] * CLIENTS
    errors: list[str] = []
    with serving(location=graph.path, port=0) as endpoint:
        deadline = time.monotonic() + SECONDS

        def client(i: int) -> None:
            while time.monotonic() < deadline:
                try:
                    result = run_query(
                        QUERY, store=graph, endpoint=endpoint, timeout=30
                    )  # list cells sorted as for any engine
                    rows = sorted(tuple(str(t) for t in row) for row in result.rows)
                except Exception as err:  # every failure counts, whatever its kind
                    errors.append(f"{type(err).__name__}: {err}")
                    continue
                if rows != expected:
                    errors.append(f"client {i}: {len(rows)} rows instead of {len(expected)}")
                counts[i] += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(SECONDS + 60)
        assert not any(t.is_alive() for t in threads), "a client hung"
        assert errors == []
        assert all(c > 0 for c in counts), f"a client got no answer: {counts}"
        assert count_triples(endpoint) == len(graph)  # still answering afterwards
