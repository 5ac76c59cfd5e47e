"""`kg build`: the whole road from input files to a build folder, as one library call.

ingest -> spaCy (N processes) -> extraction -> records on disk -> resolution -> RDF mapping ->
store -> Turtle/TriG, explorer, report. Articles stream through: parses are dropped once their
records are written, resolution keeps counts per name, and quads go to the on-disk store one
article at a time. `into=True` adds to an existing build: unchanged articles (same id and content
hash) are not parsed again, changed ones replace their old records, and entity keys given before
are kept. Bad inputs are reported and skipped; a batch with nothing to build leaves the existing
build untouched. The analyst corrections of the build (corrections.yaml) are applied after
resolution every time; `fix` adds one and rebuilds the graph from the stored records.
"""

from __future__ import annotations

import gc
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg import __version__
from kg.extract.pipeline import default_jobs, extract
from kg.ingest.readers import read_inputs
from kg.nlp.model import load_pipeline, model_info
from kg.nlp.places import load_gazetteer
from kg.rdf.events import (
    add_events,
    add_quantity_facts,
    add_relations,
    same_event_quads,
)
from kg.rdf.corrections import correction_quads
from kg.rdf.mapping import article_quads, entity_quads
from kg.rdf.times import add_times
from kg.records import ArticleRecords, Document, InputError
from kg.resolve.corrections import AMBIGUOUS, STALE, Correction, CorrectionsError, dump, parse
from kg.resolve.entities import Resolution, Resolver
from kg.resolve.locator import locator
from kg.resolve.same_events import SameEventLinker
from kg.store.atomic import atomic_write_text
from kg.store.dataset import EXPLORER_HTML, REPORT_JSON, GraphWriter, load_dataset
from kg.store.recordio import RecordFile

Progress = Callable[[int], None]
LINKS_PER_BLOCK = 60_000  # sameAs quads held in memory before they are written
EXPLORER_MAX_ARTICLES = 200  # ~5,000 nodes; beyond this, `kg view` writes the explorer on demand
CORRECTIONS_YAML = "corrections.yaml"


@dataclass
class BuildResult:
    out_dir: Path
    documents: list[str]  # the articles parsed by this run
    errors: list[InputError]
    counts: dict
    timings: dict
    report: dict

    @property
    def ok(self) -> bool:
        return not self.errors


class NothingToBuild(RuntimeError):
    """Every input failed (or there were none): the existing build, if any, is left as it was."""

    def __init__(self, errors: list[InputError]):
        super().__init__("no article could be read" + (f" ({len(errors)} errors)" if errors else ""))
        self.errors = errors


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the garbage collector every 100,000 allocations instead of 700, while mapping.

    Mapping makes millions of small, acyclic objects (records, terms, quads) that reference
    counting frees; collecting every 700 allocations cost ~15% of that stage. Not while
    parsing: spaCy Docs sit in reference cycles, and collecting them late held ~300 MB more
    at 1,000 articles (peak RSS, 2 workers).
    """
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 50)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def build(inputs: Iterable[str | Path], out_dir: str | Path, *, model: str | None = None,
          jobs: int | None = None, into: bool = False, explorer: bool = True,
          on_article: Progress | None = None, corrections: str | Path | None = None) -> BuildResult:
    """Build (or, with `into`, extend) the knowledge graph of `inputs` in `out_dir`. `corrections`
    is a corrections file to apply instead of the build's own, which it then replaces."""
    out, records = Path(out_dir), RecordFile(Path(out_dir))
    given = Path(corrections).read_text("utf-8") if corrections is not None else None
    fixes = parse(given, str(corrections)) if given is not None else read_corrections(out)
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    errors: list[InputError] = []
    known = records.index() if into else {}
    unchanged: set[str] = set()

    def documents() -> Iterator[Document]:
        for item in read_inputs([str(p) for p in inputs]):
            if isinstance(item, InputError):
                errors.append(item)
            elif known.get(item.id) == item.content_hash:
                unchanged.add(item.id)
            else:
                yield item

    jobs = jobs or default_jobs()
    fresh: list[str] = []
    resolver = Resolver(load_gazetteer(), previous=records.read_keys())

    def articles() -> Iterator[ArticleRecords]:
        """The build's records: the fresh ones, then the old ones they do not replace."""
        yield from _counting(extract(documents(), model=model, jobs=jobs, on_article=on_article), fresh)
        timings["parse_extract"] = time.perf_counter() - t0
        if not fresh and not unchanged:  # raised inside the write: the old records stay
            raise NothingToBuild(errors)
        if into:
            yield from records.read(ArticleRecords, skip=set(fresh))

    offsets = records.write(_fed(articles(), resolver))
    result = _finish(out, records, offsets, resolver, fresh, errors, timings, t0, model, jobs, explorer,
                     corrections=fixes)
    if given is not None:
        atomic_write_text(out / CORRECTIONS_YAML, given)
    return result


def remove(build_dir: str | Path, doc_ids: Iterable[str], *, explorer: bool = True) -> BuildResult:
    """Take articles out of a build; entities only they mentioned go with them."""
    out, records = Path(build_dir), RecordFile(Path(build_dir))
    ids = set(doc_ids)
    missing = ids - set(records.index())
    if missing:
        raise KeyError(f"not in {build_dir}: {', '.join(sorted(missing))}")
    t0 = time.perf_counter()
    resolver = Resolver(load_gazetteer(), previous=records.read_keys())
    offsets = records.write(_fed(records.read(ArticleRecords, skip=ids), resolver))
    return _finish(out, records, offsets, resolver, [], [], {}, t0, None, 1, explorer,
                   corrections=read_corrections(out))


