"""Extractors: pure functions from parsed spaCy Docs to the records of kg.records."""
