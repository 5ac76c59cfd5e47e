"""Quality benchmark of newskg on real annotated corpora: `python -m bench.quality`.

The product is scored only from what `kg build` writes (graph.trig, report.json), so the numbers
describe what a user of the build gets; the raw spaCy model the build used is scored beside it
with the same scorer functions (the "floor"), so a gain or a loss is the product's own.
"""
