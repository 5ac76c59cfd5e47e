"""Read articles from .txt, .html/.htm and .jsonl files and folders, one Document at a time.

Bad inputs never stop a batch: each one becomes an InputError naming the file (or file:line) and
the reason, and reading goes on. Documents are produced lazily and in a fixed order (folders are
walked depth-first, entries sorted by name), so the same inputs always give the same build.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from kg.ingest.textclean import clean_text
from kg.records import Document, InputError

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES

BOM = b"\xef\xbb\xbf"
SNIFF_BYTES = 8192
MAX_CONTROL_RATIO = 0.10  # more control characters than this is not text
# Signatures of common binary formats that are sometimes misnamed .txt or .html.
BINARY_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\x1f\x8b", b"\x89PNG", b"GIF8", b"\xff\xd8\xff",
                b"\xd0\xcf\x11\xe0", b"\x7fELF")
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\b\x1b")
_JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number",
               bool: "boolean", type(None): "null"}

Located = tuple[Document, str]  # a document and where it came from (file or file:line)
# A folder holding this file is a newskg build (kg.store.recordio writes it): its records are
# not articles, so reading never enters it (tests/test_ingest.py keeps the name in step).
BUILD_RECORDS = Path("records") / "articles.jsonl"


def read_inputs(paths: Iterable[str | Path], *, max_bytes: int = 50_000_000
                ) -> Iterator[Document | InputError]:
    """Every article of the given files and folders, or an InputError for each bad input.

    A document whose id was already read is reported as a duplicate (the first one wins).
    """
    first_seen: dict[str, str] = {}
    for given in paths:
        for item in _read_path(Path(given), str(given), max_bytes):
            if isinstance(item, InputError):
                yield item
                continue
            doc, location = item
            if doc.id in first_seen:
                yield InputError(location, f"duplicate document id {doc.id!r} "
                                           f"(already read from {first_seen[doc.id]})")
                continue
            first_seen[doc.id] = location
            yield doc


def is_build_folder(folder: Path) -> bool:
    return (folder / BUILD_RECORDS).is_file()


def count_articles(paths: Iterable[str | Path]) -> int:
    """How many articles the inputs hold at most (a file each, a non-blank line each in JSONL),
    without decoding them: the total of a progress bar."""
    total = 0
    for given in map(Path, paths):
        files = _walk(given) if given.is_dir() and not is_build_folder(given) else [given]
        for file in files:
            if file.suffix.lower() in JSONL_SUFFIXES and file.is_file():
                try:
                    with file.open("rb") as f:
                        total += sum(1 for line in f if line.strip())
                except OSError:
                    pass
            elif file.suffix.lower() in SUPPORTED_SUFFIXES:
                total += 1
    return total


def _read_path(path: Path, source: str, max_bytes: int) -> Iterator[Located | InputError]:
    if not path.exists():
        yield InputError(source, "no such file or directory")
    elif path.is_dir() and is_build_folder(path):
        yield InputError(source, "a newskg build, not a folder of articles (its records/ hold "
                                 "extracted records); give the article files")
    elif path.is_dir():
        for file in _walk(path):
            yield from _read_file(file, str(file), max_bytes)
    elif not path.is_file():
        yield InputError(source, "not a regular file")
    elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
        kind = f"'{path.suffix}'" if path.suffix else "without an extension"
        yield InputError(source, f"unsupported file type {kind} "
                                 f"(expected {', '.join(SUPPORTED_SUFFIXES)})")
    else:
        yield from _read_file(path, source, max_bytes)


def _walk(folder: Path, _visited: set[str] | None = None) -> Iterator[Path]:
    """Supported files under a folder, depth-first in name order; hidden entries are skipped."""
    visited = _visited if _visited is not None else set()
    real = os.path.realpath(folder)
    if real in visited:  # a symlink loop
        return
    visited.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = folder / entry.name
        if entry.is_dir() and not is_build_folder(child):
            yield from _walk(child, visited)
        elif entry.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES:
            yield child


def _read_file(path: Path, source: str, max_bytes: int) -> Iterator[Located | InputError]:
    try:
        if path.suffix.lower() in JSONL_SUFFIXES:
            yield from _read_jsonl(path, source, max_bytes)
            return
        size = path.stat().st_size
        if size > max_bytes:
            yield InputError(source, f"file is {size} bytes, larger than the limit of {max_bytes}")
            return
        data = path.read_bytes()
    except OSError as e:
        yield InputError(source, f"cannot read file: {e.strerror or e}")
        return
    text, reason = decode_text(data)
    if reason:
        yield InputError(source, reason)
    elif path.suffix.lower() in HTML_SUFFIXES:
        yield _from_html(text, path, source)
    else:
        yield _document(path.stem, text, source, source)


def decode_text(data: bytes) -> tuple[str, str | None]:
    """A file's bytes as text (BOM dropped), or ("", the reason they are not UTF-8 text)."""
    if not data:
        return "", "empty file"
    if not data.strip():
        return "", "empty file (only whitespace)"
    reason = _binary_reason(data[:SNIFF_BYTES])
    if reason:
        return "", reason
    offset = len(BOM) if data.startswith(BOM) else 0
    try:
        text = data[offset:].decode("utf-8")
    except UnicodeDecodeError as e:
        at = offset + e.start
        return "", f"not valid UTF-8: byte 0x{data[at]:02x} at byte offset {at}"
    if _control_ratio(text[:SNIFF_BYTES]) > MAX_CONTROL_RATIO:
        return "", "binary file (mostly control characters, not text)"
    if not text.strip():
        return "", "empty file (only whitespace)"
    return text, None


