"""CoNLL04 relations (Work_For, Live_In, Located_In, OrgBased_In) against the product's relations.

The files hold one sentence per '#doc N' block, one token a line: index, token, BIO tag (Peop,
Org, Loc, Other), the relations that start at this token and the index of the token each one
points to. A relation is written on the last token of its first argument and points to the last
token of the second; both ends are widened to their whole entity. Sentences are grouped 20 to a
document (one a line) so the build has fewer, longer articles, which is faster.

How the product's relations map (bench/README.md, "Quality"):
- Work_For(person, org): a post (org:Membership) of the person in an organization, or the
  organization kg:ledBy the person;
- Live_In(person, place): the product states no residence; the closest is a post in a place
  (org:Membership whose organization is a Place: 'Iraqi Prime Minister X'), counted as Live_In;
- Located_In(place, place): schema:containedInPlace stated in the sentence (rdf:Statement);
- OrgBased_In(org, place): kg:partOf an organization of a place ('Iraq's Counter Terrorism
  Service'), or schema:containedInPlace / schema:location with an organization as subject.
Kill has no counterpart and is not scored. A product relation matches a gold pair when, in the
same document, a mention of its subject inside its evidence sentence overlaps the gold first
argument and a mention of its object there overlaps the second (an object named only inside the
subject's name, the country of 'U.S. Congress', is taken at the subject's mention).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench.quality.common import Doc, Mention, overlap_prf, overlaps, prf, row
from bench.quality.product import Relation

TITLE = "CoNLL04"
RELATIONS = ("Work_For", "Live_In", "Located_In", "OrgBased_In")
ENTITY_LABELS = {"Peop": "PER", "Org": "ORG", "Loc": "LOC", "Other": "MISC"}
SENTENCES_PER_DOC = 20


@dataclass(frozen=True)
class GoldRelation:
    doc: str
    type: str
    subject: Mention
    object: Mention


@dataclass
class Corpus:
    docs: list[Doc]
    entities: list[Mention]
    relations: list[GoldRelation]


def parse(texts: list[str], prefix: str = "conll04", per_doc: int = SENTENCES_PER_DOC) -> Corpus:
    """The files' sentences, grouped `per_doc` to a document."""
    sentences = []
    for text in texts:
        for block in ("\n" + text).split("\n#doc ")[1:]:
            rows = [line.split("\t") for line in block.splitlines()[1:] if line.count("\t") >= 4]
            if rows:
                sentences.append(rows)
    docs, entities, relations = [], [], []
    for n in range(0, len(sentences), per_doc):
        doc_id = f"{prefix}-{n // per_doc + 1:03d}"
        lines, pos = [], 0
        for rows in sentences[n:n + per_doc]:
            spans = []
            for i, r in enumerate(rows):
                pos += 1 if i else 0
                spans.append((pos, pos + len(r[1])))
                pos += len(r[1])
            pos += 1
            lines.append(" ".join(r[1] for r in rows))
            ents, relations_here = _sentence(doc_id, rows, spans)
            entities += ents
            relations += relations_here
        docs.append(Doc(doc_id, "\n".join(lines)))
    return Corpus(docs, entities, relations)


def _sentence(doc_id: str, rows: list[list[str]], spans: list[tuple[int, int]]):
    entity_at: dict[int, Mention] = {}
    current: list = []  # [label, first token, last token]
    bounds = []
    for i, r in enumerate(rows):
        tag = r[2]
        if tag.startswith("I-") and current and current[0] == tag[2:]:
            current[2] = i
            continue
        if current:
            bounds.append(current)
        current = [tag[2:], i, i] if tag != "O" else []
    if current:
        bounds.append(current)
    for label, first, last in bounds:
        m = Mention(doc_id, spans[first][0], spans[last][1], ENTITY_LABELS.get(label, label))
        for i in range(first, last + 1):
            entity_at[i] = m
    relations = []
    for i, r in enumerate(rows):
        for rel, head in zip(ast.literal_eval(r[3]), ast.literal_eval(r[4])):
            if rel in RELATIONS and i in entity_at and head in entity_at:
                relations.append(GoldRelation(doc_id, rel, entity_at[i], entity_at[head]))
    return sorted(set(entity_at.values())), relations


def load(root: Path) -> Corpus | None:
    files = [root / "conll04" / name for name in ("train.txt", "dev.txt")]
    if not all(f.exists() for f in files):
        return None
    return parse([f.read_text(encoding="utf-8") for f in files])


