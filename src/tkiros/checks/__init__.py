"""Stage 3, checks: SHACL validation, the SPARQL quality checks of shapes/checks/, the curator's fast loop
and coverage of the source text."""
