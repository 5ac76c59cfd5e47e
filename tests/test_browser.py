"""explorer.html in a real browser: headless Debian chromium driven by Playwright (never `playwright
install`: .ci/setup-browser.sh installs /usr/bin/chromium). Offline, searchable, safe with hostile text."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS, SKOS, URIRef

import kg
from kg.explorer.page import APP_SCRIPTS, CHROMIUM, CHROMIUM_ARGS, read_payload

sync_api = pytest.importorskip("playwright.sync_api", reason="the 'playwright' Python package is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} missing: run .ci/setup-browser.sh (apt-get install chromium)", allow_module_level=True)

ROOT = Path(__file__).resolve().parent.parent
PWNED = "window.__pwned=1"


def load(path: Path):
    """A helper module by path (tests/ and bench/ are not packages)."""
    spec = importlib.util.spec_from_file_location("kg_test_" + path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module




@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One chromium with a fresh profile for the module; each test opens its own tab."""
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
            headless=True, viewport={"width": 1400, "height": 900})
        yield context
        context.close()


class Tab:
    """A page that records every request, console error, page error and dialog."""

    def __init__(self, context, path: Path):
        self.page = context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_function("() => window.__ready === true", timeout=20_000)

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def node_id(self, label: str) -> int:
        return self.js("(l) => kgExplorer.payload.nodes.find(n => n.label === l).id", label)

    def selected(self) -> list[int]:
        return self.js("() => kgExplorer.network.getSelectedNodes()")

    def search(self, text: str) -> None:
        self.page.fill("#kg-search", text)
        self.page.press("#kg-search", "Enter")

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def tab(browser, example_build):
    t = Tab(browser, example_build / "explorer.html")
    yield t
    t.close()


def typed_nodes(build: Path) -> int:
    """The graph's node count, independently: subjects whose type reaches a schema.org root."""
    from kg.store.dataset import load_dataset

    onto = Graph().parse(Path(kg.__file__).parent / "data" / "kg.ttl", format="turtle")
    roots = {URIRef("https://schema.org/" + r) for r in ("Person", "Organization", "Place", "Event")}
    ds = load_dataset(build)
    shown = {s for s, _, c, _ in ds.quads((None, RDF.type, None, None))
             if roots & set(onto.transitive_objects(c, RDFS.subClassOf))}
    return len(shown)


def test_loads_offline_without_errors_with_every_node(tab, example_build):
    assert tab.errors == []
    assert tab.requests == [tab.url]  # the page itself, nothing else: no CDN, no font, no favicon
    expected = typed_nodes(example_build)
    assert expected > 20
    assert tab.js("() => kgExplorer.payload.nodes.length") == expected
    unlinked = int(tab.page.inner_text("#kg-isolated-count"))
    assert 0 < unlinked < expected
    assert tab.js("() => kgExplorer.visibleCount()") == expected - unlinked  # unlinked nodes wait for the toggle
    tab.page.check("#kg-isolated")
    assert tab.js("() => kgExplorer.visibleCount()") == expected  # a small graph shows everything
    assert f"Showing {expected} of {expected} nodes" in tab.page.inner_text("#kg-status")
    legend = tab.page.inner_text("#kg-filters")
    for kind in ("Person", "Organization", "Place", "Reported event", "Withdrawal"):
        assert kind in legend


def test_search_focuses_erbil_and_the_panel_shows_its_sentence(tab):
    tab.search("Erbil")
    erbil = tab.node_id("Erbil")
    tab.page.wait_for_function("(id) => kgExplorer.network.getSelectedNodes()[0] === id", arg=erbil)
    panel = tab.page.locator("#kg-panel")
    assert panel.locator("h2.kg-name").inner_text() == "Erbil"
    sentences = panel.locator(".kg-sentence")
    assert sentences.count() >= 1
    assert "Erbil" in sentences.first.inner_text()
    assert "Erbil" in panel.locator(".kg-sentence mark").all_inner_texts()
    links = panel.locator("a")
    for i in range(links.count()):
        assert links.nth(i).get_attribute("href").startswith(("http://", "https://"))
        assert "noopener" in links.nth(i).get_attribute("rel")
    assert tab.errors == []


