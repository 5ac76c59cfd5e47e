"""Ingest and text cleaning: every input format, every bad input, chrome and skipped lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.ingest.readers import read_inputs
from kg.ingest.textclean import clean_text, is_non_sentence
from kg.records import Document, InputError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"

HTML = """<!DOCTYPE html><html><head><title>Pentagon to cut Iraq troops | Example News</title>
<meta property="og:title" content="Pentagon to cut Iraq troops">
<meta property="og:url" content="https://news.example.com/world/iraq-troops">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2025-09-30T10:00:00Z">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/login">Sign in</a></nav>
<article><h1>Pentagon to cut Iraq troops</h1>
<p>WASHINGTON: The Pentagon said on Tuesday it would reduce the number of troops in Iraq
over the next year, officials said.</p>
<p>The decision follows months of talks between Baghdad and Washington about the future of the
international coalition that was formed to fight the Islamic State group.</p>
<h2>A New Mission for the Coalition</h2>
<p>The remaining forces will advise and assist Iraqi units, according to a senior defense official.</p>
</article><footer>Privacy policy. Cookie settings.</footer></body></html>"""


def read_all(*paths, **kwargs) -> list[Document | InputError]:
    return list(read_inputs(paths, **kwargs))


def docs(items) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def errors(items) -> list[InputError]:
    return [i for i in items if isinstance(i, InputError)]


def jsonl(path: Path, *lines: object) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
                    encoding="utf-8")
    return path


# --- formats --------------------------------------------------------------------------------

def test_txt_whole_file_is_the_article_with_bom_and_crlf(tmp_path):
    f = tmp_path / "iraq-story.txt"
    f.write_bytes(b"\xef\xbb\xbfThe US left Iraq.\r\nIt was\xc2\xa0over.\rNothing more.\r\n")
    [doc] = read_all(f)
    assert doc.id == "iraq-story"
    assert doc.source == str(f)
    assert doc.text == "The US left Iraq.\nIt was over.\nNothing more."
    assert "\r" not in doc.text and "\ufeff" not in doc.text and "\u00a0" not in doc.text


def test_html_main_text_and_metadata(tmp_path):
    f = tmp_path / "page.html"
    f.write_text(HTML, encoding="utf-8")
    [doc] = read_all(f)
    assert doc.id == "page"
    assert "The Pentagon said on Tuesday" in doc.text
    assert "Sign in" not in doc.text and "Privacy policy" not in doc.text
    assert doc.title == "Pentagon to cut Iraq troops"
    assert doc.url == "https://news.example.com/world/iraq-troops"
    assert doc.published == "2025-09-30"
    # The headline repeated in the text and the h2 are headings, not sentences.
    skipped = {doc.text[s:e] for s, e in doc.skipped}
    assert {"Pentagon to cut Iraq troops", "A New Mission for the Coalition"} <= skipped


def test_htm_page_without_main_text_is_an_error(tmp_path):
    f = tmp_path / "blank.htm"
    f.write_text("<html><head><title>x</title></head><body><script>var a;</script></body></html>")
    [err] = read_all(f)
    assert isinstance(err, InputError) and err.source == str(f)
    assert "no main text" in err.reason


def test_jsonl_records_with_metadata_and_default_ids(tmp_path):
    f = jsonl(tmp_path / "feed.jsonl",
              {"id": "a1", "text": "Troops left.", "title": "Exit", "url": "https://x.example/a1",
               "published": "2025-03-05T10:00:00Z", "source": "Reuters"},
              "",
              {"text": "Talks resumed in Baghdad."})
    a1, second = read_all(f)
    assert (a1.id, a1.title, a1.url, a1.published, a1.publisher) == (
        "a1", "Exit", "https://x.example/a1", "2025-03-05T10:00:00Z", "Reuters")
    assert second.id == "feed-3"  # line 3: the blank line 2 is skipped but still counted
    assert second.text == "Talks resumed in Baghdad." and second.source == str(f)


def test_jsonl_partial_publication_dates_are_kept_as_given(tmp_path):
    f = jsonl(tmp_path / "feed.jsonl", {"id": "m", "text": "Talks resumed.", "published": "2021-12"},
              {"id": "y", "text": "Talks ended.", "published": "2021"})
    assert [(d.id, d.published) for d in read_all(f)] == [("m", "2021-12"), ("y", "2021")]


@pytest.mark.parametrize("line, reason", [
    ("{not json", "invalid JSON"),
    ('["a list"]', "expected a JSON object, got array"),
    ('{"title": "no text"}', 'missing "text"'),
    ('{"text": "   "}', '"text" is empty'),
    ('{"text": 42}', '"text" must be a string, got number'),
    ('{"text": "ok.", "title": ["x"]}', '"title" must be a string'),
    ('{"text": "ok.", "id": ""}', '"id" must be a non-empty string'),
    ('{"text": "ok.", "published": "5 March 2025"}', '"published" is not an ISO 8601'),
    ('{"text": "ok.", "published": "2025-02-30"}', '"published" is not an ISO 8601'),
    ('{"text": "ok.", "published": "2025-13"}', '"published" is not an ISO 8601'),
    ('{"text": "ok.", "url": "javascript:alert(1)"}', '"url" is not an absolute http(s) URL'),
])
def test_jsonl_bad_line_names_file_and_line_and_others_go_on(tmp_path, line, reason):
    f = jsonl(tmp_path / "feed.jsonl", {"id": "first", "text": "First story."}, line,
              {"id": "third", "text": "Third story."})
    items = read_all(f)
    assert [d.id for d in docs(items)] == ["first", "third"]
    [err] = errors(items)
    assert err.source == f"{f}:2"
    assert reason in err.reason


def test_jsonl_invalid_utf8_gives_byte_offset_in_file(tmp_path):
    f = tmp_path / "feed.jsonl"
    good = b'{"text": "Fine."}\n'
    f.write_bytes(good + b'{"text": "caf\xe9"}\n')
    [doc, err] = read_all(f)
    assert doc.text == "Fine."
    assert err.source == f"{f}:2"
    assert "not valid UTF-8" in err.reason and f"byte offset {len(good) + 13}" in err.reason


def test_jsonl_size_limit_applies_per_line(tmp_path):
    f = jsonl(tmp_path / "feed.jsonl", {"text": "Short."}, {"text": "x" * 500 + "."},
              {"text": "Also short."})
    items = read_all(f, max_bytes=100)
    assert [d.text for d in docs(items)] == ["Short.", "Also short."]
    [err] = errors(items)
    assert err.source == f"{f}:2" and "larger than the limit of 100" in err.reason


# --- bad inputs -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, content, reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b" \n\t\r\n", "only whitespace"),
    ("nul.txt", b"text\x00with\x00nuls", "binary file"),
    ("pdf.txt", b"%PDF-1.7\n1 0 obj", "binary file"),
    ("controls.txt", bytes(range(1, 8)) * 20 + b"abc", "binary file"),
    ("latin1.txt", "Le café ferme.".encode("latin-1"), "not valid UTF-8: byte 0xe9 at byte offset 6"),
    ("empty.jsonl", b"\n\n", "empty file"),
    ("binary.jsonl", b'{"text": "a"}\n\x00\x01', "binary file"),
])
def test_bad_file_is_an_error_naming_it_and_the_batch_goes_on(tmp_path, name, content, reason):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("The talks went on.")
    items = read_all(bad, good)
    [err] = errors(items)
    assert err.source == str(bad) and reason in err.reason
    assert [d.id for d in docs(items)] == ["good"]


def test_missing_path_and_unknown_extension_named_explicitly(tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_text("whatever")
    good = tmp_path / "good.txt"
    good.write_text("Body.")
    items = read_all(tmp_path / "nope.txt", pdf, good)
    assert [(e.source, e.reason.split(" (")[0]) for e in errors(items)] == [
        (str(tmp_path / "nope.txt"), "no such file or directory"),
        (str(pdf), "unsupported file type '.pdf'")]
    assert [d.id for d in docs(items)] == ["good"]


def test_file_over_size_limit_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Word. " * 100)
    [err] = read_all(big, max_bytes=50)
    assert err.source == str(big) and "600 bytes, larger than the limit of 50" in err.reason


def test_duplicate_id_later_one_is_the_error(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "story.txt").write_text("First version.")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "story.html").write_text(HTML)
    feed = jsonl(tmp_path / "c.jsonl", {"id": "story", "text": "Third."})
    items = read_all(tmp_path / "a", tmp_path / "b", feed)
    [doc] = docs(items)
    assert doc.text == "First version."
    assert [e.source for e in errors(items)] == [str(tmp_path / "b" / "story.html"), f"{feed}:1"]
    assert all("duplicate document id 'story'" in e.reason for e in errors(items))


def test_text_that_is_only_chrome_is_an_error(tmp_path):
    f = tmp_path / "chrome.txt"
    f.write_text("Share this article\nAdvertisement\nLeave a comment\n")
    [err] = read_all(f)
    assert err.source == str(f) and "no article text" in err.reason


# --- folders ----------------------------------------------------------------------------------

def test_folder_walk_is_recursive_sorted_and_skips_hidden_and_unknown(tmp_path):
    for rel in ["b.txt", "a.txt", "sub/c.txt", "sub/deeper/d.htm", "notes.md", ".hidden.txt",
                ".git/e.txt", "z.TXT"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HTML if rel.endswith(".htm") else f"Story {rel}.")
    items = read_all(tmp_path)
    assert not errors(items)
    assert [d.id for d in items] == ["a", "b", "c", "d", "z"]
    assert [d.source for d in items] == sorted(d.source for d in items)  # depth-first, by name
    assert items == read_all(tmp_path)


def test_empty_folder_is_not_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.md").write_text("not an article")
    assert read_all(tmp_path / "empty") == []


def test_reading_is_lazy(tmp_path):
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"Story {i}.")
    stream = read_inputs([tmp_path])
    first = next(stream)
    (tmp_path / "2.txt").unlink()  # a later file changes while the batch is read
    rest = list(stream)
    assert first.id == "0" and [d.id for d in docs(rest)] == ["1"]
    assert "no such file" in errors(rest)[0].reason or "cannot read" in errors(rest)[0].reason


# --- text cleaning ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, cleaned", [
    ("Leave a commentThe US troop presence in Iraq will fall.", "The US troop presence in Iraq will fall."),
    ("Share this article | The talks ended.", "The talks ended."),
    ("The talks ended.Share this article", "The talks ended."),
    ("The talks ended. Advertisement", "The talks ended."),
    ("Para one.\n\nAdvertisement\n\nPara two.", "Para one.\n\nPara two."),
    ("Share | Tweet | Email\nBody text.", "Body text."),
    ("Read more: Pentagon weighs Syria cuts\nBody text.", "Body text."),
    ("Body text.\nFollow us on Twitter and Facebook\nLeave a comment", "Body text."),
])
def test_chrome_is_removed_as_line_or_glued_to_line_ends(raw, cleaned):
    assert clean_text(raw)[0] == cleaned


@pytest.mark.parametrize("sentence", [
    "Readers were asked to leave a comment on the ministry's page.",
    "Advertisement spending in Baghdad rose sharply.",
    "Read more books, the minister told students.",
    "Home Secretary Yvette Cooper said the deal would hold.",
    "He said he would sign up for the reserve forces.",
])
def test_chrome_words_inside_a_sentence_are_kept(sentence):
    assert clean_text(sentence) == (sentence, ())


def test_example_article_headings_are_skipped_with_exact_offsets():
    raw = "Leave a comment" + (EXAMPLES / "us-troop-reduction-iraq.txt").read_text("utf-8")
    text, skipped = clean_text(raw)
    assert text.startswith("The US troop presence in Iraq")
    lines = [text[s:e] for s, e in skipped]
    assert "Political Context and National Sovereignty" in lines
    assert "A Change of Mission: From Combat to Advice" in lines
    for s, e in skipped:  # every span is one whole line of the cleaned text
        assert (s == 0 or text[s - 1] == "\n") and (e == len(text) or text[e] == "\n")
    assert not any(line.startswith("- ") for line in lines)  # bullet sentences stay


def test_example_article_trailing_chrome_line_is_removed():
    text, _ = clean_text((EXAMPLES / "pentagon-iraq-drawdown.txt").read_text("utf-8"))
    assert not text.endswith("Leave a comment") and text.endswith(".")
    assert text.startswith("WASHINGTON: The Pentagon")


@pytest.mark.parametrize("line", [
    "Political Context and National Sovereignty",
    "By Jane Doe",
    "By Jane Doe and John Roe, Reuters",
    "BY AHMED al-RUBAIE | Staff Writer",
    "Reporting by Jane Doe in Baghdad; Editing by John Roe",
    "(Reporting by Phil Stewart; Editing by Chris Reese)",
    "Photo: U.S. soldiers at a base in Anbar province.",
    "Soldiers patrol a street in Mosul on Jan. 5. (AP Photo/Hadi Mizban)",
    "Updated 3:45 PM ET",
    "Published: March 5, 2025 at 10:00 a.m. EST",
    "2 hours ago",
    "Published: 4 June 2025 | Last updated: 5 June 2025",
    "First published on Wed 4 Jun 2025 09.00 BST",
    "Updated 2025-06-04T11:20:00Z",
    "* * *",
])
def test_non_sentence_lines(line):
    assert is_non_sentence(line)


@pytest.mark.parametrize("line", [
    "WASHINGTON: The Pentagon said on Tuesday it would cut troops.",
    "- Special Operations: Units like the CTS can plan and execute complex raids and missions.",
    "He declined to comment.",
    "By Monday, Iraqi troops had left the base",
    "Reporting by the BBC showed that the convoy was hit.",
    "Updated figures show 3,000 troops remain",
    "Iraq says US troops will leave by September",
])
def test_body_lines_are_not_skipped(line):
    assert not is_non_sentence(line)


def test_clean_text_is_idempotent_and_skips_slice_the_cleaned_text():
    raw = "Advertisement\r\nIraq Talks Resume\r\nBy Jane Doe\r\nBAGHDAD: Talks resumed.\r\n"
    text, skipped = clean_text(raw)
    assert text == "Iraq Talks Resume\nBy Jane Doe\nBAGHDAD: Talks resumed."
    assert [text[s:e] for s, e in skipped] == ["Iraq Talks Resume", "By Jane Doe"]
    assert clean_text(text) == (text, skipped)


# --- sentence-case headings (judged by the layout around the line) ---------------------------------

def skipped_lines(raw: str) -> list[str]:
    text, skipped = clean_text(raw)
    return [text[s:e] for s, e in skipped]


LIBYA_STORY = (
    "Rival Libyan forces clash near Tripoli airport\n"
    "Updated June 4, 2025, 11:20 GMT\n\n"
    "TRIPOLI, June 4 - Fighting broke out overnight between rival armed groups near the capital's "
    "airport, residents said, forcing flights to be diverted to Misrata.\n\n"
    "The Government of National Unity said its forces had taken control of two checkpoints.\n\n"
    "Calls for calm\n\n"
    "The U.N. Support Mission in Libya urged both sides to stop shooting and return to talks, "
    "saying civilians were trapped in their homes.\n\n"
    "Oil output at risk\n\n"
    "Officials at the National Oil Corporation warned that exports from western ports could be "
    "halted if the clashes spread.\n\n"
    "\"We are watching the situation hour by hour,\" one official said.\n")


def test_sentence_case_headings_between_paragraphs_are_skipped():
    lines = skipped_lines(LIBYA_STORY)
    assert "Calls for calm" in lines and "Oil output at risk" in lines
    assert "Updated June 4, 2025, 11:20 GMT" in lines
    # The dateline paragraph, short sentences and the quote are article text.
    assert not any(line.startswith(("TRIPOLI", "The Government", '"We are')) for line in lines)


@pytest.mark.parametrize("heading", [
    "Operation \u201cSpiderweb\u201d",
    "Talks in Doha (update)",
    "2,500 troops to stay",
])
def test_heading_may_end_in_a_quoted_name_or_start_with_a_number(heading):
    raw = (f"{heading}\n\nThe security service said its drones had reached airfields deep inside "
           "the country, damaging several long-range bombers.")
    assert skipped_lines(raw) == [heading]


@pytest.mark.parametrize("line", [
    "\u201cWe will hold the line,\u201d",
    "Nobody expected the vote to pass.\u201d",
    "KABUL, Aug. 15 \u2014",
    "and the talks went on",
])
def test_quotes_run_on_lines_and_lower_case_starts_are_not_headings(line):
    raw = (f"{line}\n\nThe security service said its drones had reached airfields deep inside "
           "the country, damaging several long-range bombers.")
    assert skipped_lines(raw) == []


def test_sentence_case_html_subheading_is_skipped(tmp_path):
    f = tmp_path / "page.html"
    f.write_text(HTML.replace("A New Mission for the Coalition", "A new mission for the coalition"),
                 encoding="utf-8")
    [doc] = read_all(f)
    assert "A new mission for the coalition" in {doc.text[s:e] for s, e in doc.skipped}


def test_sentence_case_heading_with_one_paragraph_per_line():
    raw = ("Sudan's army said on Monday it had retaken the presidential palace in Khartoum after "
           "two years of war with the Rapid Support Forces.\n"
           "Aid convoys stalled\n"
           "The World Food Programme said its trucks had been unable to reach El Fasher for three "
           "weeks because of shelling on the main road.\n")
    assert skipped_lines(raw) == ["Aid convoys stalled"]


@pytest.mark.parametrize("raw", [
    # A one-line article, or a short last line: nothing follows it.
    "Troops leave Niamey base",
    "Talks in Riyadh ended without a deal on Sunday, officials said.\n\nMore to follow",
    # Hard-wrapped text: a short line continuing or opening a wrapped paragraph.
    "The Iraqi parliament voted on Sunday to ask the government to end\n"
    "the presence of foreign troops in the country, a move that\n"
    "could force the coalition to leave within a year.",
    "The talks ended.\nOfficials said the United States would hand over the base to\n"
    "Iraqi forces next year.",
    # Short body paragraphs that end with punctuation, quotes, list items.
    "He declined to comment.\n\nThe ministry did not respond to a request for comment on the "
    "report, which was published on Sunday.",
    "\u201cWe will not leave\u201d\n\nThe commander said his men would hold the town whatever "
    "the cost, according to a recording.",
    "\"Mission accomplished\"\n\nThe group posted the message on Telegram on Friday, hours "
    "before its last convoy crossed the border.",
    "- Troops withdrawn from Kidal\n\nThe army confirmed the move in a statement read on state "
    "television on Saturday evening.",
])
def test_short_lines_that_are_not_headings_stay(raw):
    text, skipped = clean_text(raw)
    assert skipped == ()


def test_short_line_before_a_list_or_another_short_line_is_not_a_heading():
    raw = ("Losses reported by the army\n\n- Three soldiers killed near Gao\n- Two trucks "
           "destroyed\n\nCamps under attack\nConvoys on the Niger river\n\nThe army said it "
           "had sent reinforcements to the area.")
    lines = skipped_lines(raw)
    assert "Losses reported by the army" not in lines and "Camps under attack" not in lines
    assert not any(line.startswith("- ") for line in lines)


@pytest.mark.parametrize("dateline", [
    "KHARTOUM, April 15",
    "DAMASCUS, Syria",
    "BEIRUT (Reuters)",
    "UNITED NATIONS, June 12 (AP) -",
])
def test_dateline_on_its_own_line_is_not_a_heading(dateline):
    raw = (f"{dateline}\n\nIsraeli strikes hit southern Lebanon on Tuesday, the state news agency "
           "said, a day after a rocket was fired across the border.")
    assert skipped_lines(raw) == []


def test_heading_after_dateline_paragraph_and_title_with_exact_offsets():
    raw = ("Haiti gangs seize police station\n\nPORT-AU-PRINCE, March 3 (Reuters) - Armed gangs "
           "stormed a police station in the Haitian capital on Monday, police said.\n\n"
           "A mission short of troops\n\nKenya has sent about 800 officers to lead the "
           "U.N.-backed security mission, far fewer than the 2,500 promised.")
    text, skipped = clean_text(raw)
    lines = [text[s:e] for s, e in skipped]
    assert lines == ["Haiti gangs seize police station", "A mission short of troops"]
    for s, e in skipped:
        assert (s == 0 or text[s - 1] == "\n") and (e == len(text) or text[e] == "\n")


def test_jsonl_title_line_and_published_line_are_skipped(tmp_path):
    title = "Explosion hits fuel depot in Port Sudan as drone attacks widen"
    f = jsonl(tmp_path / "feed.jsonl", {
        "id": "sudan", "title": title,
        "text": f"{title}\nPublished May 6, 2025, 08:30 GMT\n\nPORT SUDAN, May 6 - Drones struck a "
                "fuel depot and the city's airport on Tuesday, the army said.\n\nPort under "
                "fire\n\nThe Red Sea city had been seen as a safe haven for the government and "
                "for aid agencies since the war began in April 2023."})
    [doc] = read_all(f)
    assert [doc.text[s:e] for s, e in doc.skipped] == [
        title, "Published May 6, 2025, 08:30 GMT", "Port under fire"]


# --- build folders and counting (issue 14, item 19) --------------------------------------------
def _fake_build(folder: Path) -> Path:
    """A build's records hold JSON lines with a text: they must never be read as articles."""
    (folder / "records").mkdir(parents=True)
    (folder / "records" / "articles.jsonl").write_text(json.dumps({"id": "x", "text": "Records."}) + "\n")
    return folder


