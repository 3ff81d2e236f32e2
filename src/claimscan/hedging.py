"""Hedge-cue and negation detection for single sentences (pure functions).

Cues, negation words and clause markers are data (`data/hedge_cues.json`); this
module reads them in context: the month "May" is not a modal, cues inside
appositives, relative clauses and adjuncts are flagged as not deciding the
label (annotation guidelines §2, rule 1), and negation counts only in the main
clause.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from .paths import DATA_DIR
from .validation import check_keys

DEFAULT_CUES_PATH = DATA_DIR / "hedge_cues.json"

_TOP_KEYS = {"version", "description", "hedge_cues", "sentence_patterns", "month_may", "negation", "clauses"}
_CUE_KEYS = {"id", "category", "pattern", "note"}
_CUE_REQUIRED = {"id", "category", "pattern"}
_MONTH_KEYS = {"preceding_words", "following_pattern"}
_NEGATION_KEYS = {"cues", "exceptions"}
_CLAUSE_KEYS = {
    "advice_markers",
    "leading_subordinators",
    "relative_pronouns",
    "appositive_openers",
    "complement_takers",
    "adjunct_openers",
    "discourse_markers",
}
_NOT_PARTICIPLES = {
    "nothing", "something", "anything", "everything", "thing", "things", "king",
    "spring", "bring", "sing", "string", "ring", "wing", "sibling", "morning",
    "evening", "ceiling", "sterling", "during",
}


class HedgeLexiconError(ValueError):
    """The hedge-cue file does not follow its schema."""


@dataclass(frozen=True)
class HedgeCue:
    """One hedge cue found in a sentence; `main` is False inside a clause that does not decide the label."""

    start: int
    end: int
    text: str
    cue_id: str
    category: str
    main: bool


@dataclass(frozen=True)
class SentenceCues:
    """Everything the classifier reads from the cue lexicon for one sentence."""

    cues: tuple[HedgeCue, ...]
    negated: bool
    # two coordinated main clauses, one with a main-clause cue and one asserted
    # without any (guidelines §2 rule 2); `asserted_clause` is the uncued one
    coordinated_mixed: bool = False
    asserted_clause: str = ""
    # an advice / importance marker ("should", "consult", "it is crucial") in the main clause
    advice_main: bool = False
    # sentence patterns (advice, framing, care process, titles, assertions, boosters) that matched
    patterns: tuple["PatternHit", ...] = ()
    # character spans judged not to be the main clause (appositives, relative clauses, adjuncts)
    sub_spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class PatternHit:
    """One `sentence_patterns` match; `main` is False inside a clause that does not decide the label."""

    start: int
    end: int
    pattern_id: str
    category: str
    main: bool


def _check_keys(obj: Any, allowed: set[str], required: set[str], where: str) -> None:
    check_keys(obj, allowed, required, where, HedgeLexiconError)


def _str_list(obj: Any, where: str) -> list[str]:
    if not isinstance(obj, list) or not all(isinstance(x, str) and x for x in obj):
        raise HedgeLexiconError(f"{where}: expected a list of non-empty strings")
    return obj


def _words_alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression: "a|b(?:c|d)" -> ["a", "b(?:c|d)"]."""
    parts, depth, start, i = [], 0, 0, 0
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            # a "]" right after "[" or "[^" is a literal member of the class
            i += 2 if pattern.startswith("^]", i + 1) else 1 if pattern.startswith("]", i + 1) else 0
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _tagged_alternation(entries: list[tuple[str, str]], where: str, prefix: str = "m") -> tuple[re.Pattern[str], dict[str, str]]:
    """One word-bounded regex over (id, pattern) entries, and which id each match's `lastgroup` stands for.

    Each entry's top-level alternatives become alternatives of the whole regex,
    each followed by an empty marker group. The regex engine rejects an
    alternative that starts with a literal after one character comparison; a
    named group around each entry (the obvious form) defeats that and made the
    scan about twice as slow. Order is kept, so at each position the first
    alternative in file order that matches still wins: same matches, same ids.
    """
    parts = []
    markers: dict[str, str] = {}
    for entry_id, pattern in entries:
        for alternative in _split_alternatives(pattern):
            marker = f"{prefix}{len(markers)}"  # ids have no digits, so markers never clash with them
            markers[marker] = entry_id
            parts.append(f"{alternative}(?P<{marker}>)")
    try:
        return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])"), markers
    except re.error:
        # compiling each entry alone at every load doubled the lexicon's start-up; on failure, find the culprit
        for entry_id, pattern in entries:
            try:
                re.compile(f"(?:{pattern})")
            except re.error as exc:
                raise HedgeLexiconError(f"{where} ({entry_id}): bad pattern: {exc}") from None
        raise


