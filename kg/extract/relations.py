"""Relations stated around mentions: posts people hold, places in places, parts, leaders.

A pure function over a parsed Doc and its mentions; the lexicons live in kg/data/relations.yaml
(read by kg.extract.relation_rules), and posts are found by kg.extract.roles. The patterns are
ones English news uses everywhere:
- titles before a name, after an owner: "Iraqi Prime Minister X", "SDF spokesman Col. X";
- a role phrase in apposition: "X, a spokesman for Qatar's Ministry of Y", "Egypt's intelligence chief, X";
- a place in a place: "A in western B", "A, in C's B", "the Greek island of A", "the city's A district";
- an organization of a country or of a group: "Iraq's Counter Terrorism Service", "X is part of Y",
  "Y's Sahel affiliate, X"; "X-led Y" and "Y commander X": Y is led by X.
"""

from __future__ import annotations

from spacy.tokens import Doc

from kg.extract.doctext import token_words
from kg.extract.relation_rules import (
    MentionIndex,
    RelationRules,
    record,
    relation_lexicon,
)
from kg.extract.roles import apposition_roles, title_roles
from kg.ontology import coarse_of
from kg.records import Mention, RelationRecord

__all__ = ["RelationRules", "find_relations", "relation_lexicon"]


def find_relations(doc: Doc, doc_id: str, mentions: list[Mention]) -> list[RelationRecord]:
    """Every relation the patterns above find, deduplicated and sorted by position."""
    index = MentionIndex(doc, mentions)
    found: list[RelationRecord] = []
    for m in mentions:
        if coarse_of(m.kind) == "Person":
            found += title_roles(doc, doc_id, m, index) + apposition_roles(doc, doc_id, m, index)
        elif coarse_of(m.kind) == "Place":
            found += _located(doc, doc_id, m, index)
        if coarse_of(m.kind) == "Organization":
            found += _part_of(doc, doc_id, m, index)
    found += _led_by(doc, doc_id, index) + _parts(doc, doc_id, index)
    found += [_leader(r) for r in found if r.predicate == "holds_role" and r.object is not None
              and not r.former and (r.role or "").lower() in relation_lexicon().leader_roles]
    unique = {(r.predicate, r.subject, r.object, r.role): r for r in found}
    return sorted(unique.values(), key=lambda r: (r.subject, r.predicate, r.object or (0, 0), r.role or ""))


def _leader(post: RelationRecord) -> RelationRecord:
    """'SDF commander Mazloum Abdi': the organization is led by the holder of its top post."""
    return RelationRecord(post.doc_id, "led_by", post.object, post.subject, post.evidence, None, False,
                          round(post.confidence - 0.2, 2))


ARMED_KINDS = {"ArmedGroup", "MilitaryOrganization", "MilitaryCommand", "Coalition"}


def _located(doc: Doc, doc_id: str, place: Mention, index: MentionIndex) -> list[RelationRecord]:
    """A place followed by 'in <place>', or preceded by '<place>'s'."""
    span = doc.char_span(place.start, place.end, alignment_mode="expand")
    if span is None:
        return []
    out = []
    # 'X in (western) Y'
    # 'X in (western) Y', 'X, in Y', "X, in Y's Z" (Z is the container)
    skip = 1 if span.end < len(doc) and doc[span.end].text == "," else 0
    after = doc[span.end + skip: min(len(doc), span.end + skip + 4)]
    if len(after) and after[0].lower_ in relation_lexicon().located_preps:
        container = _container_after(doc, after[1:], index)
        if container is not None and _contains(container, place):
            out.append(record(doc_id, "located_in", place, container, place.sentence, confidence=0.8))
    # 'the northern Philippine island of Luzon': the kind noun's place modifier contains X
    if span.start >= 2 and doc[span.start - 1].lower_ == "of" and doc[span.start - 2].lower_ in relation_lexicon().place_nouns:
        for mod in doc[span.start - 2].lefts:
            container = index.at(mod)
            if mod.dep_ in ("amod", "compound", "poss") and container is not None and _contains(container, place):
                out.append(record(doc_id, "located_in", place, container, place.sentence, confidence=0.7))
    # "Y's X"; "the city's X" (the city last named before)
    if span.start >= 2 and doc[span.start - 1].tag_ == "POS":
        container = index.at(doc[span.start - 2])
        kind = relation_lexicon().place_noun_kinds.get(doc[span.start - 2].lower_)
        if container is None and kind and doc[span.start - 3: span.start - 2].text.lower() == "the":
            container = index.last_before(doc[span.start - 2], lambda m: m.kind == kind)
        if container is not None and _contains(container, place, _level(doc, span)):
            out.append(record(doc_id, "located_in", place, container, place.sentence, confidence=0.8))
    return out


def _level(doc: Doc, span) -> int | None:
    """The rank a place's own kind noun gives it: 'Kyivskyi district', 'Tuffah neighbourhood'."""
    for tok in (span[-1], doc[span.end] if span.end < len(doc) else None):
        if tok is not None and tok.lower_ in relation_lexicon().place_noun_rank:
            return relation_lexicon().place_noun_rank[tok.lower_]
    return None


def _container_after(doc: Doc, tokens, index: MentionIndex) -> Mention | None:
    """The first place after a preposition, past adjectives; past a possessive to the possessed."""
    for tok in tokens:
        container = index.at(tok)
        if container is not None:
            end = doc.char_span(container.start, container.end, alignment_mode="expand").end
            if end + 1 < len(doc) and doc[end].tag_ == "POS" and index.at(doc[end + 1]) is not None:
                return index.at(doc[end + 1])
            return container
        if tok.pos_ not in ("ADJ", "DET"):
            return None
    return None


