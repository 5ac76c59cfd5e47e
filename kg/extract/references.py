"""Mentions that name an actor again without its name: 'he said', 'the general', 'the Force',
and a short name such as 'Quds' for the Quds Force named earlier.

Each becomes a Mention that carries its antecedent's name, key and kind, so resolution joins it to
the antecedent's node (kg.resolve.entities keeps pronouns and nominals out of the node's names).
The rules choose an antecedent only when the article leaves one candidate:
- a pronoun ('he', 'her', 'his'): the one person named in its sentence before it or in the two
  sentences before, once people the text gives the other gender are set aside ('Mr.', 'she',
  'spokeswoman'); never inside a quotation, where 'he' may be anyone;
- a definite nominal ('the general', 'the secretary', 'the CEO'): the one person the article
  gave that post before it (by a title or an apposition);
- 'the Force', 'the Front', 'the Command' (capitalised): the one organization named before whose
  name ends with that word;
- a name that begins an organization's name named before, the rest being a head word ('Quds'
  after 'Quds Force'): that organization, unless it is a country or a province.
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Doc, Token

from kg.extract.doctext import sentence_of, sentences, text_of
from kg.extract.names import NAME_SUFFIXES
from kg.extract.relation_rules import relation_lexicon
from kg.nlp.entity_lexicon import entity_lexicon
from kg.nlp.reference_lexicon import reference_lexicon
from kg.ontology import coarse_of
from kg.records import EventRecord, Mention, RelationRecord, Span

LOOKBACK_SENTENCES = 2
MALE = {"he", "him", "his", "himself", "mr.", "mr", "sir", "king", "prince", "spokesman", "chairman",
        "congressman", "businessman", "father", "son", "brother", "husband", "emir", "sheikh"}
FEMALE = {"she", "her", "hers", "herself", "mrs.", "mrs", "ms.", "ms", "miss", "madam", "queen", "princess",
          "spokeswoman", "chairwoman", "congresswoman", "businesswoman", "mother", "daughter", "sister", "wife"}
SAME_POST = {"ceo": {"ceo", "chief executive", "chief executive officer", "executive"},
             "executive": {"ceo", "chief executive", "chief executive officer", "executive"}}
NOT_SHORTENED = {"Country", "AdministrativeRegion"}
QUOTES = "\"“”"


def find_references(doc: Doc, doc_id: str, mentions: list[Mention], relations: list[RelationRecord],
                    skipped: tuple[Span, ...] = ()) -> list[Mention]:
    """The article's mentions with short organization names read as their full name, plus the
    pronoun and nominal mentions whose antecedent the text leaves no doubt about."""
    mentions = _short_org_names(doc, mentions)
    people = _People(mentions, relations)
    taken = sorted((m.start, m.end) for m in mentions)
    found: list[Mention] = []
    words = reference_lexicon()
    for sent in sentences(doc):
        for tok in sent:
            if any(s <= tok.idx < e for s, e in skipped) or _inside(taken, tok.idx):
                continue
            ref = None
            if tok.lower_ in words.person_pronouns and tok.pos_ == "PRON":
                ref = _pronoun(doc, tok, people)
            elif tok.lower_ in words.first_person and tok.pos_ == "PRON":
                ref = _first_person(doc, tok, people)
            elif tok.lower_ in _nominal_heads() and tok.pos_ in ("NOUN", "PROPN") and tok.tag_ not in ("NNS", "NNPS"):
                ref = _nominal(doc, tok, people)
            if tok.text[:1].isupper() and tok.lower_ in words.org_short_heads and ref is None:
                ref = _org_short_form(doc, tok, mentions)
            if ref is not None:
                found.append(ref)
    return sorted(mentions + found, key=lambda m: (m.start, m.end))


def _inside(spans: list[Span], i: int) -> bool:
    return any(s <= i < e for s, e in spans)


class _People:
    """The people an article names, one entry per person however written, with their posts and gender."""

    def __init__(self, mentions: list[Mention], relations: list[RelationRecord]) -> None:
        persons = self.persons = [m for m in mentions if coarse_of(m.kind) == "Person"]
        self.identity: dict[Span, str] = {}
        self.by_identity: dict[str, list[Mention]] = {}
        for m in persons:
            who = _identity(m.name, persons)
            self.identity[m.span] = who
            self.by_identity.setdefault(who, []).append(m)
        self.posts: dict[str, set[str]] = {}
        for r in relations:
            who = self.identity.get(r.subject)
            if r.predicate == "holds_role" and who and r.role:
                self.posts.setdefault(who, set()).add(r.role.lower())
        self.gender: dict[str, str] = {}

    def at(self, tok: Token) -> str | None:
        """The person a subject token names (or a pronoun resolved before): itself, or the name in
        apposition to it ('Ryanair's CEO, Michael O'Leary,')."""
        for t in (tok, *(c for c in tok.children if c.dep_ == "appos")):
            for who, ms in self.by_identity.items():
                if any(m.start <= t.idx < m.end for m in ms):
                    return who
        return None

    def refer(self, who: str, ref: Mention) -> Mention:
        """A pronoun or nominal resolved to `who` is a mention of them for later pronouns ('He ... He said')."""
        self.by_identity[who].append(ref)
        return ref

    def subjects(self, doc: Doc, floor: int, start: int) -> list[str]:
        """The people named as the subject of a clause between `floor` and `start`."""
        out = []
        for m in self.persons:
            if floor <= m.start < start:
                span = doc.char_span(m.start, m.end, alignment_mode="expand")
                if span is not None and span.root.dep_ in ("nsubj", "nsubjpass"):
                    out.append(self.identity[m.span])
        return list(dict.fromkeys(out))

    def before(self, start: int, floor: int) -> list[str]:
        """The people named between `floor` and `start`, most recent last."""
        seen = sorted((m.start, who) for who, ms in self.by_identity.items() for m in ms if floor <= m.start < start)
        return list(dict.fromkeys(who for _, who in seen))

    def antecedent(self, who: str, start: int) -> Mention:
        """The fullest mention of the person before `start` (its name is what the reference carries)."""
        ms = [m for m in self.by_identity[who] if m.start < start and m.rule not in ("pronoun", "nominal")] or [
            m for m in self.by_identity[who] if m.rule not in ("pronoun", "nominal")]
        return max(ms, key=lambda m: (len(m.name.split()), m.start))

    def note_gender(self, doc: Doc, who: str) -> None:
        for m in self.by_identity[who]:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None and span.start > 0:
                cue = doc[span.start - 1].lower_
                if cue in MALE or cue in FEMALE:
                    self.gender.setdefault(who, "m" if cue in MALE else "f")


def _surname(name: str) -> str:
    words = [w for w in name.lower().split() if w not in NAME_SUFFIXES]
    last = words[-1] if words else name.lower()
    return re.sub(r"^(?:al|el|ad|ash|as|an|ar|at|az)-", "", last)


def _identity(name: str, persons: list[Mention]) -> str:
    """The person a name stands for in its article: the fullest name of the same surname and first
    name ('Austin', 'Lloyd Austin' -> 'Lloyd J. Austin III'); itself when two people share the surname."""
    surname = _surname(name)
    fuller = {m.name for m in persons if " " in m.name and _surname(m.name) == surname}
    if not fuller and " " not in name:  # 'Steve' for the only Steve named in full
        given = {m.name for m in persons if " " in m.name and m.name.split()[0].lower() == name.lower()}
        return next(iter(given)) if len(given) == 1 else name
    first = name.split()[0].lower().rstrip(".") if " " in name else None
    if first is not None:
        fuller = {f for f in fuller if f.split()[0].lower().rstrip(".")[:1] == first[:1]}
    firsts = {f.split()[0].lower().rstrip(".") for f in fuller}
    if not fuller or (len(firsts) > 1 and not all(len(a) == 1 or a == max(firsts, key=len) for a in firsts)):
        return name
    return max(fuller, key=lambda f: (len(f.split()), f))


def _pronoun(doc: Doc, tok: Token, people: _People) -> Mention | None:
    """'he said': the one person named just before, of a gender the text does not contradict."""
    sent = sentence_of(doc, tok.i)
    if _quoted(doc, tok):
        return None  # inside a quotation: 'he' may be anyone
    floor = sent
    for _ in range(LOOKBACK_SENTENCES):
        if floor.start > 0:
            floor = sentence_of(doc, floor.start - 1)
    candidates = people.before(tok.idx, floor.start_char)
    for who in candidates:
        people.note_gender(doc, who)
    gender = "m" if tok.lower_ in MALE else "f"
    fitting = [w for w in candidates if people.gender.get(w, gender) == gender]
    bound, blocked = _binder(tok, people)
    if blocked:
        return None
    if tok.dep_ in ("dobj", "pobj", "dative") and tok.lower_ in ("him", "her"):
        fitting = [w for w in fitting if w != bound]  # 'X described him': not X
    elif bound is not None and bound in fitting:
        fitting = [bound]
    if len(fitting) > 1 and tok.dep_ == "nsubj":  # the one named earlier in its sentence, else a subject
        fitting = _preferred(fitting, people.before(tok.idx, sent.start_char)) or _preferred(
            fitting, people.subjects(doc, floor.start_char, tok.idx)) or fitting
    elif len(fitting) > 1 and tok.dep_ == "poss":  # 'X unveiled it, taking it from his pocket': the subject
        fitting = _preferred(fitting, people.subjects(doc, sent.start_char, tok.idx)) or fitting
    if len(fitting) != 1:
        return None
    people.gender.setdefault(fitting[0], gender)
    return people.refer(fitting[0], _reference(doc, tok.idx, tok.idx + len(tok.text),
                                               people.antecedent(fitting[0], tok.idx), "pronoun"))


def _quoted(doc: Doc, tok: Token) -> bool:
    sent = sentence_of(doc, tok.i)
    before = text_of(doc)[sent.start_char:tok.idx]
    return sum(before.count(q) for q in QUOTES) % 2 == 1


def _first_person(doc: Doc, tok: Token, people: _People) -> Mention | None:
    """'"I will stay," X said': inside a quotation, 'I' is the one person the sentence says spoke it."""
    if not _quoted(doc, tok):
        return None
    sent = sentence_of(doc, tok.i)
    speakers = set()
    for t in sent:
        if t.lemma_.lower() in reference_lexicon().speech_verbs and t.pos_ in ("VERB", "AUX") and not _quoted(doc, t):
            v = t  # 'X resigned, stating "I ..."': the speech verb's subject is its governing verb's
            while not any(c.dep_ == "nsubj" for c in v.children) and v.dep_ in ("advcl", "xcomp", "conj") \
                    and v.head is not v:
                v = v.head
            for c in v.children:
                if c.dep_ == "nsubj" and (who := people.at(c)) is not None:
                    speakers.add(who)
    if len(speakers) != 1:
        return None
    who = next(iter(speakers))
    return people.refer(who, _reference(doc, tok.idx, tok.idx + len(tok.text), people.antecedent(who, tok.idx),
                                        "pronoun"))


def _preferred(candidates: list[str], favoured: list[str]) -> list[str]:
    """The candidates among the favoured ones, if exactly one is."""
    both = [c for c in candidates if c in favoured]
    return both if len(both) == 1 else []


def _binder(tok: Token, people: _People) -> tuple[str | None, bool]:
    """Who a pronoun's clause binds it to, and whether the clause forbids guessing.

    'X sought his release': the subject of its own clause (for a possessive); 'X said he would':
    the subject of the reporting verb its clause depends on (for a subject pronoun). A possessive
    whose own subject is someone or some body the article does not name as a person ('the bloc
    sought his release', an unrecognised name) is left alone: that subject is the likelier owner.
    """
    verb = tok.head
    while verb.pos_ not in ("VERB", "AUX") and verb.dep_ != "ROOT" and verb.head is not verb:
        verb = verb.head
    own = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i and c is not tok), None)
    if own is None and verb.dep_ == "conj" and tok.dep_ != "nsubj":  # 'X said it and thanked him'
        own = next((c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i), None)
    if own is not None and tok.dep_ != "nsubj":
        who = people.at(own)
        animate = own.pos_ == "PROPN" or bool(own.ent_type_) or own.lemma_.lower() in reference_lexicon().source_heads
        return who, who is None and tok.dep_ == "poss" and animate
    if tok.dep_ == "nsubj" and verb.dep_ in ("ccomp", "xcomp", "conj", "advcl") and verb.head is not verb:
        subj = next((c for c in verb.head.children if c.dep_ == "nsubj" and c.i < tok.i), None)
        if subj is not None:
            return people.at(subj), False
    return None, False


def _nominal(doc: Doc, tok: Token, people: _People) -> Mention | None:
    """'the general said': the one person the article gave that post before."""
    det = [c for c in tok.lefts if c.dep_ == "det"]
    if not det or det[0].lower_ != "the" or any(c.dep_ in ("appos", "prep", "relcl", "acl") for c in tok.rights):
        return None
    if any(people.at(t) is not None for t in tok.subtree if t.i > tok.i):
        return None  # "the company president and CEO Louis Gallois": a title before a name
    if any(c.dep_ in ("poss", "compound") and c.ent_type_ for c in tok.lefts):
        return None  # "Russia's president", "the Apple CEO": a post of someone else, maybe
    posts = SAME_POST.get(tok.lower_, {tok.lower_})
    holders = [who for who in people.before(tok.idx, 0)
               if any(p in posts or tok.lower_ in p.split() for p in people.posts.get(who, ()))]
    if len(holders) != 1:
        return None
    start = det[0].idx
    return people.refer(holders[0], _reference(doc, start, tok.idx + len(tok.text),
                                               people.antecedent(holders[0], tok.idx), "nominal"))


def _org_short_form(doc: Doc, tok: Token, mentions: list[Mention]) -> Mention | None:
    """'the Force' after 'Quds Force': the one organization named before whose name ends so."""
    if tok.i == 0 or doc[tok.i - 1].lower_ != "the" or (tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ == "PROPN"):
        return None
    head = tok.lower_
    named = {(m.name, m.key): m for m in mentions if m.end <= tok.idx and coarse_of(m.kind) == "Organization"
             and m.name.split()[-1].lower() == head and " " in m.name}
    if len(named) != 1:
        return None
    start = doc[tok.i - 1].idx
    return _reference(doc, start, tok.idx + len(tok.text), next(iter(named.values())), "nominal")


def _reference(doc: Doc, start: int, end: int, antecedent: Mention, rule: str) -> Mention:
    sent = sentence_of(doc, doc.char_span(start, end, alignment_mode="expand").start)
    return Mention(antecedent.doc_id, start, end, text_of(doc)[start:end], antecedent.kind,
                   (sent.start_char, sent.end_char), antecedent.key, rule, antecedent.name)


def _short_org_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """'Quds' after 'Quds Force': a name that begins one organization's name named before it, the
    rest being words that only say what kind of body it is, is that organization. A lone 'Force'
    after 'the' that NER took for a name is a nominal of the organization ('the Force')."""
    heads = reference_lexicon().org_short_heads | reference_lexicon().legal_forms | {
        w for t in reference_lexicon().trade_words for w in t}
    orgs = [m for m in mentions if coarse_of(m.kind) == "Organization" and " " in m.name]
    text = text_of(doc)
    out = []
    for m in mentions:
        if m.key is None and m.name.lower() in reference_lexicon().org_short_heads and \
                text[max(0, m.start - 4):m.start].lower() == "the ":
            named = {(o.name, o.key): o for o in orgs if o.end <= m.start and o.name.split()[-1].lower() == m.name.lower()}
            if len(named) == 1:
                o = next(iter(named.values()))
                out.append(replace(m, start=m.start - 4, text=text[m.start - 4:m.end], kind=o.kind, key=o.key,
                                   name=o.name, rule="nominal"))
                continue
        written = " ".join(m.text.split())  # as written: the gazetteer may have renamed it ('Quds' -> Jerusalem)
        if m.kind in NOT_SHORTENED or coarse_of(m.kind) == "Organization" and m.key or " " in written \
                or not written[:1].isupper() or m.rule not in ("ner", "surname", "gazetteer"):
            out.append(m)
            continue
        fits = {(o.name, o.key): o for o in orgs if o.start < m.start and _begins(written, o.name, heads)}
        if len(fits) == 1:
            o = next(iter(fits.values()))
            m = replace(m, kind=o.kind, key=o.key, name=o.name, rule="short-form")
        out.append(m)
    return out


def _begins(short: str, name: str, heads: frozenset[str]) -> bool:
    words = re.sub(r"['’]s\b", "", name).split()
    return words[0].lower() == short.lower() and len(words) > 1 and all(w.lower() in heads for w in words[1:])


def speakers_only(doc: Doc, events: list[EventRecord], mentions: list[Mention]) -> list[EventRecord]:
    """Speakers that name no entity stay unnamed sources only if they can speak: 'a senior defense
    official said' keeps its speaker, 'the agreement says' and 'a release said' lose theirs."""
    heads = reference_lexicon().source_heads
    spans = [(m.start, m.end) for m in mentions]
    out = []
    for ev in events:
        kept = []
        for a in ev.arguments:
            if a.role == "speaker" and not any(s < a.end and a.start < e for s, e in spans):
                span = doc.char_span(a.start, a.end, alignment_mode="expand")
                if span is None or span.root.lower_ not in heads and span.root.lemma_.lower() not in heads:
                    continue
            kept.append(a)
        out.append(ev if len(kept) == len(ev.arguments) else replace(ev, arguments=tuple(kept)))
    return out


_NOMINAL_HEADS: frozenset[str] | None = None


def _nominal_heads() -> frozenset[str]:
    """Post nouns a definite nominal may refer back by: the lexicon's, and single-word titles and role nouns."""
    global _NOMINAL_HEADS
    if _NOMINAL_HEADS is None:
        titles = {t[0].lower() for t in entity_lexicon().titles if len(t) == 1 and not t[0].endswith(".")}
        roles = {r for r in relation_lexicon().role_nouns if " " not in r}
        _NOMINAL_HEADS = frozenset(reference_lexicon().nominal_heads | titles | roles) - {
            "member", "official", "head", "mr", "mrs", "ms", "dr", "militant", "fighter", "expert", "analyst",
            "researcher", "deputy", "representative", "officer", "correspondent", "aide", "speaker"}
    return _NOMINAL_HEADS
