"""Entity resolution within and across articles: one node per real-world entity.

It works on compact Mention records (never on Docs), so it scales with the number of names, not of
tokens. Mentions are joined when they carry the same gazetteer key (aliases, acronyms and demonyms
the gazetteer knows), the same name and coarse type, an acronym the text defines, or a short name
("Sharaa") of exactly one person named in full. Every join is logged with its reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kg import iris
from kg.extract.entities import ACRONYM, surname_forms
from kg.gazetteer import Gazetteer, coarse_of
from kg.records import Alias, Entity, MergeStep, Mention

# The kinds that say nothing beyond the coarse type: any finer kind wins a vote against them.
GENERIC_KINDS = {"Organization", "Place", "Region", "Facility", "NamedEvent"}

Node = tuple[str, ...]


@dataclass(frozen=True)
class Resolution:
    entities: tuple[Entity, ...]
    entity_of: dict[tuple[str, int, int], str]  # (doc_id, start, end) -> entity key
    merge_log: tuple[MergeStep, ...]


def normalize(name: str) -> str:
    """The form names are compared in: case-folded, 'the' and possessives dropped, quotes unified."""
    n = unicodedata.normalize("NFKC", name).replace("’", "'").strip()
    n = re.sub(r"^(the)\s+", "", n, flags=re.I)
    n = re.sub(r"'s?$", "", n)
    return " ".join(n.casefold().split())


def _is_acronym(name: str) -> bool:
    return bool(ACRONYM.match(name)) and sum(c.isupper() for c in name) >= 2 and " " not in name


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Node, Node] = {}

    def find(self, x: Node) -> Node:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: Node, b: Node) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:  # the smaller node is the root, so the result does not depend on order
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def _node(m: Mention) -> Node:
    if m.key:
        return ("key", m.key)
    coarse = coarse_of(m.kind)
    if _is_acronym(m.name):
        return ("acronym", m.doc_id, coarse, m.name)
    return ("name", coarse, normalize(m.name))


def resolve(mentions: Iterable[Mention], aliases: Iterable[Alias], gazetteer: Gazetteer) -> Resolution:
    """Group mentions into entities with stable keys; log why each mention joined its entity."""
    mentions = sorted(mentions, key=lambda m: (m.doc_id, m.start, m.end))
    uf = _UnionFind()
    why: dict[Node, str] = {}
    for m in mentions:
        uf.find(_node(m))
    at = {(m.doc_id, m.start, m.end): m for m in mentions}
    defined: set[Node] = set()
    for a in sorted(aliases, key=lambda a: (a.doc_id, a.long, a.short)):
        long, short = at.get((a.doc_id, *a.long)), at.get((a.doc_id, *a.short))
        if long and short:
            uf.union(_node(long), _node(short))
            why.setdefault(_node(short), a.reason)
            if _node(short)[0] == "acronym":
                defined.add(_node(short))
    _join_short_names(mentions, uf, why)
    _join_acronyms_across_documents(mentions, uf, why, defined)

    groups: dict[Node, list[Mention]] = defaultdict(list)
    for m in mentions:
        groups[uf.find(_node(m))].append(m)
    entities, entity_of, log, used = [], {}, [], set()
    for root in sorted(groups):
        entity = _entity(groups[root], gazetteer, used)
        entities.append(entity)
        for m in groups[root]:
            entity_of[(m.doc_id, m.start, m.end)] = entity.key
            log.append(MergeStep(entity.key, m.doc_id, m.start, m.end, m.text,
                                 _reason(m, entity, why.get(_node(m)))))
    entities.sort(key=lambda e: e.key)
    return Resolution(tuple(entities), entity_of, tuple(sorted(log, key=lambda s: (s.doc_id, s.start, s.end))))


def _join_short_names(mentions: list[Mention], uf: _UnionFind, why: dict[Node, str]) -> None:
    """'Sharaa' -> 'Ahmed al-Sharaa' when exactly one person, in the article or else the corpus, fits."""
    full_by_doc: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    full_anywhere: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.kind == "Person" and " " in m.name:
            for form in surname_forms(m.name):
                full_by_doc[m.doc_id][normalize(form)].add(normalize(m.name))
                full_anywhere[normalize(form)].add(normalize(m.name))
    for m in mentions:
        if m.kind != "Person":
            continue
        short = normalize(m.name)
        local = full_by_doc[m.doc_id].get(short, set()) - {short}
        candidates = local or (full_anywhere.get(short, set()) - {short})
        if len(candidates) == 1:
            full = next(iter(candidates))
            uf.union(_node(m), ("name", "Person", full))
            scope = "in the same article" if local else "across articles"
            why.setdefault(_node(m), f"short name of the only person named {full!r} {scope}")


def _join_acronyms_across_documents(mentions: list[Mention], uf: _UnionFind, why: dict[Node, str],
                                    defined: set[Node]) -> None:
    """An acronym used without definition takes the meaning other articles define for it, if only one;
    otherwise acronyms of the same letters and coarse type are one name."""
    meanings: dict[tuple[str, str], set[Node]] = defaultdict(set)
    for node in defined:
        meanings[(node[2], node[3])].add(uf.find(node))
    for node in sorted({_node(m) for m in mentions}):
        if node[0] != "acronym" or node in defined:
            continue
        roots = meanings.get((node[2], node[3]), set())
        if len(roots) == 1:
            uf.union(node, next(iter(roots)))
            why.setdefault(node, f"acronym {node[3]} as another article defines it")
        else:
            uf.union(node, ("name", node[2], normalize(node[3])))


def _entity(group: list[Mention], gazetteer: Gazetteer, used: set[str]) -> Entity:
    keys = Counter(m.key for m in group if m.key)
    entry = gazetteer.get(keys.most_common(1)[0][0]) if keys else None
    if entry is not None:
        key, label, kind = entry.key, entry.name, entry.kind
    else:
        label = _best_name(group)
        kind = _vote_kind(group)
        key = f"{coarse_of(kind).lower()}/{iris.slug(label)}"
        base, n = key, 2
        while key in used:
            key, n = f"{base}-{n}", n + 1
    used.add(key)
    forms = sorted({" ".join(f.split()) for m in group for f in (m.text, m.name)} - {label})
    same_as = ()
    lat = lon = None
    if entry is not None:
        same_as = tuple(sorted(filter(None, (
            f"http://www.wikidata.org/entity/{entry.wikidata}" if entry.wikidata else None,
            f"https://sws.geonames.org/{entry.geonames}/" if entry.geonames else None))))
        lat, lon = entry.lat, entry.lon
    mentions = tuple(sorted(group, key=lambda m: (m.doc_id, m.start, m.end)))
    return Entity(key=key, label=label, kind=kind, alt_labels=tuple(forms), mentions=mentions,
                  same_as=same_as, lat=lat, lon=lon)


def _best_name(group: list[Mention]) -> str:
    """The fullest written name: not an acronym, most words, most used, then alphabetical."""
    counts = Counter(" ".join(m.name.split()) for m in group)
    return max(counts, key=lambda n: (not _is_acronym(n), len(n.split()), counts[n], len(n), _neg(n)))


def _neg(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)


def _vote_kind(group: list[Mention]) -> str:
    counts = Counter(m.kind for m in group)
    return max(counts, key=lambda k: (k not in GENERIC_KINDS, counts[k], k))


def _reason(m: Mention, entity: Entity, joined: str | None) -> str:
    if joined:
        return joined
    if m.rule == "demonym":
        return f"demonym of {entity.label}"
    if m.key:
        return f"known name or alias of {entity.label} (gazetteer {m.key})"
    if normalize(m.name) == normalize(entity.label):
        return "same name"
    return f"same name as another mention of {entity.label}"
