"""Event triggers: the trigger lexicon (kg/data/triggers.yaml) and the matcher that applies it.

The lexicon is data so that rules can be tuned for new stories without code changes; this module
only interprets it: a verb or noun lemma, an optional particle ("scale back", "met with"), and
for ambiguous words the object that makes them an event ("reduce troops", not "reduce poverty").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml
from spacy.tokens import Doc, Token

from kg.extract.doctext import token_words

LEXICON_FILE = "kg/data/triggers.yaml"
FORMAT = "newskg-triggers/1"
VERB_KEYS = {"lemma", "particle", "particle_optional", "objects", "objects_if_present", "object_labels",
             "objects_not", "requires_child", "skip_if_complement_event", "subject_prep", "subjects",
             "subject_labels", "object_is_instrument", "inverse"}
NOUN_KEYS = {"lemma", "objects", "compounds", "needs_participant", "of_role", "requires_of"}
OBJECT_DEPS = ("dobj", "nsubjpass")


class LexiconError(ValueError):
    """The trigger lexicon is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Entry:
    """One lexicon line: how a lemma becomes a trigger of one event type."""

    type: str
    kind: str  # "verb" | "noun"
    lemma: str
    particle: str | None = None
    particle_optional: bool = False
    objects: frozenset[str] = frozenset()
    objects_if_present: bool = False
    object_labels: frozenset[str] = frozenset()
    objects_not: frozenset[str] = frozenset()
    requires_child: tuple[str, ...] = ()
    skip_if_complement_event: bool = False
    subject_prep: str | None = None
    subjects: frozenset[str] = frozenset()
    subject_labels: frozenset[str] = frozenset()
    object_is_instrument: bool = False
    inverse: bool = False
    compounds: frozenset[str] = frozenset()
    needs_participant: bool = False
    of_role: str = "patient"
    requires_of: bool = False

    @property
    def constrained(self) -> bool:
        return bool(self.objects or self.object_labels)


@dataclass(frozen=True)
class Lexicon:
    """The parsed lexicon: entries indexed by (kind, lemma), plus the shared word lists."""

    entries: dict[tuple[str, str], tuple[Entry, ...]]
    preps: dict[str, dict[str, str]]  # event type -> preposition -> role
    object_roles: dict[str, str]  # event type -> role of the direct object
    confidence: dict[str, float]
    status: dict[str, frozenset[str]]
    lists: dict[str, frozenset[str]] = field(default_factory=dict)

    def words(self, name: str) -> frozenset[str]:
        return self.lists.get(name, frozenset())


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


def _words(value, where: str, sets: dict[str, list[str]], lower: bool = True) -> frozenset[str]:
    """A list of words where '@name' expands to word_sets[name]; entity labels keep their case."""
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise LexiconError(f"{LEXICON_FILE}: {where}: expected a list, got {value!r}")
    out: set[str] = set()
    for item in value:
        if not isinstance(item, str):  # YAML 1.1 reads bare on/no/yes as booleans
            raise LexiconError(f"{LEXICON_FILE}: {where}: {item!r} is not a word (quote it)")
        if item.startswith("@"):
            if item[1:] not in sets:
                raise LexiconError(f"{LEXICON_FILE}: {where}: unknown word set {item!r}")
            out.update(str(w) for w in sets[item[1:]])
        else:
            out.add(item)
    return frozenset(w.lower() for w in out) if lower else frozenset(out)


def _entry(etype: str, kind: str, raw, sets) -> Entry:
    where = f"events.{etype}.{kind}s"
    if not isinstance(raw, dict) or "lemma" not in raw:
        raise LexiconError(f"{LEXICON_FILE}: {where}: entry without a lemma: {raw!r}")
    unknown = set(raw) - (VERB_KEYS if kind == "verb" else NOUN_KEYS)
    if unknown:
        raise LexiconError(f"{LEXICON_FILE}: {where}: unknown keys {sorted(unknown)} in {raw!r}")
    where = f"{where}[{raw['lemma']}]"
    return Entry(
        type=etype, kind=kind, lemma=str(raw["lemma"]).lower(),
        particle=raw.get("particle"), particle_optional=bool(raw.get("particle_optional")),
        objects=_words(raw.get("objects"), where, sets),
        objects_if_present=bool(raw.get("objects_if_present")),
        object_labels=frozenset(raw.get("object_labels") or ()),
        objects_not=_words(raw.get("objects_not"), where, sets),
        requires_child=tuple(raw.get("requires_child") or ()),
        skip_if_complement_event=bool(raw.get("skip_if_complement_event")),
        subject_prep=raw.get("subject_prep"),
        subjects=_words(raw.get("subjects"), where, sets),
        subject_labels=frozenset(raw.get("subject_labels") or ()),
        object_is_instrument=bool(raw.get("object_is_instrument")),
        inverse=bool(raw.get("inverse")),
        compounds=_words(raw.get("compounds"), where, sets),
        needs_participant=bool(raw.get("needs_participant")),
        of_role=str(raw.get("of_role", "patient")), requires_of=bool(raw.get("requires_of")),
    )