class HedgeLexicon:
    """The compiled cue lexicon. Build with `HedgeLexicon.from_dict` or `load_lexicon`."""

    def __init__(self, data: dict[str, Any]) -> None:
        _check_keys(data, _TOP_KEYS, {"version", "hedge_cues", "month_may", "negation", "clauses"}, "hedge_cues.json")
        if data["version"] != 1:
            raise HedgeLexiconError(f"hedge_cues.json: unsupported version {data['version']!r}")
        self.data = data
        cues = data["hedge_cues"]
        if not isinstance(cues, list) or not cues:
            raise HedgeLexiconError("hedge_cues: expected a non-empty list")
        cue_entries = []
        self.cue_meta: dict[str, tuple[str, str]] = {}
        seen: set[str] = set()
        for i, cue in enumerate(cues):
            _check_keys(cue, _CUE_KEYS, _CUE_REQUIRED, f"hedge_cues[{i}]")
            cid, cat, pat = cue["id"], cue["category"], cue["pattern"]
            if not (isinstance(cid, str) and re.fullmatch(r"[a-z_]+", cid)):
                raise HedgeLexiconError(f"hedge_cues[{i}]: id must be lower-case letters and underscores")
            if cid in seen:
                raise HedgeLexiconError(f"hedge_cues[{i}]: duplicate id {cid!r}")
            if not (isinstance(cat, str) and re.fullmatch(r"[a-z_]+", cat)):
                raise HedgeLexiconError(f"hedge_cues[{i}]: category must be lower-case letters and underscores")
            if not isinstance(pat, str):
                raise HedgeLexiconError(f"hedge_cues[{i}] ({cid}): pattern must be a string")
            seen.add(cid)
            self.cue_meta[cid] = (cid, cat)
            cue_entries.append((cid, pat))
        self.categories = sorted({c for _, c in self.cue_meta.values()})

        # sentence patterns: same schema as hedge_cues, ids unique across both lists
        spats = data.get("sentence_patterns", [])
        if not isinstance(spats, list):
            raise HedgeLexiconError("sentence_patterns: expected a list")
        pattern_entries = []
        self.pattern_meta: dict[str, str] = {}
        for i, pat_obj in enumerate(spats):
            where = f"sentence_patterns[{i}]"
            _check_keys(pat_obj, _CUE_KEYS, _CUE_REQUIRED, where)
            pid, cat, pat = pat_obj["id"], pat_obj["category"], pat_obj["pattern"]
            if not (isinstance(pid, str) and re.fullmatch(r"[a-z_]+", pid)):
                raise HedgeLexiconError(f"{where}: id must be lower-case letters and underscores")
            if pid in seen or pid in self.pattern_meta:
                raise HedgeLexiconError(f"{where}: duplicate id {pid!r}")
            if not (isinstance(cat, str) and re.fullmatch(r"[a-z_]+", cat)):
                raise HedgeLexiconError(f"{where}: category must be lower-case letters and underscores")
            if "note" in pat_obj and not isinstance(pat_obj["note"], str):
                raise HedgeLexiconError(f"{where}: note must be a string")
            if not isinstance(pat, str):
                raise HedgeLexiconError(f"{where} ({pid}): pattern must be a string")
            self.pattern_meta[pid] = cat
            pattern_entries.append((pid, pat))
        self.pattern_categories = sorted(set(self.pattern_meta.values()))
        # `pattern_markers[m.lastgroup]` is the id of the pattern a match came from. Patterns anchored
        # at the sentence start ("^...") are matched per sentence; the others scan a whole batch at once.
        anchored = [(pid, pat) for pid, pat in pattern_entries if pat.startswith("^")]
        floating = [(pid, pat) for pid, pat in pattern_entries if not pat.startswith("^")]
        self.pattern_re, self.pattern_markers = _tagged_alternation(floating, "sentence_patterns") if floating else (None, {})
        self.anchored_re, anchored_markers = _tagged_alternation(anchored, "sentence_patterns", "a") if anchored else (None, {})
        self.pattern_markers.update(anchored_markers)
        self.cue_ids = [c["id"] for c in cues]
        # One pass over the sentence: alternatives in file order, the earliest match wins.
        # Matched against lower-cased text (much faster than re.IGNORECASE).
        self.cue_re, self.cue_markers = _tagged_alternation(cue_entries, "hedge_cues")

        month = data["month_may"]
        _check_keys(month, _MONTH_KEYS, _MONTH_KEYS, "month_may")
        self.month_preceding = {w.lower() for w in _str_list(month["preceding_words"], "month_may.preceding_words")}
        self.month_following = re.compile(month["following_pattern"], re.IGNORECASE)

        neg = data["negation"]
        _check_keys(neg, _NEGATION_KEYS, _NEGATION_KEYS, "negation")
        neg_cues = _str_list(neg["cues"], "negation.cues")
        word_cues = [c for c in neg_cues if "'" not in c and "’" not in c]
        clitic_cues = [c for c in neg_cues if c not in word_cues]
        neg_pattern = r"(?<![\w-])(?:" + "|".join(word_cues) + r")(?![\w-])"
        if clitic_cues:
            neg_pattern += r"|(?:" + "|".join(clitic_cues) + r")(?![\w-])"
        try:
            self.negation_re = re.compile(neg_pattern)
        except re.error as exc:
            raise HedgeLexiconError(f"negation.cues: bad pattern: {exc}") from None
        self.negation_exceptions = re.compile(
            r"(?<![\w-])(?:" + _words_alt([w.lower() for w in _str_list(neg["exceptions"], "negation.exceptions")]) + r")(?![\w-])"
        )

        clauses = data["clauses"]
        _check_keys(clauses, _CLAUSE_KEYS, _CLAUSE_KEYS, "clauses")
        lists = {k: _str_list(v, f"clauses.{k}") for k, v in clauses.items()}
        self.leading_re = re.compile(r"(?:" + _words_alt(lists["leading_subordinators"]) + r")(?![\w-])", re.IGNORECASE)
        openers = lists["leading_subordinators"] + lists["appositive_openers"] + lists["adjunct_openers"] + lists["relative_pronouns"]
        self.opener_re = re.compile(r"(?:" + _words_alt(openers) + r")(?![\w-])", re.IGNORECASE)
        self.discourse_re = re.compile(r"(?:" + _words_alt(lists["discourse_markers"]) + r")\s*$", re.IGNORECASE)
        self.relative_re = re.compile(r"(?<![\w-])(?:" + _words_alt(lists["relative_pronouns"]) + r"|such as)(?![\w-])", re.IGNORECASE)
        self.complement_takers = {w.lower() for w in lists["complement_takers"]}
        self.advice_re = re.compile(r"(?<![\w-])(?:" + _words_alt([w.lower() for w in lists["advice_markers"]]) + r")(?![\w-])")
        self.weak_categories = {"modal_weak", "epistemic_verb_weak", "approximation", "conll_style", "potential_risk"}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "HedgeLexicon":
        return cls(data)

    @classmethod
    def from_path(cls, path: Path) -> "HedgeLexicon":
        with open(path, encoding="utf-8") as fh:
            return cls(json.load(fh))

    def to_dict(self) -> dict[str, Any]:
        return self.data


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> HedgeLexicon:
    """Load (and cache) the cue lexicon; the packaged file by default."""
    return HedgeLexicon.from_path(Path(path) if path else DEFAULT_CUES_PATH)


