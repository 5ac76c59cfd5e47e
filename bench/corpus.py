"""Synthetic news corpus for the benchmark: any size, the same articles for the same seed.

The benchmark must parse text that costs spaCy what real news costs, so articles are recombined
from the sentences of examples/corpus/*.txt rather than invented. Every name in a sentence is
found once, with the gazetteer (places, organizations, demonyms) and a title rule (people), and
becomes a slot; each article then casts its own countries, cities, organizations and people into
those slots, coherently within the article (the same source country always gives the same
stand-in; a capital stays the capital of the stand-in country). Numbers, years, months and
weekdays are varied too. Article ``i`` depends only on (seed, i), so a 100-article corpus is the
first 100 articles of a 10,000-article one.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

from kg.nlp.gazetteer import Entry, Gazetteer
from kg.nlp.places import load_gazetteer

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"
MIN_WORDS, MAX_WORDS = 300, 600
REFERENCE_YEAR = 2025  # the year the example articles were written: years keep their distance to it
FIRST_DAY, DAYS = date(2015, 1, 1), 4000

FIRST_NAMES = """Ahmed Mohammed Omar Ali Hassan Yusuf Khalid Tariq Samir Nabil Fatima Layla Amina Zainab
Rania Huda John Michael David James Robert William Sarah Emily Laura Anne Karen Maria Elena Olga Irina
Sergei Dmitri Andrei Viktor Pavlo Oksana Mykola Jean Pierre Claire Sophie Luc Hans Klaus Greta Lars
Ingrid Carlos Luis Ana Gabriela Diego Paolo Giulia Marco Kwame Amadou Fatou Ibrahim Moussa Aisha Ngozi
Chinedu Wei Li Hiroshi Yuki Min-jun Arjun Priya Rahul Mehmet Ayse Recep Reza Parisa Dariusz Katarzyna""".split()
LAST_NAMES = """al-Amiri al-Hashimi al-Rubaie al-Jabouri al-Obeidi al-Tamimi Haddad Khoury Nasser Mansour
Saleh Karimi Rahimi Tehrani Yilmaz Demir Kaya Smith Johnson Miller Davis Wilson Anderson Taylor Moore
Clarke Bennett Harris Walker Petrov Ivanov Volkov Sokolov Kovalenko Shevchenko Bondarenko Dubois Laurent
Moreau Lefevre Schmidt Weber Fischer Lindqvist Nilsson Garcia Rodriguez Lopez Fernandez Rossi Bianchi
Mensah Diallo Traore Keita Ouedraogo Okafor Adeyemi Abubakar Chen Wang Zhang Tanaka Sato Kim Park Singh
Sharma Patel Nowak Kowalski Novak Horvat Popescu Georgiou""".split()
TITLES = ("Prime Minister", "President", "General", "Gen.", "Minister", "Secretary", "Commander",
          "Colonel", "Ambassador", "Senator", "King", "Prince", "Sheikh")
TITLE_PATTERNS = (
    "{C0} to scale back troop presence in {C1}", "{C0} and {C1} agree on security transition",
    "{P0} meets {P1} in {T0}", "Officials in {T0} outline new phase of cooperation with {C1}",
    "{C1} weighs future of foreign forces after talks in {T0}", "{O0} says threat in {C1} persists",
    "{C0} troop drawdown: what changes for {C1}", "{P0} vows to protect sovereignty of {C1}",
)
MONTHS = ("January February March April May June July August September October November "
          "December").split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[A-Za-z]+(?:-[A-Za-z]+)*")
_NAME_TOKEN = r"(?:Jr\.|[A-Z][a-z]+(?:[A-Z][a-z]+)*\b|[A-Z]\.|al-[A-Z][a-z]+\b)"
_TITLED = re.compile(rf"\b(?:{'|'.join(re.escape(t) for t in TITLES)})\s+({_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,3}})")
_UNTITLED = re.compile(r"\b([A-Z][a-z]+ al-[A-Z][a-z]+)\b")
_NUMBER = re.compile(r"(?<![\w,.])(?:\d{1,3}(?:,\d{3})+|\d+)(?!\w|[,.]\d)")
_MONTH = re.compile(rf"\b(?:{'|'.join(MONTHS)})\b")
_WEEKDAY = re.compile(rf"\b(?:{'|'.join(WEEKDAYS)})\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\b[A-Z]\.)(?<!Jr\.)[”\"]?\s+(?=[“\"A-Z])")


@dataclass(frozen=True)
class Slot:
    """A place in a template that each article fills: kind, what it stood for, how it was written."""

    kind: str  # entity | adj | person | surname | number | year | month | weekday
    ref: str  # gazetteer key, person name, or the original text
    upper: bool = False  # written in capitals (a dateline)
    short: bool = False  # written as an acronym
    plural: bool = False  # 'Iraqis'


Template = tuple  # of str and Slot


# --- templates from the example articles ----------------------------------------------------------

def _demonyms() -> dict[str, str]:
    text = resources.files("kg.data").joinpath("demonyms.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {word: code.strip() for word, code in rows}


def _spans(text: str, gazetteer: Gazetteer, demonyms: dict[str, str],
           surnames: dict[str, str]) -> list[tuple[int, int, Slot]]:
    """Every name, number and date of a sentence, as non-overlapping (start, end, slot)."""
    found: list[tuple[int, int, Slot]] = []
    for rx in (_TITLED, _UNTITLED):
        for m in rx.finditer(text):
            name = m.group(1).removesuffix(" Jr.")
            if not gazetteer.lookup(name):
                found.append((m.start(1), m.end(1), Slot("person", name)))
                surnames.setdefault(name.split()[-1].removeprefix("al-"), name)
    tokens = list(_TOKEN.finditer(text))
    for i, first in enumerate(tokens):
        if not (first.group()[0].isupper() or first.group() == "al"):
            continue
        for j in range(min(len(tokens), i + 5) - 1, i - 1, -1):
            last = tokens[j].group().removeprefix("al-")
            if not last[0].isupper():  # names end in a capital word, never in 's
                continue
            surface = text[first.start():tokens[j].end()]
            if surface in demonyms or surface.removesuffix("s") in demonyms:
                code = demonyms.get(surface) or demonyms[surface.removesuffix("s")]
                found.append((first.start(), tokens[j].end(),
                              Slot("adj", f"country/{code.lower()}", plural=surface not in demonyms)))
                break
            hits = gazetteer.lookup(surface)
            if hits and (hits[0].kind != "City" or (hits[0].population or 0) >= 100_000):
                found.append((first.start(), tokens[j].end(), Slot(
                    "entity", hits[0].key, upper=surface.isupper() and len(surface) > 4,
                    short=surface.replace(".", "").isupper() and len(surface) <= 8)))
                break
            if surface.removeprefix("al-") in surnames:
                found.append((first.start(), tokens[j].end(), Slot("surname", surnames[surface.removeprefix("al-")])))
                break
    for rx, kind in ((_NUMBER, "number"), (_MONTH, "month"), (_WEEKDAY, "weekday")):
        for m in rx.finditer(text):
            is_year = kind == "number" and len(m.group()) == 4 and m.group()[:2] in ("19", "20")
            found.append((m.start(), m.end(), Slot("year" if is_year else kind, m.group())))
    kept, end = [], -1
    for start, stop, slot in sorted(found, key=lambda s: (s[0], -(s[1] - s[0]))):
        if start >= end:
            kept.append((start, stop, slot))
            end = stop
    return kept


def make_template(text: str, gazetteer: Gazetteer, demonyms: dict[str, str],
                  surnames: dict[str, str]) -> Template:
    parts, at = [], 0
    for start, end, slot in _spans(text, gazetteer, demonyms, surnames):
        parts += [text[at:start], slot]
        at = end
    parts.append(text[at:])
    return tuple(p for p in parts if p != "")


@dataclass(frozen=True)
class TemplateBank:
    sentences: tuple[Template, ...]
    headings: tuple[Template, ...]
    bullets: tuple[Template, ...]


@lru_cache(maxsize=2)
def load_bank(folder: Path = EXAMPLES) -> TemplateBank:
    """Sentences, headings and bullet lines of the example articles, with names made slots."""
    gazetteer, demonyms, surnames = load_gazetteer(), _demonyms(), {}
    sentences, headings, bullets = [], [], []
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text("utf-8").splitlines():
            line = line.strip()
            if line.startswith("- "):
                bullets.append(make_template(line[2:], gazetteer, demonyms, surnames))
            elif line and line[-1] not in ".!?:”\"" and len(line.split()) <= 10:
                if len(line.split()) < 4:
                    continue  # page chrome ('Leave a comment'), not a heading
                headings.append(make_template(line, gazetteer, demonyms, surnames))
            else:
                for sentence in _SENTENCE_END.split(line):
                    if len(sentence.split()) >= 6:
                        sentences.append(make_template(sentence, gazetteer, demonyms, surnames))
    if not sentences:
        raise FileNotFoundError(f"{folder}: no example sentences (*.txt) to build a corpus from")
    return TemplateBank(tuple(sentences), tuple(headings), tuple(bullets))


# --- pools and casting ---------------------------------------------------------------------------

class Pools:
    """Who and where articles can be about, each drawn Zipf-like so that some names recur often."""

    def __init__(self, seed: int):
        g, rng = load_gazetteer(), random.Random(f"pools:{seed}")
        self.gazetteer = g
        self.demonym = {}
        for word, code in _demonyms().items():
            self.demonym.setdefault(code, word)
        self.countries = [e for e in g.entries.values()
                          if e.kind == "Country" and e.country in self.demonym]
        self.countries.sort(key=lambda e: e.key)
        rng.shuffle(self.countries)
        cities: dict[str, list[Entry]] = {}
        for e in sorted(g.entries.values(), key=lambda e: (-(e.population or 0), e.key)):
            if e.kind in ("City", "AdministrativeRegion") and e.country:
                cities.setdefault(f"{e.kind}:{e.country}", []).append(e)
        self.by_country = {k: v[:30] for k, v in cities.items()}
        self.by_kind: dict[str, list[Entry]] = {}
        for e in sorted(g.entries.values(), key=lambda e: e.key):
            if e.kind not in ("City", "AdministrativeRegion", "Country"):
                self.by_kind.setdefault(e.kind, []).append(e)
        for entries in self.by_kind.values():
            rng.shuffle(entries)
        people = [f"{f} {l}" for f, l in itertools.product(FIRST_NAMES, LAST_NAMES)]
        rng.shuffle(people)
        self.people = people

    @staticmethod
    def zipf(rng: random.Random, items: list, s: float = 1.0):
        weights = _cumulative(len(items), s)
        return items[bisect.bisect(weights, rng.random() * weights[-1])]


@lru_cache(maxsize=64)
def _cumulative(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1 / (k + 1) ** s for k in range(n)))


class Cast:
    """One article's stand-ins: a source name always maps to the same new name in it."""

    def __init__(self, pools: Pools, rng: random.Random, year: int):
        self.pools, self.rng, self.year = pools, rng, year
        self.chosen: dict[str, object] = {}

    def _distinct(self, ref: str, draw) -> object:
        if ref not in self.chosen:
            used = set(map(id, self.chosen.values()))
            pick = draw()
            for _ in range(20):
                if id(pick) not in used:
                    break
                pick = draw()
            self.chosen[ref] = pick
        return self.chosen[ref]

    def country(self, key: str) -> Entry:
        return self._distinct(key, lambda: Pools.zipf(self.rng, self.pools.countries, 0.9))

    def person(self, name: str) -> str:
        return self._distinct(name, lambda: Pools.zipf(self.rng, self.pools.people, 0.7))

    def entity(self, key: str) -> Entry:
        source = self.pools.gazetteer.get(key)
        if source.kind == "Country":
            return self.country(key)
        if source.kind in ("City", "AdministrativeRegion"):
            def draw() -> Entry:
                home = self.country(f"country/{source.country.lower()}") if source.country else \
                    Pools.zipf(self.rng, self.pools.countries, 0.9)
                options = self.pools.by_country.get(f"{source.kind}:{home.country}")
                if not options:
                    options = self.pools.by_country[f"{source.kind}:{source.country}"]
                capital = [e for e in options if e.capital]
                return capital[0] if source.capital and capital else Pools.zipf(self.rng, options, 1.2)
            return self._distinct(key, draw)
        return self._distinct(key, lambda: Pools.zipf(self.rng, self.pools.by_kind[source.kind], 0.8))

    def fill(self, slot: Slot) -> str:
        if slot.kind == "entity":
            e = self.entity(slot.ref)
            acronyms = [a for a in e.aliases if a.replace(".", "").isupper() and len(a) <= 8]
            initials = "".join(w[0] for w in e.name.split() if w[0].isupper())
            text = (acronyms[0] if acronyms else initials) if slot.short else e.name
            return text.upper() if slot.upper else text
        if slot.kind == "adj":
            return self.pools.demonym[self.country(slot.ref).country] + ("s" if slot.plural else "")
        if slot.kind == "person":
            return self.person(slot.ref)
        if slot.kind == "surname":
            return self.person(slot.ref).split()[-1].removeprefix("al-")
        if slot.kind == "year":
            return str(self.year - max(0, REFERENCE_YEAR - int(slot.ref)))
        if slot.kind == "month":
            return self.rng.choice(MONTHS)
        if slot.kind == "weekday":
            return self.rng.choice(WEEKDAYS)
        return _vary_number(slot.ref, self.rng)

    def title(self, pattern: str) -> str:
        """A headline about the article's own cast (fresh stand-ins when it has too few)."""
        def pick(kinds: tuple[str, ...], n: int) -> list[str]:
            names = [v.name if isinstance(v, Entry) else v for v in self.chosen.values()
                     if (isinstance(v, Entry) and v.kind in kinds) or (isinstance(v, str) and "person" in kinds)]
            while len(names) < n:
                names.append(self.country(f"title-{len(names)}").name if "Country" in kinds
                             else Pools.zipf(self.rng, self.pools.people, 0.7))
            return names
        countries, people = pick(("Country",), 2), pick(("person",), 2)
        towns = pick(("City",), 0) or countries
        groups = pick(("ArmedGroup", "MilitaryOrganization", "Ministry", "MilitaryCommand"), 0) or countries
        return pattern.format(C0=countries[0], C1=countries[1], P0=people[0], P1=people[1],
                              T0=towns[0], O0=groups[0])

    def render(self, template: Template) -> str:
        return "".join(p if isinstance(p, str) else self.fill(p) for p in template)


