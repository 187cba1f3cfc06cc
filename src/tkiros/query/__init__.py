"""Stage 3, queries: saved SPARQL (queries), the Result type and its writers (results), and the engines
that evaluate a query (engines/)."""
