"""MEANTIME measures: named entities, events and their participants, coreference (B-cubed and
pairwise), time values.

All of them look only at the densely annotated part of each article (meantime.Article.dense):
gold outside it is incomplete, so neither recall nor precision would mean anything there.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable

from bench.quality.common import DIGITS, Mention, by_doc, exact_prf, inside, matched, overlaps, prf, ratio, row
from bench.quality.meantime import Article
from bench.quality.product import Event
from bench.quality.tempeval import Timex, time_rows, time_scores

TITLE = "MEANTIME"
LABELS = ("PER", "ORG", "LOC")
NAMED = ("NAM", "PRE.NAM")  # names, also as premodifiers ('the US manufacturer')
NON_NAMED = ("NOM", "PRO", "")  # nominals and pronouns ('' : left untyped by the annotators)
EVENT_CLASSES = ("OTHER", "SPEECH_COGNITIVE")  # GRAMMATICAL ('has', 'is') is left out
PRONOUN_OR_DETERMINER = {"he", "she", "his", "her", "him", "they", "them", "their", "the", "a", "an",
                         "this", "that", "its", "it", "who", "whom", "whose"}


def dense(articles: list[Article]) -> dict[str, list[tuple[int, int]]]:
    return {a.doc.id: [a.dense] for a in articles}


def entity_scores(articles: list[Article], pred: list[Mention]) -> dict:
    """Recall over gold NAM mentions of PER/ORG/LOC; a prediction is right when it overlaps (or,
    for exact, equals) a gold name (NAM or PRE.NAM) of its type."""
    region = dense(articles)
    names = inside([g.mention for a in articles for g in a.entities
                    if g.syntactic_type in NAMED and g.mention.label in LABELS], region)
    nam = inside([g.mention for a in articles for g in a.entities
                  if g.syntactic_type == "NAM" and g.mention.label in LABELS], region)
    pred = sorted(set(inside([p for p in pred if p.label in LABELS], region)))
    typed = prf(len(matched(pred, names)), len(pred), len(matched(nam, pred)), len(nam))
    exact_p = exact_prf(names, pred, LABELS)["micro"]
    exact_r = exact_prf(nam, pred, LABELS)
    per_type = {lab: ratio(len(matched([g for g in nam if g.label == lab], pred)),
                           sum(1 for g in nam if g.label == lab)) for lab in LABELS}
    return {"typed_overlap": typed, "exact_precision": exact_p["p"], "exact_recall": exact_r["micro"]["r"],
            "recall_by_type": per_type, "gold": len(nam), "pred": len(pred)}


def entity_rows(ours: dict, base: dict) -> list[dict]:
    n, k = ours["gold"], "named PER/ORG/LOC"
    return [row(TITLE, f"{k} typed-overlap recall (dense part)", ours["typed_overlap"]["r"],
                base["typed_overlap"]["r"], n),
            row(TITLE, f"{k} typed-overlap precision (dense part)", ours["typed_overlap"]["p"],
                base["typed_overlap"]["p"], ours["pred"]),
            row(TITLE, f"{k} exact-span recall (dense part)", ours["exact_recall"], base["exact_recall"], n),
            row(TITLE, f"{k} exact-span precision (dense part)", ours["exact_precision"],
                base["exact_precision"], ours["pred"])]


def event_scores(articles: list[Article], events: list[Event], entities: list[Mention]) -> dict:
    """Trigger recall (specific product classes only), precision of every product event, and
    participants of found events; `entities` are the product's mentions with key = entity IRI."""
    region = dense(articles)
    events = [e for e in events if any(b <= e.start < x for b, x in region.get(e.doc, ()))]
    specific = by_doc(Mention(e.doc, e.start, e.end, key=e.iri) for e in events if e.specific)
    event_of = {e.iri: e for e in events}
    mentions_of = defaultdict(list)  # (doc, entity IRI) -> its mentions
    for m in entities:
        mentions_of[(m.doc, m.key)].append(m)
    found_by_class, total_by_class = Counter(), Counter()
    all_gold = []
    links = links_found = 0
    for a in articles:
        gold = [g for g in a.events if g.mention.label in EVENT_CLASSES and a.dense[0] <= g.mention.start < a.dense[1]]
        all_gold += [g.mention for g in a.events]
        by_id = {g.m_id: g for g in a.entities}
        for g in gold:
            span = (g.mention.start, g.mention.end)
            hits = [p for p in specific.get(a.doc.id, ()) if overlaps((p.start, p.end), span)]
            total_by_class[g.mention.label] += 1
            found_by_class[g.mention.label] += bool(hits)
            if not hits:
                continue
            for ev_id, ent_id, _ in a.participants:
                target = by_id.get(ent_id)
                named = target is not None and target.syntactic_type == "NAM" and target.mention.label in LABELS
                if ev_id != g.m_id or not named:
                    continue
                links += 1
                span = (target.mention.start, target.mention.end)
                links_found += any(overlaps(span, (m.start, m.end))
                                   for h in hits for actor in event_of[h.key].participants
                                   for m in mentions_of[(a.doc.id, actor)])
    correct = len(matched([Mention(e.doc, e.start, e.end) for e in events], all_gold, lambda x, y: True))
    total = sum(total_by_class.values())
    return {"trigger": prf(correct, len(events), sum(found_by_class.values()), total),
            "recall_by_class": {c: ratio(found_by_class[c], total_by_class[c]) for c in EVENT_CLASSES},
            "gold_by_class": dict(sorted(total_by_class.items())),
            "participants": {"r": ratio(links_found, links), "gold": links, "found": links_found},
            "pred_specific": sum(len(v) for v in specific.values())}


