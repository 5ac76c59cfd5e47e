"""Event status: what a sentence asserts about whether its event took place.

News reports far more than what happened: plans ("will be reduced", "the drawdown is planned"),
processes ("remains ongoing"), denials ("did not attack") and conditions ("if", "could"). The
cues are read from the trigger's own clause and from the words that govern it ("agreed to
transfer", "its commitment to scaling back"), without crossing into a reporting verb's clause.
The cue words are in kg/data/triggers.yaml (`status`).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from kg.extract.doctext import sentence_of, token_words
from kg.extract.triggers import Lexicon
from kg.records import HAPPENED, HYPOTHETICAL, NEGATED, ONGOING, PLANNED, REPORTED

# Dependencies that start a clause of their own: climbing stops there.
CLAUSE_DEPS = ("ROOT", "ccomp", "parataxis", "relcl", "advcl", "csubj", "csubjpass")
VERB_CLIMB = ("xcomp", "conj", "pcomp", "acl")
NOUN_CLIMB = ("nsubj", "nsubjpass", "dobj", "attr", "oprd", "pobj", "conj", "appos", "npadvmod")
MAX_STEPS = 6


@dataclass(frozen=True)
class Frame:
    """A word whose modality bears on the trigger, and how the trigger hangs from it."""

    token: Token
    via: str  # "self", or the dependency climbed: "xcomp", "nsubjpass", "dobj", "pobj:to", ...


def _is_verb(t: Token) -> bool:
    return t.pos_ in ("VERB", "AUX")


def governing_frames(trigger: Token) -> list[Frame]:
    """The trigger and the words above it within its clause, nearest first."""
    frames = [Frame(trigger, "self")]
    t = trigger
    for _ in range(MAX_STEPS):
        if t.head is t or t.dep_ in CLAUSE_DEPS and not (t.dep_ == "advcl" and _infinitive(t)):
            break
        dep = t.dep_
        if _is_verb(t) and dep not in VERB_CLIMB + ("advcl",):
            break
        if not _is_verb(t) and dep not in NOUN_CLIMB:
            break
        head = t.head
        via = dep
        if dep in ("pobj", "pcomp") and head.dep_ in ("prep", "agent") and head.head is not head:
            via = f"{dep}:{head.lower_}"
            head = head.head
        frames.append(Frame(head, via))
        t = head
    return frames


def _infinitive(t: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children)


def _child_words(t: Token) -> dict[str, set[str]]:
    """The lower-case forms and lemmas of t's children, by dependency: one pass over them for
    all the cues of a frame."""
    texts, lemmas = token_words(t.doc)
    words: dict[str, set[str]] = {}
    for c in t.children:
        words.setdefault(c.dep_, set()).update((texts[c.i].lower(), lemmas[c.i]))
    return words


def _lemmas(words: dict[str, set[str]], deps: tuple[str, ...]) -> set[str]:
    return set().union(*(words.get(dep, ()) for dep in deps))


def _negated(t: Token, words: frozenset[str]) -> bool:
    if any(c.dep_ == "neg" for c in t.children):
        return True
    # "no longer": advmod 'longer' with 'no' below it; "no withdrawal": determiner 'no'.
    for c in t.children:
        if c.dep_ == "advmod" and c.lower_ == "longer" and any(g.lower_ == "no" for g in c.children):
            return True
        if c.dep_ == "det" and c.lower_ == "no" and "no" in words:
            return True
    return False


def _future_time(t: Token, words: frozenset[str]) -> bool:
    """'in the coming months', 'next year' attached to this word."""
    texts, lemmas = token_words(t.doc)
    for c in t.children:
        if c.dep_ in ("prep", "npadvmod") and any(lemmas[w.i] in words or texts[w.i].lower() in words
                                                   for w in c.subtree):
            return True
    return False


def _reported_clause(clause: Token, cues: dict) -> Token | None:
    """The reporting verb whose complement `clause` is ('the army said it had struck')."""
    if clause.dep_ == "ccomp" and clause.head.lemma_.lower() in cues.get("reported_governors", frozenset()):
        return clause.head
    return None


def _self_claim(clause: Token) -> bool:
    """The reported clause's subject is the speaker itself: 'it', 'they', 'its troops'."""
    for c in clause.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            if c.lower_ in ("it", "they", "we"):
                return True
            return any(g.dep_ == "poss" and g.lower_ in ("its", "their", "our") for g in c.children)
    return False


