"""Records on disk: what goes in comes back out, at the offsets `write` reports."""

from __future__ import annotations

from kg.rdf import iris
from kg.records import Alias, ArticleRecords, Document, Mention, Quantity, QuantityFacts
from kg.store.recordio import RecordFile


def _article(doc_id: str) -> ArticleRecords:
    doc = Document(doc_id, "Troops left Erbil.", "x.txt", title=None, published="2024-01-05", skipped=((0, 1),))
    mention = Mention(doc_id, 12, 17, "Erbil", "City", (0, 18), key="city/erbil", rule="gazetteer", name="Erbil")
    return ArticleRecords(doc, [mention], [Alias(doc_id, (12, 17), (12, 17), "test")],
                          quantities=[QuantityFacts(Quantity(0, 6, "Troops", 300.0, "troops", min_value=300.0), (0, 18), place=(12, 17))])


def test_records_round_trip_and_are_read_back_by_offset(tmp_path):
    records = RecordFile(tmp_path)
    articles = [_article("b"), _article("a"), _article("ünï code")]
    offsets = records.write(iter(articles))
    assert list(records.read(ArticleRecords)) == articles
    assert list(records.read_at(ArticleRecords, [offsets[i] for i in sorted(offsets)])) == sorted(
        articles, key=lambda a: a.doc.id)
    assert records.index() == {a.doc.id: a.doc.content_hash for a in articles}


def test_article_scoped_iris_are_told_from_shared_ones():
    assert iris.is_article_scoped(str(iris.span("doc 1", 3, 9)))
    assert iris.is_article_scoped(str(iris.event("doc-1", 3, 9)))
    assert iris.is_article_scoped(str(iris.quantity("doc-1", 3, 9)) + "/from")
    # an entity whose key looks like an event ('event/operation-x') is shared by every article
    assert not iris.is_article_scoped(str(iris.entity("event/operation-inherent-resolve")))
    assert not iris.is_article_scoped(str(iris.role("Prime Minister")))
    assert not iris.is_article_scoped(str(iris.membership("person/x", "President", "country/us")))
