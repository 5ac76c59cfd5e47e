"""How names are written: a person's short forms and an acronym's long form. Shared by the entity
extractors (short names, acronyms a text defines) and by resolution (joining them across articles)."""

from __future__ import annotations

import re

NAME_SUFFIXES = {"jr.", "jr", "sr.", "sr", "ii", "iii", "iv"}
NAME_PARTICLES = ("al-", "el-", "al ", "el ", "ad-", "ash-", "as-", "an-", "ar-", "at-", "az-")
ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9&]{1,7}$")


def surname_forms(name: str) -> set[str]:
    """The short forms a full personal name is referred to by: 'Ahmed al-Sharaa' -> al-Sharaa, Sharaa."""
    words = [w for w in name.split() if w.lower() not in NAME_SUFFIXES]
    if len(words) < 2:
        return set()
    last = words[-1]
    forms = {last}
    for particle in NAME_PARTICLES:
        if last.lower().startswith(particle) and len(last) > len(particle) + 1:
            forms.add(last[len(particle):])
    if len(words) >= 3 and words[-2].lower() in ("al", "el", "bin", "ibn", "de", "van", "von", "da"):
        forms.add(" ".join(words[-2:]))
    return {f for f in forms if len(f) > 2 and re.match(r"^(?:[a-z]{1,3}[- ])?[A-Z]", f)}


def is_acronym_of(short: str, long: str) -> bool:
    """Schwartz & Hearst (2003): every letter of the short form appears, in order, in the long form,
    and its first letter starts a word."""
    s, lf = short.lower(), long.lower()
    si, li = len(s) - 1, len(lf) - 1
    while si >= 0:
        c = s[si]
        if not c.isalnum():
            si -= 1
            continue
        while li >= 0 and (lf[li] != c or (si == 0 and li > 0 and lf[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return False
        si -= 1
        li -= 1
    return True