def event_rows(ours: dict) -> list[dict]:
    na = "floor: spaCy has no events"
    t = ours["trigger"]
    rows = [row(TITLE, "event triggers recall, OTHER + SPEECH_COGNITIVE (dense part)", t["r"], None, t["gold"], na)]
    for c in EVENT_CLASSES:
        rows.append(row(TITLE, f"event triggers recall, {c} (dense part)", ours["recall_by_class"][c], None,
                        ours["gold_by_class"].get(c, 0), na))
    rows += [row(TITLE, "event precision, trigger overlaps a gold event (dense part)", t["p"], None, t["pred"], na),
             row(TITLE, "participants of found events: named PER/ORG/LOC attached", ours["participants"]["r"],
                 None, ours["participants"]["gold"], na)]
    return rows


def product_entity(gold: Mention, pred_in_doc: list[Mention]) -> str | None:
    """The product entity whose mention overlaps a gold mention most (then: same type, exact)."""
    best = [(min(p.end, gold.end) - max(p.start, gold.start), p.label == gold.label,
             (p.start, p.end) == (gold.start, gold.end), p.key) for p in pred_in_doc
            if overlaps((p.start, p.end), (gold.start, gold.end))]
    return sorted(best, key=lambda b: (-b[0], not b[1], not b[2], b[3]))[0][3] if best else None


# --- coreference: B-cubed and pairwise over the items both sides cluster ------------------------
# Both take {item: cluster} for gold and for the system over the same items: the benchmark passes
# the gold mentions the product found, so they measure how the product groups what it found, not
# what it missed (the share found is reported beside them).

def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), DIGITS) if p + r else 0.0


def _cells(gold: dict[Hashable, Hashable], pred: dict[Hashable, Hashable]):
    items = [i for i in gold if i in pred]
    both = Counter((gold[i], pred[i]) for i in items)
    return items, both, Counter(gold[i] for i in items), Counter(pred[i] for i in items)


def b_cubed(gold: dict[Hashable, Hashable], pred: dict[Hashable, Hashable]) -> dict:
    """Per item: precision = |same gold and same system cluster| / |system cluster|, recall the
    same over the gold cluster; averaged over the items."""
    items, both, g, s = _cells(gold, pred)
    if not items:
        return {"p": 0.0, "r": 0.0, "f1": 0.0, "items": 0}
    p = sum(n * n / s[sc] for (gc, sc), n in both.items()) / len(items)
    r = sum(n * n / g[gc] for (gc, sc), n in both.items()) / len(items)
    return {"p": round(p, DIGITS), "r": round(r, DIGITS), "f1": _f1(p, r), "items": len(items)}


