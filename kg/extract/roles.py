"""Posts people hold, as news states them: a title before a name ("Iraqi Prime Minister X",
"SDF spokesman Col. X") or a role phrase in apposition ("X, a spokesman for Qatar's Ministry of
Y", "Egypt's intelligence chief, X"). Part of `kg.extract.relations`."""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Doc, Token

from kg.extract.doctext import token_words
from kg.extract.relation_rules import MentionIndex, record, relation_lexicon
from kg.nlp.entity_lexicon import entity_lexicon
from kg.ontology import coarse_of
from kg.records import Mention, RelationRecord

ACTOR_COARSE = ("Organization", "Place")
POST_PREPS = ("for", "at", "of", "with", "in", "to", "on")


def title_roles(doc: Doc, doc_id: str, person: Mention, index: MentionIndex) -> list[RelationRecord]:
    """Titles before a name, read right to left, and whose post the outermost one is.

    'Pentagon spokesman Col. Mark Ellison' -> Colonel; spokesman of the Pentagon.
    'U.S. special envoy X', 'Kharkiv Mayor X', 'ousted President X', "Egypt's intelligence chief X".
    """
    first = doc.char_span(person.start, person.end, alignment_mode="expand")
    if first is None:
        return []
    segments, j = [], first.start
    while len(segments) < 3:
        n = _title_ending_at(doc, j, index)
        if not n:
            break
        segments.append((j - n, j))
        j -= n
    if not segments:
        return []
    # lowercase modifiers of the outermost title belong to it: "Hamas military chief X"
    while j - 1 >= 0 and doc[j - 1].is_lower and doc[j - 1].pos_ in ("NOUN", "ADJ") \
            and doc[j - 1].dep_ in ("compound", "amod") and doc[j - 1].lower_ not in relation_lexicon().former \
            and index.at(doc[j - 1]) is None and segments[-1][0] - j < 2:
        j -= 1
        segments[-1] = (j, segments[-1][1])
    k, former = j - 1, False
    if k >= 0 and doc[k].lower_ in relation_lexicon().former:
        former, k = True, k - 1
    if k >= 1 and doc[k].tag_ == "POS":
        k -= 1
    owner = index.at(doc[k]) if k >= 0 else None
    if owner is person or (owner is not None and coarse_of(owner.kind) not in ACTOR_COARSE):
        owner = None
    if owner is not None and not former:
        before = doc.char_span(owner.start, owner.end, alignment_mode="expand")
        former = before is not None and before.start > 0 and doc[before.start - 1].lower_ in relation_lexicon().former
    out = []
    for n, (a, b) in enumerate(segments):
        outer = n == len(segments) - 1
        who = owner if outer else None
        out.append(record(doc_id, "holds_role", person, who, person.sentence, _label(doc[a:b]),
                           former and outer, 0.9 if who else 0.8))
    return out


@lru_cache(maxsize=1)
def _titles_ending_with() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The titles of the entity rules by their last word, longest first."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for title in entity_lexicon().titles:
        out.setdefault(title[-1], []).append(title)
    return {word: tuple(titles) for word, titles in out.items()}


def _title_ending_at(doc: Doc, j: int, index: MentionIndex) -> int:
    """Length of a title or role noun ending just before token j (0 if none)."""
    texts = token_words(doc)[0]
    for title in _titles_ending_with().get(texts[j - 1] if j > 0 else "", ()):  # longest first
        n = len(title)
        if j - n >= 0 and tuple(texts[j - n:j]) == title:
            return n
    for n in (3, 2, 1):
        if j - n < 0:
            continue
        words = doc[j - n:j]
        if (words.text.lower() in relation_lexicon().role_nouns and words[-1].pos_ in ("NOUN", "PROPN")
                and all(index.at(t) is None for t in words)):
            return n
    return 0


def _label(words) -> str:
    """The post as written, abbreviations spelled out: 'Col.' -> 'Colonel'."""
    text = " ".join(t.text for t in words)
    return relation_lexicon().abbreviations.get(text, text)


def _role_phrase(noun: Token, index: MentionIndex, person: Mention):
    """(label, organization, former) for a role noun heading a phrase: 'a spokesman for Qatar's
    Ministry of Foreign Affairs' -> the ministry (the object of the preposition, not its possessive)."""
    mods = [c for c in noun.lefts if c.dep_ in ("compound", "amod") and c.is_lower
            and c.lower_ not in relation_lexicon().former and index.at(c) is None]
    label = " ".join(t.text for t in [*mods, noun])
    former = any(t.lower_ in relation_lexicon().former for t in noun.subtree if t.i < noun.i)

    def actor(tok):
        m = index.at(tok)
        return m if m is not None and m is not person and coarse_of(m.kind) in ACTOR_COARSE else None

    owner = None
    for prep in (c for c in noun.rights if c.dep_ == "prep" and c.lower_ in POST_PREPS):
        owner = next((actor(o) for o in prep.children if o.dep_ == "pobj" and actor(o)), None)
        if owner:
            break
    if owner is None:
        owner = next((actor(c) for c in noun.lefts if c.dep_ in ("poss", "compound", "amod", "nmod")
                      and actor(c)), None)
    if owner is None:
        owner = next((actor(t) for t in noun.subtree if actor(t)), None)
    if owner is None and any(c.dep_ == "poss" and c.lower_ == "its" for c in noun.lefts):
        owner = index.last_before(noun, lambda m: coarse_of(m.kind) == "Organization")  # "China's defence ministry ... Its spokesman, X"
    return label, owner, former


def apposition_roles(doc: Doc, doc_id: str, person: Mention, index: MentionIndex) -> list[RelationRecord]:
    """'X, CENTCOM commander,' / 'X, a spokesman for Y' / "Egypt's intelligence chief, X" /
    'X, who is also foreign minister'."""
    span = doc.char_span(person.start, person.end, alignment_mode="expand")
    if span is None:
        return []
    nouns = []
    if span.end < len(doc) and doc[span.end].text == ",":
        for tok in doc[span.end + 1: min(len(doc), span.end + 9)]:
            if tok.text in (",", ".", ";") or tok.pos_ in ("VERB", "AUX"):
                break
            if _is_role_noun(tok, index):
                nouns.append(tok)
                break
    root = span.root
    if root.dep_ == "appos" and _is_role_noun(root.head, index):
        nouns.append(root.head)
    nouns += [c for c in root.rights if c.dep_ == "appos" and _is_role_noun(c, index)]  # 'X of Y, the top Z'
    for clause in (c for c in root.children if c.dep_ == "relcl" and c.lemma_ == "be"):
        nouns += [c for c in clause.children if c.dep_ == "attr" and _is_role_noun(c, index)]
    out = []
    for noun in dict.fromkeys(nouns):
        label, owner, former = _role_phrase(noun, index, person)
        out.append(record(doc_id, "holds_role", person, owner, person.sentence, label, former,
                           0.8 if owner else 0.6))
    return out


def _is_role_noun(tok: Token, index: MentionIndex) -> bool:
    """A post noun, alone or with the word before it ('top Democrat', 'special envoy')."""
    before = tok.doc[tok.i - 1].lower_ + " " if tok.i > 0 else ""
    return ((tok.lower_ in relation_lexicon().role_nouns or before + tok.lower_ in relation_lexicon().role_nouns)
            and tok.pos_ in ("NOUN", "PROPN") and index.at(tok) is None)
