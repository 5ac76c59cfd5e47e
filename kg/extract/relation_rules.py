"""What every relation rule shares: the lexicons of kg/data/relations.yaml, an index from tokens
to the mentions covering them, and the record a rule returns."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from spacy.tokens import Doc, Token

from kg.extract.doctext import sentence_of
from kg.records import Mention, RelationRecord


@dataclass(frozen=True)
class RelationRules:
    role_nouns: frozenset[str]
    former: frozenset[str]
    located_preps: frozenset[str]
    place_rank: dict[str, int]
    part_nouns: frozenset[str]
    part_verbs: frozenset[str]
    place_nouns: frozenset[str]
    abbreviations: dict[str, str]
    leader_roles: frozenset[str]
    place_noun_kinds: dict[str, str]
    place_noun_rank: dict[str, int]
    group_nouns: frozenset[str]


@lru_cache(maxsize=1)
def relation_lexicon() -> RelationRules:
    path = resources.files("kg.data").joinpath("relations.yaml")
    data = yaml.safe_load(path.read_text("utf-8"))
    try:
        return RelationRules(
            frozenset(w.lower() for w in data["role_nouns"]), frozenset(data["former_markers"]),
            frozenset(data["located_preps"]), dict(data["place_rank"]),
            frozenset(data["part_nouns"]), frozenset(data["part_verbs"]),
            frozenset(data["place_nouns"]), dict(data["title_abbreviations"]),
            frozenset(data["leader_roles"]), dict(data["place_noun_kinds"]), dict(data["place_noun_rank"]),
            frozenset(data["group_nouns"]))
    except (KeyError, TypeError) as err:
        raise ValueError(f"{path}: missing or malformed lexicon {err}") from err


class MentionIndex:
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

    def last_before(self, token: Token, wanted, sentences: int = 1) -> Mention | None:
        """The nearest mention `wanted` accepts in this or the `sentences` previous ones: what
        'its' or 'the city' refers to."""
        first = sentence_of(token.doc, token.i).start
        for _ in range(sentences):
            if first > 0:
                first = sentence_of(token.doc, first - 1).start
        for i in range(token.i - 1, first - 1, -1):
            m = self.by_token.get(i)
            if m is not None and wanted(m):
                return m
        return None


def record(doc_id: str, predicate: str, subj: Mention, obj: Mention | None, sentence, role=None,
            former=False, confidence=0.7) -> RelationRecord:
    return RelationRecord(doc_id, predicate, subj.span, obj.span if obj else None, sentence,
                          role, former, confidence)