def pairwise(gold: dict[Hashable, Hashable], pred: dict[Hashable, Hashable]) -> dict:
    """Pairs of items put together: precision over the system's pairs, recall over gold pairs."""
    items, both, g, s = _cells(gold, pred)

    def pairs(counts: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    together, gold_pairs, pred_pairs = pairs(both), pairs(g), pairs(s)
    p = together / pred_pairs if pred_pairs else 0.0
    r = together / gold_pairs if gold_pairs else 0.0
    return {"p": round(p, DIGITS), "r": round(r, DIGITS), "f1": _f1(p, r), "gold_pairs": gold_pairs,
            "pred_pairs": pred_pairs, "items": len(items)}


def coref_scores(articles: list[Article], pred: list[Mention]) -> dict:
    """Cross-document clusters of gold NAM mentions (instances) against the product's entity IRIs,
    over the gold mentions the product found; and within-article links of people's nominal and
    pronoun mentions to the right person."""
    index = by_doc(pred)
    gold_cluster, pred_cluster = {}, {}
    person_links = person_right = 0
    non_named_gold: dict[str, list[tuple[Mention, str]]] = defaultdict(list)
    for a in articles:
        ents = [g for g in a.entities if g.mention.label in LABELS and a.dense[0] <= g.mention.start < a.dense[1]]
        entity_of_instance: dict[str, Counter] = defaultdict(Counter)
        for g in ents:
            if g.syntactic_type != "NAM":
                continue
            gold_cluster[g.mention] = g.instance
            key = product_entity(g.mention, index.get(a.doc.id, []))
            if key:
                pred_cluster[g.mention] = key
                entity_of_instance[g.instance][key] += 1
        named_spans = defaultdict(list)
        for g in ents:
            if g.syntactic_type in NAMED:
                named_spans[g.instance].append((g.mention.start, g.mention.end))
        for g in ents:
            if g.mention.label != "PER" or g.syntactic_type not in NON_NAMED:
                continue
            if any(overlaps((g.mention.start, g.mention.end), s) for s in named_spans[g.instance]):
                continue  # holds the name itself ('Acme chief Jane Doe')
            best = entity_of_instance[g.instance].most_common(1)
            target = best[0][0] if best else None
            non_named_gold[a.doc.id].append((g.mention, target))
            person_links += 1
            person_right += target is not None and any(
                p.key == target and overlaps((p.start, p.end), (g.mention.start, g.mention.end))
                for p in index.get(a.doc.id, []))
    # precision: the product's person mentions that are not names, linked to the right person
    texts = {a.doc.id: a.doc.text for a in articles}
    regions = dense(articles)
    candidates = [p for p in inside([p for p in pred if p.label == "PER"], regions)
                  if _non_name(texts[p.doc][p.start:p.end])]
    right = sum(1 for p in candidates if any(overlaps((p.start, p.end), (g.start, g.end)) and t == p.key
                                             for g, t in non_named_gold.get(p.doc, ())))
    return {"b_cubed": b_cubed(gold_cluster, pred_cluster), "pairwise": pairwise(gold_cluster, pred_cluster),
            "found": {"r": ratio(len(pred_cluster), len(gold_cluster)), "gold": len(gold_cluster)},
            "person_nominal_pronoun": prf(right, len(candidates), person_right, person_links)}


def _non_name(text: str) -> bool:
    """A mention that is not a name: it starts with a lower-case word, a pronoun or 'the'."""
    first = text.split()[0] if text.split() else ""
    return not first[:1].isupper() or first.lower() in PRONOUN_OR_DETERMINER


def coref_rows(ours: dict) -> list[dict]:
    na, n = "floor: spaCy has no coreference", ours["found"]["gold"]
    b3, pw, pn = ours["b_cubed"], ours["pairwise"], ours["person_nominal_pronoun"]
    k = "cross-doc coref of named mentions, over gold mentions found"
    return [row(TITLE, "cross-doc coref: share of gold named mentions found", ours["found"]["r"], None, n, na),
            row(TITLE, f"{k}: B3 precision", b3["p"], None, b3["items"], na),
            row(TITLE, f"{k}: B3 recall", b3["r"], None, b3["items"], na),
            row(TITLE, f"{k}: B3 F1", b3["f1"], None, b3["items"], na),
            row(TITLE, f"{k}: pairwise F1", pw["f1"], None, pw["gold_pairs"], na),
            row(TITLE, "within-article coref: person NOM/PRO mentions linked to the right person, recall",
                pn["r"], None, pn["gold"], na),
            row(TITLE, "within-article coref: person NOM/PRO mentions linked to the right person, precision",
                pn["p"], None, pn["pred"], na)]


def dense_timexes(articles: list[Article]) -> list[Timex]:
    """TIMEX3 of the dense part (the dateline under the title included)."""
    return [Timex(Mention(g.mention.doc, g.mention.start, g.mention.end, g.syntactic_type),
                  g.syntactic_type, g.mention.label)
            for a in articles for g in a.timexes if a.dense[0] <= g.mention.start < a.dense[1]]


def time_measures(articles: list[Article], product: list[Mention], floor: list[Mention]) -> tuple[list[dict], dict]:
    """Time spans and values in the dense part, scored as for TBAQ."""
    gold = dense_timexes(articles)
    region = dense(articles)
    ours, base = time_scores(gold, inside(product, region)), time_scores(gold, inside(floor, region))
    return time_rows(TITLE, ours, base, "dense part"), {"newskg": ours, "floor": base}
