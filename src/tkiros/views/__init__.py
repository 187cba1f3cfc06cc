"""Stage 5, views: what a reader sees of the graph: search and evidence cards, the review's tables,
diagrams, explanations of inferred classes and counts."""
