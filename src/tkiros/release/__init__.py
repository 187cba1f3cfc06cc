"""Stage 6, releases: the published files (RDF serialisations, metadata, KGX, nanopublications, HTML
documentation) and the diff of two releases."""
