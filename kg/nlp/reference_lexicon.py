"""The reference lexicon (kg/data/references.yaml): how news names an actor again (stated aliases,
pronouns, nominal mentions, short forms) and the words that make a company name's legal form.
Read once; shared by the extractors (kg.extract.aliases, kg.extract.references) and resolution
(kg.resolve.names)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class ReferenceRules:
    alias_cues: tuple[str, ...]  # longest first
    person_pronouns: frozenset[str]
    first_person: frozenset[str]
    speech_verbs: frozenset[str]
    nominal_heads: frozenset[str]
    source_heads: frozenset[str]
    org_short_heads: frozenset[str]
    legal_forms: frozenset[str]
    trade_words: tuple[tuple[str, ...], ...]  # word sequences, longest first
    not_core: frozenset[str]


@lru_cache(maxsize=1)
def reference_lexicon() -> ReferenceRules:
    path = resources.files("kg.data").joinpath("references.yaml")
    data = yaml.safe_load(path.read_text("utf-8"))

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in data[key])

    try:
        return ReferenceRules(
            tuple(sorted({str(c).lower() for c in data["alias_cues"]}, key=lambda c: (-len(c), c))),
            words("person_pronouns"), words("first_person"), words("speech_verbs"), words("nominal_heads"), words("source_heads"),
            words("org_short_heads"), words("legal_forms"),
            tuple(sorted({tuple(str(w).lower().split()) for w in data["trade_words"]}, key=lambda t: (-len(t), t))),
            words("not_core"))
    except (KeyError, TypeError) as err:
        raise ValueError(f"{path}: missing or malformed lexicon {err}") from err
