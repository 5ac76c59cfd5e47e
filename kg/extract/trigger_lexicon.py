"""The trigger lexicon (kg/data/triggers.yaml): its versioned format, parsed into frozen records.

The lexicon is data so that rules can be tuned for new stories without code changes; this module
only reads it. An entry is either a mapping (a lemma and the conditions that make it a trigger of
its class: "reduce troops", not "reduce poverty") or a plain string, the common case: "acquire"
(a verb lemma), "lay off" (a verb and its particle), "job cut" (a noun and the modifier it needs).
Where one lemma has entries in several classes, the most specific entry is tried first, so
"launched missiles" is an attack and any other launch a product launch, whatever the file order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

LEXICON_FILE = "kg/data/triggers.yaml"
FORMAT = "newskg-triggers/1"
VERB_KEYS = {"lemma", "particle", "particle_optional", "objects", "objects_if_present", "object_labels",
             "objects_not", "requires_child", "children_not", "skip_if_complement_event", "subject_prep",
             "subjects", "subject_labels", "subjects_not", "object_is_instrument", "inverse"}
NOUN_KEYS = {"lemma", "objects", "object_labels", "compounds", "modifiers_not", "needs_participant", "of_role",
             "requires_of"}
WORD_LISTS = ("place_labels", "actor_labels", "country_labels", "person_labels", "no_trigger_labels",
              "transparent_nouns", "leader_verbs", "light_verbs", "person_pronouns", "relative_pronouns",
              "place_preps", "partitive_heads", "place_nouns", "reporting_verbs", "measured_classes",
              "event_heads")


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
    children_not: tuple[str, ...] = ()
    skip_if_complement_event: bool = False
    subject_prep: str | None = None
    subjects: frozenset[str] = frozenset()
    subject_labels: frozenset[str] = frozenset()
    subjects_not: frozenset[str] = frozenset()
    object_is_instrument: bool = False
    inverse: bool = False
    compounds: frozenset[str] = frozenset()
    modifiers_not: frozenset[str] = frozenset()
    needs_participant: bool = False
    of_role: str = "patient"
    requires_of: bool = False

    @property
    def constrained(self) -> bool:
        return bool(self.objects or self.object_labels)

    @property
    def specificity(self) -> int:
        """How narrowly the entry picks its sense: a required subject says most ('the earthquake
        hit'), then a required object, child, particle or modifier."""
        required_particle = self.particle is not None and not self.particle_optional
        return (2 * bool(self.subjects or self.subject_labels) + bool(self.objects or self.object_labels)
                + bool(self.requires_child) + required_particle + bool(self.compounds) + self.requires_of)


@dataclass(frozen=True)
class Lexicon:
    """The parsed lexicon: entries indexed by (kind, lemma), plus the shared word lists."""

    entries: dict[tuple[str, str], tuple[Entry, ...]]
    preps: dict[str, dict[str, str]]  # event type -> preposition -> role
    object_roles: dict[str, str]  # event type -> role of the direct object
    confidence: dict[str, float]
    status: dict[str, frozenset[str]]
    lists: dict[str, frozenset[str]] = field(default_factory=dict)
    subject_roles: dict[str, str] = field(default_factory=dict)  # event type -> role of the subject
    # event type -> the types a participle clause of it continues: "struck a base, wounding four"
    continues: dict[str, frozenset[str]] = field(default_factory=dict)
    fixed_expressions: tuple[tuple[str, ...], ...] = ()  # lemma sequences that are never triggers
    lemmas: frozenset[str] = frozenset()  # every lemma with an entry, to skip most words at once

    @property
    def fixed_by_lemma(self) -> dict[str, list[tuple[tuple[str, ...], int]]]:
        """Each lemma of a fixed expression -> (expression, its position there)."""
        index = self.__dict__.get("_fixed_index")
        if index is None:
            index = {}
            for phrase in self.fixed_expressions:
                for k, w in enumerate(phrase):
                    index.setdefault(w, []).append((phrase, k))
            object.__setattr__(self, "_fixed_index", index)
        return index

    def words(self, name: str) -> frozenset[str]:
        return self.lists.get(name, frozenset())


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


def _from_string(kind: str, raw: str, where: str) -> dict:
    """'acquire' -> a lemma; 'lay off' -> a verb and its particle; 'job cut' -> a noun and the
    modifier it needs."""
    parts = raw.split()
    if not parts or len(parts) > 2:
        raise LexiconError(f"{LEXICON_FILE}: {where}: {raw!r} is not 'lemma' or 'lemma word'")
    if len(parts) == 1:
        return {"lemma": parts[0]}
    if kind == "verb":
        return {"lemma": parts[0], "particle": parts[1]}
    return {"lemma": parts[1], "compounds": [parts[0]]}


CLASS_KEYS = {"verbs", "nouns", "preps", "object_role", "subject_role", "of_role", "subjects_not", "continues"}


def _entry(etype: str, kind: str, raw, sets, defaults: dict) -> Entry:
    """One entry; the class's `of_role` and `subjects_not` are the defaults of its entries."""
    where = f"events.{etype}.{kind}s"
    if isinstance(raw, str):
        raw = _from_string(kind, raw, where)
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
        children_not=tuple(raw.get("children_not") or ()),
        skip_if_complement_event=bool(raw.get("skip_if_complement_event")),
        subject_prep=raw.get("subject_prep"),
        subjects=_words(raw.get("subjects"), where, sets),
        subject_labels=frozenset(raw.get("subject_labels") or ()),
        subjects_not=_words(raw.get("subjects_not", defaults.get("subjects_not") if kind == "verb" else None),
                            where, sets),
        object_is_instrument=bool(raw.get("object_is_instrument")),
        inverse=bool(raw.get("inverse")),
        compounds=_words(raw.get("compounds"), where, sets),
        modifiers_not=_words(raw.get("modifiers_not"), where, sets),
        needs_participant=bool(raw.get("needs_participant")),
        of_role=str(raw.get("of_role", defaults.get("of_role", "patient"))), requires_of=bool(raw.get("requires_of")),
    )


