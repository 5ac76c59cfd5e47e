"""Stage 8, analytics: the graph as a network. One projection of the store into networkx
(`projection`, shared by exports and analytics), then ranking, communities and paths (`network`).

In: a build folder. Out: networkx graphs, statistics, paths with their evidence.
Must not import: exchange, explorer, serve, evaluation.
"""
