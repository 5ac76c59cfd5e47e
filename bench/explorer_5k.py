"""Bench: does explorer.html stay usable at 5,000 nodes?

Builds a synthetic graph shaped as notes/contract.md (articles, sentences, mentions, entities of
every kind, reported events with actors, places and dates), writes the page, loads it in headless
Debian chromium (Playwright, executable /usr/bin/chromium) and reports the time until the page is
interactive (window.__ready, set after the first draw), the longest main-thread task and the file
size. tests/test_browser.py runs the same measurement as a slow test.

    python bench/explorer_5k.py [--nodes 5000] [--out /tmp/explorer-5k]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from rdflib import Dataset, Literal
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg.rdf import iris
from kg.vocab import GAF, KG, NIF, SCHEMA, SEM

KINDS = [(KG.Person, "person", "Person"), (KG.Organization, "org", "Group"), (KG.City, "city", "Town"),
         (KG.Country, "country", "Land"), (KG.ArmedGroup, "org", "Brigade")]
EVENT_TYPES = [KG.Attack, KG.Meeting, KG.Withdrawal, KG.Deployment, KG.Statement, KG.Agreement]
ROLES = [KG.hasAgent, KG.hasPatient, KG.hasRecipient]
N = XSD.nonNegativeInteger


def synthetic_dataset(n_nodes: int = 5000, seed: int = 1) -> Dataset:
    """``n_nodes`` nodes: 40% entities (few much-named, many rarely), 60% reported events."""
    rng = random.Random(seed)
    ds = Dataset()
    merged = ds.graph(iris.MERGED_GRAPH)
    n_entities = int(n_nodes * 0.4)
    entities = []
    for i in range(n_entities):
        cls, prefix, word = KINDS[i % len(KINDS)]
        node = iris.entity(f"{prefix}/e{i}")
        label = f"{word} {i:04d}"
        merged.add((node, RDF.type, cls))
        merged.add((node, RDFS.label, Literal(label)))
        if i % 7 == 0:
            merged.add((node, SKOS.altLabel, Literal(f"Alias {i:04d}")))
        entities.append((node, label, cls))
    weights = [1 / (i + 1) ** 0.8 for i in range(n_entities)]  # Zipf-like: a few hubs
    places = [e for e in entities if e[2] in (KG.City, KG.Country)]
    n_events = n_nodes - n_entities
    n_articles = max(1, n_nodes // 25)
    for a in range(n_articles):
        doc_id = f"art{a:04d}"
        doc = iris.document(doc_id)
        g = ds.graph(iris.doc_graph(doc_id))
        g.add((doc, RDF.type, SCHEMA.NewsArticle))
        g.add((doc, SCHEMA.identifier, Literal(doc_id)))
        g.add((doc, SCHEMA.headline, Literal(f"Report number {a}")))
        g.add((doc, SCHEMA.datePublished, Literal(f"{2015 + a % 10}-{1 + a % 12:02d}-{1 + a % 28:02d}",
                                                  datatype=XSD.date)))
        text, offset = [], 0
        for k in range(a, n_events, n_articles):
            actors = rng.choices(entities, weights=weights, k=2)
            place = rng.choice(places)
            sentence = f"{actors[0][1]} met {actors[1][1]} near {place[1]} and more people talked. "
            s_node = iris.span(doc_id, offset, offset + len(sentence) - 1)
            for p, o in ((RDF.type, NIF.Sentence), (NIF.anchorOf, Literal(sentence[:-1])),
                         (NIF.beginIndex, Literal(offset, datatype=N)), (NIF.referenceContext, doc)):
                g.add((s_node, p, o))
            ev = iris.event(doc_id, offset, offset + 1)
            g.add((ev, RDF.type, EVENT_TYPES[k % len(EVENT_TYPES)]))
            g.add((ev, RDFS.label, Literal(f"Event {k} by {actors[0][1]} near {place[1]}")))
            if k % 3:
                g.add((ev, SEM.hasTimeStamp, Literal(f"{2010 + k % 15}-{1 + k % 12:02d}", datatype=XSD.gYearMonth)))
            g.add((ev, ROLES[0], actors[0][0]))
            g.add((ev, ROLES[1 + k % 2], actors[1][0]))
            g.add((ev, SEM.hasPlace, place[0]))
            for node, surface in ((actors[0][0], actors[0][1]), (actors[1][0], actors[1][1]), (place[0], place[1]),
                                  (ev, "met")):
                start = offset + sentence.index(surface)
                m = iris.span(doc_id, start, start + len(surface))
                for p, o in ((RDF.type, NIF.Phrase), (NIF.anchorOf, Literal(surface)), (NIF.sentence, s_node),
                             (NIF.beginIndex, Literal(start, datatype=N)), (NIF.referenceContext, doc)):
                    g.add((m, p, o))
                g.add((node, GAF.denotedBy, m))
            text.append(sentence)
            offset += len(sentence)
        g.add((doc, NIF.isString, Literal("".join(text))))
    return ds


LONG_TASKS = """
window.__longTasks = [];
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) { window.__longTasks.push(e.duration); });
  }).observe({type: "longtask", buffered: true});
} catch (e) {}
"""


def measure(page: Path, timeout_ms: int = 60_000, context=None) -> dict:
    """Load the page in headless chromium: ms until window.__ready, longest task, nodes drawn
    (in ``context``, a Playwright BrowserContext, when the caller already runs one)."""
    if context is not None:
        return _measure(context, page, timeout_ms)
    from playwright.sync_api import sync_playwright

    from kg.explorer.page import CHROMIUM, CHROMIUM_ARGS

    with tempfile.TemporaryDirectory(prefix="kg-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                        headless=True)
        try:
            return _measure(context, page, timeout_ms)
        finally:
            context.close()


def _measure(context, page: Path, timeout_ms: int) -> dict:
    tab = context.new_page()
    try:
        tab.set_viewport_size({"width": 1500, "height": 950})
        tab.add_init_script(LONG_TASKS)
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.goto(page.resolve().as_uri())
        tab.wait_for_function("() => window.__ready === true", timeout=timeout_ms)
        tab.wait_for_timeout(200)  # let the observer deliver the last entries
        result = tab.evaluate("""() => ({ready_ms: window.__readyAt,
            longest_task_ms: Math.max(0, ...window.__longTasks), long_tasks: window.__longTasks.length,
            nodes_in_page: kgExplorer.payload.nodes.length, nodes_drawn: kgExplorer.visibleCount()})""")
        t = time.perf_counter()
        tab.fill("#kg-search", "Town 0002")
        tab.press("#kg-search", "Enter")
        tab.wait_for_function("() => kgExplorer.network.getSelectedNodes().length === 1", timeout=timeout_ms)
        result["search_focus_ms"] = round((time.perf_counter() - t) * 1000)
        result["errors"] = errors
        return result
    finally:
        tab.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "explorer-5k")
    args = parser.parse_args()
    from kg.explorer.writer import write_explorer

    args.out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    ds = synthetic_dataset(args.nodes)
    t_graph = time.perf_counter() - t
    page = args.out / "explorer.html"
    t = time.perf_counter()
    count = write_explorer(ds, page)
    t_write = time.perf_counter() - t
    print(f"graph: {count} nodes, {len(ds)} triples, generated in {t_graph:.1f} s")
    print(f"write_explorer: {t_write:.1f} s, {page.stat().st_size / 1e6:.2f} MB -> {page}")
    result = measure(page)
    print(f"browser: interactive after {result['ready_ms'] / 1000:.2f} s, longest task "
          f"{result['longest_task_ms']:.0f} ms ({result['long_tasks']} long tasks), "
          f"{result['nodes_drawn']} of {result['nodes_in_page']} nodes drawn, "
          f"search+focus {result['search_focus_ms']} ms, errors: {result['errors'] or 'none'}")


if __name__ == "__main__":
    main()
