"""Event arguments: who did what to whom, where, read off the dependency parse.

Fillers are character spans; an entity span is preferred to its noun phrase, because the lead
links arguments to entities by span. A generic phrase ("U.S. personnel", "Iraqi forces",
"rebel forces led by X") stands for the actor its modifier names, so it yields that name.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from kg.extract.clauses import conjuncts, preps, reporter_of, subject
from kg.extract.doctext import entities, noun_chunk_at, sentences, text_of
from kg.extract.status import governing_frames
from kg.extract.triggers import Lexicon, TriggerMatch
from kg.records import Argument

ACTOR_ROLES = ("agent", "recipient", "speaker")
PARTICIPANT_ROLES = ("agent", "patient", "recipient", "speaker")
# Entity labels that never fill a participant or a place.
NON_REFERRING = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}
PRONOUN_LOOKBACK_SENTENCES = 2
# After a weapon fired or launched, these name its target: "launched drones at Kyiv".
TARGET_PREPS = ("at", "against", "into", "toward", "towards")


class ArgumentFinder:
    """Finds the arguments of trigger matches in one Doc (entity and chunk lookups built once)."""

    def __init__(self, doc: Doc, lex: Lexicon):
        self.doc, self.lex = doc, lex
        self.reporting = lex.words("reporting_verbs")
        self.trigger_heads: set[int] = set()  # token indices of the Doc's triggers, set by find_events
        self.entity_of: dict[int, Span] = {}
        self.entity_spans: set[tuple[int, int]] = set()  # character spans of the referring entities
        for ent in entities(doc):
            if ent.label_ not in NON_REFERRING:
                self.entity_spans.add((ent.start_char, ent.end_char))
                for i in range(ent.start, ent.end):
                    self.entity_of[i] = ent

    # --- fillers ------------------------------------------------------------------------------

    def _antecedent(self, pron: Token) -> Span | None:
        """The last person named before a 'he'/'she', within a couple of sentences."""
        sent_starts = [s.start for s in sentences(self.doc) if s.start <= pron.i]
        floor = sent_starts[max(0, len(sent_starts) - 1 - PRONOUN_LOOKBACK_SENTENCES)] if sent_starts else 0
        people = [e for e in entities(self.doc) if e.label_ in self.lex.words("person_labels")
                  and floor <= e.start and e.end <= pron.i]
        return people[-1] if people else None

    def _actor_modifiers(self, tok: Token, named_by_prep_only: bool = False) -> list[Span]:
        """'U.S. personnel' -> U.S.; 'rebel forces led by X' -> X; 'sources at the Pentagon' -> Pentagon."""
        for acl in (c for c in tok.children if c.dep_ == "acl" and c.lemma_.lower() in self.lex.words("leader_verbs")):
            leaders = [p for a in acl.children if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"]
            spans = [s for p in leaders for q in conjuncts(p) if (s := self.entity_of.get(q.i))]
            if spans:
                return spans
        labels = self.lex.words("actor_labels")
        mods = [] if named_by_prep_only else [
            c for c in tok.children if c.dep_ in ("compound", "amod", "poss", "nmod") and c.i < tok.i]
        mods += [p for c in tok.children if c.dep_ == "prep" and c.lower_ in ("at", "of", "from")
                 for p0 in c.children if p0.dep_ == "pobj" for p in conjuncts(p0)]
        mods += [a for m in list(mods) if m.i not in self.entity_of for a in m.children if a.dep_ == "appos"]
        spans: list[Span] = []
        for m in mods:
            ent = self.entity_of.get(m.i)
            if ent is not None and ent.label_ in labels and ent not in spans and tok.i not in range(ent.start, ent.end):
                spans.append(ent)
        return spans

    def fillers(self, tok: Token, role: str) -> list[tuple[int, int]]:
        """Character spans that fill `role` with the phrase headed by `tok` (and its conjuncts)."""
        if tok.lower_ in self.lex.words("relative_pronouns") and tok.head.dep_ in ("relcl", "acl"):
            tok = tok.head.head
        out: list[tuple[int, int]] = []
        for t in conjuncts(tok):
            for span in self._filler_spans(t, role):
                if span not in out:
                    out.append(span)
        return out

    def _filler_spans(self, t: Token, role: str) -> list[tuple[int, int]]:
        ent = self.entity_of.get(t.i)
        if ent is not None:
            return [(ent.start_char, ent.end_char)]
        if t.ent_type_ in NON_REFERRING:
            return []  # "on Monday" is a time, not a target
        if t.pos_ == "PRON":
            if role in ACTOR_ROLES and t.lower_ in self.lex.words("person_pronouns"):
                ante = self._antecedent(t)
                if ante is not None:
                    return [(ante.start_char, ante.end_char)]
            reporter = reporter_of(t, self.reporting)
            if reporter is not None:  # "the army said it had struck": it = the army
                return self._filler_spans(reporter, role)
            return []  # an unresolved pronoun names nothing a graph can use
        named = [self.entity_of[a.i] for a in t.children if a.dep_ == "appos" and a.i in self.entity_of
                 and self.entity_of[a.i].label_ in self.lex.words("actor_labels")]
        if role != "instrument" and named:  # "his German counterpart, Boris Pistorius", "the firm AIG"
            return [(e.start_char, e.end_char) for e in named]
        if role in ACTOR_ROLES and (reporter := reporter_of(t, self.reporting)) is not None:
            return self._filler_spans(reporter, role)
        if role in ACTOR_ROLES:
            # "a U.S. official" speaks for himself; "sources at the Pentagon" for the Pentagon
            mods = self._actor_modifiers(t, named_by_prep_only=role == "speaker")
            if mods:
                return [(m.start_char, m.end_char) for m in mods]
        if t.lemma_.lower() in self.lex.words("place_nouns"):
            named = self.place_spans(t)  # "the city of Mosul" is Mosul
            if named:
                return named
        chunk = noun_chunk_at(self.doc, t.i)
        if chunk is not None and chunk.root == t:
            while chunk.start < chunk.end - 1 and chunk[0].is_punct:  # "- Israel" after a dateline
                chunk = chunk[1:]
            return [(chunk.start_char, chunk.end_char)]
        left = min([t.i] + [c.i for c in t.children if c.dep_ in ("compound", "amod", "det", "poss", "nummod")
                            and c.i < t.i])
        return [(self.doc[left].idx, t.idx + len(t.text))]

    def place_spans(self, tok: Token) -> list[tuple[int, int]]:
        """A place named by the phrase headed by `tok`: its own entity, or the entity inside it
        nearest the head ('Iraq's Kurdistan region' -> Kurdistan)."""
        labels = self.lex.words("place_labels")
        out = []
        for t in conjuncts(tok):
            ent = self.entity_of.get(t.i)
            if (ent is None or ent.label_ not in labels) and t.lemma_.lower() in self.lex.words("place_nouns"):
                inner = [self.entity_of[c.i] for c in sorted(t.children, key=lambda c: -c.i)
                         if c.dep_ in ("compound", "poss", "nmod", "amod") and c.i in self.entity_of]
                inner += [self.entity_of[p.i] for prep, p in preps(t) if prep == "of" and p.i in self.entity_of]
                ent = next((e for e in inner if e.label_ in labels), None) or next(
                    (e for e in inner if e.label_ in ("NORP",) and e.end == t.i), None)
            if ent is not None and ent.label_ in labels | {"NORP"} and (ent.start_char, ent.end_char) not in out:
                out.append((ent.start_char, ent.end_char))
        return out

    # --- syntax helpers -----------------------------------------------------------------------

    # --- roles --------------------------------------------------------------------------------

    def arguments(self, m: TriggerMatch, absorbed: list[TriggerMatch] = ()) -> list[Argument]:
        found: list[tuple[str, Token]] = []  # (role, head token), in order of preference
        if m.is_verbal:
            self._verbal(m, found)
        else:
            self._nominal(m, found)
        for a in absorbed:  # "the drone strike that killed X in Baghdad": X is the strike's patient
            for c in a.token.children:
                if c.dep_ == "dobj":
                    found.append(("patient", c))
        spans = self._resolve(found)
        self._derive_agent(found, spans)
        places = self._places(m, found, absorbed)
        args = [Argument(r, s, e, text_of(self.doc)[s:e]) for r, (s, e) in spans]
        args += [Argument("place", s, e, text_of(self.doc)[s:e]) for s, e in places
                 if not any(a.start == s and a.end == e for a in args)]
        return args

    def _resolve(self, found: list[tuple[str, Token]]) -> list[tuple[str, tuple[int, int]]]:
        spans: list[tuple[str, tuple[int, int]]] = []
        for role, tok in found:
            if role == "place":
                continue
            for span in self.fillers(self._see_through(tok), role):
                if all(span != s for _, s in spans):
                    spans.append((role, span))
        return spans

    def _see_through(self, tok: Token) -> Token:
        """'control of Ain al-Asad airbase' -> the airbase; 'most of them' -> them."""
        if tok.lemma_.lower() in self.lex.words("transparent_nouns") | self.lex.words("partitive_heads"):
            for prep, p in preps(tok):
                if prep == "of":
                    return p
        return tok

    def _add_preps(self, m: TriggerMatch, tok: Token, found: list, skip_place: bool = False) -> None:
        rolemap = self.lex.preps.get(m.type, {})
        for prep, p in preps(tok):
            if any(p is t for _, t in found):
                continue
            role = rolemap.get(prep)
            if role == "place_or_patient":  # "a rise in sales" / "shares fell in Tokyo"
                ent = self.entity_of.get(p.i)
                role = "place" if ent is not None and ent.label_ in self.lex.words("place_labels") else "patient"
            if role == "instrument_or_agent":  # "attacked with drones" / "clashed with militants"
                ent = self.entity_of.get(p.i)
                role = "agent" if ent is not None and ent.label_ in self.lex.words("actor_labels") else "instrument"
            if role == "none":
                continue
            if role == "place" or (role is None and prep in self.lex.words("place_preps")):
                if not skip_place:
                    found.append(("place", p))
            elif role:
                found.append((role, p))
        if m.entry.subject_prep:
            for prep, p in preps(m.token):
                if prep == m.entry.subject_prep:
                    found.append(("speaker" if m.type == "Statement" else "agent", p))

    def _verbal(self, m: TriggerMatch, found: list) -> None:
        v = m.token
        subj_role = self.lex.subject_roles.get(m.type, "speaker" if m.type == "Statement" else "agent")
        if subj_role == "patient" and any(c.dep_ == "dobj" and not self._measure(c) for c in v.children):
            subj_role = "agent"  # "prices fell 2%" / "the company cut prices": a causer when there is an object
        subj, passive = subject(v, self.reporting)
        by_agent = [p for prep, p in preps(v) if prep == "by" and not self._measure(p)]  # not "fell by 3%"
        if subj is not None:
            found.append(("patient" if passive else subj_role, subj))
        for p in by_agent:  # "devastated by the storm": the causer acts, whatever the subject is
            found.append(("agent" if subj_role == "patient" else subj_role, p))
        obj_role = self.lex.object_roles.get(m.type, "patient")
        if obj_role != "none":
            for c in v.children:
                if c.dep_ != "dobj" or self._measure(c):  # "lost 2%": a quantity, not a participant
                    continue
                if m.entry.object_is_instrument:  # "launched 300 drones at Kyiv": the target is 'at'
                    found += [("patient", p) for t in [v] + conjuncts(c) for prep, p in preps(t)
                              if prep in TARGET_PREPS and not any(p is q for _, q in found)]
                    found.append(("instrument", c))
                    continue
                # "signed a contract with the ministry": the object's partner is the event's
                rolemap = self.lex.preps.get(m.type, {})
                found += [(rolemap[prep], p) for prep, p in preps(c)
                          if rolemap.get(prep) in ("agent", "recipient") and not any(p is q for _, q in found)]
                if c.lemma_.lower() in self.lex.words("transparent_nouns") and not any(
                        prep == "of" for prep, _ in preps(c)):
                    # "transfer control of X": the parser may hang 'of X' on the verb
                    c = next((p for prep, p in preps(v) if prep == "of"), c)
                ent = self.entity_of.get(c.i)
                if obj_role in ("agent", "place_or_patient") and ent is not None \
                        and ent.label_ in self.lex.words("place_labels"):
                    found.append(("place", c))  # "will visit Beijing", "left Mali": a place
                else:
                    found.append(("patient" if obj_role == "place_or_patient" else obj_role, c))
        self._add_preps(m, v, found)
        if m.entry.inverse:  # "Y replaced X" / "X was replaced by Y": X hands over to Y
            found[:] = [({"agent": "recipient", "patient": "agent"}.get(r, r), t) for r, t in found]

    def _measure(self, tok: Token) -> bool:
        """'lost 2%', 'fell 340 points', 'hit a new low': the object measures the change."""
        return tok.like_num or tok.ent_type_ in NON_REFERRING or tok.lemma_.lower() in self.lex.words("@measures")

    def _nominal(self, m: TriggerMatch, found: list) -> None:
        n = m.token
        actor_labels = self.lex.words("actor_labels")
        for c in n.children:  # "Russia's invasion", "the US troop reduction"
            ent = self.entity_of.get(c.i)
            if c.dep_ == "poss" or (c.dep_ in ("compound", "amod", "nmod") and c.i < n.i
                                    and ent is not None and ent.label_ in actor_labels):
                found.append(("agent", c))
        for prep, p in preps(n):
            if prep == "of":
                found.append((m.entry.of_role, p))
                # "the bailout of AIG by the Fed": the parser hangs the 'by' on the object
                found += [("agent", a) for pr, a in preps(p) if pr == "by" and not self._measure(a)]
            elif prep == "by":
                found.append(("agent", p))
            elif prep == "in" and p.lemma_.lower() in m.entry.objects:
                found.append(("patient", p))  # "a reduction in the US military contingent"
        self._add_preps(m, n, found)
        gov = n.head
        if n.dep_ == "compound" and gov.lemma_.lower() in self.lex.words("event_heads"):
            n, gov = gov, gov.head  # "filed for bankruptcy protection": the phrase stands for the event
        if n.dep_ == "pobj" and gov.lower_ in ("with", "for") and gov.head.lemma_.lower() in self.lex.words("light_verbs"):
            n, gov = gov, gov.head  # "Washington responded with strikes", "GM filed for bankruptcy"
            found += [(self.lex.subject_roles.get(m.type, "agent"), s)
                      for s in [subject(gov, self.reporting)[0]] if s is not None]
        elif n.dep_ in ("dobj", "nsubjpass") and gov.lemma_.lower() in self.lex.words("light_verbs"):
            subj, _ = subject(gov, self.reporting)  # "Israel launched airstrikes on Gaza"
            if subj is not None and n.dep_ == "dobj":
                found.append((self.lex.subject_roles.get(m.type, "agent"), subj))
            found += [("agent", p) for prep, p in preps(gov) if prep == "by"]
            self._add_preps(m, gov, found, skip_place=True)
        elif not any(r == "agent" for r, _ in found):
            # "the overthrow of X ... by rebel forces": a 'by' the parser hung on a governing verb
            for f in governing_frames(n)[1:]:
                g = f.token
                if g.pos_ in ("VERB", "AUX") and not any(c.dep_ == "auxpass" for c in g.children):
                    by = [p for prep, p in preps(g) if prep == "by" and p.i > n.i]
                    found += [("agent", p) for p in by]
                    if by:
                        break

    def _derive_agent(self, found: list, spans: list) -> None:
        """'The US troop presence will be reduced': the force's country is the agent."""
        if any(r in ("agent", "speaker") for r, _ in spans) or any(r == "patient" for r, t in found
                                                                   if t.dep_ == "pobj" and t.head.lower_ in ("on", "against")):
            return  # "an attack on U.S. forces": the forces' country is the target, not the attacker
        forces = self.lex.words("@forces")
        for role, tok in found:
            tok = self._see_through(tok)
            if role != "patient" or tok.i in self.entity_of or tok.lemma_.lower() not in forces:
                continue
            for ent in self._actor_modifiers(tok):
                if ent.label_ in self.lex.words("country_labels"):
                    spans.append(("agent", (ent.start_char, ent.end_char)))
            break

    def _places(self, m: TriggerMatch, found: list, absorbed) -> list[tuple[int, int]]:
        """Places named in the trigger's phrase first, then in its participants, then in the
        words that govern it ('a similar drawdown is planned in Syria')."""
        direct = [p for r, p in found if r == "place"]
        spans = [s for p in direct for s in self.place_spans(p)]
        if spans:
            return spans
        heads = [t for r, t in found if r != "place"] + [a.token for a in absorbed]
        place_preps = self.lex.words("place_preps") | {
            prep for prep, role in self.lex.preps.get(m.type, {}).items() if role == "place"}
        for tok in [c for h in heads for c in conjuncts(self._see_through(h))]:
            # "a delegation led by X in Doha": the place hangs on the participant's own clause
            # ... unless that clause is an event of its own: "Trump, who met X in Riyadh, supported Y"
            clauses = [tok] + [c for c in tok.children if c.dep_ in ("acl", "relcl") and c.i not in self.trigger_heads]
            spans += [s for t in clauses for prep, p in preps(t) if prep in place_preps
                      for s in self.place_spans(p)]
        if spans:
            return spans
        frames = governing_frames(m.token)
        where = frames[-1].token
        if where.dep_ == "relcl" and any(c.dep_ == "advmod" and c.lower_ == "where" for c in where.children):
            spans = self.place_spans(where.head)  # "In Burkina Faso, where X seized power"
            if spans:
                return spans
        if frames[-1].token.dep_ == "advcl":  # "Once the drawdown is completed, troops will remain in Iraq"
            frames += governing_frames(frames[-1].token.head)
        for f in frames[1:]:
            spans = [s for prep, p in preps(f.token) if prep in place_preps and p.i != m.token.i
                     for s in self.place_spans(p)]
            if spans:
                return spans
        return []
