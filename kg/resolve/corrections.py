"""Analyst corrections: merge these nodes, split this name off its node, give this node a class,
drop it, or say it is this Wikidata item.

They live in a file (`corrections.yaml` in the build, kg.build reads and writes it) and are
applied in order, after automatic resolution, at every build: each build starts again from the
automatic result, so a correction applied twice gives the same graph, and it survives `--into`,
`kg remove` and rebuilds. A node is named as an analyst sees it: its label, one of its other
names, or its key ('person/lloyd-austin'). A correction that no longer matches anything is
reported as stale, one whose name fits several nodes as ambiguous, one that resolution already
agrees with as redundant; none is ignored silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from kg.ontology import kg_class, kinds_table, ontology_graph, superclasses
from kg.vocab import KG

FORMAT = "kg-corrections/1"
ARITY = {"merge": (2, None), "split": (1, 1), "type": (2, 2), "drop": (1, 1), "sameas": (2, 2)}
APPLIED, REDUNDANT, STALE, AMBIGUOUS = "applied", "redundant", "stale", "ambiguous"
WIKIDATA_ID = re.compile(r"^Q[1-9][0-9]*$")
Node = tuple[str, ...]


class CorrectionsError(ValueError):
    """A corrections file or command that cannot be read: which entry, and why."""


@dataclass(frozen=True)
class Correction:
    """One analyst correction: `op` over `names`, with the class or Wikidata id for type and sameas."""

    op: str  # merge | split | type | drop | sameas
    names: tuple[str, ...]
    value: str | None = None  # type: a class of ontology/kg.ttl; sameas: a Wikidata id ('Q42')
    note: str | None = None  # the analyst's reason, kept with the correction

    def __str__(self) -> str:
        return " ".join([self.op, *(repr(n) for n in self.names), *([self.value] if self.value else [])])


@dataclass(frozen=True)
class Outcome:
    """What one correction did to this build's graph."""

    correction: Correction
    status: str  # applied | redundant | stale | ambiguous
    message: str
    keys: tuple[str, ...] = ()  # the entities it changed, as the graph now names them

    def __str__(self) -> str:
        return f"{self.status}: {self.correction}: {self.message}"


def make(op: str, args: Sequence[str], note: str | None = None) -> Correction:
    """A correction from the words of `kg fix DIR OP ARGS...`, checked."""
    if op not in ARITY:
        raise CorrectionsError(f"unknown correction {op!r}; choose one of {', '.join(ARITY)}")
    low, high = ARITY[op]
    args = [" ".join(str(a).split()) for a in args]
    if len(args) < low or (high is not None and len(args) > high) or not all(args):
        want = f"{low}" if low == high else f"{low} or more"
        raise CorrectionsError(f"{op} takes {want} non-empty names, not {len(args)}")
    value = None
    if op in ("type", "sameas"):
        *args, value = args
    if op == "type" and value not in entity_kinds():
        raise CorrectionsError(f"type: {value!r} is not an entity class of ontology/kg.ttl "
                               f"(e.g. Person, Organization, ArmedGroup, City)")
    if op == "sameas" and not WIKIDATA_ID.match(value or ""):
        raise CorrectionsError(f"sameas: {value!r} is not a Wikidata id such as Q42")
    return Correction(op, tuple(args), value, note or None)


@lru_cache(maxsize=1)
def entity_kinds() -> frozenset[str]:
    """The classes a node may be given: actors, places and named events, not reported events."""
    graph = ontology_graph()
    return frozenset(k for k, coarse in kinds_table().items()
                     if coarse != "Event" or KG.NamedEvent in superclasses(graph, kg_class(k)))


