"""Input readers: find files in folders and turn them into Documents.

`discover` lists the files to read; `read_file` decodes one file (txt, md, html,
jsonl, csv) into `Document`s, or a `FailedDocument` with a one-line reason for
anything expected to go wrong (binary data, bad encodings, size limits, broken
records, dangling links). It never raises for such files.

Decisions (see also the report in docs):
- Empty or whitespace-only files are Documents with that (empty) text: status
  ok, 0 sentences. An empty .jsonl/.csv (or a header-only CSV) gives one empty
  Document named after the file. An HTML page with markup but no text (only
  scripts) fails with HTML_NO_TEXT.
- Encoding: BOM, then HTML <meta charset>/XML declaration, then strict UTF-8,
  then UTF-16 without BOM, then a mostly-UTF-8 file with a few bad bytes
  (replaced), then charset-normalizer, preferring cp1252 unless it names a
  non-Latin code page. Latin-1 declarations read as cp1252 (as browsers do).
- Size: txt/md/html files over `max_bytes` fail; .jsonl/.csv are streamed and
  the limit applies to each record, so large corpora work.
"""
from __future__ import annotations

import codecs
import csv
import errno
import html as html_lib
import io
import json
import logging
import os
import re
import stat
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

from claimscan import errors

DEFAULT_MAX_BYTES = 50_000_000  # 50 MB

FORMATS = ("txt", "md", "html", "jsonl", "csv")
EXTENSION_FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}
RECORD_FORMATS = ("jsonl", "csv")
DEFAULT_TEXT_FIELDS = ("text", "content", "body", "article", "abstract")
DEFAULT_ID_FIELDS = ("id", "doc_id", "url")
DEFAULT_TITLE_FIELDS = ("title", "headline")

# trafilatura logs through the logging module; keep library chatter off stderr.
for _name in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


@dataclass(frozen=True)
class Document:
    """One document to analyse. Offsets in the output index `text`."""

    doc_id: str
    path: str
    format: str
    text: str
    nlp_text: str
    title: str
    encoding: str
    headings: tuple[int, ...] = ()
    needs_text_file: bool = False


@dataclass(frozen=True)
class FailedDocument:
    """A file or record that could not be read; `error` is one line."""

    doc_id: str
    path: str
    format: str
    error: str


# ---------------------------------------------------------------------------
# sizes
# ---------------------------------------------------------------------------

_UNITS = (("GB", 1e9), ("MB", 1e6), ("kB", 1e3))


def format_size(n_bytes: int, *, other: int | None = None) -> str:
    """'31.2 MB' style size; more decimals when needed to differ from `other`."""

    def render(n: int, decimals: int) -> str:
        for unit, scale in _UNITS:
            if n >= scale:
                value = f"{n / scale:.{decimals}f}"
                if "." in value:
                    value = value.rstrip("0").rstrip(".")
                return f"{value} {unit}"
        return f"{n} bytes"

    for decimals in range(1, 7):
        shown = render(n_bytes, decimals)
        if other is None or shown != render(other, decimals) or n_bytes == other:
            return shown
    return f"{n_bytes} bytes"


def parse_size(text: str) -> int:
    """Bytes from '25MB', '1.5 GB', '800kB' or a plain number; ValueError otherwise."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)[bB]?\s*", text)
    if not match:
        raise ValueError(f"not a size: {text!r} (use e.g. 25MB or 25000000)")
    scale = {"": 1, "k": 1e3, "m": 1e6, "g": 1e9}[match.group(2).lower()]
    return int(float(match.group(1)) * scale)


def _too_large(size: int, limit: int, template: str = errors.FILE_TOO_LARGE) -> str:
    return template.format(size=format_size(size, other=limit), limit=format_size(limit, other=size))


# ---------------------------------------------------------------------------
# discovery
# ---------------------------------------------------------------------------


def format_for_path(path: Path | str) -> str | None:
    """Format named by the file extension (None when not a supported one)."""
    return EXTENSION_FORMATS.get(Path(path).suffix.lower())


def _glob_matches(rel: str, pattern: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    patterns = [pattern]
    while patterns[-1].startswith("**/"):  # "**/" also matches zero folders
        patterns.append(patterns[-1][3:])
    return any(fnmatchcase(rel, p) or fnmatchcase(name, p) for p in patterns)


def _wanted(rel: str, glob: str | None) -> bool:
    if glob:
        return _glob_matches(rel, glob)
    return format_for_path(rel) is not None


def _walk(root: Path, glob: str | None) -> list[tuple[Path, str]]:
    """Files under `root` (recursive, hidden skipped, symlink cycles cut)."""
    found: list[tuple[Path, str]] = []
    try:
        root_stat = os.stat(root)
        visited = {(root_stat.st_dev, root_stat.st_ino)}
    except OSError:
        return [(root, root.name)]
    pending: list[tuple[Path, str]] = [(root, "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            if prefix:  # an unreadable sub-folder: read_file reports it
                found.append((folder, prefix.rstrip("/")))
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = prefix + entry.name
            path = Path(entry.path)
            try:
                st = os.stat(path)
            except OSError:  # dangling link, link loop, vanished file
                if _wanted(rel, glob):
                    found.append((path, rel))
                continue
            if stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if key not in visited:  # a link back to a visited folder is a cycle
                    visited.add(key)
                    subfolders.append((path, rel + "/"))
            elif _wanted(rel, glob):
                found.append((path, rel))
        pending.extend(reversed(subfolders))
    return found


def discover(inputs: list[Path], glob: str | None = None) -> list[tuple[Path, str]]:
    """(file, doc_id) pairs for the given folders and files, in a stable order.

    Folders are read recursively (hidden files and folders skipped); without
    `glob` only supported extensions are taken, with `glob` the files whose
    relative path or name matches it. Files named directly are always taken.
    Dangling symlinks and symlink loops are listed so `read_file` reports them.
    doc_id is the path relative to the input folder (forward slashes), or the
    file name for a file given directly; clashes between inputs get the input
    folder's name in front, then a `~N` suffix. Raises FileNotFoundError
    (message errors.INPUT_NOT_FOUND) for an input that does not exist.
    """
    result: list[tuple[Path, str]] = []
    used_ids: set[str] = set()
    seen_files: set[tuple[int, int]] = set()
    for given in inputs:
        given = Path(given)
        if given.is_dir():
            entries = sorted(_walk(given, glob), key=lambda pair: pair[1])
            label = given.resolve().name or "input"
        elif given.exists() or given.is_symlink():
            entries = [(given, given.name)]
            label = given.resolve().parent.name or "input"
        else:
            raise FileNotFoundError(errors.INPUT_NOT_FOUND.format(path=given))
        for path, rel in entries:
            try:
                st = os.stat(path)
                key = (st.st_dev, st.st_ino)
                if stat.S_ISREG(st.st_mode):
                    if key in seen_files:  # same file reached twice
                        continue
                    seen_files.add(key)
            except OSError:
                pass
            doc_id = rel
            if doc_id in used_ids:
                doc_id = f"{label}/{rel}"
            n = 2
            base = doc_id
            while doc_id in used_ids:
                doc_id = f"{base}~{n}"
                n += 1
            used_ids.add(doc_id)
            result.append((path, doc_id))
    return result


# ---------------------------------------------------------------------------
# text cleaning shared by all formats
# ---------------------------------------------------------------------------


def _build_nlp_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0)):
        table[code] = " "
    table[ord("\t")] = "\t"
    table[ord("\n")] = "\n"
    for code in (0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029):
        table[code] = "\n"  # line separators become plain line breaks
    for code in (
        0x00AD,  # soft hyphen
        0x061C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F,
        0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
        0x2060, 0x2061, 0x2062, 0x2063, 0x2064,
        0x2066, 0x2067, 0x2068, 0x2069, 0x206A, 0x206B, 0x206C, 0x206D, 0x206E, 0x206F,
        0xFEFF, 0xFFF9, 0xFFFA, 0xFFFB, 0xFFFE, 0xFFFF,
    ):
        table[code] = " "
    for code in range(0xD800, 0xE000):  # lone surrogates (from JSON escapes)
        table[code] = " "
    return table


_NLP_TABLE = _build_nlp_table()
_CRLF = re.compile(r"\r\n")


def clean_for_nlp(text: str) -> str:
    """Same-length copy of `text` with control, zero-width and bidi marks as spaces.

    Line separators (CR, VT, FF, NEL, U+2028/9) become "\\n"; the CR of CRLF a space.
    """
    return _CRLF.sub(" \n", text).translate(_NLP_TABLE)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _normalise_extracted(text: str) -> str:
    """Newlines as \\n and no lone surrogates, for text we extract ourselves."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", " ")
    return _SURROGATE.sub("\ufffd", text)


