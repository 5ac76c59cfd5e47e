"""Serve: the SPARQL 1.1 Protocol endpoint (`server`), its query workers in separate processes
(`pool`, `worker`), the guards that keep a query from reaching the network (`guard`) and content
negotiation (`formats`).

In: a build folder and HTTP requests. Out: query results, the explorer and the graph files.
Must not import: explorer, exchange, evaluation; rdflib stays out of the workers.
"""