def _contains(outer: Mention, inner: Mention, inner_rank: int | None = None) -> bool:
    rank = relation_lexicon().place_rank
    inner_rank = rank.get(inner.kind, 0) if inner_rank is None else inner_rank
    return (coarse_of(outer.kind) == "Place" and outer.key != inner.key
            and (outer.key is None or outer.key != inner.key) and outer.span != inner.span
            and rank.get(outer.kind, 0) > inner_rank)


def _part_of(doc: Doc, doc_id: str, org: Mention, index: MentionIndex) -> list[RelationRecord]:
    """"Iraq's Counter Terrorism Service", "the Iraqi Parliament": an organization of a country."""
    span = doc.char_span(org.start, org.end, alignment_mode="expand")
    if span is None:
        return []
    owner = None
    if span.start >= 2 and doc[span.start - 1].tag_ == "POS":
        owner = index.at(doc[span.start - 2])
    elif span.start >= 1 and doc[span.start - 1].ent_type_ == "NORP":
        owner = index.at(doc[span.start - 1])
    if owner is None and len(span) > 1 and org.kind != "ArmedGroup":
        # The country may be inside the name: "Iraqi Security Forces", "US Central Command",
        # "Security Service of Ukraine". Not for a non-state group: "Syrian Democratic Forces".
        entry = _country_in_name(span)
        if entry is not None and entry.key != org.key:
            return [RelationRecord(doc_id, "part_of", org.span, None, org.sentence, entry.key, False, 0.7)]
    if owner is not None and owner is not org and coarse_of(owner.kind) in ("Place", "Organization"):
        return [record(doc_id, "part_of", org, owner, org.sentence, confidence=0.8)]
    return []


def _country_in_name(span):
    """The gazetteer country a name starts with ('Iraqi ...') or ends with ('... of Ukraine')."""
    from kg.nlp.places import load_gazetteer

    gaz = load_gazetteer()

    def country(text: str):
        return gaz.demonym(text) or next((e for e in gaz.lookup(text) if e.kind == "Country"), None)

    entry = country(span[0].text)
    of = next((t for t in span if t.lower_ == "of"), None)
    if entry is None and of is not None and of.i + 1 < span.end:
        entry = next((e for e in gaz.lookup(span.doc[of.i + 1:span.end].text) if e.kind == "Country"), None)
    return entry


def _parts(doc: Doc, doc_id: str, index: MentionIndex) -> list[RelationRecord]:
    """A group inside another: 'X is (formally) part of Y', 'X forms the backbone of Y',
    "Y's Sahel affiliate, X", 'X, an affiliate of Y'."""
    def org(tok):
        m = index.at(tok) if tok is not None else None
        return m if m is not None and coarse_of(m.kind) == "Organization" else None

    out = []
    nouns = relation_lexicon().part_nouns
    for noun in (doc[i] for i, lemma in enumerate(token_words(doc)[1]) if lemma in nouns):
        if noun.pos_ != "NOUN" or index.at(noun):
            continue
        objects = [o for p in noun.rights if p.dep_ == "prep" and p.lower_ in ("of", "in", "within")
                   for o in p.children if o.dep_ == "pobj"]
        whole = next((org(o) for o in objects if org(o)), None)
        whole = whole or next((org(c) for c in noun.lefts if c.dep_ == "poss" and org(c)), None)
        parts = [org(c) for c in noun.children if c.dep_ == "appos" and org(c)]
        if noun.dep_ == "appos":
            parts.append(org(noun.head))
        # 'X, one of the factions in the group': the part is X; 'the group' is the last group named
        one = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" else None
        if one is not None and one.lower_ == "one" and one.dep_ == "appos":
            parts.append(org(one.head))
        if whole is None:
            named = {(p.span, p.key) for p in parts if p is not None}
            kinds = {p.kind for p in parts if p is not None} | {"Coalition"}
            if kinds & ARMED_KINDS:
                kinds |= ARMED_KINDS
            whole = next((index.last_before(noun, lambda m: m.kind in kinds
                                            and not any(m.span == a or (m.key and m.key == k) for a, k in named))
                          for o in objects if o.lower_ in relation_lexicon().group_nouns
                          and any(c.lower_ == "the" for c in o.lefts)), None)
        if whole is None:
            continue
        verb = noun.head
        if noun.dep_ in ("attr", "dobj") and verb.lemma_ in relation_lexicon().part_verbs:
            parts += [org(c) for c in verb.children if c.dep_ == "nsubj" and org(c)]
        for part in dict.fromkeys(p for p in parts if p is not None):
            if part is not whole and (part.key is None or part.key != whole.key):
                out.append(record(doc_id, "part_of", part, whole, part.sentence, confidence=0.75))
    return out


def _led_by(doc: Doc, doc_id: str, index: MentionIndex) -> list[RelationRecord]:
    """'the US-led coalition's mission under Operation Inherent Resolve': led by the US."""
    out = []
    texts = token_words(doc)[0]
    for i in range(2, len(texts)):
        if texts[i].lower() != "led" or texts[i - 1] != "-":
            continue
        tok = doc[i]
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
            out.append(record(doc_id, "led_by", m, leader, m.sentence, confidence=0.7))
    return out
