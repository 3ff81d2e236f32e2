"""Sentence segmentation for web health text: block structure first, then
sentence ends inside each block (annotation guidelines §1).

`segment_text` is the algorithm, a pure function on a string; `Segmenter` is
the spaCy component around it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from . import extensions
from .paths import DATA_DIR
from .validation import check_keys


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    section: str
    is_heading: bool = False


# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class SegmentationRules:
    """Abbreviation lists that decide whether a full stop ends a sentence."""

    never_final: frozenset[str]  # "e.g", "dr": a following capitalised word never starts a sentence
    titles: frozenset[str]  # never_final personal titles; lower-case right after a number they are units ("500 ms.")
    maybe_final: frozenset[str]  # "u.s", "etc": ends a sentence when a function word follows
    sentence_starters: frozenset[str]  # lower-cased function words that open sentences

    @classmethod
    def from_dict(cls, data: dict) -> "SegmentationRules":
        keys = {"never_final", "titles", "maybe_final", "sentence_starters"}
        check_keys(data, keys, keys, "segmentation rules")
        return cls(
            never_final=frozenset(a.lower().rstrip(".") for a in data["never_final"]),
            titles=frozenset(a.lower().rstrip(".") for a in data["titles"]),
            maybe_final=frozenset(a.lower().rstrip(".") for a in data["maybe_final"]),
            sentence_starters=frozenset(w.lower() for w in data["sentence_starters"]),
        )


@lru_cache(maxsize=None)
def load_rules(path: Path = DATA_DIR / "segmentation_rules.json") -> SegmentationRules:
    return SegmentationRules.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- blocks
# Line breaks of every kind Python's str.splitlines knows.
_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]*")
_BLOCK_MARKUP = re.compile(
    r"""\s*(?:
        (?P<heading>\#{1,6})(?:\s+|$)                      # markdown ATX heading
      | (?P<quote>(?:>\s*)+)                               # blockquote
      | (?P<list>[-*+•●▪‣◦·–—]|\d{1,3}[.)]|[a-z]\)|\(\w{1,3}\))\s+  # list marker
    )*""",
    re.VERBOSE,
)
# Patterns below are written without adjacent ambiguous quantifiers (no "\s*\s*"),
# so a line of a million spaces cannot make them backtrack quadratically.
# "## 1. Dosage": numbering after heading marks belongs to the heading, not a list marker
_ATX_HEADING = re.compile(r"\s*(?:>\s*)*(?P<heading>\#{1,6})(?:\s+|$)(?P<list>)?(?P<quote>)?")
_RULE_LINE = re.compile(r"\s*(?:[-*_=~]\s*){3,}$")  # --- *** ___ === (rules, setext underlines)
_TABLE_RULE = re.compile(r"\s*(?:\|\s*)?:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*(?:\|\s*)?$")
_FENCE = re.compile(r"\s*(```|~~~)")
_TERMINAL_END = re.compile(r"""[.!?…]["'”’»)\]]*\s*$""")
# In a hard-wrapped document (markdown, e-mail, plain-text exports: lines cut at a
# fixed width), the line after a line at least this long continues the same block,
# and the in-line rules decide where its sentences end, as markdown renders it.
# Elsewhere every line break ends a unit (guidelines §1).
SOFT_WRAP_MIN_LINE = 40
HARD_WRAP_MAX_WIDTH = 100
HARD_WRAP_MIN_LINES = 5


def _is_hard_wrapped(text: str, lines: list[tuple[int, int]]) -> bool:
    """Most long lines are at most ~100 characters and break mid-sentence."""
    long_lines = [(s, e) for s, e in lines if e - s >= SOFT_WRAP_MIN_LINE]
    if len(long_lines) < HARD_WRAP_MIN_LINES:
        return False
    if sum(e - s > HARD_WRAP_MAX_WIDTH for s, e in long_lines) > len(long_lines) // 10:
        return False
    mid_sentence = sum(not _TERMINAL_END.search(text, s, e) for s, e in long_lines)
    return mid_sentence * 2 >= len(long_lines)


def _strip_closing_hashes(text: str, start: int, end: int) -> int:
    """End of an ATX heading without its optional closing '#'s ("## Risks ##")."""
    stop = end
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    hashes = stop
    while hashes > start and text[hashes - 1] == "#":
        hashes -= 1
    if hashes < stop and (hashes == start or text[hashes - 1].isspace()):
        return hashes
    return end


