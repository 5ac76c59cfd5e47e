"""The entity lexicon (kg/data/entity_rules.yaml): titles and ranks, organization and place head
nouns, words that are never names. Read once; the tokenizer needs the abbreviated titles before
parsing (kg.nlp.model), the extractors need the rest after."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class EntityRules:
    titles: tuple[tuple[str, ...], ...]  # token sequences, longest first
    org_heads: tuple[tuple[tuple[str, ...], str], ...]  # (lower-case words, kind), longest first
    place_heads: dict[str, str]
    not_names: frozenset[str]
    weapon_nouns: frozenset[str]
    not_org_heads: frozenset[str]


@lru_cache(maxsize=1)
def entity_lexicon() -> EntityRules:
    data = yaml.safe_load(resources.files("kg.data").joinpath("entity_rules.yaml").read_text("utf-8"))
    titles = sorted({tuple(t.split()) for t in data["titles"]}, key=lambda t: (-len(t), t))
    heads = sorted(((tuple(h.lower().split()), kind) for kind, hs in data["org_heads"].items() for h in hs),
                   key=lambda hk: (-len(hk[0]), hk))
    places = {h.lower(): kind for kind, hs in data["place_heads"].items() for h in hs}
    return EntityRules(tuple(titles), tuple(heads), places, frozenset(w.lower() for w in data["not_names"]),
                       frozenset(data["weapon_nouns"]), frozenset(data["not_org_heads"]))