def _binary_reason(sample: bytes) -> str | None:
    if b"\x00" in sample:
        return "binary file (contains NUL bytes)"
    if sample.startswith(BINARY_MAGIC):
        return "binary file (a known binary format, not text)"
    return None


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for c in text if c not in _TEXT_CONTROLS and unicodedata.category(c) == "Cc")
    return controls / len(text)


def _document(doc_id: str, raw_text: str, source: str, location: str, *, title: str | None = None,
              url: str | None = None, published: str | None = None,
              publisher: str | None = None) -> Located | InputError:
    """Clean the text and build the Document; the title line, when repeated, is not a sentence."""
    text, skipped = clean_text(raw_text)
    if not text:
        return InputError(location, "no article text left after removing page chrome")
    if title:
        skipped = tuple(sorted(set(skipped) | set(_title_lines(text, title))))
    doc = Document(id=doc_id, text=text, source=source, title=title, url=url,
                   published=published, publisher=publisher, skipped=skipped)
    return doc, location


def _title_lines(text: str, title: str) -> Iterator[tuple[int, int]]:
    wanted = " ".join(title.split()).casefold()
    for m in re.finditer(r"[^\n]+", text):
        line = m.group(0)
        if " ".join(line.split()).casefold() == wanted:
            start = m.start() + len(line) - len(line.lstrip())
            yield start, start + len(line.strip())


# --- HTML -------------------------------------------------------------------------------------

def _from_html(html: str, path: Path, source: str) -> Located | InputError:
    """Main text by trafilatura, tuned for precision; metadata only as the page states it."""
    import trafilatura  # slow to import: only when an HTML file is read

    result = None
    try:
        for precise in (True, False):  # very short pages can fall below the precise thresholds
            result = trafilatura.bare_extraction(
                html, with_metadata=True, favor_precision=precise, include_comments=False,
                include_tables=False, include_images=False, deduplicate=False,
                date_extraction_params={"extensive_search": False, "original_date": True})
            if result is not None and (result.text or "").strip():
                break
    except Exception as e:  # noqa: BLE001 - a broken page must not stop the batch
        return InputError(source, f"cannot parse HTML: {e}")
    if result is None or not (result.text or "").strip():
        return InputError(source, "no main text found in the HTML page")
    url = result.url if result.url and _is_web_url(result.url) else None
    published = result.date if result.date and _is_iso_date(result.date) else None
    return _document(path.stem, result.text, source, source, title=_clean_meta(result.title),
                     url=url, published=published, publisher=_clean_meta(result.sitename))