def test_an_alias_finds_its_entity(tab):
    tab.page.fill("#kg-search", "Daesh")
    first = tab.page.locator("#kg-results button").first
    assert first.inner_text().strip().startswith("Islamic State")
    assert "also called Daesh" in first.inner_text()
    tab.search("daesh")
    assert tab.selected() == [tab.node_id("Islamic State")]


def test_timeline_is_linked_to_the_graph(tab):
    timeline = tab.js("() => kgExplorer.payload.timeline")
    dates = [tab.js("(i) => kgExplorer.payload.nodes[i].date || null", i) for i in timeline]
    known = [d for d in dates if d]
    assert known == sorted(known) and dates[: len(known)] == known  # dated first, in order
    marker = tab.page.locator("#kg-axis .kg-ev").nth(1)
    chosen = int(marker.get_attribute("data-id"))
    marker.click()
    assert tab.selected() == [chosen]
    assert tab.page.locator("#kg-axis .kg-ev.kg-current").get_attribute("data-id") == str(chosen)
    assert "Reported in 1 sentence" in tab.page.text_content("#kg-panel")


def test_filters_hide_and_restore(tab):
    tab.page.check("#kg-isolated")  # count every node that passes
    total = tab.js("() => kgExplorer.visibleCount()")
    events = tab.js("() => kgExplorer.payload.nodes.filter(n => n.kind === 'Event').length")
    tab.page.get_by_label("Reported event").uncheck()
    assert tab.js("() => kgExplorer.visibleCount()") == total - events
    assert tab.page.locator("#kg-axis .kg-ev:not(.kg-out)").count() == 0  # faded, not on the axis
    tab.page.get_by_label("Reported event").check()
    assert tab.js("() => kgExplorer.visibleCount()") == total
    tab.page.select_option("#kg-article", "0")
    in_first = tab.js("() => kgExplorer.payload.nodes.filter(n => (n.docs || []).includes(0)).length")
    assert 0 < tab.js("() => kgExplorer.visibleCount()") == in_first < total
    tab.page.click("#kg-reset")
    assert tab.js("() => kgExplorer.visibleCount()") == total
    dated = tab.js("() => kgExplorer.payload.nodes.filter(n => n.date).map(n => n.date)")
    early = [d for d in dated if d < "2015"]
    assert early  # the example articles date events from 2003 on
    tab.page.fill("#kg-date-from", "2015-01-01")
    assert tab.js("() => kgExplorer.visibleCount()") == total - len(early)
    tab.page.check("#kg-undated")
    undated = tab.js("() => kgExplorer.payload.nodes.filter(n => n.kind === 'Event' && !n.date).length")
    assert tab.js("() => kgExplorer.visibleCount()") == total - len(early) - undated
    tab.page.click("#kg-reset")
    assert tab.js("() => kgExplorer.visibleCount()") == total


def test_ego_view_of_a_person(browser, example_build, tmp_path):
    from kg.explorer.writer import write_explorer
    from kg.store.dataset import load_dataset

    page = tmp_path / "ego.html"
    count = write_explorer(load_dataset(example_build), page, focus="al-Sharaa", depth=2)
    t = Tab(browser, page)
    try:
        assert t.js("() => kgExplorer.payload.nodes.length") == count
        assert t.selected() == [t.node_id("Ahmed al-Sharaa")]
        assert "neighbourhood of Ahmed al-Sharaa (depth 2)" in t.page.inner_text("#kg-status")
        assert t.errors == [] and t.requests == [t.url]
    finally:
        t.close()


