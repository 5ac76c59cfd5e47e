"""newskg: build RDF knowledge graphs of actors, places and events from news articles.

Every fact in the graph points back to the characters of the sentence that states it.
The Python API: `kg.build.build` (and `remove`), `kg.query.run`, `table` and `run_saved`; the
``kg`` command (`kg.cli`) is a thin layer over the library. One subpackage per stage of the
pipeline; docs/architecture.md shows them and what flows between them.
"""

__version__ = "0.1.0"
