"""Entity mentions from a parsed Doc: spaCy's NER and the rule layer, cleaned, typed, named.

NER finds spans; this module decides what they are. It strips titles and determiners
("President Donald Trump" -> "Donald Trump"), extends a name by the noun that types it
("Anbar province"), asks the gazetteer what a name is, types unknown organizations by their head
noun ("... Forces" is military), maps demonyms to countries ("Iraqi" -> Iraq), finds short names of
people named in full earlier ("Sharaa") and acronyms the text defines ("Iraqi Security Forces (ISF)").
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.extract.doctext import entities, sentence_of, text_of, token_words
from kg.extract.entity_context import dateline, places_named_like_people, with_owner
from kg.extract.names import ACRONYM, is_acronym_of, surname_forms
from kg.nlp.entity_lexicon import entity_lexicon
from kg.nlp.gazetteer import Gazetteer
from kg.ontology import kinds_table
from kg.records import Alias, Mention, Span

# What a bare NER label means before the gazetteer or context says more.
NER_KINDS = {"PERSON": "Person", "ORG": "Organization", "GPE": "Place", "LOC": "Region",
             "FAC": "Facility", "EVENT": "NamedEvent"}
NER_COARSE = {"PERSON": "Person", "ORG": "Organization", "GPE": "Place", "LOC": "Place",
              "FAC": "Place", "EVENT": "Event"}
# Kinds a gazetteer may not impose on a span NER calls a person (many places are named after people).
NOT_FOR_PERSONS = {"City", "AdministrativeRegion", "Region", "Facility"}
MISREAD_CITY_POPULATION = 100_000


def find_mentions(doc: Doc, doc_id: str, gazetteer: Gazetteer,
                  skipped: tuple[Span, ...] = ()) -> tuple[list[Mention], list[Alias]]:
    """All entity mentions of one document (outside `skipped` spans) and the aliases it defines."""
    found = []
    for ent in entities(doc):
        if any(s < ent.end_char and ent.start_char < e for s, e in skipped):
            continue
        mention = _mention(ent, doc_id, gazetteer)
        if mention is not None:
            found.append(mention)
    found = _drop_overlaps(found + dateline(doc, doc_id, gazetteer, found, skipped))
    found = places_named_like_people(found, gazetteer)
    found = with_owner(doc, found)
    found = _with_short_names(doc, doc_id, found, skipped)
    found, aliases = _with_acronyms(doc, doc_id, found)
    return sorted(found, key=lambda m: (m.start, m.end)), aliases


def _mention(ent: SpacySpan, doc_id: str, gaz: Gazetteer) -> Mention | None:
    label = ent.label_
    if ent.end < len(ent.doc) and ent.doc[ent.end].lower_ in entity_lexicon().weapon_nouns and label in NER_KINDS:
        return None  # "Patriot systems", "Typhon missiles": a weapon, not an actor
    if label in ("NORP", "GPE") and gaz.demonym(ent.text) is not None:
        entry = gaz.demonym(ent.text)
        return _make(ent, doc_id, entry.kind, entry.name, entry.key, "demonym")
    if label == "NORP":
        entry = gaz.demonym(ent.text)
        return None if entry is None else _make(ent, doc_id, entry.kind, entry.name, entry.key, "demonym")
    if label not in NER_KINDS and label not in _ontology_kinds():
        return None
    span = _trim(ent)
    if span is None:
        return None
    text = span.text
    if text.lower() in entity_lexicon().not_names or text.islower() or not any(c.isalpha() for c in text):
        return None
    if label in _ontology_kinds():  # from the rule layer: a known name or a structural pattern
        return _ruled(span, label, ent.ent_id_ or None, doc_id, gaz)
    if label == "ORG" and _rank_first(ent.doc, ent.start, ent.end):
        label = "PERSON"
    span, context, context_kind = _extend_by_place_head(span, label)
    name = _display_name(_trim_head(span, context).text if context else text)
    entry = (gaz.best(span.text, coarse=NER_COARSE[label]) if context else None) or gaz.best(
        name, coarse=NER_COARSE[label], context=context)
    if entry is not None and not (label == "PERSON" and entry.kind in NOT_FOR_PERSONS):
        return _make(span, doc_id, entry.kind, entry.name, entry.key, "gazetteer")
    if label == "PERSON":
        return _make(span, doc_id, "Person", name, None, "ner")
    if context_kind:
        return _make(span, doc_id, context_kind, name, None, "context")
    if label == "ORG" and name.split()[-1].lower() in entity_lexicon().not_org_heads:
        return None  # "National Defense Authorization Act": a law, not an organization
    if label == "ORG":
        place = _misread_place(name, gaz)
        if place is not None:
            return _make(span, doc_id, place.kind, place.name, place.key, "gazetteer")
        return _make(span, doc_id, _org_kind(name), name, None, "ner")
    return _make(span, doc_id, NER_KINDS[label], name, None, "ner")


def _ruled(span: SpacySpan, kind: str, key: str | None, doc_id: str, gaz: Gazetteer) -> Mention | None:
    """A span the entity ruler labelled: a gazetteer name (with its key) or a structural pattern."""
    entry = gaz.get(key) if key else None
    if entry is None:
        # A structural match may still be a name the gazetteer knows ("Camp X" that is a town).
        entry = next((e for e in gaz.lookup(span.text) if e.kind == kind or e.kind == "City"), None)
    if entry is not None:
        return _make(span, doc_id, entry.kind, entry.name, entry.key, "gazetteer")
    return _make(span, doc_id, kind, _display_name(span.text), None, "pattern")


@lru_cache(maxsize=1)
def _titles_starting_with() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The titles by their first word, longest first: a name is tested only against its own."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for title in entity_lexicon().titles:
        out.setdefault(title[0], []).append(title)
    return {word: tuple(titles) for word, titles in out.items()}


def _ontology_kinds() -> dict[str, str]:
    return kinds_table()


def _make(span: SpacySpan, doc_id: str, kind: str, name: str, key: str | None, rule: str) -> Mention:
    sent = sentence_of(span.doc, span.start)
    return Mention(doc_id=doc_id, start=span.start_char, end=span.end_char, text=span.text, kind=kind,
                   sentence=(sent.start_char, sent.end_char), key=key, rule=rule, name=name)


def _trim(ent: SpacySpan) -> SpacySpan | None:
    """Drop leading determiners and titles, and a trailing possessive, from an entity span."""
    doc, start, end = ent.doc, ent.start, ent.end
    while start < end and doc[start].lower_ in ("the", "a", "an"):
        start += 1
    if start < end and (ent.label_ == "PERSON" or _rank_first(doc, start, end)):
        words = token_words(doc)[0]
        for title in _titles_starting_with().get(words[start], ()):
            n = len(title)
            if end - start > n and tuple(words[start:start + n]) == title:
                start += n
                break
    while end > start and (doc[end - 1].text in ("'s", "’s", "'", "’", "-", ",", ".") or doc[end - 1].is_digit):
        end -= 1  # "Pokrovsk 54 (times)": a number after a name is not part of it
    if ent.label_ == "ORG" and start > 0 and doc[start - 1].ent_type_ == "ORDINAL":
        start -= 1  # "the 3rd Marine Littoral Regiment"
    return doc[start:end] if end > start else None


def _rank_first(doc: Doc, start: int, end: int) -> bool:
    """'Capt. Jones' tagged as an organization: an abbreviated rank before a name means a person."""
    word = token_words(doc)[0][start]
    return end - start > 1 and word.endswith(".") and (word,) in _titles_starting_with().get(word, ())


def _extend_by_place_head(span: SpacySpan, label: str) -> tuple[SpacySpan, str | None, str | None]:
    """'Anbar' followed by 'province' -> ('Anbar province', 'province', 'AdministrativeRegion')."""
    doc = span.doc
    if label not in ("GPE", "LOC"):
        return span, None, None
    if span.end < len(doc):
        nxt = doc[span.end]
        kind = entity_lexicon().place_heads.get(nxt.lower_)
        if kind and nxt.pos_ in ("NOUN", "PROPN"):
            return doc[span.start:span.end + 1], nxt.lower_, kind
    return span, None, None


def _trim_head(span: SpacySpan, head: str) -> SpacySpan:
    return span[:-1] if span[-1].lower_ == head else span


def _display_name(text: str) -> str:
    """A readable name: 'WASHINGTON' -> 'Washington'; acronyms stay as they are."""
    text = " ".join(text.split())
    if text.isupper() and len(text) > 5 and " " not in text:
        return text.title()
    return text


def _misread_place(name: str, gaz: Gazetteer):
    """NER often calls a city an organization ('stationed in Erbil'): a one-word 'organization' that
    is a large city or a country, and no organization the gazetteer knows, is that place."""
    if " " in name or _org_kind(name) != "Organization":
        return None
    entry = gaz.best(name, coarse="Place")
    if entry is not None and (entry.kind == "Country" or (entry.kind == "City" and (entry.population or 0)
                                                          >= MISREAD_CITY_POPULATION)):
        return entry
    return None


def _org_kind(name: str) -> str:
    words = tuple(name.lower().split())
    for head, kind in entity_lexicon().org_heads:
        if words[-len(head):] == head:
            return kind
    return "Organization"


def _drop_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep the longest of overlapping mentions (the rule layer and NER may both have spoken)."""
    kept: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if all(m.end <= k.start or k.end <= m.start for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def _with_short_names(doc: Doc, doc_id: str, found: list[Mention], skipped: tuple[Span, ...]) -> list[Mention]:
    """People named in full are later called by their surname: type and add those mentions."""
    forms: dict[str, str] = {}
    for m in found:
        if m.kind == "Person" and " " in m.name:
            for form in surname_forms(m.name):
                forms.setdefault(form, m.name)
    if not forms:
        return found
    out = []
    for m in found:  # NER often calls a lone surname an ORG or a GPE ("Sharaa").
        if m.kind != "Person" and m.key is None and m.name in forms:
            m = Mention(m.doc_id, m.start, m.end, m.text, "Person", m.sentence, None, "surname", m.name)
        out.append(m)
    taken = [(m.start, m.end) for m in out]
    pattern = re.compile(r"\b(" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + r")\b")
    for match in pattern.finditer(text_of(doc)):
        s, e = match.span()
        if any(a < e and s < b for a, b in taken) or any(a < e and s < b for a, b in skipped):
            continue
        span = doc.char_span(s, e, alignment_mode="contract")
        if span is None or len(span) == 0 or span[0].pos_ not in ("PROPN", "NOUN"):
            continue
        out.append(_make(span, doc_id, "Person", match.group(1), None, "surname"))
        taken.append((s, e))
    return sorted(out, key=lambda m: m.start)


def _with_acronyms(doc: Doc, doc_id: str, found: list[Mention]) -> tuple[list[Mention], list[Alias]]:
    """'Iraqi Security Forces (ISF)': the text defines ISF; tie it to the long form."""
    by_start = {m.start: m for m in found}
    aliases, added = [], []
    for m in found:
        rest = text_of(doc)[m.end:m.end + 12]
        match = re.match(r"^\s*\(([A-Za-z0-9&]{2,8})\)", rest)
        if not match or not ACRONYM.match(match.group(1)) or not is_acronym_of(match.group(1), m.name):
            continue
        s = m.end + match.start(1)
        e = s + len(match.group(1))
        short = by_start.get(s)
        if short is None:
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is None:
                continue
            short = Mention(doc_id, s, e, match.group(1), m.kind, m.sentence, m.key, "acronym", match.group(1))
            added.append(short)
        aliases.append(Alias(doc_id, m.span, (short.start, short.end), f"acronym defined: {m.text} ({short.text})"))
    return found + added, aliases