HOSTILE_TEXT = (
    "Officials in Baghdad said <img src=x onerror=window.__pwned=1> troops left Erbil on Monday. "
    "The <script>window.__pwned=1</script> Brigade, called \"</script><script>window.__pwned=1</script>\", "
    "met Iraqi officials in Mosul in January 2020. A spokesman in Kirkuk said 'javascript:window.__pwned=1' "
    "and <a href=\"javascript:window.__pwned=1\">click</a> were found near Baghdad.\u2028It ended."
)


def hostile_graph() -> Graph:
    """Labels, aliases, links and article fields that try every injection route at once."""
    Builder = load(ROOT / "tests" / "test_explorer.py").Builder  # the unit tests' contract-shaped builder
    from kg.rdf import iris
    from kg.vocab import KG

    b = Builder("evil", title="<script>window.__pwned=1</script>", url='https://example.org/"><svg/onload=' + PWNED + ">")
    bad = f"<img src=x onerror={PWNED}>"
    b.sentence(1, f"Before {bad} and \"</script><script>{PWNED}</script>\" after.")
    e = b.entity("person/evil", KG.Person, bad, f"<svg onload={PWNED}>", "javascript:" + PWNED)
    b.merged.add((e, OWL.sameAs, URIRef("javascript:" + PWNED)))
    b.merged.add((e, SKOS.altLabel, Literal("\u2028</script>")))
    b.mention(e, 1, bad)
    ev = iris.event("evil", 1001, 1007)
    b.article.add((ev, RDF.type, KG.Attack))
    b.article.add((ev, RDFS.label, Literal(f"Attack by {bad}")))
    b.article.add((ev, KG.hasAgent, e))
    b.article.add((ev, KG.quotation, Literal(f"<script>{PWNED}</script>")))
    b.mention(ev, 1, "Before")
    return b.ds


def assert_inert(t: Tab) -> None:
    """Render every node's and link's panel and the search results: nothing may run or become markup."""
    t.js("() => { const P = kgExplorer.payload; P.nodes.forEach(n => kgExplorer.showNode(n.id));"
         " P.edges.forEach((e, k) => kgExplorer.showEdge(k)); P.claims.forEach(c => kgExplorer.showClaim(c));"
         " kgExplorer.showView('map'); kgExplorer.showView('claims'); kgExplorer.showView('graph'); }")
    t.page.fill("#kg-search", "<img")
    t.page.wait_for_timeout(300)
    assert t.js("() => window.__pwned") is None
    assert t.dialogs == []
    assert t.js("() => document.querySelectorAll('img, iframe, object, embed, foreignObject').length") == 0
    drawn = t.js("() => Array.from(document.querySelectorAll('svg, svg *')).map(e => e.tagName)")
    assert set(drawn) <= {"svg", "g", "path", "rect", "line", "circle", "text", "title"}  # timeline, map
    assert t.js("() => document.querySelectorAll('#kg-axis svg, #kg-map svg').length"
                " === document.querySelectorAll('svg').length")
    assert t.js("() => Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes))"
                ".filter(a => a.name.startsWith('on')).length") == 0
    assert t.js("() => document.scripts.length") == 2 + len(APP_SCRIPTS)  # the data block, vis-network, the page's scripts
    hrefs = t.js("() => Array.from(document.querySelectorAll('a')).map(a => a.href)")
    assert all(h.startswith(("http://", "https://")) for h in hrefs)
    assert t.requests == [t.url]


def test_hostile_article_runs_no_script(browser, tmp_path):
    from kg.build import build

    source = tmp_path / "hostile.jsonl"
    record = {"id": "hostile", "title": f"<script>{PWNED}</script>", "published": "2025-01-02",
              "url": f'https://example.org/"><svg/onload={PWNED}>', "source": f"<img src=x onerror={PWNED}>",
              "text": HOSTILE_TEXT}
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    build([source], tmp_path / "build")
    page = tmp_path / "build" / "explorer.html"
    payload = read_payload(page.read_text(encoding="utf-8"))
    assert any("<img src=x" in s for _, s in payload["sentences"])  # the hostile text did reach the page
    t = Tab(browser, page)
    try:
        assert_inert(t)
        t.search("Erbil")
        assert "<img src=x onerror=window.__pwned=1>" in t.page.inner_text("#kg-panel")  # shown as text
        assert t.errors == []
    finally:
        t.close()


