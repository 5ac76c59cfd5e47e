"""Views of a Doc computed once and cached in its own user_data: spaCy rebuilds `doc.text` from
its tokens on every access, and finds noun chunks for the whole Doc on every call (even through
a Span), which costs more than the rules that read them."""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc, Span

_TEXT, _LOWER, _CHUNKS = "newskg_text", "newskg_lower_ws", "newskg_chunks"


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
