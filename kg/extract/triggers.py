"""Event triggers: the matcher that applies the trigger lexicon (kg.extract.trigger_lexicon).

A token is a trigger when its lemma has an entry whose conditions the parse meets: an optional
particle ("scale back", "met with"), and for ambiguous words the object, subject or child that
makes them an event of that class ("reduce troops", not "reduce poverty"). Words inside names,
modifiers of another noun and fixed expressions ("in order to") are never triggers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Token

from kg.extract.doctext import token_words
from kg.extract.trigger_lexicon import (  # noqa: F401 - re-exported: the lexicon's public names
    FORMAT,
    LEXICON_FILE,
    Entry,
    Lexicon,
    LexiconError,
    load_lexicon,
    parse_lexicon,
)

OBJECT_DEPS = ("dobj", "nsubjpass")


@dataclass(frozen=True)
class TriggerMatch:
    """A token that names an event: its type, its lexicon entry and the trigger's token range."""

    entry: Entry
    token: Token  # the head word (verb or noun)
    start: int  # token range of the trigger span [start, end)
    end: int
    required_object: Token | None = None  # the object that licensed an ambiguous verb/noun

    @property
    def type(self) -> str:
        return self.entry.type

    @property
    def is_verbal(self) -> bool:
        return self.entry.kind == "verb"


# --- matching ---------------------------------------------------------------------------------

def object_tokens(verb: Token, lex: Lexicon) -> list[Token]:
    """What an ambiguous verb acts on: its object, passive subject, or the noun a participle
    modifies; seen through 'control of X', 'most of them', coordination and compounds."""
    objs = [c for c in verb.children if c.dep_ in OBJECT_DEPS]
    if not objs and verb.dep_ in ("acl", "relcl") and verb.tag_ == "VBN":
        objs = [verb.head]
    if not objs:
        objs = [c for c in verb.children if c.dep_ == "nsubj"]
    return expand_objects(objs, lex)


def expand_objects(objs: list[Token], lex: Lexicon) -> list[Token]:
    seen: list[Token] = []
    for o in objs:
        stack = [o]
        while stack:
            t = stack.pop()
            if t in seen:
                continue
            seen.append(t)
            stack.extend(c for c in t.children if c.dep_ in ("conj", "compound"))
            if t.lemma_.lower() in lex.words("transparent_nouns") | lex.words("partitive_heads") or t.like_num \
                    or t.ent_type_ in ("MONEY", "CARDINAL", "QUANTITY", "PERCENT"):  # "$11bn of deals"
                stack.extend(p for c in t.children if c.dep_ == "prep" and c.lower_ == "of"
                             for p in c.children if p.dep_ == "pobj")
    return seen


def _has_particle(tok: Token, particle: str) -> Token | None:
    for c in tok.children:
        if c.i > tok.i and c.lower_ == particle and c.dep_ in ("prt", "advmod", "prep", "agent"):
            return c
    return None


def _child_requirement(tok: Token, wanted: tuple[str, ...]) -> bool:
    for c in tok.children:
        for w in wanted:
            dep, _, lemma = w.partition(":")
            if c.dep_ == dep and (not lemma or c.lower_ == lemma):
                return True
    return False


def _verb_match(tok: Token, e: Entry, lex: Lexicon) -> TriggerMatch | None:
    start, end = tok.i, tok.i + 1
    if e.particle:
        part = _has_particle(tok, e.particle)
        if part is None and not e.particle_optional:
            return None
        if part is not None and part.i - tok.i <= 2:
            end = part.i + 1
    if e.requires_child and not _child_requirement(tok, e.requires_child):
        return None
    if e.children_not and _child_requirement(tok, e.children_not):
        return None
    if (e.subjects or e.subject_labels) and not _subject_fits(tok, e, lex):
        return None
    if e.subjects_not and any(s.lemma_.lower() in e.subjects_not for s in _subjects(tok, lex)):
        return None
    # only the object's head word rules a verb out: "struck a deal", not "struck an oil refinery"
    if e.objects_not and any(c.dep_ in OBJECT_DEPS and c.lemma_.lower() in e.objects_not for c in tok.children):
        return None
    licensed = None
    if e.constrained:
        for o in object_tokens(tok, lex):
            pronoun = o.pos_ == "PRON" and e.objects_if_present
            if o.lemma_.lower() in e.objects or o.ent_type_ in e.object_labels or pronoun:
                licensed = o
                break
        if licensed is None and not (e.objects_if_present and not _has_object(tok)):
            return None
    return TriggerMatch(e, tok, start, end, licensed)


