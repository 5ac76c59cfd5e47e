"""Time expressions -> OWL-Time nodes in their article's named graph, and events' times.

Each time expression is a node denoted by its NIF span, typed by what OWL-Time can say of it (an
instant at a calendar granularity, a duration, or just a temporal entity), with its TimeML value,
type and mod as kg: literals, since OWL-Time has no words for weeks, quarters or PAST_REF.
An event points to the expression of its own clause with sem:hasTime, carries its calendar value
as sem:hasTimeStamp, and says with kg:timeSource whether that came from the text or from the
publication date. Nothing is decided here: the records say which time is whose.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from kg.rdf import iris
from kg.rdf.mapping import ArticleGraph, term, text
from kg.records import FROM_PUBLICATION, TimeValue
from kg.vocab import GAF, KG, RDF, SEM, TIME, XSD

# The OWL-Time position property of each calendar precision.
POSITION = {"date": TIME.inXSDDate, "gYearMonth": TIME.inXSDgYearMonth, "gYear": TIME.inXSDgYear}


def time_literal(value: str, datatype: str | None) -> Literal:
    return Literal(value, datatype=term(XSD[datatype])) if datatype else Literal(value)


def time_node(doc_id: str, time: TimeValue) -> NamedNode:
    return NamedNode(str(iris.time_expression(doc_id, time.start, time.end)))


def add_times(g: ArticleGraph, times: list[TimeValue]) -> None:
    """Every time expression of the article, with its span, OWL-Time type and TimeML reading."""
    for t in times:
        if t.start is None or t.end is None:
            continue
        node = time_node(g.doc.id, t)
        if t.type == "DURATION":
            g.add(node, RDF.type, term(TIME.Duration))
        elif t.datatype in POSITION:
            g.add(node, RDF.type, term(TIME.Instant))
            g.add(node, term(POSITION[t.datatype]), time_literal(t.value, t.datatype))
        else:
            g.add(node, RDF.type, term(TIME.TemporalEntity))
        g.add(node, GAF.denotedBy, g.span(t.start, t.end, sentence=t.sentence, rule="timex"))
        if t.type:
            g.add(node, KG.timexType, text(t.type))
        if t.timex:
            g.add(node, KG.timexValue, text(t.timex))
        if t.mod:
            g.add(node, KG.timexMod, text(t.mod))


def add_event_time(g: ArticleGraph, event: NamedNode, time: TimeValue | None) -> None:
    """An event's time: its own expression (sem:hasTime, kg:timeText) or its article's date."""
    if time is None:
        return
    if time.source == FROM_PUBLICATION:
        g.add(event, KG.timeSource, term(KG.TimeFromPublication))
    else:
        g.add(event, KG.timeSource, term(KG.TimeFromText))
        g.add(event, KG.timeText, text(time.text))
        if time.start is not None and time.end is not None:
            g.add(event, SEM.hasTime, time_node(g.doc.id, time))
    if time.value:
        g.add(event, SEM.hasTimeStamp, time_literal(time.value, time.datatype))
