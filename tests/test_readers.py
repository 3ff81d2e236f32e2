"""Input readers: every format, hostile files generated here, and properties
that hold for any text or bytes (no exception, nlp_text as long as text)."""
import codecs
import csv
import io
import json
import os
import pickle
import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimscan import errors, readers
from claimscan.readers import (
    DEFAULT_MAX_BYTES,
    Document,
    FailedDocument,
    discover,
    format_size,
    parse_size,
    read_file,
)


def read_all(path, doc_id=None, **options):
    return list(read_file(Path(path), doc_id or Path(path).name, **options))


def read_one(path, doc_id=None, **options):
    items = read_all(path, doc_id, **options)
    assert len(items) == 1, items
    return items[0]


def check_document(doc):
    """Invariants every Document keeps."""
    assert isinstance(doc, Document)
    assert len(doc.nlp_text) == len(doc.text)
    assert doc.format in readers.FORMATS
    assert "\n" not in doc.title
    assert list(doc.headings) == sorted(set(doc.headings))
    assert all(0 <= h < max(len(doc.text), 1) for h in doc.headings)
    for h in doc.headings:
        assert h == 0 or doc.nlp_text[h - 1] == "\n"  # a heading starts a line
    # html and records always write OUT/text; txt/md only when NUL had to become a space
    if doc.format in ("html", "jsonl", "csv"):
        assert doc.needs_text_file
    assert "\x00" not in doc.text
    for ch in "\x00\u200b\u200e\u202e\ufeff\r":
        assert ch not in doc.nlp_text
    return doc


def check_failed(item):
    assert isinstance(item, FailedDocument)
    assert item.error and "\n" not in item.error and len(item.error) <= 300
    return item


# ---------------------------------------------------------------------------
# plain text
# ---------------------------------------------------------------------------


def test_txt_text_is_the_decoded_file_content(tmp_path):
    content = "Kratom and pain\n\nKratom may ease pain.\r\nIt is sold in the U.S.\n"
    path = tmp_path / "a.txt"
    path.write_bytes(content.encode("utf-8"))
    doc = check_document(read_one(path))
    assert doc.text == content
    assert doc.format == "txt" and doc.encoding == "utf-8"
    assert doc.title == "Kratom and pain"
    assert doc.needs_text_file is False
    assert doc.nlp_text.replace(" \n", "\r\n") == content


