"""Answers of a read-only endpoint, kept so a repeated query costs no worker.

Dashboards and query editors send the same few queries again and again; with two cores, twenty
clients asking the same five questions queued behind each other (median 1.1 s). Identical
queries in flight are evaluated once (the others wait for that answer), and answers are kept,
least recently used first out, within a byte budget. A refusal that only depends on the query
(malformed, too many results, over the memory limit) is kept too, so repeating a hostile query
costs nothing; a time-out, which depends on the load, is not.

Keys hold the store's identity (inode and modification time of its folder or file), so a build
replaced under a running server is not answered from the old one's answers.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from kg.serve.worker import Reply

KEPT_STATUSES = frozenset({200, 400, 406, 413})


class AnswerCache:
    """get(key, compute): compute() once per key among concurrent callers; keep what it gives."""

    def __init__(self, source: str, *, max_bytes: int = 64 << 20, max_entry: int = 4 << 20) -> None:
        self.source, self.max_bytes, self.max_entry = source, max_bytes, max_entry
        self._kept: OrderedDict[Hashable, Reply] = OrderedDict()
        self._size = 0
        self._flights: dict[Hashable, _Flight] = {}
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], Reply]) -> Reply:
        key = (self._version(), key)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                self.hits += 1
                return kept
            flight = self._flights.get(key)
            leader = flight is None
            if leader:
                flight = self._flights[key] = _Flight()
                self.misses += 1
        if not leader:
            return flight.wait() or compute()
        reply = None
        try:
            reply = compute()
        finally:
            with self._lock:
                del self._flights[key]
                if reply is not None and self._keeps(reply):
                    self._keep(key, reply)
            flight.done(reply)
        return reply

    def _keeps(self, reply: Reply) -> bool:
        over_memory = reply.status == 503 and reply.retire    # see kg.serve.worker.memory_reply
        return (reply.status in KEPT_STATUSES or over_memory) and len(reply.body) <= self.max_entry

    def _keep(self, key: Hashable, reply: Reply) -> None:
        self._kept[key] = reply
        self._size += len(reply.body)
        while self._size > self.max_bytes:
            _, dropped = self._kept.popitem(last=False)
            self._size -= len(dropped.body)

    def _version(self) -> tuple[int, int]:
        try:
            st = os.stat(self.source)
        except OSError:
            return (0, 0)
        return (st.st_ino, st.st_mtime_ns)


class _Flight:
    """One evaluation in progress; followers wait for its reply (None if it raised)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._reply: Reply | None = None

    def done(self, reply: Reply | None) -> None:
        self._reply = reply
        self._event.set()

    def wait(self) -> Reply | None:
        self._event.wait()
        return self._reply