_COORDINATION_RE = re.compile(r",\s+(?:and|but|yet|while)\s+(?=(?:it|they|this|these|the|its|their|[a-z]+\s+(?:is|are|was|were|has|have)\b))|;\s+", re.IGNORECASE)
_SEMICOLON_SPLIT_RE = re.compile(r"(;)")
_THAT_NEXT_RE = re.compile(r"\s+that\b", re.IGNORECASE)
# a cheap stand-in for "the main verb": the first auxiliary, modal or common predicate verb
MAIN_VERBS = frozenset(
    "is are was were be been has have had can could may might will would should must does do did show shows showed help helps cause causes caused reduce reduces reduced increase increases increased contain contains act acts work works bind binds affect affects lead leads led remain remains appear appears seem seems suggest suggests suggested provide provides offer offers require requires play plays interact interacts improve improves lower lowers raise raises block blocks inhibit inhibits found demonstrated indicate indicates indicated varies vary ensure ensures come comes make makes give gives become becomes include includes involve involves produce produces target targets activate activates trigger triggers"
    .split()
)
# the first whole a-z word that is one of MAIN_VERBS
MAIN_VERB_RE = re.compile(r"(?<![a-z])(?:" + "|".join(sorted(MAIN_VERBS, key=len, reverse=True)) + r")(?![a-z])")
# a finite verb, roughly: a main verb above, or a past form
_IRREGULAR_PAST = "slept felt took got grew rose fell went saw kept gave began brought thought told said lost ran drank ate held left meant"
_VERB_RE = re.compile(MAIN_VERB_RE.pattern + r"|\b[a-z]{2,}ed\b|\b(?:" + "|".join(_IRREGULAR_PAST.split()) + r")\b")
_SEGMENT_RE = re.compile(r"[^,;:]+[,;:]?")
_PAREN_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\s[—–]\s?[^—–]*?\s?[—–]\s|—[^—]*—|—[^—]*$|\s–\s[^–]*$")
_THAT_RE = re.compile(r"([\w’'-]+)\s+that\b", re.IGNORECASE)
_FIRST_WORD_RE = re.compile(r"[\s\"“‘'(]*([A-Za-z][\w’'-]*)")
_LY_ING_RE = re.compile(r"[\s\"“‘']*(?:[a-z]+ly\s+)?([a-z]+ing)\b", re.IGNORECASE)
_COORD_RE = re.compile(r"[\s\"“‘']*(?:and|but|or|yet|so)\b", re.IGNORECASE)
# A clause at the end of the sentence whose verb is epistemic ("..., suggesting that", "..., which
# appears to") draws the sentence's conclusion: it does not only describe (guidelines §2 rule 1), so
# its cue decides, as in CoNLL-2010. A describing clause ("..., making it a potential aid") does not.
_CONCLUDING_PARTICIPLES = {"suggesting", "indicating", "implying"}
_CONCLUDING_RELATIVE_RE = re.compile(
    r"\s+(?:suggest(?:s|ed)?|indicat(?:es|ed)|impl(?:ies|ied)|appears? to|seems? to|"
    r"(?:is|are|was|were) (?:thought|believed|presumed|predicted|proposed) to)\b", re.IGNORECASE)


