"""The explorer page's data and HTML: nodes by kind, stated links, evidence, timeline, ego view, safety."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import ORG, OWL, RDF, RDFS, SKOS, XSD

from kg.explorer.page import APP_SCRIPTS, json_for_script, read_payload
from kg.explorer.writer import LAYOUT_THRESHOLD, FocusNotFound, write_explorer
from kg.rdf import iris
from kg.vocab import GAF, KG, NIF, SCHEMA, SEM

DOC = "a1"
NON_NEGATIVE = XSD.nonNegativeInteger


class Builder:
    """A small article graph plus merged graph, shaped as in notes/contract.md."""

    def __init__(self, doc=DOC, title=None, date=None, url=None):
        self.ds = Dataset()
        self.merged = self.ds.graph(iris.MERGED_GRAPH)
        self.doc_id = doc
        self.article = self.ds.graph(iris.doc_graph(doc))
        self.doc = iris.document(doc)
        self.article.add((self.doc, RDF.type, SCHEMA.NewsArticle))
        self.article.add((self.doc, SCHEMA.identifier, Literal(doc)))
        for prop, value in ((SCHEMA.headline, title), (SCHEMA.datePublished, date)):
            if value:
                self.article.add((self.doc, prop, Literal(value)))
        if url:
            self.article.add((self.doc, SCHEMA.url, URIRef(url)))
        self.sentences: dict[int, str] = {}

    def entity(self, key, cls, label, *aliases):
        e = iris.entity(key)
        self.merged.add((e, RDF.type, cls))
        self.merged.add((e, RDFS.label, Literal(label)))
        for alias in aliases:
            self.merged.add((e, SKOS.altLabel, Literal(alias)))
        return e

    def sentence(self, no, text):
        """Sentence ``no`` starts at character no * 1000."""
        self.sentences[no] = text
        node = iris.span(self.doc_id, no * 1000, no * 1000 + len(text))
        for p, o in ((RDF.type, NIF.Sentence), (NIF.anchorOf, Literal(text)), (NIF.referenceContext, self.doc),
                     (NIF.beginIndex, Literal(no * 1000, datatype=NON_NEGATIVE))):
            self.article.add((node, p, o))
        return node

    def mention(self, node, no, surface):
        """``node`` is named by ``surface`` inside sentence ``no`` (its first occurrence)."""
        text = self.sentences[no]
        start = no * 1000 + text.index(surface)
        span = iris.span(self.doc_id, start, start + len(surface))
        g = self.article
        g.add((span, RDF.type, NIF.Phrase))
        g.add((span, NIF.beginIndex, Literal(start, datatype=NON_NEGATIVE)))
        g.add((span, NIF.anchorOf, Literal(surface)))
        g.add((span, NIF.referenceContext, self.doc))
        g.add((span, NIF.sentence, iris.span(self.doc_id, no * 1000, no * 1000 + len(text))))
        g.add((node, GAF.denotedBy, span))
        return span


def write(tmp_path, data, **kw):
    out = tmp_path / "explorer.html"
    count = write_explorer(data, out, **kw)
    page = out.read_text(encoding="utf-8")
    return count, page, read_payload(page)


def by_label(payload):
    return {n["label"]: n for n in payload["nodes"]}


def edge_set(payload):
    labels = {n["id"]: n["label"] for n in payload["nodes"]}
    return {(labels[e["from"]], e["label"], labels[e["to"]]) for e in payload["edges"]}


@pytest.fixture
def story():
    b = Builder(title="Troops leave Riverton", date="2025-03-05", url="https://news.example/riverton")
    b.sentence(1, "Jane Doe said North Front fighters left Riverton in January 2020.")
    b.sentence(2, "Doe now leads the Riverton council in Examplestan.")
    e = {
        "person": b.entity("person/jane-doe", KG.Person, "Jane Doe", "Doe", "J. Doe"),
        "group": b.entity("org/north-front", KG.ArmedGroup, "North Front"),
        "city": b.entity("city/riverton", KG.City, "Riverton"),
        "country": b.entity("country/xx", KG.Country, "Examplestan"),
        "operation": b.entity("event/operation-dawn", KG.MilitaryOperation, "Operation Dawn"),
    }
    ev = iris.event(DOC, 1026, 1030)
    b.article.add((ev, RDF.type, KG.Withdrawal))
    b.article.add((ev, RDFS.label, Literal("Withdrawal by North Front from Riverton (2020-01; happened)")))
    b.article.add((ev, SEM.hasTimeStamp, Literal("2020-01", datatype=XSD.gYearMonth)))
    b.article.add((ev, KG.timeText, Literal("January 2020")))
    b.article.add((ev, KG.status, KG.Happened))
    b.mention(e["person"], 1, "Jane Doe")
    b.mention(e["person"], 2, "Doe")
    b.mention(e["group"], 1, "North Front")
    b.mention(e["city"], 1, "Riverton")
    b.mention(e["city"], 2, "Riverton")
    b.mention(e["country"], 2, "Examplestan")
    b.mention(ev, 1, "left")
    return b, e, ev


def test_nodes_by_kind_with_event_types_and_legend(tmp_path, story):
    b, e, ev = story
    count, page, payload = write(tmp_path, b.ds)
    nodes = by_label(payload)
    assert count == len(payload["nodes"]) == 6  # the article and the spans are not nodes
    kinds = {label: n["kind"] for label, n in nodes.items()}
    assert kinds == {"Jane Doe": "Person", "North Front": "Organization", "Riverton": "Place",
                     "Examplestan": "Place", "Operation Dawn": "NamedEvent",
                     "Withdrawal (2020-01)": "Event"}  # no roles stated: type and time
    withdrawal = nodes["Withdrawal (2020-01)"]
    assert withdrawal["aliases"] == ["Withdrawal by North Front from Riverton (2020-01; happened)"]  # as built
    assert withdrawal["type"] == "Withdrawal" and withdrawal["date"] == "2020-01"
    assert withdrawal["status"] == "happened" and withdrawal["timeText"] == "January 2020"
    assert nodes["Riverton"]["classes"] == ["City"] and nodes["North Front"]["classes"] == ["ArmedGroup"]
    assert nodes["Jane Doe"]["aliases"] == ["Doe", "J. Doe"]
    legend = {k["key"]: k for k in payload["legend"]["kinds"]}
    assert {k: v["count"] for k, v in legend.items()} == {"Person": 1, "Organization": 1, "Place": 2,
                                                           "NamedEvent": 1, "Event": 1}
    assert len({(v["color"], v["shape"]) for v in legend.values()}) == 5  # each kind its own look
    assert [t["key"] for t in payload["legend"]["eventTypes"]] == ["Withdrawal"]
    assert all(isinstance(n["id"], int) for n in payload["nodes"])  # ids never carry article text


def test_evidence_marks_each_mention_in_its_sentence(tmp_path, story):
    b, e, _ = story
    _, _, payload = write(tmp_path, b.ds)
    jane = by_label(payload)["Jane Doe"]
    assert jane["mentions"] == 2 and jane["nsent"] == 2
    marked = sorted(payload["sentences"][s][1][a:z] for s, a, z in jane["ev"])
    assert marked == ["Doe", "Jane Doe"]
    article = payload["articles"][payload["sentences"][jane["ev"][0][0]][0]]
    assert article == {"id": DOC, "title": "Troops leave Riverton", "date": "2025-03-05",
                       "url": "https://news.example/riverton", "publisher": None}
    assert by_label(payload)["Riverton"]["docs"] == [0]


def test_comention_fallback_weights_shared_sentences(tmp_path, story):
    b, e, ev = story
    b.article.remove((ev, None, None))
    _, _, payload = write(tmp_path, b.ds)
    assert payload["comention"] is True
    assert {x["label"] for x in payload["edges"]} == {"co-mentioned"}
    labels = {n["id"]: n["label"] for n in payload["nodes"]}
    weight = {frozenset((labels[x["from"]], labels[x["to"]])): x["n"] for x in payload["edges"]}
    assert weight[frozenset(("Jane Doe", "Riverton"))] == 2  # sentences 1 and 2
    assert weight[frozenset(("Jane Doe", "North Front"))] == 1
    assert frozenset(("North Front", "Examplestan")) not in weight


def test_stated_relations_events_and_roles_become_labelled_edges(tmp_path, story):
    b, e, ev = story
    b.article.add((ev, KG.hasAgent, e["group"]))
    b.article.add((ev, SEM.hasPlace, e["city"]))
    b.article.add((e["city"], SCHEMA.containedInPlace, e["country"]))
    stmt = iris.statement(DOC, "city/riverton", "located_in", "country/xx")
    for p, o in ((RDF.type, RDF.Statement), (RDF.subject, e["city"]), (RDF.predicate, SCHEMA.containedInPlace),
                 (RDF.object, e["country"]), (GAF.denotedBy, iris.span(DOC, 2000, 2000 + len(b.sentences[2])))):
        b.article.add((stmt, p, o))
    m = iris.membership("person/jane-doe", "Commander", "org/north-front")
    role = iris.role("Commander")
    for p, o in ((RDF.type, ORG.Membership), (ORG.member, e["person"]), (ORG.organization, e["group"]),
                 (ORG.role, role), (KG.former, Literal(True))):
        b.article.add((m, p, o))
    b.article.add((role, RDFS.label, Literal("Commander")))
    post = iris.membership("person/jane-doe", "Mayor", None)
    b.article.add((post, RDF.type, ORG.Membership))
    b.article.add((post, ORG.member, e["person"]))
    b.article.add((post, ORG.role, iris.role("Mayor")))
    b.article.add((iris.role("Mayor"), RDFS.label, Literal("Mayor")))
    count, _, payload = write(tmp_path, b.ds)
    assert count == 6  # memberships, roles and statements are not nodes
    w = "Withdrawal by North Front from Riverton (2020-01)"  # composed from the roles
    assert edge_set(payload) == {(w, "agent", "North Front"), (w, "place", "Riverton"),
                                 ("Riverton", "contained in place", "Examplestan"),
                                 ("Jane Doe", "former Commander", "North Front")}
    kinds = {x["label"]: x["kind"] for x in payload["edges"]}
    assert kinds == {"agent": "actor", "place": "place", "contained in place": "relation",
                     "former Commander": "role"}
    located = next(x for x in payload["edges"] if x["label"] == "contained in place")
    assert [payload["sentences"][s][1] for s in located["ev"]] == [b.sentences[2]]
    agent = next(x for x in payload["edges"] if x["label"] == "agent")
    assert [payload["sentences"][s][1] for s in agent["ev"]] == [b.sentences[1]]  # the event's sentence
    assert by_label(payload)["Jane Doe"]["posts"] == ["Mayor"]
    assert payload["comention"] is False


def test_subproperty_and_subclass_declared_in_data_are_followed(tmp_path):
    b = Builder()
    militia = URIRef("https://example.org/Militia")
    b.merged.add((militia, RDFS.subClassOf, KG.ArmedGroup))
    commands = URIRef("https://example.org/commands")
    b.merged.add((commands, RDFS.subPropertyOf, SEM.hasActor))
    g = b.entity("org/m", militia, "Local Militia")
    p = b.entity("person/p", KG.Person, "Some Leader")
    b.merged.add((p, commands, g))
    _, _, payload = write(tmp_path, b.ds)
    assert {n["label"]: n["kind"] for n in payload["nodes"]} == {"Local Militia": "Organization",
                                                                 "Some Leader": "Person"}
    assert [x["label"] for x in payload["edges"]] == ["commands"]


def test_classes_declared_only_in_the_ontology_are_used(tmp_path, monkeypatch):
    import kg.explorer.reading as reading

    brigade = URIRef("https://example.org/Brigade")
    onto = Graph()
    onto.add((brigade, RDFS.subClassOf, SCHEMA.Organization))
    monkeypatch.setattr(reading, "ontology_graph", lambda: onto)
    g = Graph()
    g.add((iris.entity("org/b"), RDF.type, brigade))
    g.add((iris.entity("org/b"), RDFS.label, Literal("5th Brigade")))
    _, _, payload = write(tmp_path, g)
    assert [(n["label"], n["kind"]) for n in payload["nodes"]] == [("5th Brigade", "Organization")]


def test_only_web_links_survive(tmp_path):
    b = Builder(url="javascript:alert(1)")
    b.sentence(1, "Iraq said so.")
    iq = b.entity("country/iq", KG.Country, "Iraq")
    for target in ("http://www.wikidata.org/entity/Q796", "https://sws.geonames.org/99237/",
                   "javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd"):
        b.merged.add((iq, OWL.sameAs, URIRef(target)))
    b.mention(iq, 1, "Iraq")
    _, page, payload = write(tmp_path, b.ds)
    assert by_label(payload)["Iraq"]["links"] == [["Wikidata Q796", "http://www.wikidata.org/entity/Q796"],
                                                  ["GeoNames 99237", "https://sws.geonames.org/99237/"]]
    assert payload["articles"][0]["url"] is None
    block = json.dumps(payload)
    assert "javascript:" not in block and "file:///" not in block and "data:text" not in block


def test_timeline_is_in_date_order_with_undated_events_last(tmp_path):
    b = Builder()
    b.sentence(1, "They met, attacked, talked and left.")
    stamps = {"left": "2021", "met": "2019-05-02", "attacked": None, "talked": "2019-05"}
    for word, stamp in stamps.items():
        ev = iris.event(DOC, 1000 + b.sentences[1].index(word), 1000 + b.sentences[1].index(word) + len(word))
        b.article.add((ev, RDF.type, KG.Meeting))
        b.article.add((ev, RDFS.label, Literal(word)))
        if stamp:
            b.article.add((ev, SEM.hasTimeStamp, Literal(stamp)))
        b.mention(ev, 1, word)
    _, _, payload = write(tmp_path, b.ds)
    labels = [payload["nodes"][i]["aliases"][0] for i in payload["timeline"]]  # the built labels
    assert labels == ["talked", "met", "left", "attacked"]


def test_event_details_quantities_quote_and_unnamed_speakers(tmp_path):
    b = Builder()
    b.sentence(1, "An official said 3,000 troops would stay.")
    ev = iris.event(DOC, 1012, 1016)
    source = iris.unnamed_source(DOC, 1000, 1011)
    q = iris.quantity(DOC, 1017, 1029)
    for s, p, o in ((ev, RDF.type, KG.Statement), (ev, RDFS.label, Literal("Statement by an official")),
                    (ev, KG.hasSpeaker, source), (source, RDF.type, KG.UnnamedSource),
                    (source, RDFS.label, Literal("An official")), (ev, KG.quotation, Literal("we stay")),
                    (ev, KG.hasQuantity, q), (q, SCHEMA.value, Literal(3000)),
                    (q, SCHEMA.unitText, Literal("troops")), (q, KG.qualifier, Literal("about")),
                    (ev, KG.confidence, Literal("0.8", datatype=XSD.decimal))):
        b.article.add((s, p, o))
    b.mention(ev, 1, "said")
    _, _, payload = write(tmp_path, b.ds)
    (node,) = payload["nodes"]  # the unnamed source is not a node
    assert node["others"] == [["speaker", "An official"]]
    assert node["quantities"] == ["about 3,000 troops"] and node["quote"] == "we stay"
    assert node["confidence"] == 0.8


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "O'Brien & \"Sons\"",
    '"</script><script>alert(2)</script>',
    "two\nlines\tand\r\nmore",
    "Côte d'Ivoire 🇨🇮 🔥 \u2028 \u2029",
    "<!-- <script>",
]


def test_hostile_text_stays_inert_and_exact(tmp_path):
    b = Builder(title="<script>alert('t')</script>")
    for i, text in enumerate(HOSTILE):
        b.sentence(i, f"Before {text} after.")
        ent = b.entity(f"person/p{i}", KG.Person, text, text + " alias", "<b onmouseover=alert(3)>x</b>")
        b.mention(ent, i, text)
    count, page, payload = write(tmp_path, b.ds, title="<script>alert('t')</script>")
    block = re.search(r'id="kg-payload">(.*?)</script>', page, re.DOTALL).group(1)
    assert not re.search("[<>&\u2028\u2029]", block)
    for bad in ("<script>alert", "<img src=x", "</script><script>", "<b onmouseover", "<!-- <script>"):
        assert bad not in page
    # the data block, vis-network and the page's own scripts: no element was opened or closed by the data
    scripts = 2 + len(APP_SCRIPTS)
    assert len(re.findall(r"^<script\b", page, flags=re.MULTILINE)) == len(re.findall("</script>", page)) == scripts
    assert count == len(payload["nodes"]) == len(HOSTILE)
    assert {n["label"] for n in payload["nodes"]} == {" ".join(t.split()) for t in HOSTILE}
    for n in payload["nodes"]:
        (s, a, z), = n["ev"]
        assert payload["sentences"][s][1][a:z] == HOSTILE[int(n["iri"][-1])]  # highlight is the raw text
    assert "<title>&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;</title>" in page
    assert payload["articles"][0]["title"] == "<script>alert('t')</script>"


def test_json_for_script_round_trips_and_cannot_close_the_tag():
    value = {"a": "</script><!--<script>", "b": "x\u2028y\u2029z & <b>", "c": [1, 2.5, None, True]}
    text = json_for_script(value)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


def test_csp_allows_only_the_inline_scripts_and_no_request(tmp_path, story):
    b, _, _ = story
    _, page, _ = write(tmp_path, b.ds)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in scripts}
    assert hashes == set(re.findall(r"'sha256-[^']+'", csp))
    attrs = re.findall(r"\b(?:src|href)\s*=\s*[\"']?([^\"'\s>]*)", page, flags=re.IGNORECASE)
    assert not [a for a in attrs if re.match(r"(?:https?:)?//", a, flags=re.IGNORECASE)]
    assert "sourceMappingURL" not in page and "vis.Network" in page


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_inline_scripts_parse_as_javascript(tmp_path, story):
    b, _, _ = story
    _, page, _ = write(tmp_path, b.ds)
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)
    assert len(scripts) == 1 + len(APP_SCRIPTS)
    for i, script in enumerate(scripts):
        js = tmp_path / f"page{i}.js"
        js.write_text(script, encoding="utf-8")
        result = subprocess.run(["node", "--check", str(js)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_deterministic_regardless_of_insertion_order(tmp_path):
    def build(reverse):
        b = Builder()
        b.sentence(1, "Alpha, Beta, Gamma and Delta met.")
        names = [("person/a", KG.Person, "Alpha"), ("person/b", KG.Person, "Beta"),
                 ("city/c", KG.City, "Gamma"), ("org/d", KG.Ministry, "Delta")]
        for key, cls, label in (reversed(names) if reverse else names):
            b.mention(b.entity(key, cls, label, label[:3]), 1, label)
        return b.ds

    pages = []
    for i, reverse in enumerate((False, True, False)):
        write_explorer(build(reverse), tmp_path / f"p{i}.html")
        pages.append((tmp_path / f"p{i}.html").read_bytes())
    assert pages[0] == pages[1] == pages[2]


def test_small_graph_lets_the_browser_lay_out(tmp_path, story):
    b, _, _ = story
    _, _, payload = write(tmp_path, b.ds)
    assert payload["big"] is False and payload["seed"] == 7
    assert all("x" not in n for n in payload["nodes"])


def test_large_graph_is_laid_out_in_python_and_ranked(tmp_path):
    b = Builder()
    hub = b.entity("country/hub", KG.Country, "Hubland")
    n = LAYOUT_THRESHOLD + 20
    for i in range(n):
        b.sentence(i, f"Person {i:03d} visited Hubland.")
        p = b.entity(f"person/p{i}", KG.Person, f"Person {i:03d}")
        b.mention(p, i, f"Person {i:03d}")
        b.mention(hub, i, "Hubland")
        if i % 3 == 0:
            b.merged.add((p, KG.ledBy, hub))
    count, page, payload = write(tmp_path, b.ds)
    assert count == n + 1 and payload["big"] is True
    nodes = payload["nodes"]
    assert all(isinstance(x["x"], int) and isinstance(x["y"], int) for x in nodes)
    assert len({(x["x"], x["y"]) for x in nodes}) > n * 0.9  # spread out, not stacked
    assert by_label(payload)["Hubland"]["rank"] == 0  # the hub is the most important node
    assert sorted(x["rank"] for x in nodes) == list(range(n + 1))
    assert by_label(payload)["Person 000"]["value"] > by_label(payload)["Person 001"]["value"]  # linked
    write_explorer(b.ds, tmp_path / "again.html")
    assert (tmp_path / "again.html").read_text(encoding="utf-8") == page


def test_ego_view_keeps_the_neighbourhood(tmp_path, story):
    b, e, ev = story
    b.article.add((ev, KG.hasAgent, e["group"]))
    b.article.add((ev, SEM.hasPlace, e["city"]))
    b.article.add((e["city"], SCHEMA.containedInPlace, e["country"]))
    w = "Withdrawal by North Front from Riverton (2020-01)"  # composed from the roles
    count, _, payload = write(tmp_path, b.ds, focus="north FRONT", depth=1)
    assert count == 2 and set(by_label(payload)) == {"North Front", w}
    assert payload["focus"]["labels"] == ["North Front"] and payload["focus"]["depth"] == 1
    count, _, payload = write(tmp_path, b.ds, focus="j. doe", depth=2)  # an alias; Jane Doe has no links
    assert count == 1 and payload["focus"]["ids"] == [0]
    count, _, payload = write(tmp_path, b.ds, focus="North Front", depth=3)
    assert set(by_label(payload)) == {"North Front", "Riverton", "Examplestan", w}


def test_ego_view_unknown_name_is_a_clear_error_and_keeps_the_old_page(tmp_path, story):
    b, _, _ = story
    out = tmp_path / "explorer.html"
    out.write_text("old page")
    with pytest.raises(FocusNotFound, match=r"'Rivertown'.*close names: 'Riverton'"):
        write_explorer(b.ds, out, focus="Rivertown")
    assert out.read_text() == "old page"


def test_plain_graph_empty_input_and_unlabelled_entities(tmp_path):
    g = Graph()
    g.add((iris.entity("city/new-town"), RDF.type, KG.City))
    count, _, payload = write(tmp_path, g)
    assert count == 1 and payload["nodes"][0]["label"] == "new-town"
    count, _, payload = write(tmp_path, Dataset())
    assert count == 0 and payload["nodes"] == [] and payload["timeline"] == []


def test_bad_input_keeps_old_file(tmp_path):
    out = tmp_path / "explorer.html"
    out.write_text("old page")
    with pytest.raises(TypeError, match="Dataset or Graph"):
        write_explorer({"not": "a graph"}, out)
    assert out.read_text() == "old page"


def test_ego_focus_by_part_of_a_name_and_ambiguity(tmp_path, story):
    b, e, _ = story
    b.entity("person/john-doe", KG.Person, "John Doe")
    count, _, payload = write(tmp_path, b.ds, focus="Jane", depth=0)  # a whole word of one label
    assert count == 1 and payload["nodes"][0]["label"] == "Jane Doe"
    count, _, payload = write(tmp_path, b.ds, focus="doe", depth=0)  # Jane Doe's alias beats John Doe's word
    assert [n["label"] for n in payload["nodes"]] == ["Jane Doe"]
    with pytest.raises(FocusNotFound, match="no node"):
        write_explorer(b.ds, tmp_path / "x.html", focus="Jan")  # parts of words do not count
    b.entity("person/jane-roe", KG.Person, "Jane Roe")
    with pytest.raises(FocusNotFound, match="ambiguous: 'Jane Doe', 'Jane Roe'"):
        write_explorer(b.ds, tmp_path / "x.html", focus="jane")
