"""Entity rules that need the rest of the article: datelines, places NER took for people, and
generic organization names that only mean something with their country.

- "KYIV, June 11 -": the all-caps word that opens a wire story is the place it was filed from.
- "Kyiv has answered ...": NER often calls a capital a person; a one-word "person" that is a
  capital or a city of a million, and no surname of anyone named in the article, is that place.
- "Turkey's Defence Ministry" and "Russia's Defence Ministry" are two ministries: a name made only
  of generic words ("Defence Ministry", "General Staff", "health ministry") keeps its owner, so
  resolution never joins the two.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from kg.extract.doctext import sentence_of, text_of
from kg.extract.names import surname_forms
from kg.nlp.gazetteer import Gazetteer
from kg.records import Mention, Span

DATELINE = re.compile(r"^\s*([A-Z][A-Z .'-]{2,40}?)(?:,|\s[-–—]|:|\s\()")
BIG_CITY = 1_000_000
GENERIC_ORG_WORDS = frozenset("""ministry department office service services staff general army navy air force forces
    military police guard guards council parliament government cabinet agency defence defense foreign interior
    health justice finance affairs security intelligence national federal armed of the and for public
    prosecutor prosecutors court supreme high command commission committee""".split())


def dateline(doc: Doc, doc_id: str, gaz: Gazetteer, found: list[Mention],
             skipped: tuple[Span, ...]) -> list[Mention]:
    """The dateline city of the first body paragraph, when NER missed it."""
    start = next((e for s, e in sorted(skipped) if s == 0), 0)
    while start < len(text_of(doc)) and text_of(doc)[start] in "\n ":
        start = next((e for s, e in sorted(skipped) if s == start), start + 1)
    match = DATELINE.match(text_of(doc)[start:start + 60])
    if not match or any(m.start <= start < m.end for m in found):
        return []
    name = match.group(1).strip()
    entry = gaz.best(name.title(), coarse="Place")
    if entry is None or entry.kind not in ("City", "Country", "AdministrativeRegion"):
        return []
    s = start + match.start(1)
    span = doc.char_span(s, s + len(name), alignment_mode="contract")
    if span is None:
        return []
    sent = sentence_of(doc, span.start)
    return [Mention(doc_id, span.start_char, span.end_char, span.text, entry.kind,
                    (sent.start_char, sent.end_char), entry.key, "dateline", entry.name)]


def places_named_like_people(found: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """A one-word 'person' that is a capital or a big city, and nobody's surname here, is the place."""

    surnames = {f for m in found if m.kind == "Person" and " " in m.name for f in surname_forms(m.name)}
    out = []
    for m in found:
        if m.kind == "Person" and m.rule == "ner" and " " not in m.name and m.name not in surnames:
            entry = gaz.best(m.name, coarse="Place")
            if entry is not None and (entry.kind == "Country" or (
                    entry.kind == "City" and (entry.capital or (entry.population or 0) >= BIG_CITY))):
                m = Mention(m.doc_id, m.start, m.end, m.text, entry.kind, m.sentence, entry.key,
                            "gazetteer", entry.name)
        out.append(m)
    return out


def is_generic(name: str) -> bool:
    words = name.lower().split()
    return bool(words) and all(w in GENERIC_ORG_WORDS for w in words)


def with_owner(doc: Doc, found: list[Mention]) -> list[Mention]:
    """'Turkey's Defence Ministry': a generic organization name takes its possessive owner."""
    by_end = {m.end: m for m in found}
    out = []
    for m in found:
        if m.key is None and m.kind != "Person" and is_generic(m.name):
            before = text_of(doc)[max(0, m.start - 40):m.start]
            possessive = re.search(r"(['’]s?)\s+$", before)
            owner = by_end.get(m.start - len(possessive.group(0))) if possessive else None
            if owner is not None and owner.kind in ("Country", "City", "AdministrativeRegion", "Region"):
                name = f"{owner.name}'s {m.name}"
                m = Mention(m.doc_id, m.start, m.end, m.text, m.kind, m.sentence, None, m.rule, name)
        out.append(m)
    return out
