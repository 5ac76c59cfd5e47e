"""Saved questions: parameterised SPARQL queries shipped as .rq files in kg/queries/.

Each file starts with a header of comment lines::

    # title: Events of an actor
    # description: What the query answers, in one or more lines.
    # param: actor (required) - name or alias of the actor

and is plain SPARQL that parses on its own (the prefixes of kg.vocab are predeclared by
kg.query). A parameter ``p`` has one or more slots ``VALUES ?_p_name { UNDEF }`` in the query;
rendering replaces ``UNDEF`` with the value written as an escaped SPARQL string literal. User
text therefore only ever becomes data inside a VALUES block, never query syntax, and a query
left unrendered is still valid: its parameters are simply unbound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kg.query import QueryError, run

QUERIES_PACKAGE = "kg"
QUERIES_DIR = "queries"
MAX_VALUE_LENGTH = 500

_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_HEADER = re.compile(r"#\s*(title|description|param)\s*:\s*(.*)")
_PARAM = re.compile(r"([a-z][a-z0-9_]*)\s*\((optional|required)\)\s*(?:-\s*(.*))?")
_SLOT = re.compile(r"VALUES\s+\?_([a-z][a-z0-9_]*)_name\s*\{\s*UNDEF\s*\}")
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
    """One saved question: its name (the file stem), header fields and SPARQL text."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    sparql: str
    source: str

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
    """Read the header of a saved query and check that its parameters and slots agree."""
    fields: dict[str, list[str]] = {"title": [], "description": [], "param": []}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        header = _HEADER.fullmatch(stripped)
        if header:
            fields[header.group(1)].append(header.group(2).strip())
        elif fields["description"] and not fields["param"]:
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
    slots = set(_SLOT.findall(text))
    if missing := [p for p in declared if p not in slots]:
        raise SavedQueryError(f"{source}: param {', '.join(missing)} has no 'VALUES ?_NAME_name "
                              "{ UNDEF }' slot in the query")
    if undeclared := sorted(slots - set(declared)):
        raise SavedQueryError(f"{source}: slot ?_{undeclared[0]}_name has no '# param:' line")
    return SavedQuery(name, fields["title"][0], " ".join(fields["description"]), tuple(params),
                      text, source)


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


def _usage(query: SavedQuery) -> str:
    if not query.params:
        return f"{query.name} takes no params"
    return f"{query.name} takes: " + "; ".join(
        f"{p.name} ({'required' if p.required else 'optional'}) - {p.description}" for p in query.params)


def render(name: str | SavedQuery, params: dict[str, str] | None = None) -> str:
    """The SPARQL text of a saved query with its parameters bound (prefixes still implicit)."""
    query = name if isinstance(name, SavedQuery) else load_saved(name)
    params = dict(params or {})
    if unknown := sorted(k for k in params if query.param(k) is None):
        raise SavedQueryError(f"unknown param {', '.join(unknown)}; {_usage(query)}")
    if missing := [p.name for p in query.params if p.required and p.name not in params]:
        raise SavedQueryError(f"missing required param {', '.join(missing)}; {_usage(query)}")
    values = {k: sparql_string(_checked_value(query, k, v)) for k, v in params.items()}

    def bind(slot: re.Match) -> str:
        literal = values.get(slot.group(1))
        return slot.group(0) if literal is None else f"VALUES ?_{slot.group(1)}_name {{ {literal} }}"

    return _SLOT.sub(bind, query.sparql)


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
    return run(build_dir, render(name, params), store=store)