def parse_lexicon(data, source: str = LEXICON_FILE) -> Lexicon:
    """Build a Lexicon from the YAML structure, with errors that name the file and the entry."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LexiconError(f"{source}: not a {FORMAT} file")
    sets = data.get("word_sets") or {}
    entries: dict[tuple[str, str], list[Entry]] = {}
    preps: dict[str, dict[str, str]] = {}
    object_roles: dict[str, str] = {}
    for etype, spec in (data.get("events") or {}).items():
        if not isinstance(spec, dict):
            raise LexiconError(f"{source}: events.{etype}: expected a mapping")
        for kind in ("verb", "noun"):
            for raw in spec.get(kind + "s") or ():
                e = _entry(etype, kind, raw, sets)
                entries.setdefault((kind, e.lemma), []).append(e)
        preps[etype] = spec_preps = {}
        for k, v in (spec.get("preps") or {}).items():
            if not isinstance(k, str):
                raise LexiconError(f"{source}: events.{etype}.preps: key {k!r} is not a word (quote it)")
            spec_preps[k] = str(v)
        object_roles[etype] = str(spec.get("object_role", "patient"))
    lists = {name: _words(data.get(name), name, sets, lower=not name.endswith("_labels")) for name in (
        "place_labels", "actor_labels", "country_labels", "person_labels", "no_trigger_labels",
        "transparent_nouns", "leader_verbs", "light_verbs", "person_pronouns", "relative_pronouns",
        "place_preps", "partitive_heads", "place_nouns", "reporting_verbs")}
    lists.update({f"@{name}": _words(words, f"word_sets.{name}", sets) for name, words in sets.items()})
    status = {k: _words(v, f"status.{k}", sets) for k, v in (data.get("status") or {}).items()}
    return Lexicon(entries={k: tuple(v) for k, v in entries.items()}, preps=preps,
                   object_roles=object_roles, confidence=dict(data.get("confidence") or {}),
                   status=status, lists=lists)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The packaged lexicon, parsed once per process."""
    text = resources.files("kg.data").joinpath("triggers.yaml").read_text("utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise LexiconError(f"{LEXICON_FILE}: invalid YAML: {err}") from err
    return parse_lexicon(data)


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
            if t.lemma_.lower() in lex.words("transparent_nouns") | lex.words("partitive_heads"):
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
    if (e.subjects or e.subject_labels) and not _subject_fits(tok, e, lex):
        return None
    objs = object_tokens(tok, lex)
    # only the object's head word rules a verb out: "struck a deal", not "struck an oil refinery"
    heads = [c for c in tok.children if c.dep_ in OBJECT_DEPS]
    if e.objects_not and any(o.lemma_.lower() in e.objects_not for o in heads):
        return None
    licensed = None
    if e.constrained:
        for o in objs:
            pronoun = o.pos_ == "PRON" and e.objects_if_present
            if o.lemma_.lower() in e.objects or o.ent_type_ in e.object_labels or pronoun:
                licensed = o
                break
        if licensed is None and not (e.objects_if_present and not _has_object(tok)):
            return None
    return TriggerMatch(e, tok, start, end, licensed)


def _subject_fits(verb: Token, e: Entry, lex: Lexicon) -> bool:
    """'French soldiers left Mali' is a withdrawal; 'the minister left Paris' is not."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects and verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
        subjects = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    return any(s.lemma_.lower() in e.subjects or s.ent_type_ in e.subject_labels
               for s in expand_objects(subjects, lex))


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
    licensed = None
    if e.objects:
        licensed = next((o for o in noun_objects(tok, lex) if o.lemma_.lower() in e.objects), None)
        if licensed is None:
            return None
    return TriggerMatch(e, tok, start, tok.i + 1, licensed)


def _kind(tok: Token) -> str | None:
    if tok.pos_ == "VERB" or (tok.tag_.startswith("VB") and tok.pos_ != "AUX"):
        return "verb"
    if tok.pos_ in ("NOUN", "PROPN"):
        return "noun"
    return None


def _modifier_only(tok: Token, kind: str) -> bool:
    """'the withdrawal maps', 'a state-sanctioned union': the word describes another noun."""
    if kind == "verb" and tok.i > 0 and tok.doc[tok.i - 1].text == "-" and not tok.doc[tok.i - 1].whitespace_:
        return True
    return kind == "noun" and tok.dep_ in ("compound", "amod", "nmod") and tok.head.pos_ in ("NOUN", "PROPN") \
        and tok.head.i > tok.i


def match_token(tok: Token, lex: Lexicon) -> TriggerMatch | None:
    """The first lexicon entry this token satisfies, or None."""
    kind = _kind(tok)
    if kind is None or tok.ent_type_ in lex.words("no_trigger_labels") or _modifier_only(tok, kind):
        return None
    for e in lex.entries.get((kind, tok.lemma_.lower()), ()):
        m = _verb_match(tok, e, lex) if kind == "verb" else _noun_match(tok, e, lex)
        if m is not None:
            return m
    return None


def match_triggers(doc: Doc, lex: Lexicon) -> list[TriggerMatch]:
    """All trigger matches of a Doc, one per head token, after removing the words that only
    license another trigger ('reduce military deployments': one event, not two) and verbs like
    'agreed to withdraw' whose complement is itself the event."""
    lemmas = {lemma for _, lemma in lex.entries}  # most words trigger nothing: test that first
    candidates = (doc[i] for i, lemma in enumerate(token_words(doc)[1]) if lemma in lemmas)
    matches = [m for m in (match_token(t, lex) for t in candidates) if m is not None]
    nouns = {m.token.i for m in matches if not m.is_verbal}
    # "launched airstrikes": the noun names the event, the light verb only its agent
    matches = [m for m in matches if not (m.entry.object_is_instrument and m.required_object is not None
                                          and m.required_object.i in nouns)]
    licensing = {m.required_object.i for m in matches if m.required_object is not None}
    heads = {m.token.i for m in matches}
    out = []
    for m in matches:
        if m.token.i in licensing and not m.is_verbal:
            continue
        if m.entry.skip_if_complement_event and any(
                c.dep_ in ("xcomp", "ccomp") and (c.i in heads or any(g.dep_ == "conj" and g.i in heads
                                                                      for g in c.children))
                for c in m.token.children):
            continue
        out.append(m)
    return out
