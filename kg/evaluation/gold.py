"""The gold format (``kg-gold/1``): what a careful reader takes from articles, as typed records.

Loading validates as it reads, so a typo in a gold file is an error that names the entry, never a
silently wrong score. The format is described in the gold folder's README.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

EVENT_TYPES = ("withdrawal", "deployment", "handover", "meeting", "negotiation", "agreement", "statement",
               "attack", "invasion", "defeat", "seizure_of_power", "resolution", "formation", "appointment",
               "sanctions")
QUOTE_FOLDING = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u201c": '"', "\u201d": '"',
                         "\u201e": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def normalize_name(text: str) -> str:
    """Key for comparing names: case-folded, no leading 'the ', no surrounding punctuation."""
    s = " ".join(unicodedata.normalize("NFKC", str(text)).translate(QUOTE_FOLDING).split()).casefold()
    for _ in range(2):  # punctuation may sit on either side of the article: '"The Pentagon'
        s = s.strip("".join(c for c in set(s) if unicodedata.category(c)[0] in "PS") + " ")
        if s.startswith("the "):
            s = s[4:]
    return s


GOLD_SCHEMA = "kg-gold/1"
COARSE_TYPES = ("Person", "Organization", "Place", "Event")
PREDICATES = ("holds_role", "held_role", "part_of", "located_in", "led_by")
ROLES = ("agent", "patient", "recipient", "speaker")


# -- the gold format ---------------------------------------------------------------------------


class GoldError(ValueError):
    """A gold file that cannot be read; the message names the file and the reason."""


@dataclass(frozen=True)
class GoldDocument:
    id: str
    file: str
    published: str | None = None

    @property
    def identifier(self) -> str:
        """The article identifier a build gives this file: its name without extension."""
        return Path(self.file).stem


@dataclass(frozen=True)
class GoldEntity:
    name: str
    type: str
    mentions: tuple[str, ...]
    docs: tuple[str, ...]
    kind: str | None = None
    optional: bool = False

    @property
    def forms(self) -> frozenset[str]:
        return frozenset(normalize_name(f) for f in (self.name, *self.mentions))


@dataclass(frozen=True)
class GoldRelation:
    subject: str
    predicate: str
    object: str | None
    doc: str
    evidence: str
    role: str | None = None
    status: str = "stated"
    note: str | None = None


@dataclass(frozen=True)
class GoldTime:
    text: str
    value: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class GoldEventQuantity:
    unit: str | None
    from_value: float | None
    to_value: float | None
    qualifier: str | None = None


@dataclass(frozen=True)
class GoldEvent:
    id: str
    doc: str
    type: str
    trigger: str
    evidence: str
    status: str
    agent: tuple[str, ...] = ()
    patient: tuple[str, ...] = ()
    recipient: tuple[str, ...] = ()
    speaker: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    time: GoldTime | None = None
    quantity: GoldEventQuantity | None = None

    @property
    def participants(self) -> tuple[tuple[str, str], ...]:
        return tuple((role, name) for role in ROLES for name in getattr(self, role))


@dataclass(frozen=True)
class GoldQuantity:
    doc: str
    what: str
    value: float
    qualifier: str | None = None
    time: str | None = None


@dataclass(frozen=True)
class Gold:
    source: str
    documents: tuple[GoldDocument, ...]
    entities: tuple[GoldEntity, ...]
    relations: tuple[GoldRelation, ...]
    events: tuple[GoldEvent, ...]
    quantities: tuple[GoldQuantity, ...]

    def entity(self, name: str) -> GoldEntity | None:
        return next((e for e in self.entities if e.name == name), None)


def _text(entry: dict, key: str, where: str, required: bool = True) -> str | None:
    value = entry.get(key)
    if value is None or value == "":
        if required:
            raise GoldError(f"{where}: missing '{key}'")
        return None
    if isinstance(value, (dict, list)):
        raise GoldError(f"{where}: '{key}' must be a plain value, not {type(value).__name__}")
    return str(value)  # YAML reads 2017 and 2021-01-01 as int / date: keep them as written


def _texts(entry: dict, key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key) or []
    if not isinstance(value, list) or any(isinstance(v, (dict, list)) or v is None for v in value):
        raise GoldError(f"{where}: '{key}' must be a list of names")
    return tuple(str(v) for v in value)


def _number(value: Any, where: str, required: bool = False) -> float | None:
    if value is None:
        if required:
            raise GoldError(f"{where}: missing")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise GoldError(f"{where}: {value!r} is not a number")
    return float(value)


def _entries(data: dict, key: str, where: str) -> list[tuple[dict, str]]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise GoldError(f"{where}: '{key}' must be a list of mappings")
    return [(item, f"{where}: {key}[{n}]") for n, item in enumerate(items)]


def _one_of(value: str | None, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise GoldError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return value


def load_gold(path: str | Path) -> Gold:
    """Read and check a kg-gold/1 file: every name, document and type it refers to must exist."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise GoldError(f"{path}: cannot read gold file: {err}") from err
    if not isinstance(data, dict):
        raise GoldError(f"{path}: a gold file is a YAML mapping")
    if data.get("schema") != GOLD_SCHEMA:
        raise GoldError(f"{path}: 'schema' is {data.get('schema')!r}, expected '{GOLD_SCHEMA}'")
    docs = tuple(GoldDocument(_text(d, "id", w), _text(d, "file", w), _text(d, "published", w, False))
                 for d, w in _entries(data, "documents", str(path)))
    doc_ids = tuple(d.id for d in docs)
    entities = []
    for e, w in _entries(data, "entities", str(path)):
        entities.append(GoldEntity(_text(e, "name", w), _one_of(_text(e, "type", w), COARSE_TYPES, w),
                                   _texts(e, "mentions", w), tuple(_one_of(d, doc_ids, w) for d in _texts(e, "docs", w)),
                                   _text(e, "kind", w, False), bool(e.get("optional", False))))
    names = tuple(e.name for e in entities)
    if len(set(names)) != len(names):
        raise GoldError(f"{path}: entity names repeat: {sorted({n for n in names if names.count(n) > 1})}")
    relations = []
    for r, w in _entries(data, "relations", str(path)):
        pred = _one_of(_text(r, "predicate", w), PREDICATES, w)
        obj = _text(r, "object", w, required=pred not in ("holds_role", "held_role"))
        relations.append(GoldRelation(
            _one_of(_text(r, "subject", w), names, w), pred, obj if obj is None else _one_of(obj, names, w),
            _one_of(_text(r, "doc", w), doc_ids, w), _text(r, "evidence", w),
            _text(r, "role", w, required=pred in ("holds_role", "held_role")),
            _one_of(_text(r, "status", w, False) or "stated", ("stated", "implied"), w), _text(r, "note", w, False)))
    events = [_event(e, w, doc_ids, names) for e, w in _entries(data, "events", str(path))]
    ids = [e.id for e in events]
    if len(set(ids)) != len(ids):
        raise GoldError(f"{path}: event ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
    quantities = tuple(GoldQuantity(_one_of(_text(q, "doc", w), doc_ids, w), _text(q, "what", w),
                                    _number(q.get("value"), f"{w}: value", required=True),
                                    _text(q, "qualifier", w, False), _text(q, "time", w, False))
                       for q, w in _entries(data, "quantities", str(path)))
    return Gold(str(path), docs, tuple(entities), tuple(relations), tuple(events), quantities)


def _event(e: dict, w: str, doc_ids: tuple[str, ...], names: tuple[str, ...]) -> GoldEvent:
    w = f"{w} ({e.get('id')})"
    time = quantity = None
    if isinstance(e.get("time"), dict):
        time = GoldTime(_text(e["time"], "text", w), _text(e["time"], "value", w, False), _text(e["time"], "note", w, False))
    elif e.get("time") is not None:
        raise GoldError(f"{w}: 'time' must be a mapping with 'text' and 'value'")
    if isinstance(e.get("quantity"), dict):
        q = e["quantity"]
        quantity = GoldEventQuantity(_text(q, "unit", w, False), _number(q.get("from"), w), _number(q.get("to"), w),
                                     _text(q, "qualifier", w, False))
    elif e.get("quantity") is not None:
        raise GoldError(f"{w}: 'quantity' must be a mapping with 'unit', 'from', 'to'")
    args = {k: tuple(_one_of(n, names, w) for n in _texts(e, k, w)) for k in (*ROLES, "place")}
    return GoldEvent(_text(e, "id", w), _one_of(_text(e, "doc", w), doc_ids, w),
                     _one_of(_text(e, "type", w), EVENT_TYPES, w), _text(e, "trigger", w), _text(e, "evidence", w),
                     _one_of(_text(e, "status", w), ("happened", "ongoing", "planned", "reported"), w),
                     time=time, quantity=quantity, **args)


# -- the report --------------------------------------------------------------------------------
