"""Entity resolution within and across articles: one node per real-world entity.

It works on compact Mention records (never on Docs) and keeps, per distinct name, only counts:
memory grows with the number of names, not of mentions. Mentions are joined when they carry the
same gazetteer key (aliases, acronyms and demonyms the gazetteer knows), the same name and coarse
type, an acronym the text defines, or a short name ("Sharaa") of exactly one person named in full.
Every join is logged with its reason. Keys already given in an earlier build are kept, so IRIs
stay stable when articles are added.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.extract.names import ACRONYM, surname_forms
from kg.ontology import coarse_of
from kg.records import Alias, Entity, Mention, MergeStep, slug

# The kinds that say nothing beyond the coarse type: any finer kind wins a vote against them.
GENERIC_KINDS = {"Organization", "Place", "Region", "Facility", "NamedEvent"}

Node = tuple[str, ...]


def normalize(name: str) -> str:
    """The form names are compared in: case-folded, 'the' and possessives dropped, quotes unified."""
    n = unicodedata.normalize("NFKC", name).replace("’", "'").strip()
    n = re.sub(r"^(the)\s+", "", n, flags=re.I)
    n = re.sub(r"'s?$", "", n)
    return " ".join(n.casefold().split())


def _is_acronym(name: str) -> bool:
    return bool(ACRONYM.match(name)) and sum(c.isupper() for c in name) >= 2 and " " not in name


def node_of(m: Mention) -> Node:
    """The name a mention stands for: a gazetteer key, an acronym of its article, or a typed name."""
    if m.key:
        return ("key", m.key)
    coarse = coarse_of(m.kind)
    if _is_acronym(m.name):
        return ("acronym", m.doc_id, coarse, m.name)
    return ("name", coarse, normalize(m.name))


@dataclass
class _NodeStats:
    """What resolution keeps of all the mentions of one name."""

    count: int = 0
    names: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    forms: Counter = field(default_factory=Counter)
    first_doc: str = ""
    demonym: bool = False

    def add(self, m: Mention) -> None:
        self.count += 1
        self.names[" ".join(m.name.split())] += 1
        self.kinds[m.kind] += 1
        self.forms[" ".join(m.text.split())] += 1
        self.first_doc = min(self.first_doc, m.doc_id) if self.first_doc else m.doc_id
        self.demonym = self.demonym or m.rule == "demonym"


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


@dataclass(frozen=True)
class Resolution:
    entities: tuple[Entity, ...]
    node_keys: dict[Node, str]  # every name node -> its entity key
    merge_log: tuple[MergeStep, ...]

    def key_of(self, m: Mention) -> str | None:
        return self.node_keys.get(node_of(m))


class Resolver:
    """Feed it every article's mentions and aliases, then `resolve()` once."""

    def __init__(self, gazetteer, previous: dict[Node, str] | None = None) -> None:
        self.gazetteer = gazetteer
        self.previous = previous or {}
        self.stats: dict[Node, _NodeStats] = defaultdict(_NodeStats)
        self.aliases: list[tuple[Node, Node, str]] = []
        self.full_names: dict[str, set[str]] = defaultdict(set)  # doc -> full person names
        self.short_names: set[tuple[str, Node, str]] = set()  # (doc, node, normalized name)

    def add_article(self, mentions: Iterable[Mention], aliases: Iterable[Alias]) -> None:
        at = {}
        for m in mentions:
            node = node_of(m)
            self.stats[node].add(m)
            at[(m.start, m.end)] = node
            if m.kind == "Person":
                if " " in m.name:
                    self.full_names[m.doc_id].add(m.name)
                else:
                    self.short_names.add((m.doc_id, node, normalize(m.name)))
        for a in aliases:
            long, short = at.get(a.long), at.get(a.short)
            if long and short:
                self.aliases.append((long, short, a.reason))

    def resolve(self) -> Resolution:
        uf, why = _UnionFind(), {}
        for node in sorted(self.stats):
            uf.find(node)
        defined = set()
        for long, short, reason in sorted(self.aliases):
            uf.union(long, short)
            why.setdefault(short, reason)
            if short[0] == "acronym":
                defined.add(short)
        self._join_short_names(uf, why)
        self._join_acronyms_across_documents(uf, why, defined)
        groups: dict[Node, list[Node]] = defaultdict(list)
        for node in sorted(self.stats):
            groups[uf.find(node)].append(node)
        entities, node_keys, log, used = [], {}, [], set()
        for root in sorted(groups, key=lambda r: (not self._previous_key(groups[r]), r)):
            entity = self._entity(groups[root], used)
            entities.append(entity)
            for node in groups[root]:
                node_keys[node] = entity.key
                st = self.stats[node]
                for form, n in sorted(st.forms.items()):
                    log.append(MergeStep(entity.key, form, self._reason(node, st, entity, why.get(node)),
                                         n, st.first_doc))
        entities.sort(key=lambda e: e.key)
        log.sort(key=lambda s: (s.entity, s.form, s.reason))
        return Resolution(tuple(entities), node_keys, tuple(log))

    def _join_short_names(self, uf: _UnionFind, why: dict) -> None:
        """'Sharaa' -> 'Ahmed al-Sharaa' when exactly one person, in the article or else the corpus, fits."""
        by_doc: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        anywhere: dict[str, set[str]] = defaultdict(set)
        for doc_id, names in self.full_names.items():
            for full in names:
                for form in surname_forms(full):
                    by_doc[doc_id][normalize(form)].add(normalize(full))
                    anywhere[normalize(form)].add(normalize(full))
        for doc_id, node, short in sorted(self.short_names):
            local = by_doc[doc_id].get(short, set())
            candidates = local or anywhere.get(short, set())
            if len(candidates) == 1:
                full = next(iter(candidates))
                uf.union(node, ("name", "Person", full))
                scope = "in the same article" if local else "across articles"
                why.setdefault(node, f"short name of the only person named {full!r} {scope}")

    def _join_acronyms_across_documents(self, uf: _UnionFind, why: dict, defined: set[Node]) -> None:
        """An acronym used without definition takes the meaning other articles define for it, if only
        one; otherwise acronyms of the same letters and coarse type are one name."""
        meanings: dict[tuple[str, str], set[Node]] = defaultdict(set)
        for node in defined:
            meanings[(node[2], node[3])].add(uf.find(node))
        for node in sorted(self.stats):
            if node[0] != "acronym" or node in defined:
                continue
            roots = meanings.get((node[2], node[3]), set())
            if len(roots) == 1:
                uf.union(node, next(iter(roots)))
                why.setdefault(node, f"acronym {node[3]} as another article defines it")
            else:
                uf.union(node, ("name", node[2], normalize(node[3])))

    def _previous_key(self, nodes: list[Node]) -> str | None:
        keys = Counter({self.previous[n]: self.stats[n].count for n in nodes if n in self.previous})
        return max(keys, key=lambda k: (keys[k], k)) if keys else None

    def _entity(self, nodes: list[Node], used: set[str]) -> Entity:
        names, kinds, forms = Counter(), Counter(), Counter()
        for n in nodes:
            names.update(self.stats[n].names)
            kinds.update(self.stats[n].kinds)
            forms.update(self.stats[n].forms)
        gaz_keys = Counter({n[1]: self.stats[n].count for n in nodes if n[0] == "key"})
        entry = self.gazetteer.get(max(gaz_keys, key=lambda k: (gaz_keys[k], k))) if gaz_keys else None
        if entry is not None:
            key, label, kind = entry.key, entry.name, entry.kind
        else:
            label = _best_name(names)
            kind = max(kinds, key=lambda k: (k not in GENERIC_KINDS, kinds[k], k))
            key = f"{coarse_of(kind).lower()}/{slug(label)}"
        key = self._previous_key(nodes) or key
        base, n = key, 2
        while key in used:
            key, n = f"{base}-{n}", n + 1
        used.add(key)
        alt = sorted((set(forms) | set(names)) - {label})
        same_as, lat, lon, country = (), None, None, None
        if entry is not None:
            if entry.country and entry.kind != "Country" and coarse_of(entry.kind) == "Place":
                country = f"country/{entry.country.lower()}"
            same_as = tuple(sorted(filter(None, (
                f"http://www.wikidata.org/entity/{entry.wikidata}" if entry.wikidata else None,
                f"https://sws.geonames.org/{entry.geonames}/" if entry.geonames else None))))
            lat, lon = entry.lat, entry.lon
        return Entity(key=key, label=label, kind=kind, alt_labels=tuple(alt), same_as=same_as,
                      lat=lat, lon=lon, mention_count=sum(self.stats[n].count for n in nodes), country=country)

    @staticmethod
    def _reason(node: Node, st: _NodeStats, entity: Entity, joined: str | None) -> str:
        if joined:
            return joined
        if st.demonym:
            return f"demonym of {entity.label}"
        if node[0] == "key":
            return f"known name or alias of {entity.label} (gazetteer {node[1]})"
        if node[0] == "name" and node[2] == normalize(entity.label):
            return "same name"
        return f"same name as another mention of {entity.label}"


def _best_name(counts: Counter) -> str:
    """The fullest written name: not an acronym, most words, most used, then alphabetical."""
    return max(counts, key=lambda n: (not _is_acronym(n), len(n.split()), counts[n], len(n),
                                      tuple(-ord(c) for c in n)))


def resolve(mentions: Iterable[Mention], aliases: Iterable[Alias], gazetteer,
            previous: dict[Node, str] | None = None) -> Resolution:
    """Resolve one batch of records (all articles at once): group mentions into entities."""
    resolver = Resolver(gazetteer, previous)
    by_doc_mentions: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_doc_mentions[m.doc_id].append(m)
    by_doc_aliases: dict[str, list[Alias]] = defaultdict(list)
    for a in aliases:
        by_doc_aliases[a.doc_id].append(a)
    for doc_id in sorted(set(by_doc_mentions) | set(by_doc_aliases)):
        resolver.add_article(by_doc_mentions[doc_id], by_doc_aliases[doc_id])
    return resolver.resolve()