def _subjects(verb: Token, lex: Lexicon) -> list[Token]:
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects and verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
        subjects = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    return expand_objects(subjects, lex)


def _subject_fits(verb: Token, e: Entry, lex: Lexicon) -> bool:
    """'French soldiers left Mali' is a withdrawal; 'the minister left Paris' is not."""
    return any(s.lemma_.lower() in e.subjects or s.ent_type_ in e.subject_labels for s in _subjects(verb, lex))


def _has_object(verb: Token) -> bool:
    return any(c.dep_ in OBJECT_DEPS for c in verb.children) or (
        verb.dep_ in ("acl", "relcl") and verb.tag_ == "VBN")


def noun_objects(noun: Token, lex: Lexicon) -> list[Token]:
    """What a nominal trigger is about: 'reduction of/in X', 'troop reduction'."""
    objs = [c for c in noun.children if c.dep_ == "compound"]
    objs += [p for c in noun.children if c.dep_ == "prep" and c.lower_ in ("of", "in")
             for p in c.children if p.dep_ == "pobj"]
    return expand_objects(objs, lex)


def _noun_match(tok: Token, e: Entry, lex: Lexicon) -> TriggerMatch | None:
    start = tok.i
    if e.compounds:
        mods = [c for c in tok.children if c.dep_ in ("compound", "amod", "nmod") and c.i < tok.i
                and c.lemma_.lower() in e.compounds]
        if not mods:
            return None
        start = min(c.i for c in mods)
    if e.requires_of and not any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children):
        return None
    if e.modifiers_not and any(c.dep_ in ("compound", "amod", "nmod") and c.lemma_.lower() in e.modifiers_not
                               for c in tok.children):
        return None
    licensed = None
    if e.objects or e.object_labels:
        licensed = next((o for o in noun_objects(tok, lex) if o.lemma_.lower() in e.objects
                         or o.ent_type_ in e.object_labels), None)
        if licensed is None:
            return None
    return TriggerMatch(e, tok, start, tok.i + 1, licensed)


def _kind(tok: Token) -> str | None:
    if tok.pos_ == "VERB" or (tok.tag_.startswith("VB") and tok.pos_ != "AUX"):
        return "verb"
    if tok.pos_ in ("NOUN", "PROPN"):
        return "noun"
    if tok.pos_ == "ADJ" and tok.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass"):
        return "noun"  # "hit a new low": an adjective the parser left heading a noun phrase
    return None


def _modifier_only(tok: Token, kind: str, lex: Lexicon, hyphenated: bool = False) -> bool:
    """'the withdrawal maps', 'a state-sanctioned union': the word describes another noun; but
    'merger talks', 'bankruptcy protection' name two happenings, or one the modifier says."""
    if kind == "verb" and not hyphenated and tok.i > 0 and tok.doc[tok.i - 1].text == "-" \
            and not tok.doc[tok.i - 1].whitespace_:
        return True
    if not (kind == "noun" and tok.dep_ in ("compound", "amod", "nmod") and tok.head.pos_ in ("NOUN", "PROPN")
            and tok.head.i > tok.i):
        return False
    head = tok.head.lemma_.lower()
    return head not in lex.words("event_heads") and ("noun", head) not in lex.entries


def _in_fixed_expression(tok: Token, lex: Lexicon) -> bool:
    """'in order to', 'a great deal of', 'opened fire': the word does not name an event there."""
    lemmas = token_words(tok.doc)[1]
    for phrase, k in lex.fixed_by_lemma.get(lemmas[tok.i], ()):
        start = tok.i - k
        if start >= 0 and tuple(lemmas[start:start + len(phrase)]) == phrase:
            return True
    return False


