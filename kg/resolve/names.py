"""Which written names can stand for a fuller one: a person's partial names, an organization's
core name, an acronym's initials.

Resolution (kg.resolve.entities) joins a partial name to a full one only when exactly one
candidate fits, in the article first and then in the corpus; these functions only say what fits.
Comparisons use a folded form that forgives the spellings transliteration leaves open
('Kadhimi' / 'Kazemi', 'Qasem' / 'Qassem', 'Hussein' / 'Husain') but keeps names whose consonants
or whose main vowels differ apart ('Hassan' / 'Hussein', 'Jones' / 'Janes').
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg.extract.names import NAME_SUFFIXES
from kg.nlp.entity_lexicon import entity_lexicon
from kg.nlp.reference_lexicon import reference_lexicon

# The Arabic article, dropped: 'al-Sharaa', 'al Sharaa' and 'Sharaa' are one surname.
ARTICLES = {"al", "el", "ad", "ash", "as", "an", "ar", "at", "az", "ul"}
# Particles that belong to the word after them: 'bin Salman' is not 'Salman', 'van Gogh' not 'Gogh'.
BOUND = {"bin", "ibn", "bint", "ben", "de", "del", "della", "di", "da", "dos", "das", "du", "van",
         "von", "der", "den", "la", "le", "ter", "mac", "st.", "st"}
FUNCTION_WORDS = {"of", "and", "the", "for", "de", "du", "des", "la", "le", "on", "in", "&", "at", "to"}
_FOLDS = (("dh", "z"), ("ph", "f"), ("q", "k"), ("ck", "k"), ("ou", "u"), ("oo", "u"), ("ee", "i"),
          ("ei", "i"), ("ai", "i"), ("ey", "i"), ("y", "i"), ("e", "i"), ("o", "u"), ("w", "u"))


def ascii_fold(text: str) -> str:
    """Case and accents folded, apostrophes unified: 'Erdoğan' -> 'erdogan'."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'")).encode("ascii", "ignore").decode("ascii")
    return text.casefold()


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """A word as transliterations agree on it: 'Qassem' and 'Qasem' -> 'kasim'."""
    w = re.sub(r"[^a-z]", "", ascii_fold(word))
    for a, b in _FOLDS:
        w = w.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", w)


@lru_cache(maxsize=1)
def _titles() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(w.lower() for w in t) for t in entity_lexicon().titles)


@lru_cache(maxsize=100_000)
def person_tokens(name: str) -> tuple[str, ...]:
    """The parts of a personal name that identify its bearer, folded: titles before it, suffixes
    after it and the Arabic article dropped, bound particles kept with their word.
    'Defense Secretary Lloyd J. Austin III' -> ('luid', 'j', 'austin')."""
    written = [w.strip(",") for w in unicodedata.normalize("NFKC", name).split()]
    written = [w for w in written if w]
    words = [ascii_fold(w) for w in written]
    stripped = True
    while stripped and len(words) > 1:
        stripped = False
        for title in _titles():
            if len(words) > len(title) and tuple(words[:len(title)]) == title:
                words, written, stripped = words[len(title):], written[len(title):], True
                break
    while len(words) > 1 and words[-1] in NAME_SUFFIXES:
        words.pop()
    out: list[str] = []
    bound = ""
    for i, (w, as_written) in enumerate(zip(words, written)):
        if w in ARTICLES and len(words) > 1 and (i > 0 or as_written.islower()):
            continue  # 'al Sharaa', 'Ahmed Al Sharaa'; but 'Al Gore' is a given name
        if w in BOUND and i < len(words) - 1:
            bound += w
            continue
        article = re.match(r"^(?:%s)-(.+)$" % "|".join(sorted(ARTICLES)), w)
        part = article.group(1) if article else w
        token = fold(bound + part) if len(part.rstrip(".")) > 1 or bound else part.rstrip(".")
        bound = ""
        if token:
            out.append(token)
    return tuple(out)


def _same(a: str, b: str) -> bool:
    """Two name parts agree: equal when folded, or one is the other's initial ('j' and 'james')."""
    if a == b:
        return True
    return (len(a) == 1 or len(b) == 1) and a[:1] == b[:1]


def fits(short: tuple[str, ...], full: tuple[str, ...], *, given: bool = True) -> str | None:
    """How `short` can be written for the fuller name `full` (both from `person_tokens`), or None.

    The surname (last part) must agree, and the other parts must agree, in order, with parts of
    the fuller name: 'Austin' (surname), 'Lloyd Austin' or 'J. Austin' (middle names or initials
    left out), 'L. J. Austin' for 'Lloyd James Austin' (initials). A lone given name ('Lloyd')
    fits only when `given` allows it (in its own article).
    """
    if not short or not full or short == full or len(short) > len(full):
        return None
    if len(short) == len(full):
        if short[-1] == full[-1] and all(_same(a, b) for a, b in zip(short, full)) \
                and sum(len(a) == 1 for a in short) > sum(len(b) == 1 for b in full):
            return "initials"
        return None
    if len(short) == 1:
        if short[0] == full[-1] and len(short[0]) > 1:
            return "surname"
        if given and short[0] == full[0] and len(short[0]) > 2:
            return "given name"
        return None
    if short[-1] != full[-1] or len(short[-1]) == 1:
        return None
    j = 0
    for part in short[:-1]:
        while j < len(full) - 1 and not _same(part, full[j]):
            j += 1
        if j >= len(full) - 1:
            return None
        j += 1
    return "middle names or initials left out"


@lru_cache(maxsize=100_000)
def org_core(name: str) -> str:
    """An organization's name without its legal form and trade words, for comparison:
    'Apple Computer, Inc.' -> 'apple', 'Ford Motor Company' -> 'ford'; 'General Motors' stays."""
    lex = reference_lexicon()
    words = [w.strip(",") for w in re.sub(r"['’]s?$", "", ascii_fold(name)).replace(", ", " ").split()]
    words = [w for w in words if w]
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in lex.legal_forms:
        words.pop()
    for trade in lex.trade_words:
        n = len(trade)
        if len(words) > n and tuple(words[-n:]) == trade:
            rest = words[:-n]
            if not (len(rest) == 1 and rest[0] in lex.not_core):
                words = rest
            break
    while len(words) > 1 and words[-1] in lex.legal_forms:
        words.pop()
    core = " ".join(words)
    return re.sub(r"^u\.?s\.?a?\.? |^united states ", "us ", core)


def initials(name: str) -> set[str]:
    """The acronyms a name's initials make, with and without its legal form:
    'General Motors Corporation' -> {'GMC', 'GM'}; 'U.S. Air Force' -> {'USAF'}."""
    words = [w for w in re.split(r"[\s\-/]+", name.replace(",", " ")) if w]
    out = set()
    for drop_forms in (False, True):
        ws = list(words)
        while drop_forms and len(ws) > 1 and ws[-1].lower() in reference_lexicon().legal_forms:
            ws.pop()
        letters = ""
        for w in ws:
            if w.lower() in FUNCTION_WORDS:
                continue
            if re.fullmatch(r"(?:[A-Za-z]\.){2,}", w) or (w.isupper() and 2 <= len(w) <= 3):
                letters += w.replace(".", "").upper()  # "U.S." and "US" give their letters
            elif w[:1].isalpha():
                letters += w[0].upper()
            else:
                return set()
        if len(letters) >= 2:
            out.add(letters)
    return out
