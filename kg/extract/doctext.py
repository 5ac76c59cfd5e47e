"""The text of a Doc, computed once: spaCy rebuilds `doc.text` from its tokens on every access,
which costs more than the rules that read it. Cached in the Doc's own user_data."""

from __future__ import annotations

from spacy.tokens import Doc

_TEXT, _LOWER = "newskg_text", "newskg_lower_ws"


def text_of(doc: Doc) -> str:
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


def lower_tokens(doc: Doc) -> list[str]:
    """Each token's lower-cased text with its trailing whitespace, to rebuild any span's text."""
    lowered = doc.user_data.get(_LOWER)
    if lowered is None:
        lowered = doc.user_data[_LOWER] = [t.text_with_ws.lower() for t in doc]
    return lowered