def hyphenated_lemma(doc: Doc, i: int) -> tuple[str, int] | None:
    """'sell-off', 're-elect', 'bail-out': the tokenizer splits them; the word on the other side
    of the hyphen and this word's lemma make the lexicon's lemma. Returns it and the span's
    other end."""
    texts, lemmas = token_words(doc)
    if i >= 2 and texts[i - 1] == "-" and not doc[i - 2].whitespace_ and not doc[i - 1].whitespace_:
        return f"{texts[i - 2].lower()}-{lemmas[i]}", i - 2
    if i + 2 < len(doc) and texts[i + 1] == "-" and not doc[i].whitespace_ and not doc[i + 1].whitespace_:
        return f"{lemmas[i]}-{texts[i + 2].lower()}", i + 2
    return None


def token_matches(tok: Token, lex: Lexicon, hyphenated: tuple[str, int] | None = None) -> Iterator[TriggerMatch]:
    """Every lexicon entry this token satisfies, most specific first; `hyphenated` is the lemma
    of the hyphenated word the token heads ('sell-off') and its other end, when that is the one
    to look up."""
    kind = _kind(tok)
    if kind is None or tok.ent_type_ in lex.words("no_trigger_labels") or _modifier_only(tok, kind, lex, bool(hyphenated)):
        return
    if _in_fixed_expression(tok, lex):
        return
    for e in lex.entries.get((kind, hyphenated[0] if hyphenated else tok.lemma_.lower()), ()):
        m = _verb_match(tok, e, lex) if kind == "verb" else _noun_match(tok, e, lex)
        if m is not None:
            yield replace(m, start=min(m.start, hyphenated[1]), end=max(m.end, hyphenated[1] + 1)) if hyphenated else m


def match_token(tok: Token, lex: Lexicon) -> TriggerMatch | None:
    """The first lexicon entry this token (or the hyphenated word it ends) satisfies, or None."""
    hyphenated = hyphenated_lemma(tok.doc, tok.i)
    if hyphenated is not None and hyphenated[0] in lex.lemmas:
        found = next(token_matches(tok, lex, hyphenated), None)
        if found is not None:
            return found
    return next(token_matches(tok, lex), None)


def match_triggers(doc: Doc, lex: Lexicon) -> list[TriggerMatch]:
    """All trigger matches of a Doc, one per head token, after removing the words that only
    license another trigger ('reduce military deployments': one event, not two) and verbs like
    'agreed to withdraw' whose complement is itself the event."""
    texts, lemmas = token_words(doc)  # most words trigger nothing: test that first
    candidates = (doc[i] for i, lemma in enumerate(lemmas) if lemma in lex.lemmas or (
        i > 1 and texts[i - 1] == "-" and f"{texts[i - 2].lower()}-{lemma}" in lex.lemmas) or (
        i + 2 < len(lemmas) and texts[i + 1] == "-" and f"{lemma}-{texts[i + 2].lower()}" in lex.lemmas))
    matches = [m for m in (match_token(t, lex) for t in candidates) if m is not None]
    nouns = {m.token.i for m in matches if not m.is_verbal}
    # "launched airstrikes": the noun names the event, the light verb only its agent
    matches = [m for m in matches if not (m.entry.object_is_instrument and m.required_object is not None
                                          and m.required_object.i in nouns)]
    # "signed an agreement" is one agreement; "won an order" a win and a purchase
    licensing = {(m.required_object.i, m.type) for m in matches if m.required_object is not None}
    heads = {m.token.i for m in matches}
    out = []
    for m in matches:
        if (m.token.i, m.type) in licensing and not m.is_verbal:
            continue
        if m.entry.skip_if_complement_event and any(
                c.dep_ in ("xcomp", "ccomp") and (c.i in heads or any(g.dep_ == "conj" and g.i in heads
                                                                      for g in c.children))
                for c in m.token.children):
            continue
        out.append(m)
    return out