def subordinate_spans(text: str, lexicon: HedgeLexicon | None = None) -> list[tuple[int, int]]:
    """Character spans of appositives, relative clauses, leading subordinate clauses and trailing adjuncts.

    A cheap approximation of "not the main clause" from punctuation and clause
    markers; no parser is needed, so it runs at tokenizer speed.
    """
    lex = lexicon or load_lexicon()
    spans: list[tuple[int, int]] = [m.span() for m in _PAREN_RE.finditer(text)]
    has_that = "that" in text.lower()  # _THAT_RE is slow to fail; most sentences have no "that"
    clause_start = 0
    for part in _SEMICOLON_SPLIT_RE.split(text):
        if part == ";":
            clause_start += 1
            continue
        segs = [(m.start() + clause_start, m.end() + clause_start) for m in _SEGMENT_RE.finditer(part)]
        clause_start += len(part)
        if not segs:
            continue
        first = 0
        # Skip a leading discourse marker ("However,", "In conclusion,").
        if len(segs) > 1 and lex.discourse_re.match(text[segs[0][0]:segs[0][1]].strip(" \t\"“‘',:")):
            first = 1
        n = len(segs)
        for i in range(first, n):
            s, e = segs[i]
            seg = text[s:e]
            lead = seg.lstrip(" \t\"“‘'")
            off = s + len(seg) - len(lead)
            if i == first:
                if i < n - 1 and lex.leading_re.match(lead):
                    spans.append((off, e))
                    continue
            else:
                if _COORD_RE.match(lead):
                    pass
                elif m := lex.opener_re.match(lead):
                    if not (i == n - 1 and lex.relative_re.match(lead) and _CONCLUDING_RELATIVE_RE.match(lead, m.end())):
                        spans.append((off, e))
                    continue
                else:
                    m = _LY_ING_RE.match(lead)
                    if m and m.group(1).lower() not in _NOT_PARTICIPLES:
                        if i < n - 1 or m.group(1).lower() not in _CONCLUDING_PARTICIPLES:
                            spans.append((off, e))
                        continue
            # Relative clauses and "such as" lists inside a segment.
            m = lex.relative_re.search(seg)
            if m and i == n - 1 and _CONCLUDING_RELATIVE_RE.match(text, s + m.end()):
                seg_end = e
            elif m:
                spans.append((s + m.start(), e))
                seg_end = s + m.start()
            else:
                seg_end = e
            for tm in _THAT_RE.finditer(text, s, seg_end) if has_that else ():
                if tm.group(1).lower() not in lex.complement_takers:
                    # "The finding that X binds Y suggests that ...": the clause ends where the
                    # main verb takes its own complement
                    end = next((later.start(0) for later in _THAT_RE.finditer(text, tm.end(0), seg_end)
                                if later.group(1).lower() in lex.complement_takers), seg_end)
                    spans.append((tm.start(0) + len(tm.group(1)) + 1, end))
                    break
    return spans


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    for s, e in spans:
        if s <= pos < e:
            return True
    return False


