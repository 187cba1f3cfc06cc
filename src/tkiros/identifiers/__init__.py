"""Stage 4, identifiers: external identifiers verified against their sources, the import modules,
SSSOM mappings and the review of exact matches."""
