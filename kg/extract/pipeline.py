"""Parse and extract articles, in this process or in N worker processes.

spaCy is the irreducible cost of a build, so this is where the cores go. Each worker loads the
pipeline once and turns a batch of articles into compact records; only those records (never
Docs) cross process boundaries. Batches are fed with back-pressure, so a corpus of any size
streams through in bounded memory, and results come back in input order, so `--jobs 1` and
`--jobs N` give the same graph.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from spacy.language import Language

from kg.extract.aliases import find_aliases
from kg.extract.doctext import keep_text
from kg.extract.entities import find_mentions
from kg.extract.events import find_events
from kg.extract.linking import attach, quantity_facts
from kg.extract.quantities import find_quantities
from kg.extract.references import find_references, speakers_only
from kg.extract.relations import find_relations
from kg.extract.timex import dates_something, find_times
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.model import load_pipeline
from kg.nlp.places import load_gazetteer
from kg.records import ArticleRecords, Document

BATCH_SIZE = 16  # articles per nlp.pipe call and per task sent to a worker
IN_FLIGHT = 4  # batches queued per worker: enough to keep it busy, little enough to stay small


def extract_article(parsed, doc: Document, gazetteer: Gazetteer) -> ArticleRecords:
    """Every extractor over one parsed article; the Doc can be dropped afterwards."""
    keep_text(parsed, doc.text)
    mentions, aliases = find_mentions(parsed, doc.id, gazetteer, doc.skipped)
    mentions, stated = find_aliases(parsed, doc.id, mentions)
    times = [t for t in find_times(parsed, doc.published) if not doc.is_skipped(t.start, t.end)]
    dating = [t for t in times if dates_something(t)]
    quantities = [q for q in find_quantities(parsed) if not doc.is_skipped(q.start, q.end)]
    events = attach(parsed, find_events(parsed, doc.id, doc.skipped), dating, quantities, doc.published)
    relations = find_relations(parsed, doc.id, mentions)
    mentions = find_references(parsed, doc.id, mentions, relations, doc.skipped)
    events = speakers_only(parsed, events, mentions)
    facts = quantity_facts(parsed, quantities, mentions, dating)
    return ArticleRecords(doc, mentions, aliases + stated, events, relations, facts, times=times)


def _loaded(model: str | None) -> tuple[Language, Gazetteer]:
    """The pipeline and gazetteer, loaded once per process.

    Their millions of objects live as long as the process: `gc.freeze` takes them out of the
    garbage collector's sight, so the collections that records trigger stay short (about 14% of
    a build's time otherwise), and forked workers do not touch, hence copy, the shared pages.
    """
    global _frozen
    nlp, gazetteer = load_pipeline(model), load_gazetteer()
    if not _frozen:
        gc.freeze()
        _frozen = True
    return nlp, gazetteer


_frozen = False


def _extract_batch(docs: list[Document], model: str | None) -> list[ArticleRecords]:
    nlp, gazetteer = _loaded(model)
    pairs = ((d.text, d) for d in docs)
    return [extract_article(parsed, d, gazetteer)
            for parsed, d in nlp.pipe(pairs, as_tuples=True, batch_size=len(docs) or 1)]


_worker_model: str | None = None


def _init_worker(model: str | None) -> None:
    global _worker_model
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops the pool, quietly
    _worker_model = model
    _loaded(model)  # once per worker, before the first batch


def _work(docs: list[Document]) -> list[ArticleRecords]:
    return _extract_batch(docs, _worker_model)


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(docs)
    while batch := list(islice(it, size)):
        yield batch


def _chain(head: list, tail: Iterator) -> Iterator:
    yield from head
    yield from tail


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def extract(docs: Iterable[Document], *, model: str | None = None, jobs: int = 1,
            batch_size: int = BATCH_SIZE, on_article: Callable[[int], None] | None = None
            ) -> Iterator[ArticleRecords]:
    """Records of every article, in input order, parsed by `jobs` processes."""
    batches = _batches(docs, batch_size)
    first = next(batches, None)
    second = next(batches, None)
    if jobs <= 1 or second is None:  # one batch is not worth starting workers for
        for batch in filter(None, (first, second, *batches)):
            yield from _report(_extract_batch(batch, model), on_article)
        return
    batches = _chain([first, second], batches)
    _loaded(model)  # workers forked after this share the loaded model's pages
    slots, stop = threading.Semaphore(jobs * IN_FLIGHT), threading.Event()

    def fed() -> Iterator[list[Document]]:
        for batch in batches:
            slots.acquire()
            if stop.is_set():
                return
            yield batch

    ctx = mp.get_context("fork")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(model,)) as pool:
        try:
            for records in pool.imap(_work, fed()):
                slots.release()
                yield from _report(records, on_article)
        finally:  # never leave the feeder blocked, or the pool could not shut down
            stop.set()
            slots.release()


def _report(records: list[ArticleRecords], on_article) -> list[ArticleRecords]:
    if on_article:
        on_article(len(records))
    return records
