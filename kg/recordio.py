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
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from kg.atomic import atomic_open

RECORDS_DIR = "records"
ARTICLES = "articles.jsonl"
KEYS = "keys.json"


def encode(obj) -> object:
    """Dataclasses -> dicts, tuples -> lists, recursively (what json can write)."""
    if dataclasses.is_dataclass(obj):
        return {f.name: encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [encode(x) for x in obj]
    return obj


@lru_cache(maxsize=None)
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def decode(tp, data):
    """The inverse of `encode`, guided by the type `tp` (a dataclass or a typing form)."""
    if data is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return decode(inner[0], data) if len(inner) == 1 else data
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        return tp(**{k: decode(hints[k], v) for k, v in data.items() if k in hints})
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], x) for x in data)
        return tuple(decode(a, x) for a, x in zip(args, data))
    if origin is list:
        (arg,) = typing.get_args(tp)
        return [decode(arg, x) for x in data]
    if origin is dict:
        return dict(data)
    return data


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

    def write(self, articles) -> int:
        """Replace the file with these articles (an iterable, consumed once); return the count."""
        self.dir.mkdir(parents=True, exist_ok=True)
        n = 0
        with atomic_open(self.path, "w") as f:
            for a in articles:
                data = encode(a)
                data["doc"]["_hash"] = a.doc.content_hash
                f.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
                n += 1
        return n

    def read_keys(self) -> dict[tuple, str]:
        path = self.dir / KEYS
        if not path.is_file():
            return {}
        return {tuple(node): key for node, key in json.loads(path.read_text("utf-8"))}

    def write_keys(self, node_keys: dict[tuple, str]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        with atomic_open(self.dir / KEYS, "w") as f:
            json.dump(sorted([list(n), k] for n, k in node_keys.items()), f, ensure_ascii=False)
