"""The explorer page: one node per entity, relation or co-mention links, offline, safe, deterministic."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import ORG, RDF, RDFS, SKOS

from kg import iris
from kg.explorer import KGN, write_explorer
from kg.vocab import GAF, KG, NIF, SCHEMA, SEM

DOC = "a1"
NON_NEGATIVE = URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")


class Builder:
    """A small article graph plus merged graph, shaped as in notes/contract.md."""

    def __init__(self):
        self.ds = Dataset()
        self.merged = self.ds.graph(iris.MERGED_GRAPH)
        self.article = self.ds.graph(iris.doc_graph(DOC))
        doc = iris.document(DOC)
        self.article.add((doc, RDF.type, SCHEMA.NewsArticle))
        self.article.add((doc, RDF.type, NIF.Context))
        self.offset = 0

    def entity(self, key, cls, label, *aliases):
        e = iris.entity(key)
        self.merged.add((e, RDF.type, cls))
        self.merged.add((e, RDFS.label, Literal(label)))
        for alias in aliases:
            self.merged.add((e, SKOS.altLabel, Literal(alias)))
        return e

    def mention(self, entity, sentence_no):
        """A mention of ``entity`` in sentence number ``sentence_no`` (sentences are 1000 chars apart)."""
        self.offset += 5
        start = sentence_no * 1000 + self.offset
        span = iris.span(DOC, start, start + 4)
        sentence = iris.span(DOC, sentence_no * 1000, sentence_no * 1000 + 999)
        g = self.article
        g.add((span, RDF.type, NIF.Phrase))
        g.add((span, NIF.beginIndex, Literal(start, datatype=NON_NEGATIVE)))
        g.add((span, NIF.sentence, sentence))
        g.add((sentence, RDF.type, NIF.Sentence))
        g.add((entity, GAF.denotedBy, span))
        return span


def page_data(html_text, name):
    match = re.search(name + r" = new vis\.DataSet\((.*?)\);\n", html_text)
    assert match, f"no {name} DataSet in page"
    return json.loads(match.group(1))


def page_options(html_text):
    return json.loads(re.search(r"var options = (\{.*?\});\n", html_text).group(1))


def write(tmp_path, data, **kw):
    out = tmp_path / "explorer.html"
    count = write_explorer(data, out, **kw)
    return count, out.read_text(encoding="utf-8")


@pytest.fixture
def story():
    b = Builder()
    e = {
        "person": b.entity("person/jane-doe", KG.Person, "Jane Doe", "Doe", "J. Doe"),
        "group": b.entity("org/north-front", KG.ArmedGroup, "North Front"),
        "city": b.entity("city/riverton", KG.City, "Riverton"),
        "country": b.entity("country/xx", KG.Country, "Examplestan"),
        "operation": b.entity("event/operation-dawn", KG.MilitaryOperation, "Operation Dawn"),
    }
    ev = URIRef(str(iris.document(DOC)) + "#event-1")
    b.article.add((ev, RDF.type, KGN.Withdrawal))
    b.article.add((ev, RDFS.label, Literal("withdrawal from Riverton")))
    b.mention(e["person"], 1)
    b.mention(e["person"], 2)
    b.mention(e["group"], 1)
    b.mention(e["city"], 2)
    b.mention(e["country"], 3)
    b.mention(ev, 2)
    return b, e, ev


def test_one_node_per_entity_coloured_by_coarse_class(tmp_path, story):
    b, e, ev = story
    count, page = write(tmp_path, b.ds)
    nodes = page_data(page, "nodes")
    assert count == len(nodes) == 6  # 5 entities + 1 reported event; the article and spans are not nodes
    by_label = {n["label"]: n for n in nodes}
    assert set(by_label) == {"Jane Doe", "North Front", "Riverton", "Examplestan", "Operation Dawn",
                             "withdrawal from Riverton"}
    assert by_label["Jane Doe"]["group"] == "Person"
    assert by_label["North Front"]["group"] == "Organization"
    assert by_label["Riverton"]["group"] == by_label["Examplestan"]["group"] == "Place"
    assert by_label["Operation Dawn"]["group"] == by_label["withdrawal from Riverton"]["group"] == "Event"
    assert len({n["color"] for n in nodes}) == 4
    assert all(isinstance(n["id"], int) for n in nodes)  # ids never carry article text
    for coarse in ("Person", "Organization", "Place", "Event"):
        assert f"{coarse} (" in page  # legend


def test_tooltip_is_plain_text_with_class_aliases_and_mentions(tmp_path, story):
    b, e, _ = story
    _, page = write(tmp_path, b.ds)
    jane = next(n for n in page_data(page, "nodes") if n["label"] == "Jane Doe")
    lines = jane["title"].split("\n")
    assert lines[0] == "Jane Doe"
    assert lines[1] == "Person"
    city = next(n for n in page_data(page, "nodes") if n["label"] == "Riverton")
    assert city["title"].split("\n")[1] == "Place (City)"
    assert "Doe" in jane["title"] and "J. Doe" in jane["title"]
    assert "Mentions: 2" in lines
    assert "<br>" not in jane["title"]


def test_comention_fallback_weights_shared_sentences(tmp_path, story):
    b, e, _ = story
    b.mention(e["group"], 2)  # Jane Doe and North Front now share sentences 1 and 2
    _, page = write(tmp_path, b.ds)
    nodes = {n["id"]: n["label"] for n in page_data(page, "nodes")}
    edges = {frozenset((nodes[x["from"]], nodes[x["to"]])): x for x in page_data(page, "edges")}
    assert all(x["label"] == "co-mentioned" for x in edges.values())
    assert edges[frozenset(("Jane Doe", "North Front"))]["value"] == 2
    assert edges[frozenset(("Jane Doe", "Riverton"))]["value"] == 1
    assert not any("Examplestan" in pair for pair in edges)  # alone in its sentence


def test_relations_replace_comention_links(tmp_path, story):
    b, e, ev = story
    b.article.add((ev, KGN.hasAgent, e["group"]))
    b.article.add((ev, SEM.hasPlace, e["city"]))
    b.merged.add((e["city"], SCHEMA.containedInPlace, e["country"]))
    m = URIRef(str(iris.document(DOC)) + "#membership-1")
    role = iris.entity("role/commander")
    b.article.add((m, RDF.type, ORG.Membership))
    b.article.add((m, ORG.member, e["person"]))
    b.article.add((m, ORG.organization, e["group"]))
    b.article.add((m, ORG.role, role))
    b.article.add((role, RDFS.label, Literal("Commander")))
    b.article.add((m, KGN.former, Literal(True)))
    count, page = write(tmp_path, b.ds)
    assert count == 6  # the membership and the role are not entities
    nodes = {n["id"]: n["label"] for n in page_data(page, "nodes")}
    edges = {(nodes[x["from"]], x["label"], nodes[x["to"]]) for x in page_data(page, "edges")}
    assert edges == {
        ("withdrawal from Riverton", "agent", "North Front"),
        ("withdrawal from Riverton", "place", "Riverton"),
        ("Riverton", "contained in place", "Examplestan"),
        ("Jane Doe", "former Commander", "North Front"),
    }
    assert "co-mentioned" not in page


def test_subproperty_and_subclass_declared_in_data_are_followed(tmp_path):
    b = Builder()
    militia = URIRef("https://example.org/Militia")
    b.merged.add((militia, RDFS.subClassOf, KG.ArmedGroup))
    commands = URIRef("https://example.org/commands")
    b.merged.add((commands, RDFS.subPropertyOf, SEM.hasActor))
    g = b.entity("org/m", militia, "Local Militia")
    p = b.entity("person/p", KG.Person, "Some Leader")
    b.merged.add((p, commands, g))
    _, page = write(tmp_path, b.ds)
    nodes = page_data(page, "nodes")
    assert {n["label"]: n["group"] for n in nodes} == {"Local Militia": "Organization", "Some Leader": "Person"}
    assert [x["label"] for x in page_data(page, "edges")] == ["commands"]


def test_classes_declared_only_in_the_ontology_are_used(tmp_path, monkeypatch):
    import kg.explorer as explorer

    brigade = URIRef("https://example.org/Brigade")
    onto = Graph()
    onto.add((brigade, RDFS.subClassOf, SCHEMA.Organization))
    monkeypatch.setattr(explorer, "_ontology", lambda: onto)
    g = Graph()
    g.add((iris.entity("org/b"), RDF.type, brigade))
    g.add((iris.entity("org/b"), RDFS.label, Literal("5th Brigade")))
    _, page = write(tmp_path, g)
    assert [(n["label"], n["group"]) for n in page_data(page, "nodes")] == [("5th Brigade", "Organization")]


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "O'Brien & \"Sons\"",
    '"</script><script>alert(2)</script>',
    "two\nlines\tand\r\nmore",
    "Côte d'Ivoire 🇨🇮 🔥",
]


def test_hostile_labels_stay_inert_and_exact(tmp_path):
    b = Builder()
    for i, text in enumerate(HOSTILE):
        ent = b.entity(f"person/p{i}", KG.Person, text, text + " alias", "<b onmouseover=alert(3)>x</b>")
        b.mention(ent, 1)
    count, page = write(tmp_path, b.ds, title="<script>alert('t')</script>")
    for bad in ("<script>alert", "<img src=x", "</script><script>", "<b onmouseover", "onerror=alert(1)>"):
        assert bad not in page
    assert page.count("</script>") == 3  # bindings, vis-network, graph: nothing closed a script early
    nodes = page_data(page, "nodes")
    assert count == len(nodes) == len(HOSTILE)
    cleaned = {" ".join(t.split()) for t in HOSTILE}
    assert {n["label"] for n in nodes} == cleaned  # shown as the exact text, not as entities
    for n in nodes:
        assert n["title"].startswith(n["label"] + "\n")
        assert n["label"] + " alias" in n["title"]
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in page  # page title and heading
    assert "popup.innerHTML" not in page  # pyvis's HTML tooltip path stays off


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_inline_scripts_still_parse_as_javascript(tmp_path):
    b = Builder()
    for i, text in enumerate(HOSTILE):
        b.mention(b.entity(f"person/p{i}", KG.Person, text), 1)
    _, page = write(tmp_path, b.ds)
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, flags=re.DOTALL)
    assert len(scripts) == 3  # pyvis bindings, vis-network, the graph itself
    js = tmp_path / "page.js"
    js.write_text("\n;\n".join(scripts), encoding="utf-8")
    result = subprocess.run(["node", "--check", str(js)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_page_is_offline(tmp_path, story):
    b, _, _ = story
    _, page = write(tmp_path, b.ds)
    attrs = re.findall(r"\b(?:src|href)\s*=\s*[\"']?([^\"'\s>]*)", page, flags=re.IGNORECASE)
    assert not [a for a in attrs if re.match(r"(?:https?:)?//", a, flags=re.IGNORECASE)]
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page and "sourceMappingURL" not in page
    assert "vis.Network" in page  # the library itself is inlined


def test_deterministic_regardless_of_insertion_order(tmp_path):
    def build(reverse):
        b = Builder()
        names = [("person/a", KG.Person, "Alpha"), ("person/b", KG.Person, "Beta"),
                 ("city/c", KG.City, "Gamma"), ("org/d", KG.Ministry, "Delta")]
        for key, cls, label in (reversed(names) if reverse else names):
            b.mention(b.entity(key, cls, label, label[:3]), 1)
        return b.ds

    first = tmp_path / "one.html"
    second = tmp_path / "two.html"
    write_explorer(build(False), first)
    write_explorer(build(True), second)
    write_explorer(build(False), tmp_path / "three.html")
    assert first.read_bytes() == second.read_bytes() == (tmp_path / "three.html").read_bytes()


def test_small_graph_stabilizes_then_stops(tmp_path, story):
    b, _, _ = story
    _, page = write(tmp_path, b.ds)
    options = page_options(page)
    assert options["physics"]["enabled"] is True
    assert options["physics"]["stabilization"]["enabled"] is True
    assert options["layout"]["randomSeed"] == 7
    assert "stabilizationIterationsDone" in page and "physics: {enabled: false}" in page
    assert all("x" not in n for n in page_data(page, "nodes"))


def test_large_graph_is_laid_out_in_python(tmp_path):
    b = Builder()
    people = [b.entity(f"person/p{i}", KG.Person, f"Person {i:03d}") for i in range(320)]
    for i, p in enumerate(people):
        b.mention(p, i // 4)  # groups of four share a sentence
    count, page = write(tmp_path, b.ds)
    assert count == 320
    assert page_options(page)["physics"]["enabled"] is False
    nodes = page_data(page, "nodes")
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in nodes)
    assert len({(n["x"], n["y"]) for n in nodes}) > 300  # spread out, not stacked
    again = tmp_path / "again.html"
    write_explorer(b.ds, again)
    assert again.read_text(encoding="utf-8") == page


def test_plain_graph_and_empty_input(tmp_path):
    g = Graph()
    e = iris.entity("country/xx")
    g.add((e, RDF.type, KG.Country))
    assert write(tmp_path, g)[0] == 1
    count, page = write(tmp_path, Dataset())
    assert count == 0 and page_data(page, "nodes") == []


def test_unlabelled_entity_falls_back_to_iri_name(tmp_path):
    g = Graph()
    g.add((iris.entity("city/new-town"), RDF.type, KG.City))
    _, page = write(tmp_path, g)
    assert page_data(page, "nodes")[0]["label"] == "new-town"


def test_bad_input_keeps_old_file(tmp_path):
    out = tmp_path / "explorer.html"
    out.write_text("old page")
    with pytest.raises(TypeError, match="Dataset or Graph"):
        write_explorer({"not": "a graph"}, out)
    assert out.read_text() == "old page"