def _vary_number(original: str, rng: random.Random) -> str:
    value = int(original.replace(",", ""))
    zeros = len(str(value)) - len(str(value).rstrip("0")) if value else 0
    step = 10 ** min(zeros, max(0, len(str(value)) - 1))
    new = max(step, round(value * rng.uniform(0.5, 1.5) / step) * step)
    return f"{new:,}" if "," in original else str(new)


# --- articles ------------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _pools(seed: int) -> Pools:
    return Pools(seed)


def article(index: int, seed: int = 0, bank: TemplateBank | None = None) -> dict:
    """Article number `index` of the corpus of `seed`: {"id", "title", "published", "text"}."""
    bank = bank or load_bank()
    rng = random.Random(f"article:{seed}:{index}")
    published = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    cast = Cast(_pools(seed), rng, published.year)
    target = rng.randint(MIN_WORDS + 20, MAX_WORDS - 60)
    order = rng.sample(range(len(bank.sentences)), len(bank.sentences))
    lines: list[str] = []
    words, used, headings, bullets = 0, 0, 0, rng.random() < 0.3
    while words < target:
        if lines and headings < 3 and rng.random() < 0.35:
            lines.append(cast.render(rng.choice(bank.headings)) if bank.headings and rng.random() < 0.5
                         else cast.title(rng.choice(TITLE_PATTERNS)))
            headings += 1
        elif lines and bullets and bank.bullets:
            lines += ["- " + cast.render(t) for t in rng.sample(bank.bullets, min(3, len(bank.bullets)))]
            bullets = False
        paragraph = []
        for _ in range(rng.randint(2, 4)):
            paragraph.append(cast.render(bank.sentences[order[used % len(order)]]))
            used += 1
        lines.append(" ".join(paragraph))
        words = sum(len(line.split()) for line in lines)
    while words > MAX_WORDS and len(lines) > 1:
        words -= len(lines.pop().split())
    title = cast.title(rng.choice(TITLE_PATTERNS))
    return {"id": f"bench-{seed}-{index:06d}", "title": title, "published": published.isoformat(),
            "text": "\n".join(lines)}


def write_corpus(out_dir: str | Path, n: int, *, seed: int = 0, chunk_size: int = 1000) -> list[Path]:
    """Write articles 0..n-1 as JSON Lines files of `chunk_size` articles; return the files."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    bank, files = load_bank(), []
    for chunk, first in enumerate(range(0, n, chunk_size)):
        path = out / f"articles-{chunk:04d}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for i in range(first, min(n, first + chunk_size)):
                f.write(json.dumps(article(i, seed, bank), ensure_ascii=False) + "\n")
        files.append(path)
    return files
