"""Views of a Doc computed once and cached in its own user_data: spaCy rebuilds `doc.text` from
its tokens on every access, `doc.ents` and `doc.sents` build their Spans anew on every access,
`Token.sent` scans the whole Doc for sentence annotation, and noun chunks are found for the whole
Doc on every call (even through a Span). Each of these costs more than the rules that read them."""

from __future__ import annotations

from bisect import bisect_right

from spacy.attrs import IDX, LEMMA, ORTH
from spacy.tokens import Doc, Span

_TEXT, _LOWER, _CHUNKS, _WORDS = "newskg_text", "newskg_lower_ws", "newskg_chunks", "newskg_words"
_ENTS, _SENTS = "newskg_ents", "newskg_sents"


def text_of(doc: Doc) -> str:
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


def keep_text(doc: Doc, text: str) -> None:
    """Cache the text the Doc was made from (spaCy's tokenizer keeps every character, so it is
    `doc.text`, without rebuilding it from the tokens)."""
    doc.user_data[_TEXT] = text


def entities(doc: Doc) -> tuple[Span, ...]:
    """`doc.ents`, built once (the extractors never change them)."""
    ents = doc.user_data.get(_ENTS)
    if ents is None:
        ents = doc.user_data[_ENTS] = tuple(doc.ents)
    return ents


def sentences(doc: Doc) -> list[Span]:
    """`doc.sents`, built once; a Doc without sentence boundaries is one sentence."""
    return _sentence_index(doc)[0]


def sentence_of(doc: Doc, i: int) -> Span:
    """The sentence token i is in: what `doc[i].sent` (or `.sent` of a span starting at i) is."""
    sents, starts = _sentence_index(doc)
    return sents[bisect_right(starts, i) - 1]


def _sentence_index(doc: Doc) -> tuple[list[Span], list[int]]:
    index = doc.user_data.get(_SENTS)
    if index is None:
        sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        index = doc.user_data[_SENTS] = (sents, [s.start for s in sents])
    return index


def lower_tokens(doc: Doc) -> list[str]:
    """Each token's lower-cased text with its trailing whitespace, to rebuild any span's text.
    Cut from the text, between token offsets: no Token objects (each one spaCy makes anew)."""
    lowered = doc.user_data.get(_LOWER)
    if lowered is None:
        text = text_of(doc)
        starts = doc.to_array(IDX).tolist() if len(doc) else []
        lowered = doc.user_data[_LOWER] = [text[s:e].lower() for s, e in zip(starts, starts[1:] + [len(text)])]
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
    done, chunk_of = doc.user_data.setdefault(_CHUNKS, (set(), {}))
    sents, starts = _sentence_index(doc)
    n = bisect_right(starts, i) - 1
    if n not in done:
        done.add(n)
        find = doc.noun_chunks_iterator  # given the sentence, not the Doc
        for start, end, label in find(sents[n]) if find else ():
            chunk = Span(doc, start, end, label=label)
            chunk_of.update((k, chunk) for k in range(start, end))
    return chunk_of.get(i)