def find_status(trigger: Token, is_verbal: bool, is_statement: bool, lex: Lexicon,
                event_type: str | None = None) -> str:
    """The kg:status local name for the event named by `trigger`."""
    cues = lex.status
    frames = governing_frames(trigger)
    clause = frames[-1].token
    in_report = not is_statement and _reported_clause(clause, cues) is not None
    negated = hypothetical = ongoing = reported = False
    planned_by_modal = planned_by_governor = False
    below = trigger  # the frame the current one was reached from
    for f in frames:
        t, via = f.token, f.via
        below, climbed_from = t, below
        child_words = _child_words(t)
        aux = _lemmas(child_words, ("aux", "auxpass"))
        marks = _lemmas(child_words, ("mark",))
        # "did not attend the meeting" denies the attending, not the meeting
        denies_noun = via == "self" or t.lemma_.lower() not in cues.get("participation_verbs", frozenset())
        if _negated(t, cues.get("negation_words", frozenset())) and not via.startswith("nsubj") and denies_noun:
            negated = True
        if marks & cues.get("hypothetical_marks", frozenset()):
            hypothetical = True
        elif aux & cues.get("hypothetical_modals", frozenset()):
            if in_report and "would" in aux and t is clause:
                planned_by_modal = True  # reported future: "said the forces would rotate"
            else:
                hypothetical = True
        if in_report and via == "self" and t is clause and t.tag_ == "VBN" and _self_claim(t) \
                and "had" in {c.lower_ for c in t.children if c.dep_ == "aux"}:
            reported = True  # "said its troops had captured the village": a party's own claim
        if (aux & cues.get("planned_modals", frozenset()) or marks & cues.get("planned_marks", frozenset())
                or _future_time(t, cues.get("planned_time_words", frozenset()))):
            planned_by_modal = True
        if _lemmas(child_words, ("advmod",)) & cues.get("reported_adverbs", frozenset()):
            reported = True  # "reportedly killed": hearsay the writer does not assert
        if via == "self":
            progressive_passive = any(c.dep_ == "auxpass" and c.tag_ == "VBG" for c in t.children)
            if is_verbal and (t.tag_ == "VBG" and "be" in aux or progressive_passive):
                ongoing = True  # "are relocating", "are being redeployed"
            elif is_verbal and not is_statement and t.tag_ in ("VBZ", "VBP") and not aux:
                ongoing = True
            if is_verbal and _infinitive(t) and t.dep_ != "xcomp":
                planned_by_governor = True  # purpose: "formed to defeat Daesh"
            continue
        lemma = t.lemma_.lower()
        passive_subject = via == "nsubjpass" or (via == "nsubj" and "auxpass" in {c.dep_ for c in t.children})
        if lemma in cues.get("planned_governors", frozenset()) and (
                via in ("xcomp", "dobj") or passive_subject):
            planned_by_governor = True
        if (lemma in cues.get("planned_announcements", frozenset()) and via == "dobj" and not is_verbal
                and (event_type or "").lower() in cues.get("planned_announcement_types", frozenset())):
            planned_by_governor = True
        if lemma in cues.get("negating_governors", frozenset()) and via in ("pcomp:from", "pobj:from", "xcomp", "dobj"):
            negated = True
        to_infinitive = via == "acl" and _infinitive(climbed_from)
        if lemma in cues.get("planned_nouns", frozenset()) and (
                to_infinitive or via in ("pcomp:to", "pobj:to", "pobj:for", "pobj:of")):
            planned_by_governor = True
        if via == "pobj:of" and t.lower_ in cues.get("planned_of_heads", frozenset()):
            planned_by_governor = True  # "ahead of a summit": still to come
        if lemma in cues.get("ongoing_governors", frozenset()) and via == "xcomp":
            ongoing = True
        if via.startswith("nsubj") and any(c.lemma_.lower() in cues.get("ongoing_words", frozenset())
                                           for c in t.children if c.dep_ in ("acomp", "advmod", "prep", "attr")):
            ongoing = True
    if negated:
        return NEGATED
    if hypothetical:
        return HYPOTHETICAL
    if reported:
        return REPORTED
    if planned_by_modal:
        return PLANNED
    if planned_by_governor:
        # "has agreed to transfer control ..., though that process remains ongoing"
        sent = sentence_of(trigger.doc, trigger.i)
        sentence_words = set(token_words(trigger.doc)[1][sent.start:sent.end])
        if sentence_words & cues.get("ongoing_words", frozenset()):
            return ONGOING
        return PLANNED
    if ongoing:
        return ONGOING
    return HAPPENED
