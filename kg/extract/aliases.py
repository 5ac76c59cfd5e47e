"""Aliases an article states: 'X, also known as Y', 'X, better known as Y', 'X, whose nom de
guerre is Y', 'X, formerly Y', 'X, born Y', 'X (Y)' after a person's name, 'X, or Y,'.

Each gives an Alias record (the two spans and, as its reason, the cue and the sentence that
states it, which the merge log shows) and, when NER missed the second name, a mention for it.
Resolution joins the two names into one node; the second becomes an alternative name
(skos:altLabel), never the label. A cue only counts between two names of one kind of actor, and
the second name must end where the phrase does ('formerly CENTCOM commander' states no alias).
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc

from kg.extract.doctext import sentence_of, text_of
from kg.nlp.reference_lexicon import reference_lexicon
from kg.ontology import coarse_of
from kg.records import Alias, Mention

# Cues after which the second name is the bearer's real (current) name, not another one.
REAL_NAME_CUES = ("whose real name is", "whose birth name is")
ACTORS = ("Person", "Organization")
NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|(?:al|el|bin|ibn|bint|de|da|di|van|von|der|la|le|abu|abd)(?:-[A-Z][\w'’-]*)?)$")
PARTICLE = re.compile(r"^(?:al|el|bin|ibn|bint|de|da|di|van|von|der|la|le)$")
END = re.compile(r"^\s*(?:[,;:.)!?\"”]|$|\s(?:and|who|which|said|says|was|is|has|had|in|on|at)\b)")
EVIDENCE_CHARS = 300


def find_aliases(doc: Doc, doc_id: str, mentions: list[Mention]) -> tuple[list[Mention], list[Alias]]:
    """The mentions (with the second names NER missed) and the aliases the text states."""
    text = text_of(doc)
    by_start = {m.start: m for m in mentions}
    added, aliases = [], []
    for m in mentions:
        if coarse_of(m.kind) == "Event" or m.rule in ("acronym", "demonym"):
            continue
        found = _after_cue(text, m) or _in_parentheses(text, m) or _or_name(text, m, by_start)
        if found is None:
            continue
        cue, start = found
        other = by_start.get(start)
        if other is None:
            end = _name_end(text, start)
            if end is None or not END.match(text[end:]) or cue == "or":
                continue
            span = doc.char_span(start, end, alignment_mode="contract")
            if span is None:
                continue
            sent = sentence_of(doc, span.start)
            other = Mention(doc_id, start, end, text[start:end], m.kind, (sent.start_char, sent.end_char),
                            None, "alias", " ".join(text[start:end].split()))
            added.append(other)
            by_start[start] = other
        elif coarse_of(other.kind) != coarse_of(m.kind) or other.key and other.key == m.key \
                or not END.match(text[other.end:]):
            continue
        sentence = " ".join(text[m.sentence[0]:m.sentence[1]].split())
        if len(sentence) > EVIDENCE_CHARS:
            sentence = sentence[:EVIDENCE_CHARS - 1] + "…"
        first, second = (other, m) if cue in REAL_NAME_CUES else (m, other)
        aliases.append(Alias(doc_id, first.span, second.span, f"stated alias ('{cue}'): {sentence}"))
    return sorted(mentions + added, key=lambda x: (x.start, x.end)), aliases


@lru_cache(maxsize=1)
def _cue_pattern() -> re.Pattern:
    cues = "|".join(re.escape(c) for c in reference_lexicon().alias_cues)
    return re.compile(r"^\s*[,(]?\s*(?:who is |which is |who was |which was )?(?P<cue>" + cues +
                      r")[:,]?\s+(?P<the>the\s+)?", re.I)


def _after_cue(text: str, m: Mention) -> tuple[str, int] | None:
    """'X, also known as Y': the cue and where the second name starts."""
    match = _cue_pattern().match(text[m.end:m.end + 60])
    if not match:
        return None
    cue = match.group("cue").lower()
    if cue == "born" and coarse_of(m.kind) != "Person":
        return None
    return cue, m.end + match.end()


def _in_parentheses(text: str, m: Mention) -> tuple[str, int] | None:
    """'Abu Mohammed al-Julani (Ahmed al-Sharaa)': a person's other name in parentheses after it."""
    if coarse_of(m.kind) != "Person":
        return None
    match = re.match(r"^\s*\((?=[A-Z])", text[m.end:m.end + 4])
    if not match:
        return None
    start = m.end + match.end()
    end = _name_end(text, start)
    if end is None or not text[end:end + 1] == ")" or " " not in text[start:end].strip():
        return None
    return "(…)", start


def _or_name(text: str, m: Mention, by_start: dict[int, Mention]) -> tuple[str, int] | None:
    """'Hayat Tahrir al-Sham, or HTS,': a second name set off by 'or' and commas, not a list."""
    if coarse_of(m.kind) not in ACTORS:
        return None
    match = re.match(r"^, or ", text[m.end:m.end + 5])
    if not match or re.search(r"(?:,|\band|\bor)\s*$", text[max(0, m.start - 6):m.start]):
        return None  # "Iraq, Syria, or Jordan": a list
    other = by_start.get(m.end + match.end())
    if other is None or not re.match(r"^\s*[,)]\s*(?!and\b|or\b)", text[other.end:other.end + 8]):
        return None
    return "or", other.start


def _name_end(text: str, start: int) -> int | None:
    """The end of the capitalised name that starts at `start` (at most six words), or None."""
    end, words = start, 0
    for match in re.finditer(r"\S+", text[start:start + 80]):
        word = match.group(0).rstrip(",;:.)\"”")
        gap = match.start() - (end - start)
        if gap > (1 if words else 0) or not word or not NAME_WORD.match(word) or words == 6:
            break
        end, words = start + match.start() + len(word), words + 1
        if len(word) < len(match.group(0)):
            break  # punctuation ends the name
    if words == 0 or PARTICLE.match(text[start:end].split()[-1]):
        return None
    return end

