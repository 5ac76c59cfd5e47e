"""Evaluation: extraction quality of a build against gold annotations (`kg-gold/1`). The gold
format (`gold`), event scoring (`events`) and the whole report (`evaluate`).

In: a gold file and a built graph. Out: scores and misses.
Must not import: build, nlp, extract (it reads a built graph only).
"""
