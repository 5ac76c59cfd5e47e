"""Relations between mentions of one sentence: posts people hold, places in places, parts, leaders.

A pure function over a parsed Doc and the entity mentions found in it. The patterns are the
ones English news uses everywhere:
- a title before a name, optionally after a country or organization: "Iraqi Prime Minister
  Mustafa al-Kadhimi", "President Ahmed al-Sharaa", "Maj. Gen. John Brennan";
- an apposition after a name: "Kenneth F. McKenzie Jr., CENTCOM commander", "..., a former al
  Qaeda commander";
- a place in a place: "Ain al-Asad airbase in western Anbar province", "Iraq's Kurdistan region";
- an organization of a country: "Iraq's Counter Terrorism Service", "the Iraqi Parliament";
- "X-led Y": Y is led by X.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from spacy.tokens import Doc, Token

from kg.extract.entities import rules as entity_rules
from kg.ontology import coarse_of
from kg.records import Mention, RelationRecord


@dataclass(frozen=True)
class RelationRules:
    role_nouns: frozenset[str]
    former: frozenset[str]
    located_preps: frozenset[str]
    place_rank: dict[str, int]


@lru_cache(maxsize=1)
def rules() -> RelationRules:
    data = yaml.safe_load(resources.files("kg.data").joinpath("relations.yaml").read_text("utf-8"))
    return RelationRules(frozenset(data["role_nouns"]), frozenset(data["former_markers"]),
                         frozenset(data["located_preps"]), dict(data["place_rank"]))


def find_relations(doc: Doc, doc_id: str, mentions: list[Mention]) -> list[RelationRecord]:
    """Every relation the patterns above find, deduplicated and sorted by position."""
    index = _MentionIndex(doc, mentions)
    found: list[RelationRecord] = []
    for m in mentions:
        if coarse_of(m.kind) == "Person":
            found += _title_roles(doc, doc_id, m, index) + _apposition_roles(doc, doc_id, m, index)
        elif coarse_of(m.kind) == "Place":
            found += _located(doc, doc_id, m, index)
        if coarse_of(m.kind) == "Organization":
            found += _part_of(doc, doc_id, m, index)
    found += _led_by(doc, doc_id, index)
    unique = {(r.predicate, r.subject, r.object, r.role): r for r in found}
    return sorted(unique.values(), key=lambda r: (r.subject, r.predicate, r.object or (0, 0), r.role or ""))


class _MentionIndex:
    """Which mention covers a token, so rules can move between parse and mentions."""

    def __init__(self, doc: Doc, mentions: list[Mention]) -> None:
        self.by_token: dict[int, Mention] = {}
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None:
                for t in span:
                    self.by_token[t.i] = m

    def at(self, token: Token | None) -> Mention | None:
        return None if token is None else self.by_token.get(token.i)


def _record(doc_id: str, predicate: str, subj: Mention, obj: Mention | None, sentence, role=None,
            former=False, confidence=0.7) -> RelationRecord:
    return RelationRecord(doc_id, predicate, subj.span, obj.span if obj else None, sentence,
                          role, former, confidence)


def _title_roles(doc: Doc, doc_id: str, person: Mention, index: _MentionIndex) -> list[RelationRecord]:
    """'Iranian General Qasem Soleimani': the title before a name, and whose title it is."""
    first = doc.char_span(person.start, person.end, alignment_mode="expand")
    if first is None:
        return []
    i = first.start
    for title in entity_rules().titles:
        n = len(title)
        if i - n >= 0 and tuple(t.text for t in doc[i - n:i]) == title:
            owner = index.at(doc[i - n - 1]) if i - n - 1 >= 0 else None
            if owner is not None and coarse_of(owner.kind) not in ("Organization", "Place"):
                owner = None
            former = i - n - 1 >= 0 and doc[i - n - 1].lower_ in rules().former
            return [_record(doc_id, "holds_role", person, owner, person.sentence, " ".join(title),
                            former, 0.9 if owner else 0.8)]
    return []


def _apposition_roles(doc: Doc, doc_id: str, person: Mention, index: _MentionIndex) -> list[RelationRecord]:
    """'X, CENTCOM commander,' / 'X, a former al Qaeda commander' / 'X, the head of Y'."""
    span = doc.char_span(person.start, person.end, alignment_mode="expand")
    if span is None or span.end >= len(doc) or doc[span.end].text != ",":
        return []
    out = []
    for tok in doc[span.end + 1: min(len(doc), span.end + 9)]:
        if tok.text in (",", ".", ";") or tok.pos_ == "VERB":
            break
        if tok.lower_ not in rules().role_nouns or tok.pos_ not in ("NOUN", "PROPN") or index.at(tok):
            continue
        phrase = list(tok.subtree)
        owner = next((index.at(t) for t in phrase if index.at(t) and index.at(t) is not person
                      and coarse_of(index.at(t).kind) in ("Organization", "Place")), None)
        former = any(t.lower_ in rules().former for t in phrase if t.i < tok.i)
        out.append(_record(doc_id, "holds_role", person, owner, person.sentence, tok.text, former,
                           0.8 if owner else 0.6))
        break
    return out


def _located(doc: Doc, doc_id: str, place: Mention, index: _MentionIndex) -> list[RelationRecord]:
    """A place followed by 'in <place>', or preceded by '<place>'s'."""
    span = doc.char_span(place.start, place.end, alignment_mode="expand")
    if span is None:
        return []
    out = []
    # 'X in (western) Y'
    after = doc[span.end: min(len(doc), span.end + 4)]
    if len(after) and after[0].lower_ in rules().located_preps:
        for tok in after[1:]:
            container = index.at(tok)
            if container is not None:
                if _contains(container, place):
                    out.append(_record(doc_id, "located_in", place, container, place.sentence, confidence=0.8))
                break
            if tok.pos_ not in ("ADJ", "DET"):
                break
    # "Y's X"
    if span.start >= 2 and doc[span.start - 1].tag_ == "POS":
        container = index.at(doc[span.start - 2])
        if container is not None and _contains(container, place):
            out.append(_record(doc_id, "located_in", place, container, place.sentence, confidence=0.8))
    return out


