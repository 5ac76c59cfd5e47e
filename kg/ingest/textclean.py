"""Turn raw article text into the reference string every offset points into.

Cleaning does as little as possible: newlines and no-break spaces are normalised and page chrome
("Leave a comment", "Share this article") is deleted, because those never belong to the article.
Everything else is kept character for character; lines that are not article sentences (headings,
bylines, photo credits, timestamps) stay in the text and are only reported as skipped spans, so
later stages can ignore them while offsets keep pointing at the text a reader sees.
The phrases and patterns live in kg/data/chrome.txt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

Span = tuple[int, int]

MAX_HEADING_WORDS = 12
MAX_PREFIX_LINE_WORDS = 25  # a "prefix ..." chrome entry only deletes lines up to this long
MAX_PATTERN_LINE_CHARS = 400  # longer lines are body paragraphs; also bounds regex work
MIN_GLUE_CHARS = 8  # a one-word phrase must be this long to be unglued ("AdvertisementThe")
TITLE_CASE_RATIO = 0.75
MAX_PLAIN_HEADING_WORDS = 10  # a sentence-case heading ("Hunger in the enclave") is at most this long
MIN_BODY_WORDS_AFTER_HEADING = 12  # the paragraph a heading introduces has at least this many words

_SENTENCE_END = ".!?…"
_CLOSERS = "\"'”’)]»"
_OPENERS = "\"'“‘(["
# Separators that pages put between chrome and text: "Share | The ...", "Read more » ...".
_START_SEPARATOR = re.compile(r"\s*(?:[|•·»›>→:]|\s[-–—])\s*|\s*[–—]\s*")
_END_SEPARATOR = re.compile(r"(?:[|•·«‹–—]|\s-)\s*$")
_LIST_SEPARATOR = re.compile(r"\s*[|•·/]\s*")
_BULLET = re.compile(r"^(?:[-*•·▪–—]|\d{1,2}[.)])\s+")
_MACRO = re.compile(r"\{([A-Z_]+)\}")


@dataclass(frozen=True)
class ChromeRules:
    """The compiled content of chrome.txt."""

    phrases: frozenset[str]  # normalised whole-line phrases
    glue_phrases: tuple[str, ...]  # phrases that may be glued to text, longest first
    prefixes: tuple[str, ...]  # normalised line prefixes ("click here to")
    skip_patterns: tuple[re.Pattern[str], ...]
    minor_words: frozenset[str]
    keep_patterns: tuple[re.Pattern[str], ...] = ()  # lines never taken for a sentence-case heading
    # Glue phrases by their first / last three characters, so a line is only tried against a few.
    by_head: dict[str, tuple[str, ...]] = field(default_factory=dict)
    by_tail: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _normalise_phrase(text: str) -> str:
    """Compare chrome case- and punctuation-insensitively: 'Read More:' == 'read more'."""
    text = text.replace("’", "'").casefold()
    text = re.sub(r"\s+", " ", text)
    return text.strip(" :.…»›>→|•·-–—")


def _parse_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = sections.setdefault(header.group(1), [])
        elif current is not None:
            current.append(line)
    return sections


def _expand(pattern: str, macros: dict[str, str]) -> str:
    return _MACRO.sub(lambda m: f"(?:{macros[m.group(1)]})" if m.group(1) in macros else m.group(0),
                      pattern)


def parse_rules(text: str) -> ChromeRules:
    """Compile a chrome file (see the header of kg/data/chrome.txt for its format)."""
    sections = _parse_sections(text)
    phrases, glue, prefixes = set(), [], []
    for entry in sections.get("remove", []):
        if entry.endswith("..."):
            prefixes.append(_normalise_phrase(entry[:-3]) if not entry[:-3].rstrip().endswith(":")
                            else entry[:-3].strip().casefold())
        else:
            phrases.add(_normalise_phrase(entry))
            if len(entry.strip()) >= 3:  # shorter ones only as whole lines
                glue.append(entry.strip())
    macros: dict[str, str] = {}
    for entry in sections.get("define", []):
        name, _, pattern = entry.partition("=")
        macros[name.strip()] = _expand(pattern.strip(), macros)
    skip = tuple(re.compile(_expand(p, macros)) for p in sections.get("skip", []))
    minor = frozenset(w.casefold() for line in sections.get("minor", []) for w in line.split())
    glue.sort(key=lambda p: (-len(p), p.casefold()))
    keep = tuple(re.compile(_expand(p, macros)) for p in sections.get("keep", []))
    return ChromeRules(frozenset(phrases), tuple(glue), tuple(sorted(set(prefixes))), skip, minor,
                       keep_patterns=keep,
                       by_head=_index(glue, lambda p: p[:3]), by_tail=_index(glue, lambda p: p[-3:]))


def _index(phrases: list[str], key) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for phrase in phrases:  # already longest first
        index.setdefault(key(phrase).casefold(), []).append(phrase)
    return {k: tuple(v) for k, v in index.items()}


@lru_cache(maxsize=1)
def default_rules() -> ChromeRules:
    return parse_rules(resources.files("kg.data").joinpath("chrome.txt").read_text("utf-8"))


# --- chrome removal ---------------------------------------------------------------------------

def _is_chrome_line(line: str, rules: ChromeRules) -> bool:
    norm = _normalise_phrase(line)
    if norm in rules.phrases:
        return True
    lowered = line.strip().replace("’", "'").casefold()
    if len(line.split()) <= MAX_PREFIX_LINE_WORDS and any(
            lowered.startswith(p) and (len(lowered) == len(p) or not lowered[len(p)].isalnum()
                                       or p.endswith(":"))
            for p in rules.prefixes):
        return True
    # "Share | Tweet | Email": a row of chrome phrases.
    parts = [p for p in _LIST_SEPARATOR.split(line.strip()) if p]
    return len(parts) > 1 and all(_normalise_phrase(p) in rules.phrases for p in parts)


def _can_glue(phrase: str) -> bool:
    """One short word glued to text may be a real name ('ImageNation'); phrases rarely are."""
    return " " in phrase or len(phrase) >= MIN_GLUE_CHARS


def _strip_leading(line: str, rules: ChromeRules) -> str:
    for phrase in rules.by_head.get(line[:3].casefold(), ()):
        n = len(phrase)
        if line[:n].casefold() != phrase.casefold() or len(line) == n:
            continue
        rest = line[n:]
        sep = _START_SEPARATOR.match(rest)
        if sep and sep.end() < len(rest):
            return rest[sep.end():]
        first = rest[0]
        glued = first.isupper() or first.isdigit() or first in _OPENERS
        if glued and _can_glue(phrase) and phrase[-1].isalnum():
            return rest  # "Leave a commentThe US ..."
        if (first == " " and len(rest) > 1 and (rest[1].isupper() or rest[1] in _OPENERS)
                and phrase.count(" ") >= 2):
            return rest[1:]  # "Leave a comment The US ..."
    return line


def _strip_trailing(line: str, rules: ChromeRules) -> str:
    body = line.rstrip(" :»›→")
    for phrase in rules.by_tail.get(body[-3:].casefold(), ()):
        n = len(phrase)
        if len(body) <= n or body[-n:].casefold() != phrase.casefold():
            continue
        before = body[:-n]
        kept = before.rstrip()
        if kept and kept[-1] in _SENTENCE_END + _CLOSERS:
            return kept  # "... in Iraq. Share this article"
        sep = _END_SEPARATOR.search(before)
        if sep and before[:sep.start()].strip():
            return before[:sep.start()].rstrip()
        if before[-1].isalnum() and body[-n].isupper() and _can_glue(phrase):
            return before  # "... in IraqLeave a comment"
    return line


def remove_chrome(text: str, rules: ChromeRules | None = None) -> str:
    """Delete chrome lines and chrome glued to line ends; other lines are kept verbatim."""
    rules = rules or default_rules()
    kept: list[str] = []
    dropped = False
    for line in text.split("\n"):
        if not line.strip():
            if not (dropped and kept and not kept[-1].strip()):
                kept.append(line)
            continue
        current = line
        while True:
            if _is_chrome_line(current, rules):
                current = None
                break
            stripped = _strip_trailing(_strip_leading(current.strip(), rules), rules)
            if stripped == current.strip():
                break
            current = stripped
        if current is None:
            dropped = True
            continue
        dropped = False
        kept.append(current)
    return "\n".join(kept)


# --- lines that are not article sentences -----------------------------------------------------

def _is_title_case(words: list[str], rules: ChromeRules) -> bool:
    content = [w for w in (w.strip(_OPENERS + _CLOSERS + ",:;") for w in words)
               if w and any(c.isalnum() for c in w) and w.casefold() not in rules.minor_words]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper() or w[0].isdigit())
    return capitalised / len(content) >= TITLE_CASE_RATIO


def is_heading(line: str, rules: ChromeRules | None = None) -> bool:
    """A short Title Cased line that does not end like a sentence: 'Political Context and ...'.

    This needs no context; sentence-case headings need the lines around them (is_plain_heading).
    """
    rules = rules or default_rules()
    body = _BULLET.sub("", line.strip())
    words = body.split()
    if not words or len(words) > MAX_HEADING_WORDS:
        return False
    end = body.rstrip(_CLOSERS)
    if not end or end[-1] in _SENTENCE_END + ",;":
        return False
    if any(p.fullmatch(body) for p in rules.keep_patterns):
        return False  # a dateline on its own line: "DAMASCUS, Syria"
    return _is_title_case(words, rules)


def is_non_sentence(line: str, rules: ChromeRules | None = None) -> bool:
    """Headings, bylines, credits, timestamps and decoration: lines no sentence comes from."""
    rules = rules or default_rules()
    line = line.strip()
    if not line:
        return False
    if not any(c.isalnum() for c in line):
        return True  # "* * *", "———"
    if len(line) <= MAX_PATTERN_LINE_CHARS:
        for pattern in rules.skip_patterns:
            m = pattern.fullmatch(line)
            if m and (not m.groupdict().get("tail") or _is_title_case(m.group("tail").split(), rules)):
                return True
    return is_heading(line, rules)


# --- sentence-case headings: judged by the lines around them -----------------------------------

def _ends_sentence(line: str) -> bool:
    """'... said.' / '... accountable."' / '... (Reuters).': the line closes a sentence."""
    end = line.rstrip().rstrip(_CLOSERS)
    return bool(end) and end[-1] in _SENTENCE_END


def _could_be_plain_heading(line: str, rules: ChromeRules) -> bool:
    """Short, capitalised, unpunctuated at the end, and not a quote, list item or dateline."""
    body = line.strip()
    words = body.split()
    if not words or len(words) > MAX_PLAIN_HEADING_WORDS:
        return False
    if body[0] in _OPENERS or _BULLET.match(body):
        return False  # quotes and list items are content, whatever their length
    if not (body[0].isupper() or body[0].isdigit()):
        return False  # a lower-case start continues a wrapped sentence
    end = body.rstrip(_CLOSERS)  # 'Kyiv's "Spiderweb"' may be a heading, '... he said."' is not
    if not end or end[-1] in _SENTENCE_END + ",;:-–—/&":
        return False  # a sentence, or a dateline / clause that runs on into the next line
    return not any(p.fullmatch(body) for p in rules.keep_patterns)


def _is_body_text(lines: list[str], rules: ChromeRules) -> bool:
    """The paragraph after a heading: running text, not another short line, list item or credit."""
    first = lines[0].strip()
    if _BULLET.match(first) or is_non_sentence(first, rules):
        return False
    words = sum(len(line.split()) for line in lines)
    return _ends_sentence(lines[-1]) and words >= MIN_BODY_WORDS_AFTER_HEADING or (
        len(lines) > 1 and words >= 2 * MIN_BODY_WORDS_AFTER_HEADING)


def _paragraph_after(lines: list[str], index: int) -> tuple[list[str], bool]:
    """The lines of the next paragraph (up to a blank line) and whether a blank line came first."""
    j = index + 1
    gap = False
    while j < len(lines) and not lines[j].strip():
        j, gap = j + 1, True
    block = []
    while j < len(lines) and lines[j].strip():
        block.append(lines[j])
        j += 1
    return block, gap


def _stands_alone(lines: list[str], index: int, skipped: set[int]) -> bool:
    """The line opens the text, follows a blank line, or follows a finished sentence or skipped line."""
    if index == 0 or not lines[index - 1].strip():
        return True
    return index - 1 in skipped or _ends_sentence(lines[index - 1])


def is_plain_heading(lines: list[str], index: int, rules: ChromeRules | None = None,
                     skipped: frozenset[int] | set[int] = frozenset()) -> bool:
    """Is lines[index] a sentence-case heading ('Security Council vote')?

    Wire copy does not Title Case its subheads, so case says nothing; the layout does: a short line
    with no closing punctuation that is a paragraph of its own and introduces running text. When no
    blank line separates it from the next line (one paragraph per line), that line must be a whole
    paragraph, clearly longer, so the first line of hard-wrapped text is never taken for a heading.
    `skipped` holds the indexes of earlier lines already known not to be sentences.
    """
    rules = rules or default_rules()
    line = lines[index]
    if not _could_be_plain_heading(line, rules) or not _stands_alone(lines, index, set(skipped)):
        return False
    block, gap = _paragraph_after(lines, index)
    if not block:
        return False  # the last line, or a one-line article
    if not gap:
        block = block[:1]
        if len(block[0].strip()) < 2 * len(line.strip()):
            return False
    return _is_body_text(block, rules)


def skipped_spans(text: str, rules: ChromeRules | None = None) -> tuple[Span, ...]:
    """(start, end) of every non-sentence line, trimmed so text[start:end] is the line itself."""
    rules = rules or default_rules()
    lines = text.split("\n")
    spans: list[Span] = []
    skipped: set[int] = set()
    offset = 0
    for index, line in enumerate(lines):
        if is_non_sentence(line, rules) or is_plain_heading(lines, index, rules, skipped):
            skipped.add(index)
            start = offset + len(line) - len(line.lstrip())
            spans.append((start, start + len(line.strip())))
        offset += len(line) + 1
    return tuple(spans)


def normalise(raw: str) -> str:
    """Unix newlines and plain spaces for NBSP; a leading BOM is dropped."""
    return raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")


def clean_text(raw: str, rules: ChromeRules | None = None) -> tuple[str, tuple[Span, ...]]:
    """The cleaned article text and the spans of it that are not article sentences."""
    rules = rules or default_rules()
    text = remove_chrome(normalise(raw), rules).strip()
    return text, skipped_spans(text, rules)
