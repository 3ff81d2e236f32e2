"""User-facing messages of claimscan, in one place with stable wording.

Each message is one line. Templates take keyword arguments via ``str.format``;
``one_line`` makes any text (an OSError, a parser complaint) safe to show.
"""
from __future__ import annotations

import re

# --- inputs (discovery) -----------------------------------------------------
INPUT_NOT_FOUND = "input not found: {path}"

# --- files ------------------------------------------------------------------
FILE_TOO_LARGE = "file is {size}, over the {limit} limit (raise it with --max-bytes)"
RECORD_TOO_LARGE = "record is {size}, over the {limit} limit (raise it with --max-bytes)"
BINARY_FILE = "binary file ({kind}), not text"
BINARY_FILE_UNKNOWN = "binary file, not text"
UNDETECTED_ENCODING = "could not detect the text encoding"
DANGLING_SYMLINK = "dangling symlink: its target {target} does not exist"
SYMLINK_LOOP = "symlink loop: the link points back to itself"
NOT_FOUND = "file not found"
NOT_A_REGULAR_FILE = "not a regular file ({kind})"
IS_A_FOLDER = "is a folder, not a file"
FOLDER_UNREADABLE = "folder could not be read: {reason}"
READ_FAILED = "could not read file: {reason}"
UNEXPECTED = "unexpected error while reading ({kind}): {reason}"

# --- HTML -------------------------------------------------------------------
HTML_NO_TEXT = "no text found in the HTML page (only scripts, styles or markup)"

# --- records (.jsonl / .csv) ------------------------------------------------
JSONL_BAD_LINE = "line {line}: not valid JSON ({reason})"
JSONL_TOO_DEEP = "line {line}: JSON nested too deeply"
JSONL_NOT_OBJECT = "line {line}: expected a JSON object, got {kind}"
RECORD_NO_TEXT_FIELD = "no text field (looked for {wanted}); the record has: {have}"
RECORD_NO_ID_FIELD = "no '{field}' field (--id-field); the record has: {have}"
RECORD_TEXT_NOT_TEXT = "field '{field}' holds {kind}, not text"
CSV_NO_TEXT_COLUMN = "no text column (looked for {wanted}); the columns are: {have}"
CSV_NO_ID_COLUMN = "no '{field}' column (--id-field); the columns are: {have}"
CSV_PARSE_ERROR = "row {row}: CSV could not be parsed ({reason}); the rest of the file was not read"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_MAX_MESSAGE = 300


def one_line(message: object) -> str:
    """Return `message` as one printable line of at most 300 characters."""
    text = " ".join(_CONTROL.sub(" ", str(message)).split())
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1] + "…"
    return text


def names_list(names: object, limit: int = 20) -> str:
    """Comma-separated, quoted names for messages ('(none)' when empty)."""
    items = [one_line(n)[:60] for n in names]  # type: ignore[union-attr]
    if not items:
        return "(none)"
    shown = ", ".join(f"'{n}'" for n in items[:limit])
    if len(items) > limit:
        shown += f", … ({len(items) - limit} more)"
    return shown

# --- processing ---------------------------------------------------------------
DOCUMENT_TIMEOUT = "took longer than {seconds} s to process (raise the limit with --timeout)"
