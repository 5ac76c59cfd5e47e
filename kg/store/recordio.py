"""Article records on disk: one JSON line per article, so builds can stream and grow.

A build keeps every article's extracted records in ``records/articles.jsonl``. Resolution and RDF
mapping read them back one article at a time; an incremental build parses only new or changed
articles and reuses the rest. Decoding is driven by the dataclasses' own type hints, so a new
record field needs no code here.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from kg.store.atomic import atomic_open

RECORDS_DIR = "records"
ARTICLES = "articles.jsonl"
KEYS = "keys.json"


def encode(obj) -> object:
    """Dataclasses -> dicts, tuples -> lists, recursively (what json can write)."""
    if isinstance(obj, (list, tuple)):
        return [encode(x) for x in obj]
    names = _field_names(type(obj))
    if names is not None:
        return {name: encode(getattr(obj, name)) for name in names}
    return obj


@lru_cache(maxsize=None)
def _field_names(cls) -> tuple[str, ...] | None:
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


def decode(tp, data):
    """The inverse of `encode`, guided by the type `tp` (a dataclass or a typing form)."""
    return _decoder(tp)(data)


@lru_cache(maxsize=None)
def _decoder(tp) -> Callable:
    """A function that rebuilds a value of type `tp`, made once per type from its type hints:
    millions of records are decoded per large build, so the hints are read only once."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1:
            return _optional(_identity)
        return _optional(_decoder(inner[0]))
    if dataclasses.is_dataclass(tp):
        fields = {name: _decoder(hint) for name, hint in typing.get_type_hints(tp).items()}
        return _optional(lambda data: tp(**{k: fields[k](v) for k, v in data.items() if k in fields}))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return _optional(lambda data: tuple(item(x) for x in data))
        items = [_decoder(a) for a in args]
        if all(d is _identity for d in items):
            return _optional(tuple)
        return _optional(lambda data: tuple(d(x) for d, x in zip(items, data)))
    if origin is list:
        item = _decoder(args[0])
        return _optional(list if item is _identity else (lambda data: [item(x) for x in data]))
    if origin is dict:
        return _optional(dict)
    return _identity


def _identity(data):
    return data


def _optional(convert: Callable) -> Callable:
    if convert is _identity:
        return _identity
    return lambda data: None if data is None else convert(data)


class RecordFile:
    """records/articles.jsonl of one build folder: read, and rewrite atomically."""

    def __init__(self, build_dir: Path) -> None:
        self.dir = Path(build_dir) / RECORDS_DIR
        self.path = self.dir / ARTICLES

    def exists(self) -> bool:
        return self.path.is_file()

    def index(self) -> dict[str, str]:
        """doc id -> content hash of every article in the build."""
        out = {}
        for line in self._lines():
            head = json.loads(line)["doc"]
            out[head["id"]] = head.get("_hash", "")
        return out

    def _lines(self) -> Iterator[str]:
        if not self.exists():
            return
        with self.path.open(encoding="utf-8") as f:
            yield from (line for line in f if line.strip())

    def read(self, cls, skip: set[str] = frozenset()) -> Iterator:
        """Every stored article as `cls` (ArticleRecords), except the ids in `skip`."""
        for line in self._lines():
            data = json.loads(line)
            if data["doc"]["id"] not in skip:
                data["doc"].pop("_hash", None)
                yield decode(cls, data)

    def write(self, articles) -> dict[str, int]:
        """Replace the file with these articles (an iterable, consumed once).

        Returns each article's byte offset in the new file, so that `read_at` can visit them in
        any order (the build maps articles sorted by id) without holding them in memory.
        """
        self.dir.mkdir(parents=True, exist_ok=True)
        offsets: dict[str, int] = {}
        with atomic_open(self.path, "wb") as f:
            position = 0
            for a in articles:
                data = encode(a)
                data["doc"]["_hash"] = a.doc.content_hash
                line = (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
                offsets[a.doc.id] = position
                f.write(line)
                position += len(line)
        return offsets

    def read_at(self, cls, offsets: Iterable[int]) -> Iterator:
        """The articles starting at these byte offsets (from `write`), in the order given."""
        with self.path.open("rb") as f:
            for offset in offsets:
                f.seek(offset)
                data = json.loads(f.readline())
                data["doc"].pop("_hash", None)
                yield decode(cls, data)

    def read_keys(self) -> dict[tuple, str]:
        path = self.dir / KEYS
        if not path.is_file():
            return {}
        return {tuple(node): key for node, key in json.loads(path.read_text("utf-8"))}

    def write_keys(self, node_keys: dict[tuple, str]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        with atomic_open(self.dir / KEYS, "w") as f:
            json.dump(sorted([list(n), k] for n, k in node_keys.items()), f, ensure_ascii=False)