def test_txt_title_not_taken_from_a_sentence(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Kratom may ease pain.\nIt may also harm.\n", encoding="utf-8")
    assert read_one(path).title == ""


def test_document_pickles(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("# Title\n\nText.\n", encoding="utf-8")
    doc = read_one(path)
    assert pickle.loads(pickle.dumps(doc)) == doc
    failed = FailedDocument("x", "x", "txt", "boom")
    assert pickle.loads(pickle.dumps(failed)) == failed


@pytest.mark.parametrize("content", [b"", b"   \n\t\n  ", b"\xef\xbb\xbf"])
def test_empty_and_whitespace_only_files_are_empty_documents(tmp_path, content):
    for name in ("e.txt", "e.md", "e.html"):
        path = tmp_path / name
        path.write_bytes(content)
        doc = check_document(read_one(path))
        assert doc.text.strip() == ""


# ---------------------------------------------------------------------------
# markdown
# ---------------------------------------------------------------------------

MARKDOWN = """---
title: "Kratom: the FAQ"
tags: [kratom, pain]
---
# Kratom **facts** #

Kratom *may* help with `pain` — see [the study](https://example.com/a_(b) "t") and ![a leaf](leaf.png).
<!-- a comment
over two lines -->
<span class="x">Inline html</span> stays as text.

Setext heading
--------------

```python
dose = 2 ** 3  # code_never_read
```

- item with __bold__ and snake_case_word
> a quoted _claim_
* [x] done task

| dose | effect |
|------|--------|
| 2 g  | mild   |

A footnote[^1] and a [reference link][ref]. Not emphasis: 2 * 3 and a_b_c.
Line with hard break\\
[^1]: The note.
[ref]: https://example.com/ref
"""


def test_markdown_markup_never_reaches_nlp_text(tmp_path):
    path = tmp_path / "faq.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    doc = check_document(read_one(path))
    assert doc.text == MARKDOWN
    nlp = doc.nlp_text
    for leaked in ("**", "](", "http", "<!--", "<span", "```", "code_never_read", "tags:", "---",
                   "__", "[x]", "|", "[^1]", "][ref]", "#", "\\"):
        assert leaked not in nlp, leaked
    for kept in ("Kratom", "facts", "may", "pain", "the study", "Inline html", "stays as text.",
                 "Setext heading", "bold", "snake_case_word", "claim", "dose", "The note.",
                 "2 * 3", "a_b_c", "reference link", "- item", "* "):
        assert kept in nlp, kept
    # every character either survives unchanged or becomes whitespace
    assert all(n == t or n in " \n" for n, t in zip(nlp, doc.text))
    assert doc.title == "Kratom: the FAQ"
    heading_lines = [doc.text[h:].split("\n", 1)[0] for h in doc.headings]
    assert heading_lines == ["# Kratom **facts** #", "Setext heading"]


def test_markdown_title_from_first_h1(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("Intro line\n\n## Second\n\n# Main *title*\n", encoding="utf-8")
    doc = read_one(path)
    assert doc.title == "Main title"
    assert len(doc.headings) == 2


def test_markdown_entities_decode_in_place(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("Fish &amp; chips&nbsp;now &#8220;ok&#8221;\n", encoding="utf-8")
    doc = check_document(read_one(path))
    assert doc.nlp_text.split() == ["Fish", "&", "chips", "now", "“ok”"]


def test_markdown_unclosed_fence_masks_only_its_line(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("Text before.\n```\nText after the stray fence.\n", encoding="utf-8")
    doc = read_one(path)
    assert "Text after the stray fence." in doc.nlp_text
    assert "```" not in doc.nlp_text


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Kratom and the liver | Health Site</title>
<style>body { font: 14px sans-serif }</style><script>window.dataLayer = ["tracking"];</script></head>
<body>
<div id="cookie-consent" class="cookie-banner"><p>We use cookies to improve your experience.</p><button>Accept</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav></header>
<main><article>
<h1>Kratom and the liver</h1>
<p>Kratom is a tropical tree native to Southeast Asia. Its leaves contain <b>mitragynine</b>, which acts on opioid receptors.</p>
<p>Several case reports describe liver injury after weeks of daily kratom use. Researchers suggest the risk may rise with dose.</p>
<h2>What the studies say</h2>
<ul><li>Kratom may reduce opioid withdrawal symptoms.</li><li>High doses cause seizures in rare cases.</li></ul>
<p>More research is needed before any firm conclusion can be drawn about long-term safety.</p>
</article></main>
<footer><p>&copy; 2024 Health Site. All rights reserved.</p></footer>
</body></html>
"""


def test_html_article_only_one_block_per_line(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = check_document(read_one(path))
    assert doc.format == "html" and doc.needs_text_file
    assert doc.title == "Kratom and the liver | Health Site"
    lines = doc.text.split("\n")
    assert "Kratom may reduce opioid withdrawal symptoms." in lines
    assert "High doses cause seizures in rare cases." in lines
    assert any(line.startswith("Kratom is a tropical tree") and "mitragynine" in line for line in lines)
    for dropped in ("cookies", "Home", "News", "All rights reserved", "dataLayer", "font:", "<"):
        assert dropped not in doc.text, dropped
    heading_lines = [doc.text[h:].split("\n", 1)[0] for h in doc.headings]
    assert heading_lines == ["Kratom and the liver", "What the studies say"]


def test_html_fallback_when_trafilatura_finds_nothing(monkeypatch):
    monkeypatch.setattr(readers, "_trafilatura_blocks", lambda root: [])
    text, headings, title = readers._extract_html(PAGE)
    lines = text.split("\n")
    assert title == "Kratom and the liver | Health Site"
    assert "High doses cause seizures in rare cases." in lines
    assert [text[h:].split("\n", 1)[0] for h in headings] == ["Kratom and the liver", "What the studies say"]
    for dropped in ("cookies", "Home", "All rights reserved", "dataLayer"):
        assert dropped not in text, dropped


def test_html_title_from_first_h1_without_title_tag(tmp_path):
    path = tmp_path / "a.htm"
    path.write_text("<html><body><h1>Turmeric</h1><p>Turmeric may reduce inflammation in some people.</p></body></html>")
    doc = check_document(read_one(path))
    assert doc.title == "Turmeric"
    assert "Turmeric may reduce inflammation in some people." in doc.text


def test_html_saved_as_txt_is_read_as_html(tmp_path):
    path = tmp_path / "saved.txt"
    path.write_text(PAGE, encoding="utf-8")
    doc = check_document(read_one(path))
    assert doc.format == "html" and doc.needs_text_file
    assert "<p>" not in doc.text and "Kratom may reduce opioid withdrawal symptoms." in doc.text


def test_html_nested_30000_levels(tmp_path):
    path = tmp_path / "deep.html"
    depth = 30_000
    path.write_text("<html><head><title>Deep</title></head><body>" + "<div>" * depth
                    + "<p>Deep text about kratom safety.</p>" + "</div>" * depth + "</body></html>")
    started = time.perf_counter()
    doc = check_document(read_one(path))
    assert time.perf_counter() - started < 5
    assert doc.title == "Deep"
    assert "Deep text about kratom safety." in doc.text.split("\n")


def test_html_broken_markup(tmp_path):
    path = tmp_path / "broken.html"
    path.write_text("<html><body><p>Kratom <b>may <i>ease</b> pain.<p>Second <unknown attr=>para <div><li>item"
                    "</table></span>&bogus; text <!-- unclosed comment")
    doc = check_document(read_one(path))
    assert "Kratom may ease pain." in doc.text


def test_html_only_scripts_fails_with_reason(tmp_path):
    path = tmp_path / "app.html"
    path.write_text("<html><head><script>var a = 1;</script></head><body><script>render()</script>"
                    "<style>p { color: red }</style><noscript></noscript></body></html>")
    assert check_failed(read_one(path)).error == errors.HTML_NO_TEXT


def test_html_meta_charset_is_honoured(tmp_path):
    path = tmp_path / "a.html"
    body = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'></head>" \
           "<body><p>He said “kratom is safe” – it isn’t. Café.</p></body></html>"
    path.write_bytes(body.encode("cp1252"))
    doc = check_document(read_one(path))
    assert doc.encoding == "cp1252"
    assert "He said “kratom is safe” – it isn’t. Café." in doc.text


def test_html_with_nul_and_control_bytes(tmp_path):
    path = tmp_path / "a.html"
    path.write_bytes(b"<html><body><p>Kratom\x00 may\x01 ease pain.</p></body></html>")
    doc = check_document(read_one(path))
    assert "Kratom" in doc.text and "pain" in doc.text


# ---------------------------------------------------------------------------
# encodings
# ---------------------------------------------------------------------------

CURLY = "He said “kratom is safe” — it isn’t, the café’s owner noted. "


@pytest.mark.parametrize("repeat", [1, 20])
def test_cp1252_curly_quotes_not_mojibake(tmp_path, repeat):
    path = tmp_path / "win.txt"
    path.write_bytes((CURLY * repeat).encode("cp1252"))
    doc = check_document(read_one(path))
    assert doc.text == CURLY * repeat
    assert doc.encoding == "cp1252"


def test_latin1_file(tmp_path):
    text = "Café au lait, naïve façade, señor. Über alles, déjà vu.\n"
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("latin-1"))
    doc = check_document(read_one(path))
    assert doc.text == text


def test_cyrillic_cp1251_is_detected(tmp_path):
    text = "Кратом может навредить печени. Врачи советуют осторожность при приёме добавок.\n" * 3
    path = tmp_path / "ru.txt"
    path.write_bytes(text.encode("cp1251"))
    doc = check_document(read_one(path))
    assert doc.text == text


@pytest.mark.parametrize(
    "codec, bom, expected",
    [
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "utf-32"),
        ("utf-32-be", codecs.BOM_UTF32_BE, "utf-32"),
    ],
)
def test_bom_is_honoured(tmp_path, codec, bom, expected):
    text = "Kratom “may” ease pain.\nCBD—maybe.\n"
    for name in ("bom.txt", "bom.md"):
        path = tmp_path / name
        path.write_bytes(bom + text.encode(codec))
        doc = check_document(read_one(path))
        assert doc.text == text
        assert doc.encoding == expected


def test_utf16_without_bom(tmp_path):
    text = "Kratom may ease pain. Doctors advise caution.\n"
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode("utf-16-le"))
    doc = check_document(read_one(path))
    assert doc.text == text and doc.encoding == "utf-16-le"


def test_utf8_with_one_stray_byte_stays_utf8(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(("Kratom “may” help. " * 10).encode("utf-8") + b"\x93stray")
    doc = check_document(read_one(path))
    assert doc.text.startswith("Kratom “may” help.")
    assert doc.encoding.startswith("utf-8") and "replaced" in doc.encoding


# ---------------------------------------------------------------------------
# hostile files
# ---------------------------------------------------------------------------


def test_pdf_renamed_to_txt(tmp_path):
    path = tmp_path / "paper.txt"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nstream\n" + bytes(range(256)) * 4)
    assert check_failed(read_one(path)).error == "binary file (PDF), not text"


def test_png_renamed_to_md(tmp_path):
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    assert check_failed(read_one(path)).error == "binary file (PNG image), not text"


@pytest.mark.parametrize("name", ["noise.txt", "noise.html", "noise.md", "noise.jsonl", "noise.csv"])
def test_random_binary(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(random.Random(7).randbytes(4096))
    assert check_failed(read_one(path)).error == errors.BINARY_FILE_UNKNOWN


def test_nul_bytes_in_text(tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(b"Kratom may\x00 ease pain.\nSecond\x00line.\n")
    doc = check_document(read_one(path))
    # CSV readers stop a field at NUL, so the offsets index the text with NUL as a space,
    # which is written to OUT/text/<doc_id>.txt
    assert doc.text == "Kratom may  ease pain.\nSecond line.\n"
    assert doc.nlp_text == "Kratom may  ease pain.\nSecond line.\n"
    assert doc.needs_text_file


def test_zero_width_and_bidi_marks_masked(tmp_path):
    text = "Kra\u200btom\u200e may \u202eease\u202c pain\u2066.\u2069\ufeff Next\u2028line.\n"
    path = tmp_path / "marks.txt"
    path.write_text(text, encoding="utf-8")
    doc = check_document(read_one(path))
    assert doc.text == text
    assert doc.nlp_text.split() == ["Kra", "tom", "may", "ease", "pain", ".", "Next", "line."]
    assert doc.nlp_text.count("\n") == 2


@pytest.mark.parametrize("name", ["long.txt", "long.md"])
def test_one_line_of_a_million_characters(tmp_path, name):
    line = ("Kratom **may** ease pain [x](http://a.b) `c` e.g. 2.5 mg. " * 20_000)[:1_000_000]
    path = tmp_path / name
    path.write_text(line, encoding="utf-8")
    started = time.perf_counter()
    doc = check_document(read_one(path))
    assert time.perf_counter() - started < 6
    assert len(doc.text) == 1_000_000


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "dump.txt"
    path.write_bytes(b"a" * 31_200_000)
    failed = check_failed(read_one(path, max_bytes=25_000_000))
    assert failed.error == "file is 31.2 MB, over the 25 MB limit (raise it with --max-bytes)"


def test_sizes():
    assert DEFAULT_MAX_BYTES == 50_000_000
    assert format_size(31_200_000) == "31.2 MB"
    assert format_size(25_000_000) == "25 MB"
    assert format_size(25_000_001, other=25_000_000) != format_size(25_000_000, other=25_000_001)
    assert format_size(512) == "512 bytes"
    assert parse_size("25MB") == 25_000_000 and parse_size("1.5 GB") == 1_500_000_000
    assert parse_size("1000") == 1000
    with pytest.raises(ValueError):
        parse_size("lots")


def test_directory_named_x_txt_is_a_folder(tmp_path):
    folder = tmp_path / "x.txt"
    folder.mkdir()
    (folder / "inner.txt").write_text("Inside.", encoding="utf-8")
    assert discover([tmp_path], None) == [(folder / "inner.txt", "x.txt/inner.txt")]
    assert check_failed(read_one(folder)).error == errors.IS_A_FOLDER


def test_dangling_symlink_is_reported(tmp_path):
    (tmp_path / "ok.txt").write_text("Fine.", encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    found = discover([tmp_path], None)
    assert [doc_id for _, doc_id in found] == ["gone.txt", "ok.txt"]
    failed = check_failed(read_one(tmp_path / "gone.txt"))
    assert failed.error.startswith("dangling symlink") and "missing.txt" in failed.error


def test_symlink_loops_are_reported_and_cut(tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "doc.md").write_text("# Hi\n", encoding="utf-8")
    (sub / "back").symlink_to(tmp_path, target_is_directory=True)  # folder cycle
    found = discover([tmp_path], None)
    assert [doc_id for _, doc_id in found] == ["a.txt", "b.txt", "sub/doc.md"]
    assert check_failed(read_one(tmp_path / "a.txt")).error == errors.SYMLINK_LOOP


def test_fifo_is_not_opened(tmp_path):
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    assert check_failed(read_one(path)).error == "not a regular file (named pipe)"


def test_missing_file_is_a_failure_not_an_exception(tmp_path):
    assert check_failed(read_one(tmp_path / "nope.txt")).error == errors.NOT_FOUND


# ---------------------------------------------------------------------------
# discovery
# ---------------------------------------------------------------------------


def test_discover_recursive_sorted_hidden_skipped(tmp_path):
    for rel in ("b.md", "a/z.html", "a/b.txt", ".hidden.txt", ".git/c.txt", "a/.cache/d.txt",
                "notes.pdf", "img.png", "data/c.jsonl", "data/d.CSV"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    found = discover([tmp_path], None)
    assert [doc_id for _, doc_id in found] == ["a/b.txt", "a/z.html", "b.md", "data/c.jsonl", "data/d.CSV"]
    assert all(path.is_file() for path, _ in found)
    globbed = discover([tmp_path], "*.md")
    assert [doc_id for _, doc_id in globbed] == ["b.md"]
    assert [d for _, d in discover([tmp_path], "a/*")] == ["a/b.txt", "a/z.html"]
    assert [d for _, d in discover([tmp_path], "**/*.txt")] == ["a/b.txt"]


def test_discover_files_given_directly_and_clashes(tmp_path):
    for rel in ("one/a.txt", "two/a.txt", "two/b.txt"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    found = discover([tmp_path / "one", tmp_path / "two", tmp_path / "two" / "b.txt"], None)
    assert [doc_id for _, doc_id in found] == ["a.txt", "two/a.txt", "b.txt"]
    assert discover([tmp_path / "two" / "b.txt"], "*.md") == [(tmp_path / "two" / "b.txt", "b.txt")]


def test_discover_missing_input_raises_one_line(tmp_path):
    with pytest.raises(FileNotFoundError, match="input not found"):
        discover([tmp_path / "nope"], None)


def test_discovered_files_with_unknown_extension_are_sniffed(tmp_path):
    (tmp_path / "page.saved").write_text(PAGE, encoding="utf-8")
    (tmp_path / "note.text2").write_text("Plain words.", encoding="utf-8")
    found = discover([tmp_path], "*")
    formats = {doc_id: read_one(path, doc_id).format for path, doc_id in found}
    assert formats == {"note.text2": "txt", "page.saved": "html"}


# ---------------------------------------------------------------------------
# JSONL records
# ---------------------------------------------------------------------------


def write_jsonl(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_jsonl_records_default_fields(tmp_path):
    path = tmp_path / "corpus.jsonl"
    write_jsonl(path, [
        json.dumps({"id": "a1", "title": "First", "text": "Kratom may ease pain.\r\nSecond line."}),
        "",
        json.dumps({"url": "https://x.org/p", "content": "Content field."}),
        json.dumps({"abstract": ["Para one.", "Para two."]}),
        json.dumps({"id": 7, "body": "Numeric id.", "text": None}),
        json.dumps({"id": "a1", "text": "Duplicate id."}),
        json.dumps({"text": "<p>Stored <b>HTML</b> text.</p>"}),
    ])
    items = read_all(path, "c/corpus.jsonl")
    docs = [check_document(item) for item in items]
    assert [d.doc_id for d in docs] == [
        "c/corpus.jsonl#a1", "c/corpus.jsonl#https://x.org/p", "c/corpus.jsonl#4",
        "c/corpus.jsonl#7", "c/corpus.jsonl#a1~6", "c/corpus.jsonl#7~7",
    ]
    assert docs[0].text == "Kratom may ease pain.\nSecond line." and docs[0].title == "First"
    assert docs[2].text == "Para one.\n\nPara two."
    assert docs[3].text == "Numeric id."
    assert all(d.format == "jsonl" and d.needs_text_file for d in docs)
    assert docs[5].nlp_text.split() == ["Stored", "HTML", "text."]


def test_jsonl_broken_line_fails_alone(tmp_path):
    path = tmp_path / "c.jsonl"
    write_jsonl(path, [
        json.dumps({"id": "1", "text": "Good one."}),
        '{"id": "2", "text": "broken',
        "[1, 2]",
        json.dumps({"id": "4", "summary": "no text field"}),
        json.dumps({"id": "5", "text": {"nested": True}}),
        json.dumps({"id": "6", "text": "Good again."}),
    ])
    items = read_all(path)
    kinds = [type(item).__name__ for item in items]
    assert kinds == ["Document", "FailedDocument", "FailedDocument", "FailedDocument", "FailedDocument", "Document"]
    for item in items:
        if isinstance(item, FailedDocument):
            check_failed(item)
    assert items[1].error.startswith("line 2: not valid JSON")
    assert items[1].doc_id == "c.jsonl#2"
    assert items[2].error == "line 3: expected a JSON object, got a list"
    assert "'id', 'summary'" in items[3].error and items[3].doc_id == "c.jsonl#4"
    assert items[4].error == "field 'text' holds an object, not text"
    assert len({item.doc_id for item in items}) == len(items)


def test_jsonl_explicit_fields_and_record_limit(tmp_path):
    path = tmp_path / "c.jsonl"
    write_jsonl(path, [
        json.dumps({"key": "k1", "body_text": "Chosen field."}),
        json.dumps({"key": "k2", "body_text": "x" * 5000}),
        json.dumps({"body_text": "No key."}),
    ])
    items = read_all(path, text_field="body_text", id_field="key", max_bytes=1000)
    assert items[0].doc_id == "c.jsonl#k1" and items[0].text == "Chosen field."
    assert check_failed(items[1]).error.startswith("record is 5")
    assert "over the 1 kB limit" in items[1].error
    assert check_failed(items[2]).error.startswith("no 'key' field")


def test_jsonl_empty_file_is_one_empty_document(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    doc = check_document(read_one(path))
    assert doc.doc_id == "empty.jsonl" and doc.text == ""


def test_jsonl_cp1252_and_utf16(tmp_path):
    record = json.dumps({"text": "“Kratom” café"}, ensure_ascii=False) + "\n"
    path = tmp_path / "win.jsonl"
    path.write_bytes(record.encode("cp1252"))
    assert read_one(path).text == "“Kratom” café"
    path = tmp_path / "wide.jsonl"
    path.write_bytes(codecs.BOM_UTF16_LE + record.encode("utf-16-le"))
    assert read_one(path).text == "“Kratom” café"


# ---------------------------------------------------------------------------
# CSV records
# ---------------------------------------------------------------------------


def write_csv(path, rows, delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def test_csv_records(tmp_path):
    path = tmp_path / "c.csv"
    write_csv(path, [
        ["ID", "Title", "Text"],
        ["r1", "First", 'Line one, with "quotes".\nLine two.'],
        [],
        ["", "", "No id here."],
        ["r1", "", "Duplicate."],
    ])
    docs = [check_document(d) for d in read_all(path)]
    assert [d.doc_id for d in docs] == ["c.csv#r1", "c.csv#2", "c.csv#r1~3"]
    assert docs[0].text == 'Line one, with "quotes".\nLine two.' and docs[0].title == "First"
    assert all(d.format == "csv" and d.needs_text_file for d in docs)


def test_csv_semicolon_delimited(tmp_path):
    path = tmp_path / "c.csv"
    write_csv(path, [["id", "abstract"], ["1", "Kratom; may help."]], delimiter=";")
    assert read_one(path).text == "Kratom; may help."


def test_csv_without_text_column_names_its_columns(tmp_path):
    path = tmp_path / "c.csv"
    write_csv(path, [["id", "headline", "summary"], ["1", "h", "s"]])
    failed = check_failed(read_one(path))
    assert failed.doc_id == "c.csv"
    assert failed.error == ("no text column (looked for 'text', 'content', 'body', 'article', 'abstract'); "
                            "the columns are: 'id', 'headline', 'summary'")
    failed = check_failed(read_one(path, text_field="body_text"))
    assert "'body_text'" in failed.error


def test_csv_huge_field(tmp_path):
    big = "Kratom may ease pain. " * 20_000  # 440 kB, over csv's default 128 kB field limit
    path = tmp_path / "c.csv"
    write_csv(path, [["id", "text"], ["big", big], ["small", "Small."]])
    docs = [check_document(d) for d in read_all(path)]
    assert [d.text for d in docs] == [big, "Small."]
    items = read_all(path, max_bytes=100_000)
    assert check_failed(items[0]).error == "record is 440 kB, over the 100 kB limit (raise it with --max-bytes)"
    assert items[1].text == "Small."


def test_csv_empty_and_header_only(tmp_path):
    for content in ("", "id,text\n"):
        path = tmp_path / "c.csv"
        path.write_text(content, encoding="utf-8")
        doc = check_document(read_one(path))
        assert doc.doc_id == "c.csv" and doc.text == ""


# ---------------------------------------------------------------------------
# properties: no exception, nlp_text as long as text, one-line errors
# ---------------------------------------------------------------------------

# CLAIMSCAN_FUZZ_EXAMPLES=5000 for a deeper run than CI's
FUZZ = settings(
    max_examples=int(os.environ.get("CLAIMSCAN_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
TEXT = st.lists(
    st.one_of(
        st.text(st.characters(codec="utf-8"), max_size=8),
        st.sampled_from(list("#*_`[]()!<>|-~=\\&;:\n\r\t \u200b\u202e\ufeff\x00")),
        st.sampled_from(["```", "---\n", "<!--", "-->", "<script>", "](http://x)", "&amp;", "**", "\r\n",
                         "# ", "\n- ", "<p>", "</div>", "[a]", "\n===\n", "| a |", "\n|---|\n"]),
    ),
    max_size=60,
).map("".join)


def check_any(items):
    assert items
    for item in items:
        if isinstance(item, Document):
            check_document(item)
        else:
            check_failed(item)
            assert not item.error.startswith("unexpected error"), item.error


@FUZZ
@given(text=TEXT, ext=st.sampled_from(["txt", "md", "html"]))
def test_property_any_text(tmp_path, text, ext):
    path = tmp_path / f"fuzz.{ext}"
    path.write_bytes(text.encode("utf-8"))
    items = read_all(path)
    check_any(items)
    if ext in ("txt", "md") and isinstance(items[0], Document) and items[0].format == ext and "\x00" not in text:
        # the text is the file content, less a leading BOM (which names the encoding)
        assert items[0].text == text.removeprefix("\ufeff")


@FUZZ
@given(data=st.binary(max_size=400), ext=st.sampled_from(["txt", "md", "html", "jsonl", "csv", "bin"]))
def test_property_any_bytes(tmp_path, data, ext):
    path = tmp_path / f"fuzz.{ext}"
    path.write_bytes(data)
    check_any(read_all(path))


@FUZZ
@given(records=st.lists(st.dictionaries(st.sampled_from(["id", "text", "title", "url", "x"]),
                                        st.one_of(TEXT, st.integers(), st.none())), max_size=5))
def test_property_any_records(tmp_path, records):
    jsonl = tmp_path / "fuzz.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    check_any(read_all(jsonl))
    path = tmp_path / "fuzz.csv"
    write_csv(path, [["id", "text"]] + [[str(r.get("id", "")), str(r.get("text", ""))] for r in records])
    check_any(read_all(path))


@FUZZ
@given(text=TEXT)
def test_property_markdown_only_masks(tmp_path, text):
    nlp_text, headings, _ = readers._markdown_markup(text)
    assert len(nlp_text) == len(text)
    assert all(n == t or n.isspace() or t in "&;\r\n\x0b\x0c" or not t.isprintable() or t in "\u200b\u202e\ufeff"
               for n, t in zip(nlp_text, text))


# ---------------------------------------------------------------------------
# regressions
# ---------------------------------------------------------------------------


def test_many_unclosed_comments_and_scripts_stay_linear(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("Text. " + "<!--" * 50_000 + "<script " * 50_000 + "\nMore text.\n", encoding="utf-8")
    started = time.perf_counter()
    doc = check_document(read_one(path))
    assert time.perf_counter() - started < 3
    assert doc.nlp_text.split() == ["Text.", "More", "text."]


def test_xhtml_xml_declaration_encoding(tmp_path):
    path = tmp_path / "a.xhtml"
    path.write_bytes(b'<?xml version="1.0" encoding="ISO-8859-1"?><html xmlns="http://www.w3.org/1999/xhtml">'
                     b"<head><title>X</title></head><body><p>Caf\xe9 \x93quoted\x94.</p></body></html>")
    doc = check_document(read_one(path))
    assert doc.text == "Café “quoted”." and doc.encoding == "cp1252"
