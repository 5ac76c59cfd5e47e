"""Stage 1, ingest: files and folders (.txt, .html, .jsonl) -> `kg.records.Document`s.

In: paths. Out: Documents (the text every later offset points into, with id, title, url, date and
the spans of headings and page chrome to skip) and one `InputError` per unreadable input.
Must not import: any later stage, spaCy, rdflib or pyoxigraph (reading text needs none of them).
"""
