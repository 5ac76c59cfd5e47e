"""Saved questions: parameterised SPARQL queries shipped as .rq files in kg/query/questions/.

Each file starts with a header of comment lines::

    # title: Events of an actor
    # description: What the query answers, in one or more lines.
    # param: actor (required) - name or alias of the actor

and is plain SPARQL that parses on its own (the prefixes of kg.vocab are predeclared by
kg.query.sparql). A parameter ``p`` has one or more slots in the query, of three kinds:

* ``VALUES ?_p_name { UNDEF }``: rendering replaces ``UNDEF`` with the value written as an
  escaped SPARQL string literal.
* ``VALUES ?_p_entity { UNDEF }``: the value names an entity of the merged graph (rdfs:label or
  skos:altLabel, case-insensitive; when no name matches exactly, every name holding the value's
  whole words matches). ``?_p_entity`` is bound to the matching entities' IRIs.
* ``VALUES ?_p_source { UNDEF }``: the same, unnamed sources (kg:UnnamedSource) included.
* ``VALUES ?_p_class { UNDEF }``: the value is the local name of a class of the ontology
  (case-insensitive), bound as that class's IRI, so a query starts from the class's members.

With a store at hand (run_saved), names are resolved in Python first: one index lookup of the
value as typed and in lower, upper and title case, so a query starts from a few IRIs instead of
scanning every label; the whole-word match runs only when that finds nothing. Without a store,
the slot becomes a subquery doing the same matching in SPARQL (correct, slower on big builds).

A header line ``# limit: N`` gives the query a row limit: every ``LIMIT N`` clause in the text
(N written as in the header) is a slot, N rows by default, and so is ``VALUES ?_limit { N }``
for a query that compares counts with it; the reserved param ``limit`` changes it, and
``limit=0`` removes the clauses and binds ?_limit to 0 (every row). Listings of a whole corpus cannot answer quickly
without one; each query's description says which rows come first.

User text therefore only ever becomes data inside a VALUES block, never query syntax, and a
query left unrendered is still valid: its parameters are simply unbound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import OWL, RDF, RDFS

from kg.query.sparql import QueryError, run
from kg.rdf.iris import MERGED_GRAPH
from kg.store.layout import default_dataset, open_store
from kg.vocab import KG_NS, PREFIXES

QUERIES_PACKAGE = "kg.query"
QUERIES_DIR = "questions"
MAX_VALUE_LENGTH = 500

_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_HEADER = re.compile(r"#\s*(title|description|param|limit)\s*:\s*(.*)")
_PARAM = re.compile(r"([a-z][a-z0-9_]*)\s*\((optional|required)\)\s*(?:-\s*(.*))?")
_SLOT = re.compile(r"VALUES\s+\?_([a-z][a-z0-9_]*)_(name|entity|source|class)\s*\{\s*UNDEF\s*\}")
LIMIT_PARAM = "limit"
# Characters a SPARQL short string literal must not hold raw, with their escapes (ECHAR).
_ESCAPES = {"\\": "\\\\", '"': '\\"', "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "\b": "\\b", "\f": "\\f"}




class SavedQueryError(QueryError):
    """A saved query is unknown, malformed, or given wrong parameters; the message says which."""


@dataclass(frozen=True)
class Param:
    name: str
    required: bool
    description: str


@dataclass(frozen=True)
class SavedQuery:
    """One saved question: its name (the file stem), header fields, SPARQL text and row limit."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    sparql: str
    source: str
    limit: int | None = None  # default rows of a '# limit: N' header; None: no row limit

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def queries_dir() -> Path:
    """The packaged queries folder (works from a checkout and from an installed wheel)."""
    return Path(str(resources.files(QUERIES_PACKAGE) / QUERIES_DIR))


def list_saved() -> list[SavedQuery]:
    """Every packaged saved query, sorted by name."""
    return [parse_saved(p.read_text(encoding="utf-8"), p.stem, str(p))
            for p in sorted(queries_dir().glob("*.rq"))]


