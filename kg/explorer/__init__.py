"""Explorer: the offline HTML page. The graph read into nodes, links and evidence (`reading`,
`data`), laid out in Python (`writer`), embedded in one escaped page with its script and styles
(`page`, `assets/`).

In: a build's dataset. Out: explorer.html.
Must not import: serve, exchange, evaluation.
"""