def test_the_build_marker_is_where_the_store_writes_records():
    from kg.ingest.readers import BUILD_RECORDS
    from kg.store.recordio import ARTICLES, RECORDS_DIR

    assert BUILD_RECORDS == Path(RECORDS_DIR) / ARTICLES


def test_a_build_folder_is_never_read_as_articles(tmp_path):
    build = _fake_build(tmp_path / "news" / "build")
    (tmp_path / "news" / "a.txt").write_text("The minister spoke on Monday.\n")
    found = read_all(tmp_path / "news")
    assert [d.id for d in docs(found)] == ["a"] and errors(found) == []   # the walk skips the build
    given = read_all(build)
    assert docs(given) == [] and "a newskg build" in errors(given)[0].reason


def test_count_articles_counts_files_and_jsonl_lines(tmp_path):
    from kg.ingest.readers import count_articles

    (tmp_path / "a.txt").write_text("One.\n")
    (tmp_path / "b.html").write_text("<p>Two.</p>\n")
    (tmp_path / "c.jsonl").write_text('{"text": "3"}\n\n{"text": "4"}\n{"text": "5"}\n')
    (tmp_path / "notes.md").write_text("not an article\n")
    _fake_build(tmp_path / "build")
    assert count_articles([tmp_path]) == 5
    assert count_articles([tmp_path / "a.txt", tmp_path / "c.jsonl"]) == 4