def test_hostile_labels_and_links_run_no_script(browser, tmp_path):
    from kg.explorer.writer import write_explorer

    page = tmp_path / "explorer.html"
    write_explorer(hostile_graph(), page, title=f"<script>{PWNED}</script>")
    t = Tab(browser, page)
    try:
        assert_inert(t)
        t.search("<img src=x")
        panel = t.page.inner_text("#kg-panel")
        assert f"<img src=x onerror={PWNED}>" in panel and f"<svg onload={PWNED}>" in panel
        assert t.page.locator("#kg-panel mark").first.inner_text() == f"<img src=x onerror={PWNED}>"
        assert t.page.title() == f"<script>{PWNED}</script>"
        assert t.errors == []
    finally:
        t.close()


def test_large_graph_opens_on_important_nodes_and_expands(browser, tmp_path):
    from kg.explorer.writer import DEFAULT_VIEW, write_explorer

    page = tmp_path / "explorer.html"
    total = write_explorer(load(ROOT / "bench" / "explorer_5k.py").synthetic_dataset(700), page)
    t = Tab(browser, page)
    try:
        assert t.js("() => kgExplorer.visibleCount()") <= DEFAULT_VIEW < total
        t.page.check("#kg-isolated")
        assert t.js("() => kgExplorer.visibleCount()") == DEFAULT_VIEW
        assert t.js("() => kgExplorer.network.physics.options.enabled") is False  # laid out in Python
        hidden = t.js("() => kgExplorer.payload.nodes.find(n => !n.view && n.kind === 'Event').id")
        anchor = t.js("(h) => kgExplorer.payload.edges.find(e => e.from === h).to", hidden)
        t.js("(a) => kgExplorer.focusNode(a)", anchor)
        before = t.js("() => kgExplorer.visibleCount()")
        t.page.locator("#kg-panel button", has_text="Show neighbours").click()
        assert t.js("() => kgExplorer.visibleCount()") > before
        assert t.js("(h) => kgExplorer.network.getPositions([h])[h] !== undefined", hidden)
        t.page.click("#kg-show-all")
        assert t.js("() => kgExplorer.visibleCount()") == total
        assert t.errors == [] and t.requests == [t.url]
    finally:
        t.close()


def test_screenshot_of_the_example(browser, example_build):
    from kg.explorer.page import screenshot

    png = screenshot(example_build / "explorer.html", example_build / "explorer.png", context=browser)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    chosen = screenshot(example_build / "explorer.html", example_build / "explorer-erbil.png", search="Erbil", context=browser)
    assert chosen.read_bytes() != png.read_bytes()


@pytest.mark.slow
def test_five_thousand_nodes_open_on_a_default_view(browser, tmp_path, record_property):
    bench = load(ROOT / "bench" / "explorer_5k.py")
    from kg.explorer.writer import write_explorer

    page = tmp_path / "explorer.html"
    assert write_explorer(bench.synthetic_dataset(5000), page) == 5000
    result = bench.measure(page, context=browser)
    size_mb = page.stat().st_size / 1e6
    record_property("ready_ms", result["ready_ms"])
    record_property("longest_task_ms", result["longest_task_ms"])
    record_property("size_mb", round(size_mb, 2))
    print(f"\n5,000 nodes: interactive after {result['ready_ms']:.0f} ms, longest task "
          f"{result['longest_task_ms']:.0f} ms, {size_mb:.2f} MB, search+focus {result['search_focus_ms']} ms")
    assert result["errors"] == []
    assert result["nodes_in_page"] == 5000 and 0 < result["nodes_drawn"] <= 500
    assert size_mb < 10  # time to interactive is measured by bench/explorer_5k.py, not asserted here
