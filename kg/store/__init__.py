"""Stage 6, store: the build folder. The embedded Oxigraph store, graph.ttl and graph.trig
(`dataset`), every article's records on disk (`recordio`) and atomic file writes (`atomic`).

In: quads and records. Out: a build folder that later stages open read-only.
Must not import: query or any later stage; spaCy.
"""