def read_corrections(build_dir: str | Path) -> list[Correction]:
    """The analyst corrections of a build (none if it has no corrections.yaml)."""
    path = Path(build_dir) / CORRECTIONS_YAML
    return parse(path.read_text("utf-8"), str(path)) if path.is_file() else []


def fix(build_dir: str | Path, correction: Correction, *, explorer: bool = True) -> BuildResult:
    """Add an analyst correction to a build and rebuild its graph from the stored records (nothing
    is parsed again). A correction that matches no node, or several, is refused and nothing changes."""
    out, records = Path(build_dir), RecordFile(Path(build_dir))
    if not records.exists():
        raise FileNotFoundError(f"{build_dir} holds no build records")
    current = read_corrections(out)
    if correction not in current:
        resolver = Resolver(load_gazetteer(), previous=records.read_keys())
        for a in records.read(ArticleRecords):
            resolver.add_article(a.mentions, a.aliases)
        outcome = resolver.resolve([*current, correction]).corrections[-1]
        if outcome.status in (STALE, AMBIGUOUS):
            raise CorrectionsError(f"{correction}: {outcome.message}; {CORRECTIONS_YAML} is unchanged")
        atomic_write_text(out / CORRECTIONS_YAML, dump([*current, correction]))
    return remove(out, [], explorer=explorer)


def _fed(articles: Iterable[ArticleRecords], resolver: Resolver) -> Iterator[ArticleRecords]:
    """Pass articles on, showing each to the resolver first: resolution needs no second read."""
    for a in articles:
        resolver.add_article(a.mentions, a.aliases)
        yield a


@_fewer_collections()
def _finish(out: Path, records: RecordFile, offsets: dict[str, int], resolver: Resolver, fresh: list[str],
            errors: list[InputError], timings: dict, t0: float, model, jobs: int, explorer: bool,
            *, corrections: list[Correction] = ()) -> BuildResult:
    """Resolve, apply the corrections, map every stored article to RDF (sorted by id), write the
    store, files and report."""
    t = time.perf_counter()
    resolution = resolver.resolve(corrections)
    timings["resolve"] = time.perf_counter() - t

    t = time.perf_counter()
    where = locator(resolution)
    linker, links, summaries = SameEventLinker(where.labels), [], []
    with GraphWriter(out) as writer:
        # the merged graph: what is known of each entity across articles
        keys = {e.key for e in resolution.entities}
        writer.add_graph(list(entity_quads(resolution.entities)) + list(correction_quads(resolution.corrections,
                                                                                         keys)))
        for a in records.read_at(ArticleRecords, (offsets[i] for i in sorted(offsets))):
            where.set_article(a.doc.id, [(m.start, m.end, resolution.key_of(m)) for m in a.mentions])
            graph = article_quads(a.doc, a.mentions, resolution.key_of)
            for signature in add_events(graph, resolution.without_dropped(a.events, a.mentions), where):
                links += [q for link in linker.add(signature) for q in same_event_quads(link)]  # an earlier report
            add_relations(graph, a.relations, where)
            add_quantity_facts(graph, a.quantities, where)
            add_times(graph, a.times)
            writer.add_graph(graph.quads)
            summaries.append(_summary(a))
            if len(links) >= LINKS_PER_BLOCK:
                writer.add_graph(links, at_end=True)
                links = []
        writer.add_graph(links, at_end=True)
    records.write_keys(resolution.node_keys)
    timings["map_and_write"] = time.perf_counter() - t
    counts = dict(writer.counts)

    if explorer and len(summaries) <= EXPLORER_MAX_ARTICLES:
        t = time.perf_counter()
        from kg.explorer.writer import write_explorer

        write_explorer(load_dataset(out), out / EXPLORER_HTML)
        timings["explorer"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    counts.update(_counts(resolution, summaries))
    report = _report(summaries, fresh, errors, counts, timings, resolution, model, jobs)
    atomic_write_text(out / REPORT_JSON, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return BuildResult(out, fresh, errors, counts, timings, report)


def _counting(articles: Iterator[ArticleRecords], ids: list[str]) -> Iterator[ArticleRecords]:
    for a in articles:
        ids.append(a.doc.id)
        yield a


def _summary(a: ArticleRecords) -> dict:
    return {"id": a.doc.id, "source": a.doc.source, "sha256": a.doc.content_hash,
            "characters": len(a.doc.text), "words": len(a.doc.text.split()),
            "mentions": len(a.mentions), "events": len(a.events), "relations": len(a.relations),
            "quantities": len(a.quantities)}


def _counts(resolution: Resolution, summaries: list[dict]) -> dict:
    return {"articles": len(summaries),
            **{k: sum(s[k] for s in summaries) for k in ("mentions", "events", "relations", "quantities")},
            "entities": len(resolution.entities),
            "entities_by_class": dict(sorted(Counter(e.kind for e in resolution.entities).items()))}


def _report(summaries, fresh, errors, counts, timings, resolution, model, jobs) -> dict:
    parsed = set(fresh)
    parsed_words = sum(s["words"] for s in summaries if s["id"] in parsed)
    parse = timings.get("parse_extract")
    return {
        "newskg": __version__,
        "model": model_info(load_pipeline(model)),
        "jobs": jobs,
        "parsed_this_run": sorted(fresh),
        "articles": summaries,
        "errors": [{"source": e.source, "reason": e.reason} for e in errors],
        "counts": counts,
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        "words_per_second": round(parsed_words / parse, 1) if parse and parsed_words else None,
        "merge_log": [{"entity": s.entity, "form": s.form, "reason": s.reason, "mentions": s.mentions,
                       "first_doc": s.first_doc} for s in resolution.merge_log],
        "corrections": [{"correction": str(o.correction), "status": o.status, "message": o.message,
                         "entities": list(o.keys)} for o in resolution.corrections],
    }
