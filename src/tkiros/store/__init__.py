"""Stage 1, the store: where the data is (paths), the seed texts (seeds), and the compiled, cached
pyoxigraph store of ontology/, instances/ and seed metadata with the rules' derived edges (store)."""
