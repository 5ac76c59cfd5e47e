"""Views of a Doc computed once and cached in its own user_data: spaCy rebuilds `doc.text` from
its tokens on every access, and finds noun chunks for the whole Doc on every call (even through
a Span), which costs more than the rules that read them."""

from __future__ import annotations

from bisect import bisect_right

from spacy.attrs import LEMMA, ORTH
from spacy.tokens import Doc, Span

_TEXT, _LOWER, _CHUNKS, _WORDS = "newskg_text", "newskg_lower_ws", "newskg_chunks", "newskg_words"


def text_of(doc: Doc) -> str:
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


def keep_text(doc: Doc, text: str) -> None:
    """Cache the text the Doc was made from (spaCy's tokenizer keeps every character, so it is
    `doc.text`, without rebuilding it from the tokens)."""
    doc.user_data[_TEXT] = text


def lower_tokens(doc: Doc) -> list[str]:
    """Each token's lower-cased text with its trailing whitespace, to rebuild any span's text."""
    lowered = doc.user_data.get(_LOWER)
    if lowered is None:
        lowered = doc.user_data[_LOWER] = [t.text_with_ws.lower() for t in doc]
    return lowered


def token_words(doc: Doc) -> tuple[list[str], list[str]]:
    """Each token's text and lower-case lemma: rules that scan a whole Doc for a few words test
    these plain strings, and make a Token (costly in spaCy) only where a word matches."""
    words = doc.user_data.get(_WORDS)
    if words is None:
        strings = doc.vocab.strings
        ids = doc.to_array([ORTH, LEMMA]).tolist() if len(doc) else []
        words = doc.user_data[_WORDS] = ([strings[o] for o, _ in ids], [strings[lem].lower() for _, lem in ids])
    return words


def noun_chunk_at(doc: Doc, i: int) -> Span | None:
    """The noun chunk token i is in. Chunks are found a sentence at a time, on demand: the
    extractors only ask about the few sentences that hold an event."""
    cache = doc.user_data.get(_CHUNKS)
    if cache is None:
        sentences = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        cache = doc.user_data[_CHUNKS] = (sentences, [s.start for s in sentences], set(), {})
    sentences, starts, done, chunk_of = cache
    n = bisect_right(starts, i) - 1
    if n not in done:
        done.add(n)
        find = doc.noun_chunks_iterator  # given the sentence, not the Doc
        for start, end, label in find(sentences[n]) if find else ():
            chunk = Span(doc, start, end, label=label)
            chunk_of.update((k, chunk) for k in range(start, end))
    return chunk_of.get(i)
