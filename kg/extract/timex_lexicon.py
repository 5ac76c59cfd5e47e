"""The time lexicon (kg/data/timex.yaml): read once, checked, and compiled into word patterns.

Data, not code, so that a new way of writing a date is a line of YAML; kg.extract.timeml holds
the grammar that reads it. A malformed file raises LexiconError naming the file and the section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

LEXICON_FILE = "kg/data/timex.yaml"
FORMAT = "newskg-timex/2"
SECTIONS = ("months", "weekdays", "numbers", "ordinals", "units", "vague_counts", "day_parts",
            "seasons", "relative_days", "deictics", "refs", "mods", "prepositions", "fillers", "sets",
            "set_words", "age_markers", "holidays")


class LexiconError(ValueError):
    """The time lexicon is malformed; the message names the file and the section."""


@dataclass(frozen=True)
class TimexLexicon:
    """Word tables (lower-case) and the regular expressions made from them."""

    month_of: dict[str, int]
    weekday_of: dict[str, int]  # ISO: Monday 1 ... Sunday 7
    number_of: dict[str, int]
    ordinal_of: dict[str, int]
    unit_of: dict[str, str]  # a form ("years", "trading days") -> its unit ("year", "day")
    code_of: dict[str, str]  # unit -> TimeML duration letter(s)
    vague_counts: frozenset[str]
    day_part_of: dict[str, str]
    season_of: dict[str, str]
    relative_days: dict[str, int]
    deictic_of: dict[str, int]
    ref_of: dict[str, str]  # "recently" -> "PAST_REF"
    mods: tuple[tuple[str, str], ...]  # (words, MOD), longest words first
    prepositions: tuple[str, ...]
    fillers: tuple[str, ...]
    sets: dict[str, str]
    set_words: frozenset[str]
    age_markers: tuple[str, ...]
    holidays: dict[str, str | None]
    # compiled alternations
    month: str
    weekday: str
    unit: str
    number_word: str
    ordinal: str
    day_part: str
    season: str
    holiday: str


def alternation(words) -> str:
    """A regex alternation of literal words, longest first so 'sept.' wins over 'sep'."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _words(raw: dict, section: str, path: str) -> list[str]:
    value = raw[section]
    items = value if isinstance(value, list) else [  # a mapping's keys are labels (PAST_REF, START)
        w for v in value.values() if isinstance(v, list) for w in v]
    odd = [repr(w) for w in items if not isinstance(w, str) or w != w.lower()]
    if odd:  # e.g. a bare `on` that YAML read as true
        raise LexiconError(f"{path}: section {section!r} must hold lower-case strings, not {', '.join(odd)}")
    return items


def parse_lexicon(raw: object, path: str = LEXICON_FILE) -> TimexLexicon:
    """Check and index the YAML content of the time lexicon."""
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise LexiconError(f"{path}: expected a mapping with format: {FORMAT}")
    missing = [s for s in SECTIONS if s not in raw]
    if missing:
        raise LexiconError(f"{path}: missing sections {', '.join(missing)}")
    for section in ("vague_counts", "prepositions", "fillers", "set_words", "age_markers", "refs", "mods"):
        _words(raw, section, path)
    units = raw["units"]
    try:
        unit_of = {form: unit for unit, spec in units.items() for form in spec["forms"]}
        code_of = {unit: spec["code"] for unit, spec in units.items()}
    except (TypeError, KeyError) as exc:
        raise LexiconError(f"{path}: section 'units' needs a code and forms per unit ({exc})") from exc
    month_of = {w: int(n) for n, ws in raw["months"].items() for w in ws}
    weekday_of = {w: int(n) for n, ws in raw["weekdays"].items() for w in ws}
    mods = tuple(sorted(((w, mod) for mod, ws in raw["mods"].items() for w in ws),
                        key=lambda p: (-len(p[0]), p[0])))
    return TimexLexicon(
        month_of=month_of, weekday_of=weekday_of,
        number_of={k: int(v) for k, v in raw["numbers"].items()},
        ordinal_of={k: int(v) for k, v in raw["ordinals"].items()},
        unit_of=unit_of, code_of=code_of, vague_counts=frozenset(raw["vague_counts"]),
        day_part_of=dict(raw["day_parts"]), season_of=dict(raw["seasons"]),
        relative_days={k: int(v) for k, v in raw["relative_days"].items()},
        deictic_of={k: int(v) for k, v in raw["deictics"].items()},
        ref_of={w: ref for ref, ws in raw["refs"].items() for w in ws},
        mods=mods, prepositions=tuple(sorted(raw["prepositions"], key=len, reverse=True)),
        fillers=tuple(raw["fillers"]),
        sets=dict(raw["sets"]), set_words=frozenset(raw["set_words"]),
        age_markers=tuple(raw["age_markers"]), holidays=dict(raw["holidays"]),
        month=alternation(month_of), weekday=alternation(weekday_of), unit=alternation(unit_of),
        number_word=alternation(raw["numbers"]), ordinal=alternation(raw["ordinals"]),
        day_part=alternation(raw["day_parts"]), season=alternation(raw["seasons"]),
        holiday=alternation(raw["holidays"]),
    )


@lru_cache(maxsize=1)
def timex_lexicon() -> TimexLexicon:
    """kg/data/timex.yaml, parsed once per process."""
    path = resources.files("kg") / "data" / "timex.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"{LEXICON_FILE}: cannot read the time lexicon ({exc})") from exc
    return parse_lexicon(raw)
