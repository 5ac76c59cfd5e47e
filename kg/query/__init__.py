"""Stage 7, query: SPARQL over a build (`sparql`), and the saved questions shipped as .rq files
in `questions/` (`saved`).

In: a build folder and a query. Out: results as tables or in a standard results format.
Must not import: analytics, exchange, explorer, serve, evaluation.
"""

from kg.query.saved import list_saved, run_saved
from kg.query.sparql import QueryError, run, serialize, table

__all__ = ["QueryError", "list_saved", "run", "run_saved", "serialize", "table"]