def saved_names() -> list[str]:
    return sorted(p.stem for p in queries_dir().glob("*.rq"))


def load_saved(name: str) -> SavedQuery:
    """A packaged query by name ('events-of-actor'), or a user's own .rq file by path."""
    if name.endswith(".rq"):
        path = Path(name)
        if not path.is_file():
            raise SavedQueryError(f"{name}: no such saved query file")
        try:
            return parse_saved(path.read_text(encoding="utf-8"), path.stem, str(path))
        except (OSError, UnicodeDecodeError) as err:
            raise SavedQueryError(f"{name}: cannot read: {err}") from err
    path = queries_dir() / f"{name}.rq"
    if not _NAME.fullmatch(name) or not path.is_file():
        raise SavedQueryError(f"unknown saved query {name!r}; saved queries: {', '.join(saved_names())}")
    return parse_saved(path.read_text(encoding="utf-8"), name, str(path))


def parse_saved(text: str, name: str, source: str = "<text>") -> SavedQuery:
    """Read the header of a saved query and check that its parameters, slots and limit agree."""
    fields: dict[str, list[str]] = {"title": [], "description": [], "param": [], "limit": []}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        header = _HEADER.fullmatch(stripped)
        if header:
            fields[header.group(1)].append(header.group(2).strip())
        elif fields["description"] and not fields["param"] and not fields["limit"]:
            fields["description"].append(stripped.lstrip("#").strip())  # a continued description
    if len(fields["title"]) != 1 or not fields["title"][0]:
        raise SavedQueryError(f"{source}: the header needs exactly one '# title: ...' line")
    if not fields["description"]:
        raise SavedQueryError(f"{source}: the header needs a '# description: ...' line")
    params = []
    for spec in fields["param"]:
        m = _PARAM.fullmatch(spec)
        if not m:
            raise SavedQueryError(f"{source}: bad param line {spec!r}; "
                                  "expected '# param: NAME (optional|required) - description'")
        params.append(Param(m.group(1), m.group(2) == "required", (m.group(3) or "").strip()))
    declared = [p.name for p in params]
    if len(set(declared)) != len(declared):
        raise SavedQueryError(f"{source}: a param is declared twice")
    slots = {m.group(1) for m in _SLOT.finditer(text)}
    if missing := [p for p in declared if p not in slots]:
        raise SavedQueryError(f"{source}: param {', '.join(missing)} has no 'VALUES ?_NAME_name "
                              "{ UNDEF }' slot in the query")
    if undeclared := sorted(slots - set(declared)):
        raise SavedQueryError(f"{source}: slot ?_{undeclared[0]} has no '# param:' line")
    return SavedQuery(name, fields["title"][0], " ".join(fields["description"]), tuple(params),
                      text, source, _parse_limit(fields["limit"], declared, text, source))


def _parse_limit(lines: list[str], declared: list[str], text: str, source: str) -> int | None:
    """The default row limit of a '# limit: N' header, checked against the LIMIT N slots."""
    if not lines:
        return None
    if len(lines) > 1 or not re.fullmatch(r"[1-9][0-9]{0,8}", lines[0]):
        raise SavedQueryError(f"{source}: the header may have one '# limit: N' line, N a positive number")
    if LIMIT_PARAM in declared:
        raise SavedQueryError(f"{source}: '{LIMIT_PARAM}' is reserved for the row limit")
    default = int(lines[0])
    if not _limit_slot(default).search(text):
        raise SavedQueryError(f"{source}: '# limit: {default}' but no 'LIMIT {default}' in the query")
    return default


def _limit_slot(default: int) -> re.Pattern:
    """LIMIT N clauses, and VALUES ?_limit { N } blocks for queries that compare counts with it."""
    return re.compile(rf"\bLIMIT\s+{default}\b|VALUES\s+\?_limit\s*\{{\s*{default}\s*\}}")