def _clean_meta(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


# --- JSON Lines -------------------------------------------------------------------------------

def _read_jsonl(path: Path, source: str, max_bytes: int) -> Iterator[Located | InputError]:
    """One article per line; a bad line is reported as file:line and the others go on."""
    with path.open("rb") as f:
        reason = _binary_reason(f.read(SNIFF_BYTES))
        if reason:
            yield InputError(source, reason)
            return
        f.seek(0)
        offset, records = 0, 0
        for lineno, line, size in _lines(f, max_bytes):
            location = f"{source}:{lineno}"
            start, offset = offset, offset + size
            if line is None:
                records += 1
                yield InputError(location, f"line is {size} bytes, larger than the limit of {max_bytes}")
                continue
            if lineno == 1 and line.startswith(BOM):
                line, start = line[len(BOM):], start + len(BOM)
            if not line.strip():
                continue
            records += 1
            yield _from_json_line(line, start, f"{path.stem}-{lineno}", source, location)
    if records == 0:
        yield InputError(source, "empty file (no JSON lines)")


def _lines(f: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, bytes or None when over max_bytes, size), never holding an oversized line."""
    lineno = 0
    while True:
        line = f.readline(max_bytes + 1)
        if not line:
            return
        lineno += 1
        if len(line.rstrip(b"\r\n")) <= max_bytes:
            yield lineno, line, len(line)
            continue
        size = len(line)
        while not line.endswith(b"\n"):  # skip the rest of the line, chunk by chunk
            line = f.readline(max_bytes + 1)
            if not line:
                break
            size += len(line)
        yield lineno, None, size


def _from_json_line(line: bytes, start: int, default_id: str, source: str,
                    location: str) -> Located | InputError:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as e:
        at = start + e.start
        return InputError(location, f"not valid UTF-8: byte 0x{line[e.start]:02x} at byte offset {at}")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as e:
        return InputError(location, f"invalid JSON: {e.msg} (column {e.colno})")
    fields = _validate_record(record)
    if isinstance(fields, str):
        return InputError(location, fields)
    doc_id = fields.pop("id") or default_id
    return _document(doc_id, fields.pop("text"), source, location, **fields)


def _validate_record(record: object) -> dict[str, str | None] | str:
    """The record's fields, or the reason it is not a valid article."""
    if not isinstance(record, dict):
        return f"expected a JSON object, got {_JSON_TYPES.get(type(record), 'value')}"
    text = record.get("text")
    if "text" not in record or text is None:
        return 'missing "text"'
    if not isinstance(text, str):
        return f'"text" must be a string, got {_JSON_TYPES.get(type(text), "value")}'
    if not text.strip():
        return '"text" is empty'
    if "\x00" in text or _control_ratio(text[:SNIFF_BYTES]) > MAX_CONTROL_RATIO:
        return '"text" is not text (control characters)'
    fields: dict[str, str | None] = {"text": text}
    raw_id = record.get("id")
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        raw_id = str(raw_id)
    if raw_id is not None and (not isinstance(raw_id, str) or not raw_id.strip()):
        return f'"id" must be a non-empty string, got {json.dumps(raw_id)}'
    fields["id"] = raw_id.strip() if raw_id else None
    for key, field in (("title", "title"), ("url", "url"), ("published", "published"),
                       ("source", "publisher")):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            return f'"{key}" must be a string, got {_JSON_TYPES.get(type(value), "value")}'
        fields[field] = " ".join(value.split()) if value and value.strip() else None
    if fields["url"] and not _is_web_url(fields["url"]):
        return f'"url" is not an absolute http(s) URL: {fields["url"]!r}'
    if fields["published"] and not _is_iso_date(fields["published"], partial=True):
        return (f'"published" is not an ISO 8601 date or date-time: {fields["published"]!r} '
                f'(expected e.g. 2025-03-05, 2025-03-05T10:00:00Z, or a month or year: 2025-03, 2025)')
    return fields


def _is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not re.search(r"\s", value)


def _is_iso_date(value: str, partial: bool = False) -> bool:
    """YYYY-MM-DD or an ISO 8601 date-time (calendar dates only, as xsd:date/dateTime need); with
    `partial`, also a month or a year ('2021-12', '2021': xsd:gYearMonth, xsd:gYear), as feeds
    and archives often date an article no closer than that."""
    if partial and (re.fullmatch(r"\d{4}", value) or re.fullmatch(r"\d{4}-(?:0[1-9]|1[0-2])", value)):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ].+)?", value):
        return False
    try:
        (date.fromisoformat if len(value) == 10 else datetime.fromisoformat)(value)
    except ValueError:
        return False
    return True
