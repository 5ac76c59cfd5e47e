"""The one label of a role node (org:Role), whatever case the articles wrote its title in.

A role's IRI is minted from its title's slug (kg.rdf.iris.role), which ignores case: "President"
before a name, "the president of" in apposition and "PRESIDENT" in a shouted headline are one
role. Each article's graph writes the role's label, so the label must ignore case too, or one
node gets three labels and every query listing posts returns each post three times. Titles the
entity lexicon knows keep its spelling ("Prime Minister", "Chief of Staff"); others are written
in title case, short function words and acronyms aside ("Intelligence Chief", "Head of State",
"CEO"). Records keep the title as written: that is evidence, this is a name.
"""

from __future__ import annotations

from functools import lru_cache

from kg.nlp.entity_lexicon import entity_lexicon
from kg.records import slug

SMALL_WORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "the", "to"})
ACRONYMS = frozenset({"ceo", "cfo", "coo", "cto"})


@lru_cache(maxsize=1)
def _known_titles() -> dict[str, str]:
    """The lexicon's titles by slug, abbreviations left out ('Gen.'); of two titles with one slug
    ('Secretary General', 'Secretary-General') the first in sorted order."""
    titles = sorted(" ".join(t) for t in entity_lexicon().titles if not any("." in w for w in t))
    known: dict[str, str] = {}
    for title in titles:
        known.setdefault(slug(title), title)
    return known


def role_label(title: str) -> str:
    """The label of the role node of `title`; equal for titles that differ only in case."""
    known = _known_titles().get(slug(title))
    if known is not None:
        return known
    return " ".join(_word(w, first=i == 0) for i, w in enumerate(title.split()))


def _word(word: str, *, first: bool) -> str:
    lower = word.lower()
    if lower in ACRONYMS:
        return lower.upper()
    if lower in SMALL_WORDS and not first:
        return lower
    return "-".join(part[:1].upper() + part[1:] for part in lower.split("-"))