def _roles(spec: dict, key: str, source: str, etype: str) -> dict[str, str]:
    out = {}
    for k, v in (spec.get(key) or {}).items():
        if not isinstance(k, str):
            raise LexiconError(f"{source}: events.{etype}.{key}: key {k!r} is not a word (quote it)")
        out[k] = str(v)
    return out


def parse_lexicon(data, source: str = LEXICON_FILE) -> Lexicon:
    """Build a Lexicon from the YAML structure, with errors that name the file and the entry."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LexiconError(f"{source}: not a {FORMAT} file")
    sets = data.get("word_sets") or {}
    entries: dict[tuple[str, str], list[Entry]] = {}
    preps: dict[str, dict[str, str]] = {}
    object_roles: dict[str, str] = {}
    subject_roles: dict[str, str] = {}
    continues: dict[str, frozenset[str]] = {}
    for etype, spec in (data.get("events") or {}).items():
        if not isinstance(spec, dict):
            raise LexiconError(f"{source}: events.{etype}: expected a mapping")
        if set(spec) - CLASS_KEYS:
            raise LexiconError(f"{source}: events.{etype}: unknown keys {sorted(set(spec) - CLASS_KEYS)}")
        for kind in ("verb", "noun"):
            for raw in spec.get(kind + "s") or ():
                e = _entry(etype, kind, raw, sets, spec)
                entries.setdefault((kind, e.lemma), []).append(e)
        preps[etype] = _roles(spec, "preps", source, etype)
        object_roles[etype] = str(spec.get("object_role", "patient"))
        if "subject_role" in spec:
            subject_roles[etype] = str(spec["subject_role"])
        if "continues" in spec:
            continues[etype] = _words(spec["continues"], f"events.{etype}.continues", sets, lower=False)
    lists = {name: _words(data.get(name), name, sets, lower=not name.endswith("_labels")) for name in WORD_LISTS}
    lists.update({f"@{name}": _words(words, f"word_sets.{name}", sets) for name, words in sets.items()})
    status = {k: _words(v, f"status.{k}", sets) for k, v in (data.get("status") or {}).items()}
    fixed = []
    for phrase in data.get("fixed_expressions") or ():
        if not isinstance(phrase, str) or len(phrase.split()) < 2:
            raise LexiconError(f"{source}: fixed_expressions: {phrase!r} is not a phrase of lemmas")
        fixed.append(tuple(phrase.lower().split()))
    # most specific first; file order among equals (sorted is stable)
    ordered = {k: tuple(sorted(v, key=lambda e: -e.specificity)) for k, v in entries.items()}
    return Lexicon(entries=ordered, preps=preps, object_roles=object_roles,
                   confidence=dict(data.get("confidence") or {}), status=status, lists=lists,
                   subject_roles=subject_roles, continues=continues, fixed_expressions=tuple(fixed),
                   lemmas=frozenset(lemma for _, lemma in ordered))


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The packaged lexicon, parsed once per process."""
    text = resources.files("kg.data").joinpath("triggers.yaml").read_text("utf-8")
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: 10x faster
    except yaml.YAMLError as err:
        raise LexiconError(f"{LEXICON_FILE}: invalid YAML: {err}") from err
    return parse_lexicon(data)