def map_relation(r: Relation, label_of: dict[str, str]) -> list[tuple[str, str, str]]:
    """The CoNLL04 relations (type, first argument IRI, second argument IRI) a product relation
    stands for, by the coarse labels of its ends (PER / ORG / LOC)."""
    s, o = label_of.get(r.subject), label_of.get(r.object or "")
    if r.predicate == "membership" and s == "PER" and o == "ORG":
        return [("Work_For", r.subject, r.object)]
    if r.predicate == "membership" and s == "PER" and o == "LOC":
        return [("Live_In", r.subject, r.object)]
    if r.predicate == "ledBy" and s == "ORG" and o == "PER":
        return [("Work_For", r.object, r.subject)]
    if r.predicate == "containedInPlace" and s == "LOC" and o == "LOC":
        return [("Located_In", r.subject, r.object)]
    if r.predicate in ("partOf", "containedInPlace", "location") and s == "ORG" and o == "LOC":
        return [("OrgBased_In", r.subject, r.object)]
    return []


@dataclass(frozen=True)
class Pair:
    """A product relation as CoNLL04 sees it: its type and the mentions of both ends inside its
    evidence sentence (an end named only inside the other's name, as the country of 'U.S.
    Congress', takes that name's mentions)."""

    doc: str
    type: str
    subject: tuple[Mention, ...]
    object: tuple[Mention, ...]

    def matches(self, g: GoldRelation) -> bool:
        return (g.doc == self.doc and g.type == self.type
                and any(overlaps((m.start, m.end), (g.subject.start, g.subject.end)) for m in self.subject)
                and any(overlaps((m.start, m.end), (g.object.start, g.object.end)) for m in self.object))


def pairs(relations: list[Relation], mentions: list[Mention]) -> list[Pair]:
    """Every product relation mapped to CoNLL04, once per (type, ends, evidence)."""
    label_of = {m.key: m.label for m in mentions}
    where = defaultdict(list)  # (doc, entity IRI) -> mentions
    for m in mentions:
        where[(m.doc, m.key)].append(m)
    out = []
    for doc, t, s, o, ev in sorted({(r.doc, t, s, o, r.evidence) for r in relations
                                    for t, s, o in map_relation(r, label_of)}):
        subj = tuple(m for m in where[(doc, s)] if ev[0] <= m.start and m.end <= ev[1])
        obj = tuple(m for m in where[(doc, o)] if ev[0] <= m.start and m.end <= ev[1])
        out.append(Pair(doc, t, subj, obj or subj))
    return out


def relation_scores(gold: list[GoldRelation], relations: list[Relation], mentions: list[Mention]) -> dict:
    """Recall and precision over the four relations together and each alone."""
    gold = list(dict.fromkeys(gold))  # a pair listed twice counts once
    gold_by_doc = defaultdict(list)
    for g in gold:
        gold_by_doc[g.doc].append(g)
    predicted = pairs(relations, mentions)
    found, right = set(), defaultdict(int)
    for p in predicted:
        hits = [g for g in gold_by_doc[p.doc] if p.matches(g)]
        found.update(hits)
        right[p.type] += bool(hits)
    out = {"all": prf(sum(right.values()), len(predicted), len(found), len(gold))}
    for t in RELATIONS:
        out[t] = prf(right[t], sum(1 for p in predicted if p.type == t),
                     sum(1 for g in found if g.type == t), sum(1 for g in gold if g.type == t))
    return out


def score(corpus: Corpus, relations: list[Relation], mentions: list[Mention],
          product_entities: list[Mention], floor_entities: list[Mention]) -> tuple[list[dict], dict]:
    """`mentions`: every product entity mention (demonyms too: 'Iraqi' names Iraq in a post);
    `product_entities` / `floor_entities`: the PER/ORG/LOC mentions scored as names."""
    ours = relation_scores(corpus.relations, relations, mentions)
    na = "floor: spaCy has no relations"
    gold_names = [m for m in corpus.entities if m.label in ("PER", "ORG", "LOC")]
    ent, base = overlap_prf(gold_names, product_entities), overlap_prf(gold_names, floor_entities)
    rows = [row(TITLE, "Peop/Org/Loc typed-overlap recall (context for relations)", ent["r"], base["r"], ent["gold"]),
            row(TITLE, "relations recall, 4 types", ours["all"]["r"], None, ours["all"]["gold"], na),
            row(TITLE, "relations precision, 4 types", ours["all"]["p"], None, ours["all"]["pred"], na)]
    for t in RELATIONS:
        note = na + ("; Live_In only via posts in a place" if t == "Live_In" else "")
        rows.append(row(TITLE, f"{t} recall", ours[t]["r"], None, ours[t]["gold"], note))
        rows.append(row(TITLE, f"{t} precision", ours[t]["p"], None, ours[t]["pred"], note))
    return rows, {"newskg": ours, "entities": {"newskg": ent, "floor": base}}