def sparql_string(value: str) -> str:
    """value as a SPARQL string literal: quoted, with every special character escaped."""
    return '"' + "".join(_ESCAPES.get(c, c) for c in value) + '"'


def _checked_value(query: SavedQuery, name: str, value) -> str:
    if not isinstance(value, str):
        raise SavedQueryError(f"{query.name}: param {name} must be text, not {type(value).__name__}")
    value = value.strip()
    if not value:
        raise SavedQueryError(f"{query.name}: param {name} is empty")
    if len(value) > MAX_VALUE_LENGTH:
        raise SavedQueryError(f"{query.name}: param {name} is longer than {MAX_VALUE_LENGTH} characters")
    if any(ord(c) < 32 and c not in "\t\n\r" or ord(c) == 127 for c in value):
        raise SavedQueryError(f"{query.name}: param {name} holds control characters")
    return value


def _row_limit(query: SavedQuery, value) -> int:
    """The rows asked for: the header's default, or a whole number given as param (0: all)."""
    if value is None:
        return query.limit
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise SavedQueryError(f"{query.name}: param {LIMIT_PARAM} must be a whole number of rows "
                              f"(0 for all), not {value!r}")
    return int(text)


def _usage(query: SavedQuery) -> str:
    params = [f"{p.name} ({'required' if p.required else 'optional'}) - {p.description}"
              for p in query.params]
    if query.limit is not None:
        params.append(f"{LIMIT_PARAM} (optional) - at most this many rows, default {query.limit}; 0 for all")
    if not params:
        return f"{query.name} takes no params"
    return f"{query.name} takes: " + "; ".join(params)


def render(name: str | SavedQuery, params: dict[str, str] | None = None, store=None) -> str:
    """The SPARQL text of a saved query with its parameters bound (prefixes still implicit).

    With a store, entity names are resolved to IRIs here (see the module docstring); without
    one, the query matches the names itself.
    """
    query = name if isinstance(name, SavedQuery) else load_saved(name)
    params = dict(params or {})
    limit = _row_limit(query, params.pop(LIMIT_PARAM, None)) if query.limit is not None else None
    if unknown := sorted(k for k in params if query.param(k) is None):
        raise SavedQueryError(f"unknown param {', '.join(unknown)}; {_usage(query)}")
    if missing := [p.name for p in query.params if p.required and p.name not in params]:
        raise SavedQueryError(f"missing required param {', '.join(missing)}; {_usage(query)}")
    values = {k: _checked_value(query, k, v) for k, v in params.items()}
    resolved: dict[tuple[str, str], list] = {}

    def bind(slot: re.Match) -> str:
        param, kind = slot.group(1), slot.group(2)
        value = values.get(param)
        if value is None:
            return slot.group(0)
        if kind == "name":
            return f"VALUES ?_{param}_name {{ {sparql_string(value)} }}"
        if kind == "class":
            iri = ontology_classes().get(value.lower())
            return f"VALUES ?_{param}_class {{ {f'<{iri}>' if iri else ''} }}"
        if store is None:
            return matching_subquery(f"?_{param}_{kind}", value, kind == "source")
        if (param, kind) not in resolved:
            resolved[param, kind] = resolve_names(store, value, kind == "source")
        return f"VALUES ?_{param}_{kind} {{ {' '.join(map(str, resolved[param, kind]))} }}"

    text = _SLOT.sub(bind, query.sparql)
    if limit is not None and limit != query.limit:
        text = _limit_slot(query.limit).sub(
            lambda m: f"VALUES ?_limit {{ {limit} }}" if m.group(0).startswith("VALUES")
            else f"LIMIT {limit}" if limit else "", text)
    return text


# --- entity names --------------------------------------------------------------------------