def _lines(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of every line, without its line break."""
    for m in _LINE.finditer(text):
        if m.start() == m.end() and m.start() > 0 and text[m.start() - 1] not in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
            continue  # finditer's empty match after a non-empty line
        yield m.start(), m.end()


# --------------------------------------------------------------------------- sentences
_CLOSERS = "\"'”’»)]"
# A candidate end: terminal punctuation, closing quotes/brackets, bracketed citations.
_END = re.compile(
    r"""(?:[.!?]+|…|\.\s\.\s\.)          # . ! ? ?! ... …
        [\"'”’»)\]]*                      # closing quotes and brackets stay with the sentence
        (?:\[\d+(?:[,–-]\s?\d+)*\])*      # reference markers like [3] or [2,5]
        (?=\s|$)""",
    re.VERBOSE,
)
# A full stop glued to the next sentence: "effects.The next"
_GLUED = re.compile(r"(?<=[a-z]{3}[.!?])(?=[A-Z][a-z])")
_NON_SPACE = re.compile(r"\S")
_WINDOW = 64  # look at most this far around a full stop: keeps segmentation linear
_WORD_BEFORE = re.compile(r"([\w.'’-]*)$")
_WORD_BEFORE_LETTER = re.compile(r"(\S+)\s+$")
_WORD_AFTER = re.compile(r"\s*[\"'“‘«(\[]*([\w'’-]*)")


def _ends_sentence(text: str, end_start: int, end_stop: int, line_end: int, rules: SegmentationRules) -> bool:
    """Does the terminal punctuation at text[end_start:end_stop] end a sentence?"""
    following = _NON_SPACE.search(text, end_stop, line_end)
    if following is None:
        return True
    punct = text[end_start]
    after = _WORD_AFTER.match(text, end_stop, min(line_end, end_stop + _WINDOW))
    next_word = after.group(1) if after else ""
    first = text[after.end(0) - len(next_word)] if next_word else following.group()
    if punct in "!?":
        # “Why?” she asked: a quoted question inside a sentence; "I think? hard to say": two
        return not (first.islower() and text[end_stop - 1] in _CLOSERS)
    ellipsis = punct == "…" or text.startswith("...", end_start) or text.startswith(". .", end_start)
    if ellipsis:
        return first.isupper() or first in "\"“‘«("
    if text[end_start + 1:end_stop].strip(_CLOSERS + "[]0123456789,–- "):
        return True  # "?!" or similar
    original = _WORD_BEFORE.search(text, max(0, end_start - _WINDOW), end_start).group(1).lstrip("'’-").rstrip(".")
    word = original.lower()
    if first.isdigit():
        # "Fig. 2", "No. 5", "approx. 3 mg" continue; "... in 2019. 2020 saw ..." ends
        return not (word in rules.never_final or word in rules.maybe_final or len(word) <= 2)
    if first.islower():
        # "approx. twice", "e.g. kratom" continue; "about it. will report back" ends
        return len(word) >= 2 and word.isalpha() and word not in rules.never_final and word not in rules.maybe_final
    if word in rules.never_final:
        # a title never follows a number: "took 500 ms. No one ..." ends (milliseconds)
        word_start = end_start - len(original)
        return (word in rules.titles and original[:1].islower()
                and _NUMBER_BEFORE.search(text, max(0, word_start - 2), word_start) is not None)
    # a lone capital is an initial ("J. Smith", "John F. Kennedy") only after a capitalised word
    # or at the start: "vitamin C. Tastes ..." and "5 g. Higher ..." end sentences
    is_initial = len(word) == 1 and word.isalpha() and _initial_context(text, end_start - 1)
    # dotted capitals not listed ("U.S.A.", "N.Y.") behave like "U.S."; "p.m." like a word
    dotted_name = "." in original and original[:1].isupper() and all(len(p) <= 2 for p in original.split("."))
    if word in rules.maybe_final or is_initial or dotted_name:
        # "U.S. The legality" ends; "U.S. Food and Drug" and "J. Smith" continue
        return next_word.lower() in rules.sentence_starters
    return True


_NUMBER_BEFORE = re.compile(r"\d\s?$")


def _initial_context(text: str, letter_at: int) -> bool:
    """Is the word before the lone letter at `letter_at` capitalised (or absent)?"""
    before = _WORD_BEFORE_LETTER.search(text, max(0, letter_at - _WINDOW), letter_at)
    if before is None:
        return True
    word = before.group(1)
    return word[:1].isupper() or word[-1] in ".!?:;\"”’)"  # capitalised, or the letter opens a sentence


def _split_unit(text: str, start: int, end: int, rules: SegmentationRules) -> list[tuple[int, int]]:
    """Split one line's content into sentence spans (whitespace trimmed)."""
    spans = []
    cursor = start
    cuts = [m.end() for m in _END.finditer(text, start, end) if _ends_sentence(text, m.start(), m.end(), end, rules)]
    cuts += [m.start() for m in _GLUED.finditer(text, start, end)]
    for cut in sorted(set(cuts)):
        if cut <= cursor:
            continue
        spans.append((cursor, cut))
        cursor = cut
    if cursor < end:
        spans.append((cursor, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e and not _is_markup_only(text[s:e]):
            out.append((s, e))
    return out


def _is_markup_only(piece: str) -> bool:
    return not any(ch.isalnum() for ch in piece)


def looks_like_heading(content: str) -> bool:
    """A short capitalised line with no terminal punctuation (text follows it)."""
    stripped = content.strip()
    if not stripped or _TERMINAL_END.search(stripped) or stripped[-1] in ",;:":
        return False
    if len(stripped.split()) > 20:
        return False
    first = stripped.lstrip("\"'“‘«([")[:1]
    return first.isupper() or first.isdigit()


def segment_text(
    text: str,
    headings: Iterable[int] = (),
    rules: SegmentationRules | None = None,
) -> list[Sentence]:
    """Split `text` into sentences with exact character offsets.

    `headings` are offsets of line starts known (from markup) to be headings.
    List markers, heading marks and quote marks stay outside the spans; every
    span is non-empty, trimmed of whitespace, and spans never overlap.
    """
    rules = rules or load_rules()
    known_headings = set(headings)
    # 1. lines -> units (content span, kind), merging soft-wrapped lines.
    units: list[list] = []  # [start, end, kind, alone]; kind: heading | list | text
    in_fence = False
    prev_blank = True
    lines = list(_lines(text))
    hard_wrapped = _is_hard_wrapped(text, lines)
    prev_line_length = 0
    for line_start, line_end in lines:
        line = text[line_start:line_end]
        if _FENCE.match(line):
            in_fence = not in_fence
            prev_blank = True
            continue
        if in_fence or not line.strip() or _RULE_LINE.match(line) or _TABLE_RULE.match(line):
            prev_blank = True
            continue
        markup = _ATX_HEADING.match(text, line_start, line_end) or _BLOCK_MARKUP.match(text, line_start, line_end)
        content_start = markup.end()
        kind = "text"
        if markup.group("heading") or line_start in known_headings or content_start in known_headings:
            kind = "heading"
            if markup.group("heading"):
                line_end = _strip_closing_hashes(text, content_start, line_end)
        elif markup.group("list"):
            kind = "list"
        previous = units[-1] if units else None
        if (
            hard_wrapped
            and previous is not None
            and not prev_blank
            and kind == "text"
            and not markup.group("quote")
            and previous[2] != "heading"
            and prev_line_length >= SOFT_WRAP_MIN_LINE
        ):
            previous[1] = line_end  # soft-wrapped continuation of the previous line
            prev_blank = False
            prev_line_length = line_end - line_start
            continue
        if "|" in line and line.lstrip().startswith("|"):
            for cell in re.finditer(r"[^|]+", text[content_start:line_end]):
                s, e = content_start + cell.start(), content_start + cell.end()
                if text[s:e].strip():
                    units.append([s, e, "text", False])
        else:
            units.append([content_start, line_end, kind, prev_blank])
        prev_blank = False
        prev_line_length = line_end - line_start
    # 2. units -> sentences; headings open sections.
    sentences: list[Sentence] = []
    section = ""
    last = len(units) - 1
    for i, (start, end, kind, _) in enumerate(units):
        heading = kind == "heading" or (kind == "text" and i < last and looks_like_heading(text[start:end]))
        if heading:
            spans = _split_unit(text, start, end, rules) if kind != "heading" else _trim(text, start, end)
            if spans:
                section = " ".join(text[spans[0][0]:spans[-1][1]].split())
            for s, e in spans:
                sentences.append(Sentence(s, e, section, True))
            continue
        for s, e in _split_unit(text, start, end, rules):
            sentences.append(Sentence(s, e, section))
    return sentences


def _trim(text: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end and not _is_markup_only(text[start:end]):
        return [(start, end)]
    return []


# --------------------------------------------------------------------------- component
class Segmenter:
    """Writes `doc._.claimscan_sentences` and token sentence starts."""

    def __init__(self, nlp: Language, name: str = "claimscan_segmenter", set_sent_starts: bool = True):
        self.name = name
        self.set_sent_starts = set_sent_starts
        self.rules = load_rules()

    def __call__(self, doc: Doc) -> Doc:
        headings = doc._.get(extensions.HEADINGS) or ()
        sentences = segment_text(extensions.doc_text(doc), headings, self.rules)
        doc._.set(
            extensions.SENTENCES,
            [{"start": s.start, "end": s.end, "section": s.section, "is_heading": s.is_heading} for s in sentences],
        )
        if self.set_sent_starts and len(doc):
            set_sentence_starts(doc, [s.start for s in sentences])
        return doc

    def to_disk(self, path, *, exclude=()):  # rules are package data; nothing to save
        return None

    def from_disk(self, path, *, exclude=()):
        return self

    def to_bytes(self, *, exclude=()):
        return b""

    def from_bytes(self, data, *, exclude=()):
        return self


def set_sentence_starts(doc: Doc, starts: list[int]) -> None:
    """Mark the tokens at the given character offsets as sentence starts."""
    idx = doc.to_array([IDX]).reshape(-1).astype(np.int64)
    flags = np.full(len(doc), -1, dtype=np.int32)  # -1: not a sentence start
    positions = np.searchsorted(idx, np.asarray(starts, dtype=np.int64), side="right") - 1
    flags[positions[positions >= 0]] = 1
    flags[0] = 1
    doc.from_array([SENT_START], flags.reshape(-1, 1).astype(np.uint64))


@Language.factory(
    "claimscan_segmenter",
    assigns=["doc._.claimscan_sentences", "token.is_sent_start"],
    default_config={"set_sent_starts": True},
)
def make_segmenter(nlp: Language, name: str, set_sent_starts: bool) -> Segmenter:
    return Segmenter(nlp, name, set_sent_starts)
