"""newskg: build RDF knowledge graphs of actors, places and events from news articles.

Every fact in the graph points back to the characters of the sentence that states it.
The plain Python API lives in :mod:`kg.api`; the ``kg`` command is a thin layer over it.
"""

__version__ = "0.1.0"