def parse(text: str, source: str = "corrections.yaml") -> list[Correction]:
    """The corrections of a file: `corrections:` a list of one-key entries ('merge: [A, B]')."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        raise CorrectionsError(f"{source}: not YAML: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("corrections", []), list):
        raise CorrectionsError(f"{source}: expected a mapping with a 'corrections' list")
    out = []
    for i, entry in enumerate(data.get("corrections") or [], 1):
        if not isinstance(entry, dict):
            raise CorrectionsError(f"{source}: correction {i}: expected 'op: names', got {entry!r}")
        ops = [k for k in entry if k != "note"]
        if len(ops) != 1:
            raise CorrectionsError(f"{source}: correction {i}: expected one of {', '.join(ARITY)}, got {ops}")
        args = entry[ops[0]]
        try:
            out.append(make(str(ops[0]), [str(a) for a in (args if isinstance(args, list) else [args])],
                            str(entry["note"]) if entry.get("note") else None))
        except CorrectionsError as err:
            raise CorrectionsError(f"{source}: correction {i}: {err}") from None
    return out


def dump(corrections: Iterable[Correction]) -> str:
    """The file text for these corrections (what `parse` reads back)."""
    entries = []
    for c in corrections:
        args = [*c.names, *([c.value] if c.value else [])]
        entry: dict = {c.op: args if len(args) > 1 else args[0]}
        if c.note:
            entry["note"] = c.note
        entries.append(entry)
    head = ("# Analyst corrections, applied after resolution at every build (kg fix writes this file).\n"
            "# merge: [A, B] | split: NAME | type: [NAME, Class] | drop: NAME | sameas: [NAME, Q123]\n")
    return head + yaml.safe_dump({"format": FORMAT, "corrections": entries}, allow_unicode=True,
                                 sort_keys=False, width=100)


@dataclass(frozen=True)
class GroupInfo:
    """What corrections match a group of names on, and what they may change."""

    names: frozenset[str]  # normalized names and forms
    label: str
    key: str  # the key it would have now
    fresh_key: str  # the key its label gives, whatever earlier builds called it
    keys: frozenset[str]  # that key, and the keys its names had in earlier builds
    kind: str
    wikidata: str | None


@dataclass
class Group:
    nodes: list[Node]
    kind: str | None = None  # a class given by a correction
    label: str | None = None  # a merge keeps the label and key of the node merged into
    key: str | None = None
    same_as: set[str] = field(default_factory=set)
    dropped: bool = False
    touched: set[int] = field(default_factory=set)  # indices of the corrections that changed it


class Groups:
    """Resolution's groups of names, as corrections see and change them."""

    def __init__(self, groups: Iterable[list[Node]], describe: Callable[[list[Node]], GroupInfo],
                 names_of: Callable[[Node], frozenset[str]], normalize: Callable[[str], str]) -> None:
        self.groups = [Group(sorted(nodes)) for nodes in groups]
        self._describe, self.names_of, self.normalize = describe, names_of, normalize
        self._described: dict[tuple[Node, ...], GroupInfo] = {}
        self.reasons: dict[Node, str] = {}  # node -> why a correction moved it (for the merge log)

    def describe(self, nodes: list[Node]) -> GroupInfo:
        key = tuple(nodes)
        if key not in self._described:
            self._described[key] = self._describe(nodes)
        return self._described[key]

    def find(self, name: str) -> list[Group]:
        n = self.normalize(name)
        return [g for g in self.groups if not g.dropped and
                (n in (info := self.describe(g.nodes)).names or name in info.keys)]

    def apply(self, corrections: Sequence[Correction]) -> list[tuple[str, str]]:
        """(status, message) for each correction, in order; the groups are changed in place."""
        return [self._apply(i, c) for i, c in enumerate(corrections)]

    def _apply(self, i: int, c: Correction) -> tuple[str, str]:
        found = [self.find(n) for n in c.names]
        for name, groups in zip(c.names, found):
            if not groups:
                return STALE, f"no node is named {name!r} any more"
            if len(groups) > 1:
                keys = ", ".join(sorted(f"{self._key(g)} {self._name(g)}" for g in groups))
                return AMBIGUOUS, f"{name!r} names {len(groups)} nodes ({keys}): name one by its key"
        groups = [g[0] for g in found]
        g = groups[0]
        if c.op == "merge":
            others = [o for o in dict.fromkeys(map(id, groups)) if o != id(g)]
            if not others:
                return REDUNDANT, f"already one node ({self._name(g)})"
            absorbed = [o for o in self.groups if id(o) in others]
            message = f"merged {', '.join(self._name(o) for o in absorbed)} into {self._name(g)}"
            for o in absorbed:
                self._merge(g, o, f"analyst correction: {c}")
            g.touched.add(i)
            return APPLIED, message
        if c.op == "split":
            name = self.normalize(c.names[0])
            moved = [n for n in g.nodes if name in self.names_of(n)]
            if not moved:
                return STALE, f"{c.names[0]!r} is a key, not a name: split takes a name"
            if len(moved) == len(g.nodes):
                return REDUNDANT, f"{c.names[0]!r} is already a node of its own ({self._name(g)})"
            before = self._name(g)
            g.nodes = [n for n in g.nodes if n not in moved]
            new = Group(moved, touched={i})
            self.groups.append(new)
            g.touched.add(i)
            for n in moved:
                self.reasons[n] = f"analyst correction: {c}"
            return APPLIED, f"split {c.names[0]!r} off {before} into a node of its own"
        if c.op == "type":
            kind = g.kind or self.describe(g.nodes).kind
            if kind == c.value:
                return REDUNDANT, f"{self._name(g)} is already a {c.value}"
            g.kind = c.value
            g.touched.add(i)
            return APPLIED, f"{self._name(g)}: {kind} -> {c.value}"
        if c.op == "drop":
            g.dropped = True
            g.touched.add(i)
            return APPLIED, f"dropped {self._name(g)} and its mentions"
        return self._same_as(i, c, g)

    def _same_as(self, i: int, c: Correction, g: Group) -> tuple[str, str]:
        iri = f"http://www.wikidata.org/entity/{c.value}"
        if self.describe(g.nodes).wikidata == c.value or iri in g.same_as:
            return REDUNDANT, f"{self._name(g)} is already {c.value}"
        same = [o for o in self.groups if o is not g and not o.dropped
                and (self.describe(o.nodes).wikidata == c.value or iri in o.same_as)]
        message = f"{self._name(g)} owl:sameAs wd:{c.value}"
        for o in same:
            message += f"; merged {self._name(o)}, which is {c.value} too"
            self._merge(g, o, f"analyst correction: {c}")
        g.same_as.add(iri)
        g.touched.add(i)
        return APPLIED, message

    def _merge(self, into: Group, other: Group, reason: str) -> None:
        if into.key is None:  # what its label makes, not what an earlier build (maybe corrected) made
            info = self.describe(into.nodes)
            into.label, into.key = info.label, info.fresh_key
        for n in other.nodes:
            self.reasons[n] = reason
        into.nodes = sorted(into.nodes + other.nodes)
        into.same_as |= other.same_as
        into.kind = into.kind or other.kind
        into.touched |= other.touched
        self.groups.remove(other)

    def _key(self, g: Group) -> str:
        return g.key or self.describe(g.nodes).key

    def _name(self, g: Group) -> str:
        """A group as messages name it: by its label (keys may still change in this build)."""
        return repr(g.label or self.describe(g.nodes).label)
