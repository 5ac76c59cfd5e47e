"""Stage 2, nlp: the spaCy pipeline and the knowledge it is given before parsing.

In: a model name. Out: a loaded `Language` with newskg's components (line breaks, entity ruler from
the gazetteer, the merge of rule and NER spans), the gazetteer, and the entity lexicon (titles).
Must not import: extract or any later stage.
"""