def _named(var: str, label: str, sources: bool, values: str = "") -> str:
    """Pattern: var has the name label (a label or alias in the merged graph, or an unnamed
    source's); values, a VALUES clause, is repeated in each branch so each starts from it."""
    named = f"{{ {values} GRAPH <{MERGED_GRAPH}> {{ {var} rdfs:label|skos:altLabel {label} }} }}"
    if not sources:
        return named
    return f"{named} UNION {{ {values} {var} rdfs:label {label} . {var} a kg:UnnamedSource }}"


def matching_subquery(var: str, value: str, sources: bool = False) -> str:
    """A group binding var to the entities value names, all in SPARQL: names equal to value
    (case-insensitive) if any, else names holding its whole words. Reads every name."""
    literal = sparql_string(value)
    words = 'CONCAT(" ", REPLACE(LCASE(STR({0})), "-", " "), " ")'
    return f"""{{
    SELECT DISTINCT {var} WHERE {{
      {{ SELECT (COUNT(?_e) AS ?_exact) WHERE {{
          VALUES ?_value {{ {literal} }}
          {_named("?_e", "?_l", sources)}
          FILTER(LCASE(STR(?_l)) = LCASE(?_value)) }} }}
      {{ SELECT {var} ?_isExact WHERE {{
          VALUES ?_value {{ {literal} }}
          {_named(var, "?_l", sources)}
          BIND(LCASE(STR(?_l)) = LCASE(?_value) AS ?_isExact)
          FILTER(?_isExact || CONTAINS({words.format("?_l")}, {words.format("?_value")})) }} }}
      FILTER(?_isExact || ?_exact = 0)
    }}
  }}"""


@lru_cache(maxsize=1)
def ontology_classes() -> dict[str, str]:
    """The classes of the ontology in newskg's namespace, by lower-cased local name."""
    from kg.ontology import ontology_graph

    graph = ontology_graph()
    return {str(c)[len(KG_NS):].lower(): str(c)
            for kind in (OWL.Class, RDFS.Class) for c in graph.subjects(RDF.type, kind)
            if str(c).startswith(KG_NS)}


def name_variants(value: str) -> list[str]:
    """The spellings an exact lookup tries: as typed, lower, upper, title case, first letter up."""
    return list(dict.fromkeys([value, value.lower(), value.upper(), value.title(),
                               value[:1].upper() + value[1:]]))


def resolve_names(store, value: str, sources: bool = False) -> list[ox.NamedNode]:
    """The IRIs of the entities value names: an index lookup of its spellings first, and the
    whole-name scan of matching_subquery only when none of them is a name."""
    spellings = " ".join(sparql_string(v) for v in name_variants(value))
    values = f"VALUES ?l {{ {spellings} }}"
    exact = f"SELECT DISTINCT ?e WHERE {{ {_named('?e', '?l', sources, values)} }}"
    dataset = default_dataset(store)
    found = [row[0] for row in store.query(exact, prefixes=PREFIXES, **dataset)]
    if not found:
        fuzzy = f"SELECT ?e WHERE {matching_subquery('?e', value, sources)}"
        found = [row[0] for row in store.query(fuzzy, prefixes=PREFIXES, **dataset)]
    return sorted((t for t in found if isinstance(t, ox.NamedNode)), key=str)


def parse_param_args(items: list[str]) -> dict[str, str]:
    """CLI-style 'name=value' strings as a dict; the value may hold '=' and spaces."""
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise SavedQueryError(f"bad --param {item!r}: expected NAME=VALUE")
        if name in params:
            raise SavedQueryError(f"--param {name} given twice")
        params[name] = value
    return params


def run_saved(build_dir: str | Path, name: str | SavedQuery, params: dict[str, str] | None = None,
              store=None):
    """Render a saved query and evaluate it over a build; pyoxigraph results, as kg.query.run."""
    store = store or open_store(build_dir)
    return run(build_dir, render(name, params, store=store), store=store)
