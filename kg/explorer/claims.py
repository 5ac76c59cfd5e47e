"""Claims across sources: who says what number, and what, when; the rows of the claims view.

WHY a view of its own: a news story is told again by many sources, and what a reader asks first
("how many US troops are in Iraq?") is answered by quantities scattered over articles, dates and
speakers ("5,200 to 3,000", "roughly 2,500", "fewer than 2,000"). Quantities are grouped by what
they count (the actor counted, the unit, the place: "United States troops in Iraq"); statements
by what they are about (the events reported in the same sentence). Each row keeps the sentence
it comes from, so the page can show the evidence. Rows of one group at the same time that
disagree are marked here, where the values are still numbers.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, Namespace
from rdflib.namespace import RDF, RDFS

from kg.explorer.reading import Props, Reader, clean, local
from kg.vocab import GAF, KG_NS, NIF, SCHEMA, SEM

KGN = Namespace(KG_NS)


def _number(value) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _name(props: Props, term, index: dict, nodes: list[dict]) -> str:
    if term in index:
        return nodes[index[term]]["label"]
    return clean(props.value(term, RDFS.label) or local(term))


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:,.10g}"


def _quantity_row(props: Props, reader: Reader, q, index: dict, nodes: list[dict], speakers: dict,
                  owner: dict) -> dict | None:
    spans = props.objects(q, GAF.denotedBy)
    located = next(filter(None, map(reader.locate, spans)), None)
    if located is None:
        return None
    sentence, start, end, doc = located
    value, low, high = (_number(props.value(q, p)) for p in (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue))
    before = props.value(q, KGN.fromQuantity)
    unit = clean(props.value(q, SCHEMA.unitText) or "")
    amount = _fmt(value) or (f"{_fmt(low)}\u2013{_fmt(high)}" if low is not None and high is not None
                             else _fmt(low) or _fmt(high))
    if before is not None and _number(props.value(before, SCHEMA.value)) is not None:
        amount = f"{_fmt(_number(props.value(before, SCHEMA.value)))} \u2192 {amount}"
    event = owner.get(q)
    counted = [_name(props, a, index, nodes) for a in props.objects(q, KGN.countsActor)
               or (props.objects(event, KGN.hasAgent) if event is not None else [])]
    places = [_name(props, p, index, nodes) for p in props.objects(q, SEM.hasPlace)]
    if not places and event is not None:
        places = [_name(props, p, index, nodes) for p in props.objects(event, SEM.hasPlace)]
    what = " ".join(filter(None, [" and ".join(counted), unit or "amount"]))
    what = what[:1].upper() + what[1:]
    stamp, text = props.value(q, SEM.hasTimeStamp), props.value(q, KGN.timeText)
    if stamp is None and event is not None:
        stamp, text = props.value(event, SEM.hasTimeStamp), props.value(event, KGN.timeText)
    said_by = sorted(speakers.get(sentence, set()))
    return {"kind": "quantity", "what": what, "value": amount, "unit": unit,
            "number": value if value is not None else high if high is not None else low,
            "qualifier": clean(props.value(q, KGN.qualifier) or ""),
            "written": clean(props.value(spans[0], NIF.anchorOf) or "") if spans else "",
            "place": " and ".join(places), "date": clean(stamp)[:10] if stamp is not None else None, "when": clean(text) if text else None,
            "speaker": said_by, "sentence": sentence, "doc": doc,
            "range": [start, end] if start is not None else None,
            "event": index.get(event)}


def read_claims(g: Graph, props: Props, reader: Reader, index: dict, nodes: list[dict]) -> list[dict]:
    """Rows for every located quantity and every statement, in no particular order (the writer sorts)."""
    speakers: dict = defaultdict(set)  # sentence -> names of those who say something in it
    about: dict = defaultdict(list)  # sentence -> labels of other events reported in it
    for i, node in enumerate(nodes):
        if node["kind"] != "Event":
            continue
        sentences = {s for s, *_ in node["evidence"]}
        if node.get("type") == "Statement":
            who = [_name(props, s, index, nodes) for s in props.objects(node["term"], KGN.hasSpeaker)]
            for s in sentences:
                speakers[s].update(who)
        else:
            for s in sentences:
                about[s].append(i)
    owner = {q: ev for ev, q in g.subject_objects(KGN.hasQuantity)}
    rows = []
    for q in set(g.subjects(RDF.type, SCHEMA.QuantitativeValue)):
        row = _quantity_row(props, reader, q, index, nodes, speakers, owner)
        if row:
            rows.append(row)
    for i, node in enumerate(nodes):
        if node.get("type") != "Statement" or not node["evidence"]:
            continue
        sentence, start, end = node["evidence"][0]
        topics = sorted({nodes[j]["type"] for j in about.get(sentence, [])} - {None})
        what = ("About " + " and ".join(t.lower() if t != "ReportedEvent" else "an event" for t in topics)
                if topics else "Other statements")
        who = [_name(props, s, index, nodes) for s in props.objects(node["term"], KGN.hasSpeaker)]
        who += [name for role, name in node.get("others", []) if role == "speaker"]
        rows.append({"kind": "statement", "what": what, "value": node["label"].split(": ", 1)[-1],
                     "date": node.get("date"), "when": node.get("timeText"), "speaker": sorted(set(who)),
                     "sentence": sentence, "doc": reader.sentences.get(sentence, (None,))[0],
                     "range": [start, end] if start is not None else None, "event": i})
    return rows


def disagreements(rows: list[dict]) -> None:
    """Mark quantity rows of one group and one date whose numbers differ."""
    groups: dict = defaultdict(list)
    for row in rows:
        if row["kind"] == "quantity" and row.get("number") is not None and row.get("date") and not row.get("pub"):
            groups[(row["what"], row.get("place"), row["date"])].append(row)
    for same in groups.values():
        if len({r["number"] for r in same}) > 1:
            for r in same:
                r["disagree"] = True


def claims_payload(rows: list[dict], articles: dict, article_no: dict, sentence_no: dict) -> list[dict]:
    """Rows as the page reads them, sorted by group, then date (a row without its own date takes
    its article's publication date, marked 'pub'), then source."""
    out = []
    for row in rows:
        if row["sentence"] not in sentence_no:
            continue
        item = {k: v for k, v in row.items() if k not in ("sentence", "doc", "number") and v not in (None, "", [])}
        item["s"] = sentence_no[row["sentence"]]
        item["a"] = article_no.get(row["doc"], -1)
        published = articles.get(row["doc"], {}).get("date")
        if not row.get("date") and published:
            item["date"], item["pub"] = published, True
        item["number"] = row.get("number")
        out.append(item)
    disagreements(out)
    for item in out:
        item.pop("number", None)
    out.sort(key=lambda r: (r["kind"] != "quantity", r["what"], r.get("date") is None, r.get("date", ""),
                            r["a"], r["s"], r["value"]))
    return out
