"""Stage 4, resolve: which mentions, across articles, name the same thing.

In: the records of every article (`kg.records.ArticleRecords`). Out: a `Resolution` (entities with
stable keys, a key per mention, the merge log), an `EntityLocator` for mapping, and same-event links
as `kg.records.EventLink` records.
Must not import: rdf, store or any later stage; spaCy (Docs are gone by now).
"""
