"""Stage 2, reasoning: the reasoners (fast path, HermiT, Pellet, OWL RL) and the cached inferred graph."""
