"""Performance benchmark of newskg: synthetic corpus, floor vs build, memory, SPARQL latency."""
