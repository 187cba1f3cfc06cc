"""Query engines: the embedded Oxigraph store (isolated in a child process), rdflib (naive) and any SPARQL
1.1 endpoint (remote)."""
