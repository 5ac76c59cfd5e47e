"""Time expressions and event times as quads: OWL-Time nodes, TimeML literals, the time's source."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from kg.rdf import iris
from kg.rdf.mapping import ArticleGraph, date_literal
from kg.rdf.times import add_event_time, add_times
from kg.records import FROM_PUBLICATION, Document, TimeValue
from kg.vocab import GAF, KG, RDF, SEM, TIME, XSD

TEXT = "Officials said on Tuesday that talks lasted three years."
DOC = Document(id="d1", text=TEXT, source="d1.txt", published="2021-12")
TUESDAY = TimeValue(text="Tuesday", value="2021-11-30", datatype="date", start=18, end=25,
                    timex="2021-11-30", type="DATE", sentence=(0, len(TEXT)))
YEARS = TimeValue(text="three years", start=44, end=55, timex="P3Y", type="DURATION", mod=None,
                  sentence=(0, len(TEXT)))


def triples(g: ArticleGraph, subject: NamedNode) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for q in g.quads:
        if q.subject == subject:
            out.setdefault(q.predicate.value, set()).add(q.object.value)
    return out


def test_a_calendar_date_is_an_instant_with_its_xsd_position_and_timeml_reading():
    g = ArticleGraph(DOC)
    add_times(g, [TUESDAY])
    node = NamedNode(str(iris.time_expression("d1", 18, 25)))
    got = triples(g, node)
    assert got[str(RDF.type)] == {str(TIME.Instant)}
    assert got[str(TIME.inXSDDate)] == {"2021-11-30"}
    assert got[str(KG.timexValue)] == {"2021-11-30"} and got[str(KG.timexType)] == {"DATE"}
    assert got[str(GAF.denotedBy)] == {iris.span_iri("d1", 18, 25)}
    typed = [q.object for q in g.quads if q.predicate.value == str(TIME.inXSDDate)]
    assert typed == [Literal("2021-11-30", datatype=NamedNode(str(XSD.date)))]


def test_a_duration_is_a_time_duration_with_no_calendar_position():
    g = ArticleGraph(DOC)
    add_times(g, [YEARS])
    got = triples(g, NamedNode(str(iris.time_expression("d1", 44, 55))))
    assert got[str(RDF.type)] == {str(TIME.Duration)}
    assert got[str(KG.timexValue)] == {"P3Y"}
    assert str(TIME.inXSDDate) not in got and str(KG.timexMod) not in got


def test_an_event_dated_by_its_text_points_to_its_time_expression():
    g = ArticleGraph(DOC)
    event = NamedNode("https://w3id.org/newskg/id/event/d1/10-14")
    add_event_time(g, event, TUESDAY)
    got = triples(g, event)
    assert got[str(SEM.hasTime)] == {str(iris.time_expression("d1", 18, 25))}
    assert got[str(KG.timeSource)] == {str(KG.TimeFromText)}
    assert got[str(SEM.hasTimeStamp)] == {"2021-11-30"} and got[str(KG.timeText)] == {"Tuesday"}


def test_an_event_dated_by_its_article_says_so_and_has_no_time_expression():
    g = ArticleGraph(DOC)
    event = NamedNode("https://w3id.org/newskg/id/event/d1/10-14")
    published = TimeValue(text="2021-12", value="2021-12", datatype="gYearMonth", timex="2021-12",
                          type="DATE", source=FROM_PUBLICATION)
    add_event_time(g, event, published)
    got = triples(g, event)
    assert got[str(KG.timeSource)] == {str(KG.TimeFromPublication)}
    assert str(SEM.hasTime) not in got and str(KG.timeText) not in got
    stamp = [q.object for q in g.quads if q.predicate.value == str(SEM.hasTimeStamp)]
    assert stamp == [Literal("2021-12", datatype=NamedNode(str(XSD.gYearMonth)))]


def test_partial_publication_dates_are_typed_as_month_or_year():
    assert date_literal("2021-12") == Literal("2021-12", datatype=NamedNode(str(XSD.gYearMonth)))
    assert date_literal("2021") == Literal("2021", datatype=NamedNode(str(XSD.gYear)))
    assert date_literal("2021-12-03") == Literal("2021-12-03", datatype=NamedNode(str(XSD.date)))
