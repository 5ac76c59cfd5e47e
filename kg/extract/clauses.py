"""Clause structure read off the dependency parse: a verb's subject (inherited across xcomp, conj,
advcl and relative clauses), the clause a reporting verb reports, prepositional objects and
coordinated nouns. kg.extract.arguments decides roles from these."""

from __future__ import annotations

from spacy.tokens import Token


def is_dateline(tok: Token) -> bool:
    """An all-capitals place opening a paragraph ('KYIV, June 11 -'): where, not who."""
    if not (tok.text.isupper() and len(tok.text) > 2 and tok.is_alpha):
        return False
    prev = tok.doc[tok.i - 1] if tok.i > 0 else None
    return prev is None or "\n" in prev.text or "\n" in prev.whitespace_ or prev.is_space


def conjuncts(tok: Token) -> list[Token]:
    """The token and the nouns coordinated with it: 'the US and Britain'."""
    out, stack = [], [tok]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN", "PRON"))
    return sorted(out, key=lambda t: t.i)


def subject(verb: Token, reporting_verbs: frozenset[str], depth: int = 0) -> tuple[Token | None, bool]:
    """The verb's subject, inherited across xcomp/conj/advcl/acl; and whether it is a patient."""
    passive = any(c.dep_ == "auxpass" for c in verb.children)
    for c in sorted(verb.children, key=lambda c: is_dateline(c)):
        if is_dateline(c):
            # "KYIV, June 11 - Russia launched": the parser makes the dateline the subject
            c = next((a for a in c.children if a.dep_ == "appos" and a.i > c.i
                      and any(p.text in "-\u2013\u2014" for p in c.doc[c.i + 1:a.i])), None)
            if c is None:
                continue
            return c, passive
        if c.dep_ in ("nsubj", "csubj"):
            return c, passive
        if c.dep_ == "nsubjpass":
            return c, True
    if depth > 4 or verb.head is verb:
        return None, passive
    head, dep = verb.head, verb.dep_
    if dep == "xcomp":
        obj = next((c for c in head.children if c.dep_ == "dobj"), None)
        return (obj, passive) if obj is not None else (subject(head, reporting_verbs, depth + 1)[0], passive)
    if dep in ("conj", "advcl") and head.pos_ in ("VERB", "AUX"):
        reported = reported_clause(head, reporting_verbs)
        if reported is not None and verb.tag_ == "VBG":
            head = reported  # "X launched drones, Y said, killing three": X did the killing
        inherited, head_passive = subject(head, reporting_verbs, depth + 1)
        participle = verb.tag_ == "VBN"  # "defeated and killed", "although defeated in 2017"
        return inherited, passive or participle and (head_passive or dep == "advcl")
    if dep in ("acl", "relcl"):
        if dep == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            # "the decision to reduce troops": the noun is not the actor; its owner may be, or
            # whoever holds it: "X signed a contract to supply Y", "X made the decision to ban"
            poss = next((c for c in head.children if c.dep_ == "poss" and c.pos_ != "PRON"), None)
            if poss is None and head.dep_ == "dobj" and head.head.pos_ in ("VERB", "AUX"):
                return subject(head.head, reporting_verbs, depth + 1)[0], passive
            return poss, passive
        return head, verb.tag_ == "VBN"
    if dep == "pcomp" and head.head is not head:
        gov = head.head
        if gov.pos_ in ("VERB", "AUX"):
            return subject(gov, reporting_verbs, depth + 1)[0], passive
        poss = next((c for c in gov.children if c.dep_ == "poss" and c.pos_ != "PRON"), None)
        if poss is not None:
            return poss, passive
        if gov.head.pos_ in ("VERB", "AUX") and gov.dep_ in ("dobj", "attr"):
            return subject(gov.head, reporting_verbs, depth + 1)[0], passive
    return None, passive


def reporter_of(pron: Token, reporting_verbs: frozenset[str]) -> Token | None:
    """'X said it/they ...': the subject of the reporting verb whose clause the pronoun opens."""
    owner = next((c for c in pron.children if c.dep_ == "poss" and c.lower_ in ("its", "their", "our")), None)
    if owner is not None:  # "the service said its drones struck": the drones are the service's
        pron = owner.head
    elif pron.lower_ not in ("it", "they", "we"):
        return None
    clause = pron.head
    if pron.dep_ not in ("nsubj", "nsubjpass"):
        return None
    if clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in reporting_verbs:
        return None
    subj = next((c for c in clause.head.children if c.dep_ == "nsubj" and not is_dateline(c)), None)
    return subj if subj is not None and subj.pos_ != "PRON" else None


def reported_clause(verb: Token, reporting_verbs: frozenset[str]) -> Token | None:
    """The clause a reporting verb reports ('X fired ..., the governor said'), if any."""
    if verb.lemma_.lower() not in reporting_verbs:
        return None
    if verb.dep_ in ("parataxis", "ccomp") and verb.head is not verb and verb.head.pos_ in ("VERB", "AUX"):
        return verb.head
    return next((c for c in verb.children if c.dep_ in ("ccomp", "parataxis") and c.i < verb.i
                 and c.pos_ in ("VERB", "AUX")), None)


def preps(tok: Token) -> list[tuple[str, Token]]:
    """(preposition, object) pairs; 'out of X' and 'ahead of X' give ('of', X)."""
    out = []
    for c in tok.children:
        if c.dep_ not in ("prep", "agent", "dative", "prt", "advmod"):
            continue
        objs = [p for p in c.children if p.dep_ == "pobj"]
        if c.dep_ in ("prep", "agent", "dative"):
            out += [(c.lower_, p) for p in objs]
        if not objs:
            out += [(g.lower_, p) for g in c.children if g.dep_ == "prep"
                    for p in g.children if p.dep_ == "pobj"]
    return out
