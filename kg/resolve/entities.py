"""Entity resolution within and across articles: one node per real-world entity.

It works on compact Mention records (never on Docs) and keeps, per distinct name, only counts:
memory grows with the number of names, not of mentions. Mentions are joined when they carry the
same gazetteer key (aliases, acronyms and demonyms the gazetteer knows), the same name and coarse
type (an organization's without its legal form: "Apple Inc." is Apple), an alias the text states
(kg.extract.aliases), an acronym the text defines or whose initials fit one name, or a partial name
of exactly one person named more fully (kg.resolve.joins). A person named by one word is a name of
its article, so two articles' 'Austin' are joined only through a full name. Pronouns and nominal
mentions (kg.extract.references) carry their antecedent's name, so they join its node without
becoming names of it. Analyst corrections (kg.resolve.corrections) are applied last. Every join is
logged with its reason. Keys already given in an earlier build are kept, so IRIs stay stable when
articles are added.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from kg.extract.names import ACRONYM
from kg.ontology import coarse_of
from kg.records import Alias, Entity, EventRecord, Mention, MergeStep, slug
from kg.resolve.corrections import Correction, GroupInfo, Groups, Outcome
from kg.resolve.joins import Acronyms, PersonNames
from kg.resolve.names import org_core, person_tokens

# The kinds that say nothing beyond the coarse type: any finer kind wins a vote against them.
GENERIC_KINDS = {"Organization", "Place", "Region", "Facility", "NamedEvent"}
STATED_ALIAS = "stated alias"  # how kg.extract.aliases begins the reason of an alias the text states
# Mentions that refer back to a named one ('he', 'the general', 'the Force'): they join its node
# but are not names of it (never a label or an alternative name).
REFERENCE_RULES = {"pronoun": "pronoun for the person named before it in the same article",
                   "nominal": "refers back to the one {coarse} the article named so"}

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
    """The name a mention stands for: a gazetteer key, an acronym of its article, a person named by
    one word in its article, or a typed name."""
    if m.key:
        return ("key", m.key)
    coarse = coarse_of(m.kind)
    if _is_acronym(m.name):
        return ("acronym", m.doc_id, coarse, m.name)
    if coarse == "Person" and len(person_tokens(m.name)) == 1:
        return ("pname", m.doc_id, normalize(m.name))
    return name_node(coarse, m.name)


def name_node(coarse: str, name: str) -> Node:
    """The node of a typed name across the corpus: organizations by their core name."""
    return ("name", coarse, org_core(normalize(name)) if coarse == "Organization" else normalize(name))


@dataclass
class _NodeStats:
    """What resolution keeps of all the mentions of one name."""

    count: int = 0
    names: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    forms: Counter = field(default_factory=Counter)
    first_doc: str = ""
    demonym: bool = False
    references: Counter = field(default_factory=Counter)  # (form, rule) of pronouns and nominals

    def add(self, m: Mention) -> None:
        self.count += 1
        if m.rule in REFERENCE_RULES:
            self.references[(" ".join(m.text.split()), m.rule)] += 1
        else:
            self.names[" ".join(m.name.split())] += 1
            self.kinds[m.kind] += 1
            self.forms[" ".join(m.text.split())] += 1
            self.demonym = self.demonym or m.rule == "demonym"
        self.first_doc = min(self.first_doc, m.doc_id) if self.first_doc else m.doc_id


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
    corrections: tuple[Outcome, ...] = ()
    dropped: frozenset[Node] = frozenset()  # names of the nodes a correction dropped

    def key_of(self, m: Mention) -> str | None:
        return self.node_keys.get(node_of(m))

    def without_dropped(self, events: list[EventRecord], mentions: Iterable[Mention]) -> list[EventRecord]:
        """Events without the arguments that named a dropped node (so none becomes an unnamed source)."""
        if not self.dropped:
            return events
        spans = [(m.start, m.end) for m in mentions if node_of(m) in self.dropped]
        if not spans:
            return events
        return [replace(ev, arguments=tuple(a for a in ev.arguments
                                            if not any(s < a.end and a.start < e for s, e in spans)))
                for ev in events]


class Resolver:
    """Feed it every article's mentions and aliases, then `resolve()` once."""

    def __init__(self, gazetteer, previous: dict[Node, str] | None = None) -> None:
        self.gazetteer = gazetteer
        self.previous = previous or {}
        self.stats: dict[Node, _NodeStats] = defaultdict(_NodeStats)
        self.aliases: list[tuple[Node, Node, str]] = []
        self.alias_nodes: set[Node] = set()  # the second names of stated aliases: never the label
        self.people = PersonNames()
        self.organizations = Acronyms()

    def add_article(self, mentions: Iterable[Mention], aliases: Iterable[Alias]) -> None:
        at = {}
        for m in mentions:
            node = node_of(m)
            self.stats[node].add(m)
            at[(m.start, m.end)] = node
            if m.rule in REFERENCE_RULES:
                continue
            if coarse_of(m.kind) == "Person":
                self.people.add(m.doc_id, node, m.name)
            self.organizations.add(m.doc_id, node, m.name)
        for a in aliases:
            long, short = at.get(a.long), at.get(a.short)
            if long and short:
                self.aliases.append((long, short, a.reason))
                if a.reason.startswith(STATED_ALIAS):
                    self.alias_nodes.add(short)

    def resolve(self, corrections: Sequence[Correction] = ()) -> Resolution:
        uf, why = _UnionFind(), {}
        for node in sorted(self.stats):
            uf.find(node)

        def union(a: Node, b: Node, reason: str) -> None:
            if uf.find(a) != uf.find(b):
                why.setdefault(b, reason)
                uf.union(a, b)

        def conflict(node: Node, reason: str) -> None:
            why.setdefault(node, reason)

        defined = set()
        for long, short, reason in sorted(self.aliases):  # what the text states explains the join
            why.setdefault(short, reason)
            uf.union(long, short)
            if short[0] == "acronym":
                defined.add(short)
        self.people.join(union, conflict)
        self.organizations.join([n for n in sorted(self.stats) if n[0] == "acronym"], defined, uf.find, union,
                                conflict, lambda n: name_node(n[2], n[3]))
        groups: dict[Node, list[Node]] = defaultdict(list)
        for node in sorted(self.stats):
            groups[uf.find(node)].append(node)
        return self._entities(groups, why, corrections)

    def _entities(self, groups: dict[Node, list[Node]], why: dict, corrections: Sequence[Correction]) -> Resolution:
        fixed = Groups(groups.values(), self._describe, self._names_of, normalize)
        statuses = fixed.apply(corrections)
        why = {**why, **fixed.reasons}
        entities, node_keys, log, used, touched = [], {}, [], set(), {}
        dropped = frozenset(n for g in fixed.groups if g.dropped for n in g.nodes)
        for g in sorted((g for g in fixed.groups if not g.dropped),
                        key=lambda g: (not self._previous_key(g.nodes), -self._previous_count(g.nodes), g.nodes[0])):
            entity = self._entity(g.nodes, used, g.kind, g.same_as, g.label, g.key)
            entities.append(entity)
            for i in g.touched:
                touched.setdefault(i, []).append(entity.key)
            for node in g.nodes:
                node_keys[node] = entity.key
                st = self.stats[node]
                for form, n in sorted(st.forms.items()):
                    log.append(MergeStep(entity.key, form, self._reason(node, st, entity, why.get(node)),
                                         n, st.first_doc))
                for (form, rule), n in sorted(st.references.items()):
                    log.append(MergeStep(entity.key, form, REFERENCE_RULES[rule].format(
                        coarse=coarse_of(entity.kind).lower()), n, st.first_doc))
        entities.sort(key=lambda e: e.key)
        log.sort(key=lambda s: (s.entity, s.form, s.reason))
        outcomes = tuple(Outcome(c, status, message, tuple(sorted(set(touched.get(i, ())))))
                         for i, (c, (status, message)) in enumerate(zip(corrections, statuses)))
        return Resolution(tuple(entities), node_keys, tuple(log), outcomes, dropped)

    def _describe(self, nodes: list[Node]) -> GroupInfo:
        """What corrections match a group on: its names, its keys, its class and Wikidata id."""
        names = frozenset(n for node in nodes for n in self._names_of(node))
        entity = self._entity(nodes, set())
        fresh = self._automatic(nodes, set(), None, (), previous=False).key
        keys = frozenset({entity.key} | {self.previous[n] for n in nodes if n in self.previous})
        wikidata = next((iri.rsplit("/", 1)[-1] for iri in entity.same_as if "wikidata.org" in iri), None)
        return GroupInfo(names, entity.label, entity.key, fresh, keys, entity.kind, wikidata)

    def _names_of(self, node: Node) -> frozenset[str]:
        st = self.stats[node]
        return frozenset(normalize(n) for n in (*st.names, *st.forms))

    def _previous_count(self, nodes: list[Node]) -> int:
        """How many mentions of these names had the key they keep: the larger part of a split keeps it."""
        key = self._previous_key(nodes)
        return sum(self.stats[n].count for n in nodes if self.previous.get(n) == key) if key else 0

    def _previous_key(self, nodes: list[Node]) -> str | None:
        keys = Counter({self.previous[n]: self.stats[n].count for n in nodes if n in self.previous})
        return max(keys, key=lambda k: (keys[k], k)) if keys else None

    def _entity(self, nodes: list[Node], used: set[str], kind: str | None = None,
                same_as: Iterable[str] = (), label: str | None = None, key: str | None = None) -> Entity:
        """The entity of a group of names; `kind`, `same_as`, `label` and `key` as corrections set them."""
        if key is None or key in used:
            return self._automatic(nodes, used, kind, same_as)
        entity = self._automatic(nodes, set(), kind, same_as)
        used.add(key)
        alt = tuple(sorted((set(entity.alt_labels) | {entity.label}) - {label})) if label else entity.alt_labels
        return replace(entity, key=key, label=label or entity.label, alt_labels=alt)

    def _automatic(self, nodes: list[Node], used: set[str], kind: str | None, same_as: Iterable[str],
                   previous: bool = True) -> Entity:
        names, kinds, forms, primary = Counter(), Counter(), Counter(), Counter()
        for n in nodes:
            names.update(self.stats[n].names)
            if n not in self.alias_nodes:
                primary.update(self.stats[n].names)
            kinds.update(self.stats[n].kinds)
            forms.update(self.stats[n].forms)
        if not names:  # only references: cannot happen from the extractors, but never crash on it
            names = Counter({form: n for (form, _), n in self.stats[nodes[0]].references.items()})
            kinds = Counter({"Person": 1})
        gaz_keys = Counter({n[1]: self.stats[n].count for n in nodes if n[0] == "key"})
        entry = self.gazetteer.get(max(gaz_keys, key=lambda k: (gaz_keys[k], k))) if gaz_keys else None
        if entry is not None:
            key, label, auto_kind = entry.key, entry.name, entry.kind
        else:
            label = _best_name(primary or names)
            auto_kind = max(kinds, key=lambda k: (k not in GENERIC_KINDS, kinds[k], k))
            key = f"{coarse_of(auto_kind).lower()}/{slug(label)}"
        previous = self._previous_key(nodes) if previous else None
        base, n = key, 2
        key = previous if previous and previous not in used else key  # another node may have it now
        while key in used:
            key, n = f"{base}-{n}", n + 1
        used.add(key)
        alt = sorted((set(forms) | set(names)) - {label})
        same, lat, lon, country = set(same_as), None, None, None
        if entry is not None:
            if entry.country and entry.kind != "Country" and coarse_of(entry.kind) == "Place":
                country = f"country/{entry.country.lower()}"
            same |= set(filter(None, (
                f"http://www.wikidata.org/entity/{entry.wikidata}" if entry.wikidata else None,
                f"https://sws.geonames.org/{entry.geonames}/" if entry.geonames else None)))
            lat, lon = entry.lat, entry.lon
        return Entity(key=key, label=label, kind=kind or auto_kind, alt_labels=tuple(alt),
                      same_as=tuple(sorted(same)), lat=lat, lon=lon,
                      mention_count=sum(self.stats[n].count for n in nodes), country=country)

    @staticmethod
    def _reason(node: Node, st: _NodeStats, entity: Entity, joined: str | None) -> str:
        if joined:
            return joined
        if st.demonym:
            return f"demonym of {entity.label}"
        if node[0] == "key":
            return f"known name or alias of {entity.label} (gazetteer {node[1]})"
        if node[0] in ("name", "pname") and node[-1] == normalize(entity.label):
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
