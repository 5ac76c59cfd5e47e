"""Joins that need more than one name at a time: a person's partial names and an acronym nobody
defined, each joined to the one fuller name that fits, in its own article first, then in the
corpus. Two candidates are a conflict: the name is kept apart and the merge log says why.

Names are nodes of kg.resolve.entities: a person named by one word is a node of its article
('Austin' here need not be 'Austin' there); a fuller name and an organization's name are nodes of
the corpus.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from kg.resolve.names import fits, initials, person_tokens

Node = tuple[str, ...]
Union = Callable[[Node, Node, str], None]
Tokens = tuple[str, ...]


class PersonNames:
    """Every person name of every article, as name parts, for joining partial names to full ones."""

    def __init__(self) -> None:
        self.by_doc: dict[str, dict[Node, Tokens]] = defaultdict(dict)
        self.written: dict[Node, str] = {}

    def add(self, doc_id: str, node: Node, name: str) -> None:
        tokens = person_tokens(name)
        if tokens and node[0] in ("name", "pname"):
            self.by_doc[doc_id][node] = tokens
            self.written.setdefault(node, name)

    def join(self, union: Union, conflict: Callable[[Node, str], None]) -> None:
        """Join each partial name to the only fuller name it fits: in its article, else in the corpus
        (surnames and fuller names only: a lone given name is read in its own article only)."""
        corpus = self._full_names()
        self._across: dict[Tokens, dict[Tokens, Node]] = {}  # the same short name recurs in many articles
        for tokens, nodes in sorted(((t, sorted(n)) for by in corpus.values() for t, n in by.items())):
            for other in nodes[1:]:  # 'Qasem Soleimani' and 'Qassem Soleimani'
                union(nodes[0], other, f"the same name as {self.written[nodes[0]]!r}, spelt differently")
        for doc_id in sorted(self.by_doc):
            names = self.by_doc[doc_id]
            index: dict[str, list[Node]] = defaultdict(list)
            for node, tokens in names.items():
                index[tokens[-1]].append(node)
                if len(tokens) > 1:
                    index["given:" + tokens[0]].append(node)
            for node in sorted(names):
                self._join_one(doc_id, node, names, index, corpus, union, conflict)

    def _join_one(self, doc_id: str, node: Node, names: dict[Node, Tokens], index, corpus,
                  union: Union, conflict) -> None:
        tokens = names[node]
        near = index.get(tokens[-1], []) + (index.get("given:" + tokens[0], []) if len(tokens) == 1 else [])
        same = [o for o in near if o != node and names[o] == tokens]
        for other in same:  # 'al-Sharaa' and 'Sharaa' in one article
            union(other, node, f"the same name as {self.written[other]!r}, written differently")
        local = _maximal({o: names[o] for o in near if fits(tokens, names[o])})
        across = self._across.get(tokens)
        if across is None:
            across = self._across[tokens] = _maximal({o: t for t, nodes in corpus.get(tokens[-1], {}).items()
                                                      for o in nodes if fits(tokens, t, given=False)})
        if len(local) == 1:
            full, how = _only(local), fits(tokens, next(iter(local)))
            if node[0] == "pname" or set(across) <= set(local):
                union(full, node, f"short name of {self.written[full]!r} ({how}), the only person it fits "
                                  "in the same article")
            else:
                conflict(node, f"kept apart: short name of {self.written[full]!r} ({how}) in the same article, "
                               f"but also of {_names(self.written, across, but=full)} in other articles")
        elif local:
            conflict(node, f"kept apart: could be {_names(self.written, local)} (same article)")
        elif len(across) == 1:
            full = _only(across)
            union(full, node, f"short name of {self.written[full]!r} ({fits(tokens, next(iter(across)))}), "
                              "the only person it fits across articles")
        elif across:
            conflict(node, f"kept apart: could be {_names(self.written, across)} (across articles)")
        elif node[0] == "pname":  # named by one word everywhere ('Lula'): one name across articles
            union(("name", "Person", node[2]), node, "same name")

    def _full_names(self) -> dict[str, dict[Tokens, set[Node]]]:
        """surname -> name parts -> the corpus's nodes of fuller names (two parts or more)."""
        out: dict[str, dict[Tokens, set[Node]]] = defaultdict(lambda: defaultdict(set))
        for names in self.by_doc.values():
            for node, tokens in names.items():
                if node[0] == "name" and len(tokens) > 1:
                    out[tokens[-1]][tokens].add(node)
        return out


def _maximal(candidates: dict[Node, Tokens]) -> dict[Tokens, Node]:
    """The fullest of the candidate names: those that fit no other candidate ('Lloyd Austin' is
    within 'Lloyd J. Austin III'), one node for each."""
    by_tokens: dict[Tokens, Node] = {}
    for node, tokens in sorted(candidates.items()):
        by_tokens.setdefault(tokens, node)
    return {t: n for t, n in by_tokens.items() if not any(fits(t, u) for u in by_tokens if u != t)}


def _only(found: dict[Tokens, Node]) -> Node:
    return next(iter(found.values()))


def _names(written: dict[Node, str], found: dict[Tokens, Node], but: Node | None = None) -> str:
    return " or ".join(sorted(repr(written[n]) for n in found.values() if n != but))


class Acronyms:
    """Organization names by article, for reading an acronym no article defines by its initials."""

    def __init__(self) -> None:
        self.by_doc: dict[str, set[Node]] = defaultdict(set)
        self.written: dict[Node, str] = {}

    def add(self, doc_id: str, node: Node, name: str) -> None:
        if node[0] == "name" and node[1] == "Organization" and " " in name.strip():
            self.by_doc[doc_id].add(node)
            self.written.setdefault(node, name)

    def join(self, acronyms: list[Node], defined: set[Node], find: Callable[[Node], Node], union: Union,
             conflict: Callable[[Node, str], None], fallback: Callable[[Node], Node]) -> None:
        """An acronym used without definition takes the meaning other articles define for it, if
        only one; else the one organization of its article, or else of the corpus, whose initials
        it spells ('GM' for General Motors); else acronyms of the same letters are one name."""
        meanings: dict[tuple[str, str], set[Node]] = defaultdict(set)
        for node in defined:
            meanings[(node[2], node[3])].add(find(node))
        corpus: dict[str, set[Node]] = defaultdict(set)
        for nodes in self.by_doc.values():
            for node in nodes:
                for letters in initials(self.written[node]):
                    corpus[letters].add(node)
        for node in acronyms:
            if node in defined:
                continue
            roots = meanings.get((node[2], node[3]), set())
            if len(roots) == 1:
                union(next(iter(roots)), node, f"acronym {node[3]} as another article defines it")
                continue
            letters = node[3].replace(".", "").upper()
            if node[2] != "Organization" or roots:
                union(fallback(node), node, "same name")
                continue
            local = [n for n in sorted(self.by_doc.get(node[1], ())) if letters in initials(self.written[n])]
            nodes, scope = (local, "in the same article") if local else (sorted(corpus.get(letters, ())),
                                                                         "across articles")
            found: dict[Node, Node] = {}
            for n in nodes:
                found.setdefault(find(n), n)
            if len(found) == 1:
                target = next(iter(found.values()))
                union(target, node, f"initials of {self.written[target]!r}, the only organization they "
                                    f"spell {scope}")
            elif found:
                conflict(node, f"kept apart: {node[3]} could stand for "
                               f"{' or '.join(sorted(repr(self.written[n]) for n in found.values()))} ({scope})")
            else:
                union(fallback(node), node, "same name")
