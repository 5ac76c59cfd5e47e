"""MEANTIME (English Wikinews, CAT XML): documents and gold mentions with their offsets.

The XML gives tokens (with their sentence) and markables anchored to token ids; types and classes
sit on the instances (ENTITY, EVENT) that mentions point to through REFERS_TO. The text is
rebuilt from the tokens, one sentence a line, with the light detokenization a reader expects
("the firm's", "(about US$ 2 billion)") so that spaCy sees ordinary prose.
Markables whose tokens are not contiguous (a handful of artefacts) are skipped.
Only the title and the first sentences are densely annotated: `dense` is the character range up
to the last sentence holding a document-level event mention; recall is scored there only.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.quality.common import Doc, Mention

ENTITY_LABELS = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "PRO": "PRO", "FIN": "FIN", "MIX": "MIX"}
NO_SPACE_BEFORE = {",", ".", ":", ";", "!", "?", ")", "]", "}", "%", "'s", "'S", "n't", "'re", "'ve",
                   "'ll", "'d", "'m", "'", "''", "”", "’", "...", "'11"}
NO_SPACE_AFTER = {"(", "[", "{", "$", "£", "€", "``", "“", "‘", "`"}
RENDER = {"``": '"', "''": '"', "`": "'"}


@dataclass(frozen=True)
class GoldMention:
    mention: Mention  # label: PER/ORG/LOC/PRO/FIN/MIX for entities, the class for events
    m_id: str
    syntactic_type: str = ""  # entities: NAM, NOM, PRO, PRE.NAM ...
    instance: str = ""  # the instance id (shared across documents) or the instance's m_id


@dataclass
class Article:
    doc: Doc
    dense: tuple[int, int]
    entities: list[GoldMention] = field(default_factory=list)
    events: list[GoldMention] = field(default_factory=list)  # label = OTHER, SPEECH_COGNITIVE ...
    participants: list[tuple[str, str, str]] = field(default_factory=list)  # (event m_id, entity m_id, role)
    timexes: list[GoldMention] = field(default_factory=list)  # label = TimeML value


def detokenize(tokens: list[tuple[str, int]]) -> tuple[str, list[tuple[int, int]]]:
    """(token text, sentence number) pairs -> text and each token's span; a sentence a line."""
    out, spans, pos = [], [], 0
    prev_sentence, glue, quote_open = None, True, False
    for tok, sentence in tokens:
        shown = RENDER.get(tok, tok)
        if tok == '"':
            quote_open = not quote_open
        closing = tok in NO_SPACE_BEFORE or (tok == '"' and not quote_open)
        if prev_sentence is not None and sentence != prev_sentence:
            sep = "\n"
        elif prev_sentence is None or glue or closing:
            sep = ""
        else:
            sep = " "
        out.append(sep + shown)
        pos += len(sep)
        spans.append((pos, pos + len(shown)))
        pos += len(shown)
        prev_sentence = sentence
        glue = tok in NO_SPACE_AFTER or (tok == '"' and quote_open)
    return "".join(out), spans


def parse(xml_text: str, prefix: str = "meantime") -> Article:
    root = ET.fromstring(xml_text)
    doc_id = f"{prefix}-{root.get('doc_id')}"
    tokens = [(t.get("t_id"), t.text or "", int(t.get("sentence"))) for t in root.iter("token")]
    text, spans = detokenize([(tok, s) for _, tok, s in tokens])
    where = {tid: (span, s) for (tid, _, s), span in zip(tokens, spans)}
    order = {tid: i for i, (tid, _, _) in enumerate(tokens)}
    markables = {m.get("m_id"): m for m in root.find("Markables")}
    refers: dict[str, str] = {}
    participants = []
    for rel in root.find("Relations") if root.find("Relations") is not None else ():
        if rel.tag == "REFERS_TO":
            target = rel.find("target").get("m_id")
            for src in rel.findall("source"):
                refers.setdefault(src.get("m_id"), target)
        elif rel.tag == "HAS_PARTICIPANT":
            participants.append((rel.find("source").get("m_id"), rel.find("target").get("m_id"),
                                 rel.get("sem_role", "")))

    def span_of(m: ET.Element) -> tuple[int, int, int] | None:
        ids = [a.get("t_id") for a in m.findall("token_anchor") if a.get("t_id") in where]
        anchors = [where[t] for t in ids]
        if not anchors or _gap(sorted(order[t] for t in ids)):
            return None  # no tokens, or scattered over the text (a few annotation artefacts)
        return min(a[0][0] for a in anchors), max(a[0][1] for a in anchors), min(a[1] for a in anchors)

    dense_sentences = [span_of(m)[2] for m in markables.values()
                       if m.tag == "EVENT_MENTION" and m.get("pred") is not None and span_of(m)]
    last = max(dense_sentences) if dense_sentences else max((s for _, _, s in tokens), default=0)
    dense_end = max((sp[1] for (sp, s) in where.values() if s <= last), default=len(text))
    published = None
    art = Article(Doc(doc_id, text, published), (0, dense_end))
    for m_id, m in sorted(markables.items(), key=lambda kv: int(kv[0])):
        span = span_of(m)
        if span is None:
            continue
        target = markables.get(refers.get(m_id, ""))
        instance = (target.get("instance_id") or f"{doc_id}#{refers[m_id]}") if target is not None else ""
        if m.tag == "ENTITY_MENTION":
            label = ENTITY_LABELS.get(target.get("ent_type", "")) if target is not None else None
            art.entities.append(GoldMention(Mention(doc_id, span[0], span[1], label or ""), m_id,
                                            m.get("syntactic_type") or "", instance))
        elif m.tag == "EVENT_MENTION":
            label = target.get("class", "") if target is not None else ""
            art.events.append(GoldMention(Mention(doc_id, span[0], span[1], label), m_id, "", instance))
        elif m.tag == "TIMEX3":
            if m.get("functionInDocument") == "CREATION_TIME" and re.match(r"\d{4}-\d{2}-\d{2}", m.get("value", "")):
                published = published or m.get("value")[:10]
            art.timexes.append(GoldMention(Mention(doc_id, span[0], span[1], m.get("value", "")), m_id,
                                           m.get("type", "")))
    art.doc = Doc(doc_id, text, published)
    art.participants = participants
    return art


def _gap(positions: list[int]) -> bool:
    return positions[-1] - positions[0] + 1 != len(set(positions))


def load(root: Path, variant: str = "intra-doc_annotation") -> list[Article] | None:
    folder = root / "meantime" / variant
    if not folder.is_dir():
        return None
    return [parse(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*/*.xml"))]


def mentions_by_id(article: Article) -> dict[str, GoldMention]:
    return {g.m_id: g for g in article.entities + article.events + article.timexes}


def instances(articles: list[Article]) -> dict[str, list[GoldMention]]:
    """Entity mentions grouped by instance across all articles (cross-document clusters)."""
    out: dict[str, list[GoldMention]] = defaultdict(list)
    for a in articles:
        for g in a.entities:
            if g.instance:
                out[g.instance].append(g)
    return out
