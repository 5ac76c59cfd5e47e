"""The explorer's overview, timeline, map and claims in headless chromium, on the example corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, Tab, browser, sync_api  # noqa: F401  (the shared fixture)

assert Path(CHROMIUM).exists() and sync_api


@pytest.fixture
def tab(browser, example_build):  # noqa: F811
    t = Tab(browser, example_build / "explorer.html")
    yield t
    assert t.errors == [] and t.requests == [t.url]  # no console error, no request beyond the page
    t.close()


def test_the_most_important_names_are_labelled_at_first_view_and_more_when_zoomed(tab):
    labelled = tab.js("() => kgExplorer.labelled")
    top = tab.js("() => kgExplorer.payload.nodes.filter(n => kgExplorer.isVisible(n.id))"
                 ".sort((a, b) => a.rank - b.rank).slice(0, 3).map(n => n.id)")
    assert len(labelled) >= 10 and set(top) <= set(labelled)
    tab.js("() => kgExplorer.network.moveTo({scale: kgExplorer.network.getScale() * 3})")
    tab.page.wait_for_timeout(200)
    visible = tab.js("() => kgExplorer.visibleCount()")
    zoomed = tab.js("() => kgExplorer.labelled.length")
    assert zoomed < visible  # only what is on screen, and never a label over another


def test_filtering_lays_out_what_is_shown_again_inside_the_view(tab):
    first = tab.page.evaluate("() => kgExplorer.network.getPositions()")
    runs = tab.js("() => kgExplorer.layoutRuns")
    tab.page.select_option("#kg-article", "0")
    assert tab.js("() => kgExplorer.layoutRuns") == runs + 1
    after = tab.page.evaluate("() => kgExplorer.network.getPositions()")
    assert any(after[k] != first[k] for k in after)
    inside = tab.js("""() => { const n = kgExplorer.network, box = document.getElementById('kg-graph');
        return Object.values(n.getPositions()).every(p => { const d = n.canvasToDOM(p);
          return d.x >= -1 && d.y >= -1 && d.x <= box.clientWidth + 1 && d.y <= box.clientHeight + 1; }); }""")
    assert inside
    tab.page.select_option("#kg-article", "")
    again = tab.page.evaluate("() => kgExplorer.network.getPositions()")
    assert again == first  # seeded: the same nodes get the same layout


def test_brushing_the_time_axis_filters_the_graph(tab):
    dated = tab.js("() => kgExplorer.payload.nodes.filter(n => n.date).map(n => [n.id, n.date])")
    assert {d[:4] for _, d in dated} >= {"2003", "2014", "2017"}
    box = tab.page.locator("#kg-axis svg").bounding_box()
    x0 = tab.js("() => kgExplorer.timeline.x(kgExplorer.timeline.time('2013-03-01'))")
    x1 = tab.js("() => kgExplorer.timeline.x(kgExplorer.timeline.time('2018-06-01'))")
    y = box["y"] + box["height"] / 3
    tab.page.mouse.move(box["x"] + x0, y)
    tab.page.mouse.down()
    tab.page.mouse.move(box["x"] + x1, y, steps=5)
    tab.page.mouse.up()
    assert tab.page.input_value("#kg-date-from").startswith("2013")
    for node, date in dated:
        passes = tab.js("(i) => kgExplorer.passes[i] === 1", node)
        assert passes == ("2013" <= date[:4] <= "2018"), date
    assert not tab.page.locator("#kg-brush-clear").is_hidden()
    tab.page.click("#kg-brush-clear")
    assert all(tab.js("(i) => kgExplorer.passes[i] === 1", node) for node, _ in dated)


def test_the_map_draws_known_places_and_a_click_filters_graph_and_timeline(tab):
    tab.page.click("#kg-tab-map")
    assert tab.page.locator("#kg-map path.kg-country").count() > 150
    names = tab.js("() => Array.from(document.querySelectorAll('#kg-map .kg-marker title')).map(t => t.textContent)")
    for place in ("Baghdad", "Erbil", "Iraq", "Washington"):
        assert any(n.startswith(place + " (") for n in names), place
    assert tab.page.locator("#kg-map .kg-marker.city").count() >= 4
    assert tab.page.locator("#kg-map .kg-marker.country").count() >= 3
    riyadh = tab.node_id("Riyadh")
    tab.page.locator(f'#kg-map .kg-marker[data-id="{riyadh}"]').click()
    shown = tab.js("() => kgExplorer.payload.nodes.filter(n => kgExplorer.passes[n.id]).map(n => n.label)")
    assert "Riyadh" in shown and "Donald Trump" in shown and "Erbil" not in shown
    assert any(label.startswith("Meeting between") for label in shown)
    assert "Only Riyadh" in tab.page.inner_text("#kg-view-filter")
    tab.page.click("#kg-reset")
    assert tab.page.inner_text("#kg-view-filter") == ""


def test_claims_table_lists_the_troop_figures_with_their_sources(tab):
    tab.page.click("#kg-tab-claims")
    table = tab.page.locator("#kg-claims h3", has_text="United States troops").locator("xpath=following-sibling::table[1]")
    text = table.inner_text()
    for figure in ("2,500 troops", "2,000 troops", "5,200 \u2192 3,000 troops"):
        assert figure in text
    assert "fewer than" in text and "roughly" in text
    assert "pentagon-iraq-drawdown" in text and "us-troop-reduction-iraq" in text
    assert tab.page.locator("#kg-claims h2", has_text="Statements").count() == 1
    assert "Kenneth F. McKenzie Jr." in tab.page.inner_text("#kg-claims")
    table.locator("tr", has_text="2,500 troops").locator("button").click()
    assert "roughly 2,500 troops" in tab.page.locator("#kg-panel mark").first.inner_text()