def _contains(outer: Mention, inner: Mention) -> bool:
    rank = rules().place_rank
    return (coarse_of(outer.kind) == "Place" and outer.key != inner.key
            and rank.get(outer.kind, 0) > rank.get(inner.kind, 0))


def _part_of(doc: Doc, doc_id: str, org: Mention, index: _MentionIndex) -> list[RelationRecord]:
    """"Iraq's Counter Terrorism Service", "the Iraqi Parliament": an organization of a country."""
    span = doc.char_span(org.start, org.end, alignment_mode="expand")
    if span is None:
        return []
    owner = None
    if span.start >= 2 and doc[span.start - 1].tag_ == "POS":
        owner = index.at(doc[span.start - 2])
    elif span.start >= 1 and doc[span.start - 1].ent_type_ == "NORP":
        owner = index.at(doc[span.start - 1])
    if owner is None and len(span) > 1:
        # The country may be inside the name: "Iraqi Security Forces", "US Central Command".
        from kg.gazetteer import Gazetteer

        gaz = Gazetteer.load()
        entry = gaz.demonym(span[0].text) or next(
            (e for e in gaz.lookup(span[0].text) if e.kind == "Country"), None)
        if entry is not None and entry.key != org.key:
            return [RelationRecord(doc_id, "part_of", org.span, None, org.sentence, entry.key, False, 0.7)]
    if owner is not None and owner is not org and coarse_of(owner.kind) in ("Place", "Organization"):
        return [_record(doc_id, "part_of", org, owner, org.sentence, confidence=0.8)]
    return []


def _led_by(doc: Doc, doc_id: str, index: _MentionIndex) -> list[RelationRecord]:
    """'the US-led coalition's mission under Operation Inherent Resolve': led by the US."""
    out = []
    for tok in doc:
        if tok.lower_ != "led" or tok.i < 2 or doc[tok.i - 1].text != "-":
            continue
        leader = index.at(doc[tok.i - 2])
        if leader is None:
            continue
        # climb from the modified noun to the head of its noun phrase, then look inside it
        head = tok.head
        while head.dep_ in ("poss", "compound", "amod") and head.head is not head:
            head = head.head
        led = [index.at(t) for t in head.subtree if index.at(t) and index.at(t) is not leader
               and coarse_of(index.at(t).kind) in ("Organization", "Event")]
        for m in dict.fromkeys(led):
            out.append(_record(doc_id, "led_by", m, leader, m.sentence, confidence=0.7))
    return out
