"""Stage 3, extract: pure functions from a parsed spaCy Doc to the records of `kg.records`
(mentions, aliases, events with arguments, relations, times, quantities); `pipeline` runs them over
batches of articles, in this process or in worker processes that return records, never Docs.

In: Documents and the nlp stage's pipeline and gazetteer. Out: `kg.records.ArticleRecords`.
Must not import: resolve, rdf, store or any later stage.
"""
