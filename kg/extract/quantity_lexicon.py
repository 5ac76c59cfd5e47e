"""The quantity lexicon (kg/data/quantities.yaml): qualifiers, number words, vague counts, units,
currencies. Read and indexed once; kg.extract.quantities reads numbers with it, and other stages ask
it what a unit or a qualifier means."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from kg.records import Quantity

LEXICON_FILE = "quantities.yaml"
APPROXIMATE, UPPER, LOWER, VAGUE = "approximate", "upper", "lower", "vague"


def _singular(phrase: str) -> str:
    """'service members' -> 'service member', so one lexicon entry covers '1 service member'."""
    if phrase.endswith("ies"):
        return phrase[:-3] + "y"
    return phrase[:-1] if phrase.endswith("s") and not phrase.endswith("ss") else phrase


def _clean(node: Any, path: Any, where: str) -> Any:
    """Lower-case every phrase, collapse its spaces, turn lists into sets; reject what YAML misread."""
    if isinstance(node, dict):
        return {_clean(k, path, where): _clean(v, path, f"{where}.{k}") for k, v in node.items()}
    if isinstance(node, list):
        return {_clean(item, path, where) for item in node}
    if isinstance(node, str) and node.strip():
        return " ".join(node.lower().split())
    if isinstance(node, (int, float)) and isinstance(node, bool) == where.endswith("demonym_units"):
        return node
    raise ValueError(f"{path}: {where}: expected a phrase or a number, not {node!r}")


@lru_cache(maxsize=1)
def quantity_lexicon() -> dict[str, Any]:
    """Load and index kg/data/quantities.yaml once."""
    path = resources.files("kg.data") / LEXICON_FILE
    try:
        raw = _clean(yaml.safe_load(path.read_text(encoding="utf-8")) or {}, path, "lexicon")
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the quantity lexicon ({exc})") from exc
    required = ("qualifiers", "postfix_qualifiers", "vague", "vague_prefixes", "numbers",
                "multipliers", "suffixes", "connectors", "number_entity_labels", "units",
                "adjacent_units", "demonym_units", "partitive_determiners", "partitive_pronouns",
                "number_of", "number_of_links", "ratio_words", "currency_symbols", "currency_words",
                "percent_words", "percent_unit")
    missing = [key for key in required if key not in raw]
    odd = [f"{sec}.{k}" for sec in ("vague", "numbers", "multipliers", "suffixes")
           for k, v in raw.get(sec, {}).items() if not isinstance(v, (int, float))]
    if missing or odd:
        raise ValueError(f"{path}: missing sections {missing} or entries without a number {odd}")
    units = set().union(*raw["units"].values())
    vague_starts = first_words(raw["vague"]) | first_words(raw["vague_prefixes"])
    return {**raw, **raw["connectors"], "units": units | {_singular(u) for u in units},
            "pre": {w: fam for fam, ws in raw["qualifiers"].items() for w in ws},
            "post": {w: fam for fam, ws in raw["postfix_qualifiers"].items() for w in ws},
            "labels": {label.upper() for label in raw["number_entity_labels"]},
            "symbols": {k: v.upper() for k, v in raw["currency_symbols"].items()},
            "money_words": {k: v.upper() for k, v in raw["currency_words"].items()},
            "percent": set(raw["percent_words"]), "vague_starts": vague_starts,
            # the words a number, an amount of money or a vague count can start with (or a digit)
            "number_starts": frozenset({*raw["numbers"], *raw["multipliers"], *raw["currency_symbols"],
                                        *vague_starts})}


def measure_units() -> frozenset[str]:
    """Units of money and percentages ('USD', 'EUR', 'percent'): data, but not counts of anything."""
    lex = quantity_lexicon()
    return frozenset({*lex["symbols"].values(), *lex["money_words"].values(), lex["percent_unit"]})


def is_measure(quantity: Quantity) -> bool:
    """Is this an amount of money or a percentage rather than a count of people or hardware?"""
    return quantity.unit in measure_units()


def qualifier_family(qualifier: str | None) -> str | None:
    """'roughly' -> 'approximate', 'fewer than' -> 'upper', 'over' -> 'lower', 'thousands' -> 'vague'."""
    lex, text = quantity_lexicon(), " ".join((qualifier or "").lower().split())
    if text in lex["vague"] or any(text.startswith(p + " ") for p in lex["vague_prefixes"]):
        return VAGUE
    return lex["pre"].get(text) or lex["post"].get(text)


def first_words(table) -> frozenset[str]:
    key = id(table)
    if key not in _FIRST_WORDS:
        _FIRST_WORDS[key] = (table, frozenset(p.split()[0] for p in table if p))
    return _FIRST_WORDS[key][1]


_FIRST_WORDS: dict[int, tuple[object, frozenset[str]]] = {}  # the table is kept so its id stays its own
