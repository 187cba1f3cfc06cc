"""Stage 6, serving: a read-only Oxigraph SPARQL server behind a gateway that bounds every query."""