def _is_month_may(text: str, start: int, end: int, lex: HedgeLexicon) -> bool:
    if text[start] != "M":
        return False
    if lex.month_following.match(text, end):
        return True
    before = text[:start].rstrip(" \t,")
    m = re.search(r"([A-Za-z]+)$", before)
    return bool(m and m.group(1).lower() in lex.month_preceding)


def _lower_same_length(text: str) -> str:
    low = text.lower()
    # a few characters change length when lower-cased; offsets must stay valid
    return low if len(low) == len(text) else "".join(c.lower()[0] for c in text)


# One regex pass over a whole batch of sentences instead of one per sentence: the texts are
# joined with NUL, which no pattern matches, and each hit is handed back to its sentence.
_SEPARATOR = "\x00"
# line breaks and tabs inside a sentence (hard-wrapped text) read as the spaces the patterns spell
_AS_SPACE = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\x0b": " ", "\x0c": " ", "\u00a0": " ", _SEPARATOR: " "})


@dataclass
class _Hits:
    """What the lexicon's regexes found in one sentence, offsets relative to it."""

    cues: list[tuple[int, int, str]] = field(default_factory=list)  # start, end, cue id
    negation: list[int] = field(default_factory=list)
    advice: list[int] = field(default_factory=list)
    patterns: list[tuple[int, int, str]] = field(default_factory=list)  # start, end, pattern id


def _scan(lows: list[str], lex: HedgeLexicon) -> list[_Hits]:
    starts = []
    pos = 0
    for low in lows:
        starts.append(pos)
        pos += len(low) + 1
    views = [low.translate(_AS_SPACE) for low in lows]
    joined = _SEPARATOR.join(views)
    hits = [_Hits() for _ in lows]

    def per_sentence(regex):
        """(hits of the sentence, start, end relative to it, match) for each match inside one sentence."""
        for m in regex.finditer(joined):
            i = bisect_right(starts, m.start()) - 1
            off = starts[i]
            if m.end() <= off + len(lows[i]):
                yield hits[i], m.start() - off, m.end() - off, m

    for h, s, e, m in per_sentence(lex.cue_re):
        h.cues.append((s, e, lex.cue_markers[m.lastgroup]))
    for h, s, _, _ in per_sentence(lex.negation_re):
        h.negation.append(s)
    for h, s, _, _ in per_sentence(lex.advice_re):
        h.advice.append(s)
    if lex.pattern_re is not None:
        for h, s, e, m in per_sentence(lex.pattern_re):
            h.patterns.append((s, e, lex.pattern_markers[m.lastgroup]))
    if lex.anchored_re is not None:
        for h, view in zip(hits, views):
            m = lex.anchored_re.match(view)  # "^" holds only at a string's start, so per sentence
            if m:
                h.patterns.insert(0, (m.start(), m.end(), lex.pattern_markers[m.lastgroup]))
    return hits


_NO_CUES = SentenceCues((), False)  # frozen, so one instance serves every sentence without a hit