# ---------------------------------------------------------------------------
# binary sniffing and decoding
# ---------------------------------------------------------------------------

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office document"),
    (b"{\\rtf", "RTF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"%!PS", "PostScript"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"wOFF", "web font"),
    (b"\x00asm", "WebAssembly"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BINARY_BYTES = bytes(list(range(0x00, 0x09)) + list(range(0x0E, 0x1B)) + list(range(0x1C, 0x20)))
_SAMPLE = 1 << 16
_REPLACEMENT_UTF8 = "\ufffd".encode("utf-8")
# Code pages charset-normalizer may name that are not a Latin script: trusted
# over cp1252 only for these (its Latin guesses on short text are often wrong).
_NON_LATIN = re.compile(
    r"^(cp125[1356]|cp1258|cp874|cp86[2-6]|cp855|cp866|koi8.*|iso8859-(5|6|7|8|11)|"
    r"mac-(cyrillic|greek|arabic)|kz1048|ptcp154|tis-620|shift_jis.*|cp932|euc.*|"
    r"gb.*|big5.*|cp949|cp950|johab|hz|iso2022.*)$"
)


def _bom_encoding(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def _magic_kind(data: bytes) -> str | None:
    head = data[:16].lstrip(b" \t\r\n")
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if data[4:8] == b"ftyp":
        return "MP4/QuickTime media"
    if data[:4] == b"RIFF":
        return "RIFF media"
    if data[:2] == b"MZ" and b"\x00" in data[:64]:
        return "executable"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:_SAMPLE]
    nuls = sample.count(0)
    if len(sample) < 4 or nuls < len(sample) * 0.2:
        return None
    odd = sample[1::2].count(0)
    even = sample[0::2].count(0)
    for name, share in (("utf-16-le", odd), ("utf-16-be", even)):
        if share >= nuls * 0.9:
            try:
                data[: len(data) // 2 * 2].decode(name)
            except UnicodeDecodeError:
                continue
            return name
    return None


def _is_utf8(data: bytes, *, complete: bool = True) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _looks_binary(data: bytes, *, complete: bool = True) -> bool:
    """Many control bytes: over 5%, or over 30% in valid UTF-8 (text with stray NULs)."""
    sample = data[:_SAMPLE]
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _BINARY_BYTES))
    if controls <= len(sample) * 0.05:
        return False
    return controls > len(sample) * 0.3 or not _is_utf8(sample, complete=complete and len(sample) == len(data))


def _canonical(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except (LookupError, TypeError, ValueError):
        return None


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few stray bytes (e.g. one cp1252 quote in a UTF-8 file)."""
    decoded = data.decode("utf-8", errors="replace")
    bad = decoded.count("\ufffd") - data.count(_REPLACEMENT_UTF8)
    good = sum(1 for ch in decoded if ord(ch) > 0x7F and ch != "\ufffd")
    return bad > 0 and good >= 3 * bad


def _charset_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    try:
        best = from_bytes(data[: 1 << 20]).best()
    except Exception:  # noqa: BLE001 - a detector failure is just "no guess"
        return None
    if best is None:
        return None
    return _canonical(best.encoding)


def choose_encoding(data: bytes, *, declared: str | None = None, complete: bool = True) -> tuple[str, str] | None:
    """(codec, errors mode) to decode `data`, or None when it is not text.

    `declared` is an encoding named inside the file (HTML meta); `complete`
    is False when `data` is only the start of a longer file.
    """
    bom = _bom_encoding(data)
    if bom:
        return bom, "replace"
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16, "replace"
    if declared:
        try:
            data.decode(declared)
            return declared, "strict"
        except UnicodeDecodeError:
            pass
    if _is_utf8(data, complete=complete):
        return "utf-8", "strict"
    if _mostly_utf8(data):
        return "utf-8", "replace"
    guess = _charset_guess(data)
    if guess and _NON_LATIN.match(guess):
        return guess, "replace"
    try:
        data.decode("cp1252")
        return "cp1252", "strict"
    except UnicodeDecodeError:
        pass
    if guess and not guess.startswith(("utf-16", "utf-32", "ascii")):
        return guess, "replace"
    return None


def _decode(data: bytes, *, declared: str | None = None) -> tuple[str, str] | str:
    """(text, encoding label) or an error message."""
    if not data:
        return "", "utf-8"
    if _bom_encoding(data) is None:
        kind = _magic_kind(data)
        if kind:
            return errors.BINARY_FILE.format(kind=kind)
        if _utf16_without_bom(data) is None and _looks_binary(data):
            return errors.BINARY_FILE_UNKNOWN
    chosen = choose_encoding(data, declared=declared)
    if chosen is None:
        return errors.UNDETECTED_ENCODING
    codec, mode = chosen
    text = data.decode(codec, errors=mode)
    label = codec
    if mode == "replace":
        bad = text.count("\ufffd") - data.count(_REPLACEMENT_UTF8)
        if bad > 0:
            label = f"{codec} ({bad} invalid bytes replaced)"
    return text, label


# ---------------------------------------------------------------------------
# sniffing HTML
# ---------------------------------------------------------------------------

_HTML_START = re.compile(
    rb"^(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.IGNORECASE)


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048]
    bom = _bom_encoding(head)
    if bom:
        try:
            head = head.decode(bom, errors="ignore").encode("utf-8", errors="ignore")
        except (UnicodeError, LookupError):
            return False
    return bool(_HTML_START.match(head))


def _declared_html_encoding(data: bytes) -> str | None:
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not match:
        return None
    name = _canonical(match.group(1).decode("ascii", errors="ignore"))
    if name is None:
        return None
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"  # as browsers read them (WHATWG encoding standard)
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"  # no BOM, so the declaration cannot be right
    return name


# ---------------------------------------------------------------------------
# plain text
# ---------------------------------------------------------------------------

_SENTENCE_END = (".", "!", "?", ":", ";", ",")


def _txt_title(text: str) -> str:
    """First non-blank line when it reads like a title (short, no final stop)."""
    for line in text[:4000].splitlines():
        line = " ".join(clean_for_nlp(line).split())
        if not line:
            continue
        if len(line) <= 150 and not line.endswith(_SENTENCE_END) and len(text.strip()) > len(line):
            return line.lstrip("#*-–•> ").strip()
        return ""
    return ""


# ---------------------------------------------------------------------------
# markdown
# ---------------------------------------------------------------------------

_PROTECT = "\ue000"  # stands in for literal characters while finding markup
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")
_ATX_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
_SETEXT_EQ = re.compile(r"^ {0,3}=+[ \t]*$")
_SETEXT_DASH = re.compile(r"^ {0,3}-+[ \t]*$")
_THEMATIC = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•–]|\d{1,9}[.)])(?:\s|$)")
_REF_DEF = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S")
_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^[^\]\n]+\]:")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$")
_BLOCKQUOTE = re.compile(r"^(?: {0,3}>[ ]?)+")
_TASK = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)])\s+)(\[[ xX]\])(?=\s)")
_HTML_HEADING_LINE = re.compile(r"^\s*<h([1-6])[\s>]", re.IGNORECASE)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_BACKTICKS = re.compile(r"`+")
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+\.[A-Za-z]+)>")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9\-]*(?:\s[^<>\n]*)?/?>|<![A-Za-z][^<>\n]*>|<\?[^<>\n]*\?>")
_FOOTNOTE_REF = re.compile(r"\[\^[^\[\]\s]+\]")
_INLINE_LINK = re.compile(
    r"(!?\[)[^\[\]\n]*"
    r"(\]\((?:<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\))"
)
_REF_LINK = re.compile(r"(!?\[)[^\[\]\n]*(\]\[[^\[\]\n]*\])")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_DELIMS = re.compile(r"\*+|_+|~~+")
_FRONT_TITLE = re.compile(r"^\s*title\s*[:=]\s*(.+?)\s*$", re.IGNORECASE)


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def _mask_span(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


_INLINE_MARKUP = re.compile(r"[\\`*_~\[\]<>&]")


def _mask_inline(line: str) -> str:
    """Same-length copy of one markdown line with its inline markup as spaces."""
    if not _INLINE_MARKUP.search(line):
        return line
    out = list(line)
    scan = list(line)

    def mask(start: int, end: int) -> None:
        for i in range(start, end):
            out[i] = " "
            scan[i] = " "

    for m in _ESCAPE.finditer(line):
        mask(m.start(), m.start() + 1)
        scan[m.start(1)] = _PROTECT
    view = "".join(scan)
    # code spans: equal-length backtick runs; their content is literal text
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(view)]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    i = 0
    while i < len(runs):
        start, end = runs[i]
        same = by_length[end - start]
        pos = bisect_right(same, i)
        if pos < len(same):
            j = same[pos]
            close_start, close_end = runs[j]
            mask(start, end)
            mask(close_start, close_end)
            for k in range(end, close_start):
                if scan[k] != " ":
                    scan[k] = _PROTECT
            i = j + 1
        else:
            i += 1
    view = "".join(scan)
    for pattern in (_AUTOLINK, _HTML_TAG, _FOOTNOTE_REF):
        for m in pattern.finditer(view):
            mask(m.start(), m.end())
        view = "".join(scan)
    for _ in range(3):  # images inside links: "[![alt](img)](url)"
        changed = False
        for pattern in (_INLINE_LINK, _REF_LINK):
            for m in pattern.finditer(view):
                mask(m.start(1), m.end(1))
                mask(m.start(2), m.end(2))
                changed = True
            view = "".join(scan)
        if not changed:
            break
    for m in _ENTITY.finditer(view):
        decoded = html_lib.unescape(m.group())
        if len(decoded) == 1 and decoded != m.group():
            # keep the character next to the word it belongs to: "&#8220;ok" -> "      “ok"
            before = view[m.start() - 1] if m.start() > 0 else " "
            after = view[m.end()] if m.end() < len(view) else " "
            at = m.end() - 1 if before.isspace() and not after.isspace() else m.start()
            mask(m.start(), m.end())
            out[at] = decoded
            scan[at] = _PROTECT
    view = "".join(scan)
    _mask_emphasis(view, mask)
    stripped = line.rstrip(" \t")
    if stripped.endswith("\\") and not stripped.endswith("\\\\") and out[len(stripped) - 1] == "\\":
        out[len(stripped) - 1] = " "  # hard line break
    return "".join(out)


def _mask_emphasis(view: str, mask: Callable[[int, int], None]) -> None:
    """Mask paired emphasis delimiter runs (*, _, ~~) by CommonMark flanking rules."""
    openers: dict[str, list[tuple[int, int]]] = {"*": [], "_": [], "~": []}
    n = len(view)
    for m in _DELIMS.finditer(view):
        start, end = m.start(), m.end()
        char = view[start]
        before = view[start - 1] if start > 0 else " "
        after = view[end] if end < n else " "
        if char == "~":
            can_open = not after.isspace()
            can_close = not before.isspace()
        else:
            left = not after.isspace() and (not _is_punct(after) or before.isspace() or _is_punct(before))
            right = not before.isspace() and (not _is_punct(before) or after.isspace() or _is_punct(after))
            if char == "_":
                can_open = left and (not right or _is_punct(before))
                can_close = right and (not left or _is_punct(after))
            else:
                can_open, can_close = left, right
        stack = openers[char]
        if can_close and stack:
            open_start, open_end = stack.pop()
            mask(open_start, open_end)
            mask(start, end)
        elif can_open:
            stack.append((start, end))


def _markdown_markup(text: str) -> tuple[str, tuple[int, ...], str]:
    """(nlp_text, heading line offsets, title) for markdown `text`."""
    base = clean_for_nlp(text)
    chars = list(base)
    lines: list[tuple[int, int]] = []  # (start, end) without the newline
    pos = 0
    for line in base.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    done = [False] * len(lines)
    front_title = ""

    def line_text(i: int) -> str:
        start, end = lines[i]
        return base[start:end]

    # front matter (YAML --- or TOML +++) at the very start
    if lines and line_text(0).rstrip() in ("---", "+++"):
        closer = ("---", "...") if line_text(0).rstrip() == "---" else ("+++",)
        for j in range(1, min(len(lines), 500)):
            if line_text(j).rstrip() in closer:
                for k in range(0, j + 1):
                    match = _FRONT_TITLE.match(line_text(k))
                    if match and not front_title and 0 < k < j:
                        front_title = match.group(1).strip().strip("'\"").strip()
                    _mask_span(chars, *lines[k])
                    done[k] = True
                break

    # fenced code blocks; an unclosed fence masks only its own line
    bare_fences: dict[str, list[int]] = {"`": [], "~": []}
    for i, (start, end) in enumerate(lines):
        match = _FENCE.match(base[start:end])
        if match and not match.group(3).strip():
            bare_fences[match.group(2)[0]].append(i)
    i = 0
    while i < len(lines):
        if done[i]:
            i += 1
            continue
        match = _FENCE.match(line_text(i))
        if match and not (match.group(2)[0] == "`" and "`" in match.group(3)):
            fence = match.group(2)
            candidates = bare_fences[fence[0]]
            pos = bisect_right(candidates, i)
            close = None
            while pos < len(candidates):
                j = candidates[pos]
                fence_match = _FENCE.match(line_text(j))
                if fence_match and len(fence_match.group(2)) >= len(fence):
                    close = j
                    break
                pos += 1
            last = close if close is not None else i
            for k in range(i, last + 1):
                _mask_span(chars, *lines[k])
                done[k] = True
            i = last + 1
            continue
        i += 1

    # HTML comments and script/style blocks, possibly over several lines
    joined = "".join(chars)
    _mask_html_blocks(joined, chars)

    headings: list[int] = []
    heading_levels: list[tuple[int, int]] = []  # (level, line index)
    joined = "".join(chars)
    prev_kind = "blank"
    in_table = False
    for i, (start, end) in enumerate(lines):
        if done[i]:
            prev_kind = "blank"
            continue
        line = joined[start:end]
        kind = "para"
        first = line.lstrip()[:1]
        if not first:
            prev_kind, in_table = "blank", False
            continue
        if first.isalnum() and not first.isdigit() and not in_table:  # plain paragraph line
            chars[start:end] = list(_mask_inline(line))
            prev_kind = "para"
            continue
        if _SETEXT_EQ.match(line) and prev_kind == "para":
            _mask_span(chars, start, end)
            headings.append(lines[i - 1][0])
            heading_levels.append((1, i - 1))
            prev_kind = "blank"
            continue
        if _SETEXT_DASH.match(line) and prev_kind == "para":
            _mask_span(chars, start, end)
            headings.append(lines[i - 1][0])
            heading_levels.append((2, i - 1))
            prev_kind = "blank"
            continue
        if _THEMATIC.match(line):
            _mask_span(chars, start, end)
            prev_kind = "blank"
            continue
        if _TABLE_SEP.match(line) and "|" in line and prev_kind in ("para", "table"):
            _mask_span(chars, start, end)
            prev_start, prev_end = lines[i - 1]
            for k in range(prev_start, prev_end):
                if chars[k] == "|":
                    chars[k] = " "
            in_table = True
            prev_kind = "table"
            continue
        if _REF_DEF.match(line):
            _mask_span(chars, start, end)
            prev_kind = "blank"
            continue
        offset = 0
        quote = _BLOCKQUOTE.match(line)
        if quote:
            offset = quote.end()
        footnote = _FOOTNOTE_DEF.match(line, offset)
        if footnote:
            offset = footnote.end()
        atx = _ATX.match(line, offset) if offset == 0 else None
        if atx:
            offset = atx.end()
            headings.append(start)
            heading_levels.append((len(atx.group(2)), i))
            kind = "heading"
            close = _ATX_CLOSE.search(line, offset)
            body_end = close.start() if close else len(line)
            if close:
                _mask_span(chars, start + close.start(), start + close.end())
        else:
            body_end = len(line)
            html_heading = _HTML_HEADING_LINE.match(line)
            if html_heading:
                headings.append(start)
                heading_levels.append((int(html_heading.group(1)), i))
                kind = "heading"
            elif _LIST_ITEM.match(line, offset):
                kind = "list"
            task = _TASK.match(line, offset)
            if task:
                _mask_span(chars, start + task.start(2), start + task.end(2))
        _mask_span(chars, start, start + offset)
        body = "".join(chars[start + offset : start + body_end])
        if in_table and "|" in body:
            body = body.replace("|", " ")
            kind = "table"
        chars[start + offset : start + body_end] = list(_mask_inline(body))
        prev_kind = kind
    nlp_text = "".join(chars)

    title = front_title
    if not title and heading_levels:
        level, index = min(heading_levels, key=lambda pair: pair[0] > 1)  # first h1, else first
        start, end = lines[index]
        title = " ".join(nlp_text[start:end].split())
        title = re.sub(r"^#{1,6}\s*", "", title)
    return nlp_text, tuple(sorted(set(headings))), title


_BLOCK_OPEN = re.compile(r"<!--|<(script|style)\b", re.IGNORECASE)
_BLOCK_OPEN_ALL = re.compile(r"<!--|<(script|style|noscript|template|head|title|svg)\b", re.IGNORECASE)


def _mask_html_blocks(view: str, chars: list[str], opener: re.Pattern[str] = _BLOCK_OPEN) -> None:
    """Mask HTML comments and <script>/<style> elements (unclosed: the opener only)."""
    pos = 0
    lower = view.lower()
    # last position of each closer: an opener after it cannot be closed, which
    # keeps many unclosed openers linear instead of one search to the end each
    last_close: dict[str, int] = {}
    while True:
        match = opener.search(view, pos)
        if not match:
            return
        closer = "-->" if match.group() == "<!--" else f"</{match.group(1).lower()}"
        if closer not in last_close:
            last_close[closer] = lower.rfind(closer)
        found = lower.find(closer, match.end()) if last_close[closer] >= match.end() else -1
        if found < 0:
            gt = view.find(">", match.end(), match.end() + 1000)
            end = match.end() if closer == "-->" or gt < 0 else gt + 1
        elif closer == "-->":
            end = found + 3
        else:
            gt = view.find(">", found)
            end = gt + 1 if gt >= 0 else len(view)
        _mask_span(chars, match.start(), end)
        pos = max(end, match.end())


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

_TRAFILATURA_BLOCKS = frozenset(
    {"head", "p", "list", "item", "quote", "table", "row", "cell", "code", "div", "body", "main", "doc", "html"}
)
_HTML_BLOCKS = frozenset(
    {
        "html", "body", "main", "article", "section", "div", "p", "h1", "h2", "h3", "h4", "h5", "h6",
        "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "table", "thead", "tbody", "tfoot",
        "tr", "td", "th", "caption", "figure", "figcaption", "address", "details", "summary",
        "center", "fieldset", "legend", "header", "hgroup",
    }
)
_HTML_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HTML_SKIP = frozenset(
    {
        "head", "script", "style", "noscript", "template", "nav", "footer", "aside", "form", "iframe",
        "svg", "math", "button", "select", "option", "input", "textarea", "canvas", "object", "embed",
        "audio", "video", "picture", "img", "dialog", "menu", "title", "meta", "link",
    }
)
_BOILERPLATE = re.compile(
    r"cookie|consent|gdpr|banner|newsletter|subscribe|navbar|menu|breadcrumb|footer|sidebar|"
    r"social|share|advert|promo|popup|modal|related",
    re.IGNORECASE,
)
_BOILERPLATE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog"})
_HTML_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_H1_TAG = re.compile(r"<h1[^>]*>(.*?)</h1", re.IGNORECASE | re.DOTALL)

_trafilatura_config = None
_TRAFILATURA_MAX_BLOCKS = 20_000


def _trafilatura_settings():  # type: ignore[no-untyped-def]
    global _trafilatura_config
    if _trafilatura_config is None:
        from trafilatura.settings import use_config

        config = use_config()
        # Keep short pages: below this size trafilatura swaps in a baseline
        # extraction that loses headings and lets navigation through.
        config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
        config.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")
        _trafilatura_config = config
    return _trafilatura_config


def _is_boilerplate(element) -> bool:  # type: ignore[no-untyped-def]
    get = element.get
    if get("hidden") is not None or (get("aria-hidden") or "").lower() == "true":
        return True
    if (get("role") or "").lower() in _BOILERPLATE_ROLES:
        return True
    style = (get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    names = f"{get('class') or ''} {get('id') or ''}"
    if names.strip() and _BOILERPLATE.search(names):
        return element.tag not in ("body", "html", "main", "article")
    if element.tag == "header" and not any(True for _ in element.iter(*_HTML_HEADINGS)):
        return True
    return False


def _tree_blocks(
    root,  # type: ignore[no-untyped-def]
    *,
    blocks: frozenset[str],
    headings: frozenset[str],
    breaks: frozenset[str],
    skip: frozenset[str],
    skip_element: Callable[[object], bool] | None,
    keep_newlines: bool,
) -> list[tuple[str, bool]]:
    """Text blocks (text, is_heading) of an lxml tree, walked without recursion."""
    out: list[tuple[str, bool]] = []
    pieces: list[str] = []
    heading_depth = 0

    def flush() -> None:
        text = "".join(pieces)
        pieces.clear()
        parts = text.split("\n") if keep_newlines else [text]
        for part in parts:
            collapsed = " ".join(part.split())
            if collapsed:
                out.append((collapsed, heading_depth > 0))

    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        element, leaving = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else None  # type: ignore[attr-defined]
        if leaving:
            if tag in blocks or tag in headings:
                flush()
                if tag in headings:
                    heading_depth -= 1
            if element.tail:  # type: ignore[attr-defined]
                pieces.append(element.tail)  # type: ignore[attr-defined]
            continue
        if tag is None or tag in skip or (skip_element is not None and skip_element(element)):
            if element.tail:  # type: ignore[attr-defined]
                pieces.append(element.tail)  # type: ignore[attr-defined]
            continue
        if tag in breaks:
            flush()
            if element.tail:  # type: ignore[attr-defined]
                pieces.append(element.tail)  # type: ignore[attr-defined]
            continue
        if tag in blocks or tag in headings:
            flush()
            if tag in headings:
                heading_depth += 1
        if element.text:  # type: ignore[attr-defined]
            pieces.append(element.text)  # type: ignore[attr-defined]
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))  # type: ignore[call-overload]
    flush()
    return out


def _regex_html_blocks(source: str) -> list[tuple[str, bool]]:
    """Plain tag-stripping extraction for pages lxml cannot build a tree of."""
    chars = list(source)
    _mask_html_blocks(source, chars, _BLOCK_OPEN_ALL)
    view = "".join(chars)
    out: list[tuple[str, bool]] = []
    heading = False
    pieces: list[str] = []

    def flush() -> None:
        text = " ".join(html_lib.unescape("".join(pieces)).split())
        pieces.clear()
        if text:
            out.append((text, heading))

    pos = 0
    for match in re.finditer(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^<>]*>", view):
        pieces.append(view[pos : match.start()])
        pos = match.end()
        tag = match.group(2).lower()
        if tag in _HTML_BLOCKS or tag in _HTML_HEADINGS or tag in ("br", "hr"):
            flush()
            if tag in _HTML_HEADINGS:
                heading = not match.group(1)
    pieces.append(view[pos:])
    flush()
    return out


def _text_of(element) -> str:  # type: ignore[no-untyped-def]
    return " ".join("".join(element.itertext()).split())


def _extract_html(source: str) -> tuple[str, tuple[int, ...], str] | str:
    """(text, heading offsets, title) of the article in `source`, or an error."""
    import lxml.etree
    import lxml.html

    source = _HTML_CONTROL.sub(" ", _SURROGATE.sub("\ufffd", source))
    if not source.strip():
        return "", (), ""
    encoded = source.encode("utf-8")

    def parse():  # type: ignore[no-untyped-def]
        parser = lxml.html.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, recover=True
        )
        try:
            root = lxml.html.document_fromstring(encoded, parser=parser)
        except (lxml.etree.LxmlError, ValueError):
            return None
        too_deep = any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)
        return None if too_deep else root

    root = parse()
    title = ""
    blocks: list[tuple[str, bool]] = []
    if root is None:  # nested beyond libxml2's depth limit, or no document
        match = _TITLE_TAG.search(source[:200_000])
        if match:
            title = " ".join(html_lib.unescape(re.sub(r"<[^>]*>", " ", match.group(1))).split())
        blocks = _regex_html_blocks(source)
    else:
        for element in root.iter("title"):
            title = _text_of(element)
            break
        if not title:
            for element in root.iter("h1"):
                title = _text_of(element)
                if title:
                    break
        n_blocks = sum(1 for _ in root.iter("p", "div", "li", "tr", "td", "section", "article", "br"))
        # trafilatura takes ~0.2 ms per block; giant dumps go to the plain walker
        blocks = _trafilatura_blocks(root) if n_blocks <= _TRAFILATURA_MAX_BLOCKS else []
        if not blocks:
            fresh = parse()
            if fresh is not None:
                body = fresh.find("body")
                start = body if body is not None else fresh
                for skip_element in (_is_boilerplate, None):
                    blocks = _tree_blocks(
                        start,
                        blocks=_HTML_BLOCKS,
                        headings=_HTML_HEADINGS,
                        breaks=frozenset({"br", "hr"}),
                        skip=_HTML_SKIP,
                        skip_element=skip_element,
                        keep_newlines=False,
                    )
                    if blocks:
                        break
    if not blocks:
        return errors.HTML_NO_TEXT
    if not title:
        title = next((text for text, is_heading in blocks if is_heading), "")
    lines: list[str] = []
    heading_offsets: list[int] = []
    offset = 0
    for text, is_heading in blocks:
        if is_heading:
            heading_offsets.append(offset)
        lines.append(text)
        offset += len(text) + 1
    return _normalise_extracted("\n".join(lines)), tuple(heading_offsets), title


def _trafilatura_blocks(root) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            root,
            include_comments=False,
            include_tables=True,
            include_formatting=True,
            include_images=False,
            include_links=False,
            with_metadata=False,
            deduplicate=False,
            config=_trafilatura_settings(),
        )
    except Exception:  # noqa: BLE001 - any extractor failure falls back to ours
        return []
    body = getattr(result, "body", None)
    if body is None:
        return []
    return _tree_blocks(
        body,
        blocks=_TRAFILATURA_BLOCKS,
        headings=frozenset({"head"}),
        breaks=frozenset({"lb"}),
        skip=frozenset({"graphic"}),
        skip_element=None,
        keep_newlines=True,
    )


# ---------------------------------------------------------------------------
# records (.jsonl / .csv)
# ---------------------------------------------------------------------------

_ID_CLEAN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_HTML_CLOSING = re.compile(r"</[A-Za-z][A-Za-z0-9]*\s*>")


def _clean_id(value: object) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(_ID_CLEAN.sub(" ", _SURROGATE.sub("\ufffd", str(value))).split())
    return text[:200]


def _record_text(value: object) -> str | None:
    """Text of a record field; None when the value is not text-like."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, dict):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "\n\n".join(value)
    return None


def _kind_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _record_document(
    doc_id: str, path: Path, fmt: str, text: str, title: object, encoding: str
) -> Document:
    text = _normalise_extracted(text)
    nlp_text = clean_for_nlp(text)
    if _HTML_CLOSING.search(text):  # HTML stored in the field: keep tags out of the NLP text
        chars = list(nlp_text)
        _mask_html_blocks(nlp_text, chars)
        view = "".join(chars)
        for match in _HTML_TAG.finditer(view):
            _mask_span(chars, match.start(), match.end())
        nlp_text = "".join(chars)
    title_text = _clean_id(title) if isinstance(title, str) else ""
    return Document(
        doc_id=doc_id,
        path=str(path),
        format=fmt,
        text=text,
        nlp_text=nlp_text,
        title=title_text,
        encoding=encoding,
        headings=(),
        needs_text_file=True,
    )


class _RecordIds:
    """Unique record doc_ids: `file#id`, then `file#id~N` on repeats."""

    def __init__(self, file_id: str) -> None:
        self.file_id = file_id
        self.used: set[str] = set()

    def make(self, record_id: str, number: int) -> str:
        doc_id = f"{self.file_id}#{record_id or number}"
        base, n = doc_id, number
        while doc_id in self.used:
            doc_id = f"{base}~{n}"
            n += 1
        self.used.add(doc_id)
        return doc_id


def _pick(names: list[str], wanted: tuple[str, ...]) -> str | None:
    """First of `wanted` among `names` (exact, then case-insensitive)."""
    for want in wanted:
        if want in names:
            return want
    lowered = {name.lower(): name for name in reversed(names)}
    for want in wanted:
        if want.lower() in lowered:
            return lowered[want.lower()]
    return None


def _open_records(path: Path, file_id: str, fmt: str) -> tuple[io.TextIOWrapper, str] | FailedDocument:
    raw = open(path, "rb")  # noqa: SIM115 - handed to the wrapper, closed by the caller
    try:
        sample = raw.read(1 << 20)
        complete = len(sample) < (1 << 20)
        if _bom_encoding(sample) is None:
            kind = _magic_kind(sample)
            if kind or (_utf16_without_bom(sample) is None and _looks_binary(sample, complete=complete)):
                raw.close()
                message = errors.BINARY_FILE.format(kind=kind) if kind else errors.BINARY_FILE_UNKNOWN
                return FailedDocument(file_id, str(path), fmt, message)
        chosen = choose_encoding(sample, complete=complete) if sample else ("utf-8", "strict")
        if chosen is None:
            raw.close()
            return FailedDocument(file_id, str(path), fmt, errors.UNDETECTED_ENCODING)
        raw.seek(0)
        codec = chosen[0]
        wrapper = io.TextIOWrapper(raw, encoding=codec, errors="replace", newline="" if fmt == "csv" else None)
        return wrapper, codec
    except BaseException:
        raw.close()
        raise


def _read_jsonl(
    path: Path, file_id: str, text_field: str | None, id_field: str | None, max_bytes: int
) -> Iterator[Document | FailedDocument]:
    opened = _open_records(path, file_id, "jsonl")
    if isinstance(opened, FailedDocument):
        yield opened
        return
    stream, encoding = opened
    ids = _RecordIds(file_id)
    wanted_text = (text_field,) if text_field else DEFAULT_TEXT_FIELDS
    produced = False
    with stream:
        number = 0
        while True:
            line = stream.readline(max_bytes + 1)
            if not line:
                break
            number += 1
            if len(line) > max_bytes and not line.endswith("\n"):
                size = len(line.encode("utf-8", errors="replace"))
                while True:  # skip the rest of the oversized line
                    chunk = stream.readline(1 << 20)
                    size += len(chunk.encode("utf-8", errors="replace"))
                    if not chunk or chunk.endswith("\n"):
                        break
                produced = True
                yield FailedDocument(ids.make("", number), str(path), "jsonl", _too_large(size, max_bytes, errors.RECORD_TOO_LARGE))
                continue
            stripped = line.strip().lstrip("\ufeff")
            if not stripped:
                continue
            produced = True
            try:
                record = json.loads(stripped)
            except json.JSONDecodeError as exc:
                message = errors.JSONL_BAD_LINE.format(line=number, reason=f"{exc.msg} at column {exc.colno}")
                yield FailedDocument(ids.make("", number), str(path), "jsonl", errors.one_line(message))
                continue
            except RecursionError:
                yield FailedDocument(ids.make("", number), str(path), "jsonl", errors.JSONL_TOO_DEEP.format(line=number))
                continue
            if not isinstance(record, dict):
                message = errors.JSONL_NOT_OBJECT.format(line=number, kind=_kind_of(record))
                yield FailedDocument(ids.make("", number), str(path), "jsonl", message)
                continue
            keys = [str(key) for key in record]
            if id_field:
                if id_field not in record:
                    message = errors.RECORD_NO_ID_FIELD.format(field=id_field, have=errors.names_list(keys))
                    yield FailedDocument(ids.make("", number), str(path), "jsonl", errors.one_line(message))
                    continue
                record_id = _clean_id(record[id_field])
            else:
                id_key = next((k for k in DEFAULT_ID_FIELDS if _clean_id(record.get(k))), None)
                record_id = _clean_id(record[id_key]) if id_key else ""
            doc_id = ids.make(record_id, number)
            text_key = next((k for k in wanted_text if k in record and record[k] is not None), None)
            if text_key is None:
                text_key = next((k for k in wanted_text if k in record), None)
            if text_key is None:
                message = errors.RECORD_NO_TEXT_FIELD.format(wanted=errors.names_list(wanted_text), have=errors.names_list(keys))
                yield FailedDocument(doc_id, str(path), "jsonl", errors.one_line(message))
                continue
            text = _record_text(record[text_key])
            if text is None:
                message = errors.RECORD_TEXT_NOT_TEXT.format(field=text_key, kind=_kind_of(record[text_key]))
                yield FailedDocument(doc_id, str(path), "jsonl", errors.one_line(message))
                continue
            title = next((record[k] for k in DEFAULT_TITLE_FIELDS if isinstance(record.get(k), str)), "")
            yield _record_document(doc_id, path, "jsonl", text, title, encoding)
    if not produced:
        yield _record_document(file_id, path, "jsonl", "", "", encoding)


_CSV_FIELD_LIMIT = 2**31 - 1


def _csv_delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _read_csv(
    path: Path, file_id: str, text_field: str | None, id_field: str | None, max_bytes: int
) -> Iterator[Document | FailedDocument]:
    opened = _open_records(path, file_id, "csv")
    if isinstance(opened, FailedDocument):
        yield opened
        return
    stream, encoding = opened
    # csv's own limit is process-wide; keep it out of the way and apply max_bytes per record
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    with stream:
        first = stream.readline(1 << 20)
        stream.seek(0)
        reader = csv.reader(stream, delimiter=_csv_delimiter(first.lstrip("\ufeff")))
        try:
            header = next(reader, None)
        except csv.Error as exc:
            yield FailedDocument(file_id, str(path), "csv", errors.one_line(errors.CSV_PARSE_ERROR.format(row=0, reason=exc)))
            return
        if header is None or not any(cell.strip() for cell in header):
            yield _record_document(file_id, path, "csv", "", "", encoding)
            return
        columns = [cell.strip().lstrip("\ufeff").strip() for cell in header]
        text_column = _pick(columns, (text_field,) if text_field else DEFAULT_TEXT_FIELDS)
        if text_column is None:
            wanted = (text_field,) if text_field else DEFAULT_TEXT_FIELDS
            message = errors.CSV_NO_TEXT_COLUMN.format(wanted=errors.names_list(wanted), have=errors.names_list(columns))
            yield FailedDocument(file_id, str(path), "csv", errors.one_line(message))
            return
        if id_field and _pick(columns, (id_field,)) is None:
            message = errors.CSV_NO_ID_COLUMN.format(field=id_field, have=errors.names_list(columns))
            yield FailedDocument(file_id, str(path), "csv", errors.one_line(message))
            return
        text_index = columns.index(text_column)
        id_column = _pick(columns, (id_field,)) if id_field else _pick(columns, DEFAULT_ID_FIELDS)
        id_index = columns.index(id_column) if id_column else None
        title_column = _pick(columns, DEFAULT_TITLE_FIELDS)
        title_index = columns.index(title_column) if title_column else None
        ids = _RecordIds(file_id)
        number = 0
        produced = False
        while True:
            try:
                row = next(reader, None)
            except csv.Error as exc:
                message = errors.CSV_PARSE_ERROR.format(row=number + 1, reason=exc)
                yield FailedDocument(ids.make("", number + 1), str(path), "csv", errors.one_line(message))
                return
            if row is None:
                break
            if not row or not any(cell.strip() for cell in row):
                continue
            number += 1
            produced = True

            def cell(index: int | None) -> str:
                return row[index] if index is not None and index < len(row) else ""

            doc_id = ids.make(_clean_id(cell(id_index)), number)
            text = cell(text_index)
            size = len(text.encode("utf-8", errors="replace"))
            if size > max_bytes:
                yield FailedDocument(doc_id, str(path), "csv", _too_large(size, max_bytes, errors.RECORD_TOO_LARGE))
                continue
            yield _record_document(doc_id, path, "csv", text, cell(title_index), encoding)
        if not produced:
            yield _record_document(file_id, path, "csv", "", "", encoding)


# ---------------------------------------------------------------------------
# read_file
# ---------------------------------------------------------------------------


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def _os_error_message(path: Path, exc: OSError) -> str:
    if os.path.islink(path):
        if exc.errno == errno.ELOOP:
            return errors.SYMLINK_LOOP
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            try:
                target = os.readlink(path)
            except OSError:
                target = "?"
            return errors.one_line(errors.DANGLING_SYMLINK.format(target=target))
    if exc.errno == errno.ENOENT:
        return errors.NOT_FOUND
    return errors.one_line(errors.READ_FAILED.format(reason=exc.strerror or exc))


def read_file(
    path: Path,
    doc_id: str,
    *,
    text_field: str | None = None,
    id_field: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Document | FailedDocument]:
    """Documents of one file: one for txt/md/html, one per record for jsonl/csv.

    Expected problems come out as FailedDocument with a one-line error; this
    generator does not raise for them.
    """
    path = Path(path)
    fmt = format_for_path(path)
    shown_format = fmt or "txt"
    produced = False
    try:
        for item in _read(path, doc_id, fmt, text_field, id_field, max_bytes):
            produced = True
            yield item
    except OSError as exc:
        yield FailedDocument(doc_id, str(path), shown_format, _os_error_message(path, exc))
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the run
        message = errors.UNEXPECTED.format(kind=type(exc).__name__, reason=exc)
        yield FailedDocument(doc_id + ("#error" if produced else ""), str(path), shown_format, errors.one_line(message))


def _read(
    path: Path, doc_id: str, fmt: str | None, text_field: str | None, id_field: str | None, max_bytes: int
) -> Iterator[Document | FailedDocument]:
    shown_format = fmt or "txt"
    try:
        st = os.stat(path)
    except OSError as exc:
        yield FailedDocument(doc_id, str(path), shown_format, _os_error_message(path, exc))
        return
    if stat.S_ISDIR(st.st_mode):
        try:
            os.listdir(path)
            message = errors.IS_A_FOLDER
        except OSError as exc:
            message = errors.one_line(errors.FOLDER_UNREADABLE.format(reason=exc.strerror or exc))
        yield FailedDocument(doc_id, str(path), shown_format, message)
        return
    if not stat.S_ISREG(st.st_mode):
        yield FailedDocument(doc_id, str(path), shown_format, errors.NOT_A_REGULAR_FILE.format(kind=_file_kind(st.st_mode)))
        return
    if fmt == "jsonl":
        yield from _read_jsonl(path, doc_id, text_field, id_field, max_bytes)
        return
    if fmt == "csv":
        yield from _read_csv(path, doc_id, text_field, id_field, max_bytes)
        return
    if st.st_size > max_bytes:
        yield FailedDocument(doc_id, str(path), shown_format, _too_large(st.st_size, max_bytes))
        return
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        yield FailedDocument(doc_id, str(path), shown_format, _too_large(len(data), max_bytes))
        return
    if fmt in (None, "txt", "md") and _looks_like_html(data):
        fmt = "html"
    fmt = fmt or "txt"
    declared = _declared_html_encoding(data) if fmt == "html" else None
    decoded = _decode(data, declared=declared)
    if isinstance(decoded, str):
        yield FailedDocument(doc_id, str(path), fmt, decoded)
        return
    content, encoding = decoded
    if fmt == "html":
        extracted = _extract_html(content)
        if isinstance(extracted, str):
            yield FailedDocument(doc_id, str(path), fmt, extracted)
            return
        text, headings, title = extracted
        yield Document(
            doc_id=doc_id,
            path=str(path),
            format="html",
            text=text,
            nlp_text=clean_for_nlp(text),
            title=errors.one_line(title),
            encoding=encoding,
            headings=headings,
            needs_text_file=True,
        )
        return
    if fmt == "md":
        nlp_text, headings, title = _markdown_markup(content)
    else:
        nlp_text, headings, title = clean_for_nlp(content), (), _txt_title(content)
    # NUL cannot travel through CSV readers (pandas stops a field at it): such a file's
    # offsets index its content with NUL as a space, written to OUT/text like HTML.
    has_nul = "\x00" in content
    yield Document(
        doc_id=doc_id,
        path=str(path),
        format=fmt,
        text=content.replace("\x00", " ") if has_nul else content,
        nlp_text=nlp_text,
        title=errors.one_line(title),
        encoding=encoding,
        headings=headings,
        needs_text_file=has_nul,
    )
