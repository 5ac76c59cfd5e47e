"""Exchange: the graph out to other tools. Files in RDF and network formats (`export`) and
uploads into triple stores over the Graph Store Protocol or SPARQL Update (`push`).

In: a build folder. Out: files, or HTTP requests to a store the user names.
Must not import: explorer, serve, evaluation.
"""