def analyse_sentences(texts: Sequence[str], lexicon: HedgeLexicon | None = None) -> list[SentenceCues]:
    """All hedge cues (flagged main or not) and main-clause negation for each sentence."""
    lex = lexicon or load_lexicon()
    lows = [_lower_same_length(t) for t in texts]
    return [_analyse(text, low, hits, lex) for text, low, hits in zip(texts, lows, _scan(lows, lex))]


def analyse_sentence(text: str, lexicon: HedgeLexicon | None = None) -> SentenceCues:
    """All hedge cues (flagged main or not) and main-clause negation for one sentence."""
    return analyse_sentences([text], lexicon)[0]


def _coordination(text: str, low: str, main_cues: list[HedgeCue]) -> tuple[bool, str]:
    """(coordinated_mixed, asserted clause): one coordinated main clause hedged, another asserted (rule 2).

    Not when the joint sits inside brackets, when the uncued part has no verb
    ("..., and the basis for ..." joins noun phrases), or when the cue takes a
    that-complement that runs on over the later clauses ("We suggest that A,
    while B": both are suggested).
    """
    joints = list(_COORDINATION_RE.finditer(text)) if main_cues else []
    if joints:
        brackets = [m.span() for m in _PAREN_RE.finditer(text)]
        joints = [m for m in joints if not _in_spans(m.start(), brackets)]
    if not joints:
        return False, ""
    bounds = [0] + [m.end() for m in joints] + [len(text) + 1]
    clauses = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
    cued = [any(s <= c.start < e for c in main_cues) for s, e in clauses]
    if all(cued) or not any(cued):
        return False, ""
    first, uncued = cued.index(True), cued.index(False)
    if uncued > first and any(
            clauses[first][0] <= c.start < clauses[first][1] and (c.text.lower().endswith(" that") or _THAT_NEXT_RE.match(text, c.end))
            for c in main_cues):
        return False, ""
    s, e = clauses[uncued]
    if not _VERB_RE.search(low, s, min(e, len(low))):
        return False, ""
    return True, text[s:e]


def _analyse(text: str, low: str, hits: _Hits, lex: HedgeLexicon) -> SentenceCues:
    raw = [(s, e, text[s:e], cid, lex.cue_meta[cid][1]) for s, e, cid in hits.cues
           if not (cid == "modal_may" and _is_month_may(text, s, e, lex))]
    neg_hits, advice_hits, pat_hits = hits.negation, hits.advice, hits.patterns
    if not raw and not neg_hits and not advice_hits and not pat_hits:
        return _NO_CUES
    spans = subordinate_spans(text, lex)
    patterns = tuple(PatternHit(s, e, pid, lex.pattern_meta[pid], not _in_spans(s, spans))
                     for s, e, pid in pat_hits if pid is not None)
    advice_main = any(not _in_spans(pos, spans) for pos in advice_hits)
    cues = tuple(HedgeCue(s, e, t, cid, cat, not _in_spans(s, spans)) for s, e, t, cid, cat in raw)
    coordinated_mixed, asserted = _coordination(text, low, [c for c in cues if c.main and c.category not in lex.weak_categories])
    negated = False
    if neg_hits:
        excluded = [m.span() for m in lex.negation_exceptions.finditer(low)]
        for pos in neg_hits:
            if not _in_spans(pos, excluded) and not _in_spans(pos, spans):
                negated = True
                break
    return SentenceCues(cues, negated, coordinated_mixed, asserted, advice_main, patterns, tuple(spans))


def find_all_hedge_cues(text: str, lexicon: HedgeLexicon | None = None) -> list[HedgeCue]:
    """Every hedge cue in the sentence, each flagged `main` or not."""
    return list(analyse_sentence(text, lexicon).cues)


def find_hedge_cues(text: str, lexicon: HedgeLexicon | None = None) -> list[tuple[int, int, str]]:
    """Hedge cues that can decide the label: (start, end, cue text) in the main clause.

    Cues in appositives, relative clauses and adjuncts are left out; use
    `find_all_hedge_cues` to see them flagged.
    """
    return [(c.start, c.end, c.text) for c in analyse_sentence(text, lexicon).cues if c.main]


def find_negation(text: str, lexicon: HedgeLexicon | None = None) -> bool:
    """True when the main proposition is negated (not "not only", "no doubt", "whether or not")."""
    return analyse_sentence(text, lexicon).negated
