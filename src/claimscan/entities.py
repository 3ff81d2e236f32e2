"""SUBSTANCE / CONDITION / MECHANISM tagging with concepts, from the compiled vocabulary.

`tag_entities` is the algorithm (longest match over the Doc's tokens against normalised
token-sequence keys, then span rules and abbreviations defined in the text);
`EntityTagger` is the spaCy component `claimscan_entities` around it. It does not need
sentences, and it writes plain dicts to `doc._.claimscan_entities`.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from scispacy.abbreviation import filter_matches, find_abbreviation
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ensure_path

from . import extensions  # noqa: F401  (registers the Doc extensions)
from .extensions import ABBREVIATIONS, ENTITIES, doc_text
from .vocabulary import (ARTIFACT_NAME, PREFIX_ONLY, SKIP_TOKENS, Vocabulary, default_vocabulary_dir,
                         load_vocabulary, normalize_token, normalize_token_cased)

# a SUBSTANCE word directly before these nouns is used as an adjective, not as a mention
_ADJECTIVAL_HEADS = frozenset({"effect", "property", "activity", "action", "potential", "quality", "benefit",
                               "role", "capacity"})
_ADJECTIVE_ENDINGS = ("ant", "ic", "ive", "ory")
_BOUNDARY_TOKENS = frozenset({".", "!", "?", ";", ":", "\n"})
# cytochrome P450 isoenzymes, written as symbols ("CYP3A4", "CYP2C19", "CYP450"): interaction targets
_CYP_RE = re.compile(r"^CYP\d{1,3}(?:[A-Z]{1,2}\d{0,3})?$")

# token texts recur constantly: normalise each distinct one once
_norm = lru_cache(maxsize=200_000)(normalize_token)
_cased = lru_cache(maxsize=200_000)(normalize_token_cased)


def _function_word_edge(texts: list[str], i: int, j: int) -> bool:
    """Tokens i..j start or end with a function word ("a place", "event in"); a final capital letter
    ("vitamin A", "hepatitis A") is a name, not the article."""
    last = texts[j]
    return texts[i].lower() in STOP_WORDS or (last.lower() in STOP_WORDS and not (len(last) == 1 and last.isupper()))


def _longest(index: dict[str, int], parts: list[str], texts: list[str], i: int, n: int, sources=None):
    """Longest key starting at token i: (last token position, concept index) or None.

    Keys ignore token boundaries, so several words can spell one vocabulary word ("a place" =
    "APLACE"); vocabulary names never start or end with a function word, so a match over several
    tokens that does is such a collision and is passed over (curated terms are exempt)."""
    s = parts[i]
    value = index.get(s)
    best = None
    j = i
    while value is not None:
        if value != PREFIX_ONLY and not (j > i and sources is not None and sources[value] != "curated"
                                         and _function_word_edge(texts, i, j)):
            best = (j, value)
        j += 1
        while j < n and texts[j] in SKIP_TOKENS:
            j += 1
        if j >= n or not parts[j]:  # punctuation that normalises away never extends a match
            break
        s += parts[j]
        value = index.get(s)
    return best


def match_tokens(texts: list[str], vocab: Vocabulary) -> list[tuple[int, int, int]]:
    """Longest, left-to-right, non-overlapping vocabulary matches: (first, last, concept index)."""
    n = len(texts)
    parts = [_norm(t) for t in texts]  # whitespace (line breaks) normalises to "" and ends a match
    cased_parts = [_cased(t) for t in texts]
    keys, cased = vocab.keys, vocab.cased
    out = []
    i = 0
    while i < n:
        if texts[i] in SKIP_TOKENS or not parts[i]:
            i += 1
            continue
        best = _longest(keys, parts, texts, i, n, vocab.sources) if parts[i] in keys else None
        if cased_parts[i] in cased:
            cbest = _longest(cased, cased_parts, texts, i, n, vocab.sources)
            if cbest is not None and (best is None or cbest[0] >= best[0]):
                best = cbest
        if best is None:
            i += 1
            continue
        out.append((i, best[0], best[1]))
        i = best[0] + 1
    return out


def _entity(start, end, vocab: Vocabulary, idx: int) -> dict:
    return {"start": start, "end": end, "label": vocab.types[idx], "concept": vocab.names[idx],
            "concept_id": vocab.ids[idx], "source": vocab.sources[idx]}


def tag_entities(doc: Doc, vocab: Vocabulary, *, resolve_abbreviations: bool = True) -> tuple[list[dict], list[dict]]:
    """Entities (sorted, non-overlapping, char offsets into doc.text) and abbreviations of `doc`."""
    # keep line-break tokens: they stop a match from running across a heading or list item
    starts, ends, texts, doc_index = [], [], [], []
    for token in doc:
        piece = token.text
        if token.is_space and "\n" not in piece:
            continue
        starts.append(token.idx)
        ends.append(token.idx + len(piece))
        texts.append(piece)
        doc_index.append(token.i)
    parts = [_norm(t) for t in texts]
    raw = match_tokens(texts, vocab)

    # span rules over token positions: [first, last, entity dict]
    spans = []
    for a, b, idx in raw:
        end = ends[b]
        if texts[b].endswith(".") and len(texts[b]) > 1 and b + 1 == len(texts) or (
                b + 1 < len(texts) and texts[b].endswith(".") and not texts[b + 1][:1].islower()):
            end -= 1  # "vitamin D." at a sentence end: the full stop is not part of the name
        spans.append([a, b, _entity(starts[a], end, vocab, idx)])
    merged: list[list] = []
    for span in spans:
        a, b, ent = span
        # adjectival use of a drug-class word: "antidepressant effects", "anti-inflammatory properties"
        if (ent["label"] == "SUBSTANCE" and b + 1 < len(parts) and parts[b + 1] in _ADJECTIVAL_HEADS
                and parts[b].endswith(_ADJECTIVE_ENDINGS)):
            continue
        if ent["label"] == "CONDITION":
            prev = merged[-1] if merged else None
            # "opioid withdrawal", "alcohol dependence": a substance narrows a use-related condition
            if (prev and prev[1] == a - 1 and prev[2]["label"] == "SUBSTANCE"
                    and (_norm(ent["concept"].replace(" ", "")) in vocab.use_heads
                         or "".join(parts[a:b + 1]) in vocab.use_heads)):
                merged[-1] = [prev[0], b, {**ent, "start": prev[2]["start"],
                                           "concept": f"{prev[2]['concept']} {ent['concept']}",
                                           "concept_id": "", "source": ent["source"]}]
                continue
            # "chronic pain", "systemic inflammation": a modifier that changes the concept
            if a > 0 and parts[a - 1] in vocab.modifiers and not (prev and prev[1] >= a - 1):
                span = [a - 1, b, {**ent, "start": starts[a - 1],
                                   "concept": f"{texts[a - 1].lower()} {ent['concept']}", "concept_id": ""}]
        merged.append(span)

    if vocab.sites or vocab.drug_heads or "CYP" in doc_text(doc):
        merged = _compound_rules(merged, texts, parts, starts, ends, vocab)

    abbreviations: list[dict] = []
    if resolve_abbreviations and "(" in texts:
        merged, abbreviations = _resolve_abbreviations(doc, texts, starts, doc_index, merged)
    entities = [s[2] for s in merged]
    entities.sort(key=lambda e: (e["start"], e["end"]))
    _relabel_dominant_molecule(entities)
    return entities, abbreviations


def _head_at(parts: list[str], k: int, heads: frozenset) -> int:
    """Last position of a (one- or two-token) head starting at token k, or -1."""
    n = len(parts)
    if k + 1 < n and parts[k] and parts[k + 1] and parts[k] + parts[k + 1] in heads:
        return k + 1
    if k < n and parts[k] in heads:
        return k
    return -1


def _compound_rules(spans: list[list], texts, parts, starts, ends, vocab: Vocabulary) -> list[list]:
    """Span rules over word pairs the vocabularies do not list as terms:
    - body site + problem word is a CONDITION: "GI issues", "skin problems", "sexual side effects";
    - a CONDITION or body site + drug word is a SUBSTANCE: "diabetes drugs", "thyroid medication";
    - cytochrome P450 symbols are MECHANISM: "CYP3A4"."""
    n = len(texts)
    owner = [-1] * n
    for k, (a, b, _) in enumerate(spans):
        for t in range(a, b + 1):
            owner[t] = k
    out: list[list | None] = list(spans)
    added: list[list] = []
    sites, problem_heads, drug_heads = vocab.sites, vocab.problem_heads, vocab.drug_heads

    def free(a, b, allow=("MECHANISM",)):
        """Tokens a..b are untagged or tagged only by single-token spans of the allowed labels inside it."""
        for t in range(a, b + 1):
            k = owner[t]
            if k >= 0 and (out[k] is None or out[k][2]["label"] not in allow
                           or out[k][0] < a or out[k][1] > b):
                return False
        return True

    def replace(a, b, ent):
        for t in range(a, b + 1):
            k = owner[t]
            if k >= 0:
                out[k] = None
            owner[t] = -2
        added.append([a, b, ent])

    for i in range(n):
        if owner[i] == -2:
            continue
        if texts[i].startswith("CYP") and owner[i] == -1 and _CYP_RE.match(texts[i]):
            replace(i, i, {"start": starts[i], "end": ends[i], "label": "MECHANISM", "concept": texts[i].lower(),
                           "concept_id": "", "source": "rule"})
            continue
        site = sites.get(parts[i])
        if site is not None and i + 1 < n and free(i, i):
            b = _head_at(parts, i + 1, problem_heads)
            if b >= 0 and free(i + 1, b, ("MECHANISM", "CONDITION")):
                replace(i, b, {"start": starts[i], "end": ends[b], "label": "CONDITION",
                               "concept": f"{site} problem", "concept_id": "", "source": "rule"})
                continue
            b = _head_at(parts, i + 1, drug_heads)
            if b >= 0 and free(i + 1, b, ()):
                replace(i, b, {"start": starts[i], "end": ends[b], "label": "SUBSTANCE",
                               "concept": f"{site} medication", "concept_id": "", "source": "rule"})
                continue
        k = owner[i]
        if drug_heads and k >= 0 and out[k] is not None and out[k][1] == i and out[k][2]["label"] == "CONDITION":
            b = _head_at(parts, i + 1, drug_heads)
            if b >= 0 and free(i + 1, b, ()):
                a, _, ent = out[k]
                replace(a, b, {**ent, "end": ends[b], "label": "SUBSTANCE", "concept": f"{ent['concept']} medication",
                               "concept_id": "", "source": "rule"})
    if not added:
        return spans
    result = [s for s in out if s is not None] + added
    result.sort(key=lambda s: s[0])
    return result


def _relabel_dominant_molecule(entities: list[dict], min_mentions: int = 3) -> None:
    """A document mostly about an endogenous molecule people also take (melatonin, cortisol, testosterone
    supplements) is about the substance taken: its mentions become SUBSTANCE (annotation-guidelines §3)."""
    counts: dict[tuple, int] = {}
    for e in entities:
        if e["label"] != "CONDITION":
            key = (e["label"], e["concept_id"] or e["concept"])
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return
    (label, concept), top = max(counts.items(), key=lambda kv: kv[1])
    if label != "MECHANISM" or top < min_mentions:
        return
    if any(2 * n >= top for (lab, c), n in counts.items() if lab == "SUBSTANCE"):
        return  # another substance is discussed nearly as much: the molecule is the mechanism
    for e in entities:
        if e["label"] == "MECHANISM" and (e["concept_id"] or e["concept"]) == concept:
            e["label"] = "SUBSTANCE"


def _resolve_abbreviations(doc: Doc, texts, starts, doc_index, spans: list[list]):
    """Give short forms defined in the text ("… disorder (PTSD)") the long form's concept."""
    candidates = []
    n = len(texts)
    for k in range(n):
        if texts[k] != "(":
            continue
        for m in range(k + 1, min(k + 10, n)):
            if texts[m] == ")":
                if m > k + 1:
                    candidates.append((0, doc_index[k] + 1, doc_index[m]))
                break
            if texts[m] in _BOUNDARY_TOKENS or texts[m] == "(" or "\n" in texts[m]:
                break
    if not candidates:
        return spans, []
    by_short: dict[str, dict | None] = {}
    abbreviations = []
    for long_candidate, short_candidate in filter_matches(candidates, doc):
        # the long-form window must not reach back over a sentence boundary
        cut = max((t.i for t in long_candidate if t.text in _BOUNDARY_TOKENS or "\n" in t.text), default=None)
        if cut is not None:
            long_candidate = doc[cut + 1:long_candidate.end]
            if len(long_candidate) == 0:
                continue
        short, long_form = find_abbreviation(long_candidate, short_candidate)
        if long_form is None:
            continue
        abbreviations.append({"short_start": short.start_char, "short_end": short.end_char,
                              "long_start": long_form.start_char, "long_end": long_form.end_char})
        inside = [s for s in spans if s[2]["start"] < long_form.end_char and s[2]["end"] > long_form.start_char]
        by_short.setdefault(short.text, dict(inside[-1][2]) if inside else None)
    if not by_short:
        return spans, abbreviations
    # every occurrence of a defined short form takes the long form's concept (or none)
    text = doc_text(doc)
    result = [s for s in spans if text[s[2]["start"]:s[2]["end"]] not in by_short]
    for k, piece in enumerate(texts):
        ent = by_short.get(piece, False)
        if ent is False or ent is None:
            continue
        start, end = starts[k], starts[k] + len(piece)
        if any(s[2]["start"] < end and s[2]["end"] > start for s in result):
            continue
        result.append([k, k, {**ent, "start": start, "end": end}])
    result.sort(key=lambda s: s[2]["start"])
    return result, abbreviations


class EntityTagger:
    """spaCy component: tags SUBSTANCE / CONDITION / MECHANISM mentions with concepts."""

    def __init__(self, nlp: Language, name: str = "claimscan_entities", *,
                 vocabulary_path: str | None = None, resolve_abbreviations: bool = True):
        self.name = name
        self.vocabulary_path = vocabulary_path
        self.resolve_abbreviations = resolve_abbreviations
        path = Path(vocabulary_path) if vocabulary_path else default_vocabulary_dir()
        self._load(path)

    def _load(self, path: Path) -> None:
        artifact = path / ARTIFACT_NAME if path.is_dir() else path
        self.vocabulary = load_vocabulary(artifact)
        self._artifact: Path | bytes = artifact  # what to_bytes / to_disk copy

    def _artifact_bytes(self) -> bytes:
        return self._artifact if isinstance(self._artifact, bytes) else self._artifact.read_bytes()

    def __call__(self, doc: Doc) -> Doc:
        entities, abbreviations = tag_entities(doc, self.vocabulary, resolve_abbreviations=self.resolve_abbreviations)
        doc._.set(ENTITIES, entities)
        doc._.set(ABBREVIATIONS, abbreviations)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128):
        for doc in docs:
            yield self(doc)

    def to_bytes(self, *, exclude=tuple()) -> bytes:
        data = self._artifact_bytes()
        cfg = json.dumps({"resolve_abbreviations": self.resolve_abbreviations}).encode("utf-8")
        return len(cfg).to_bytes(4, "little") + cfg + data

    def from_bytes(self, data: bytes, *, exclude=tuple()) -> "EntityTagger":
        size = int.from_bytes(data[:4], "little")
        self.resolve_abbreviations = json.loads(data[4:4 + size])["resolve_abbreviations"]
        self._artifact = data[4 + size:]
        self.vocabulary = Vocabulary.from_bytes(self._artifact)
        return self

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        tmp = path / (ARTIFACT_NAME + ".tmp")
        tmp.write_bytes(self._artifact_bytes())
        tmp.replace(path / ARTIFACT_NAME)  # a new file: a memory-mapped old one stays intact
        (path / "cfg.json").write_text(json.dumps({"resolve_abbreviations": self.resolve_abbreviations}))

    def from_disk(self, path, *, exclude=tuple()) -> "EntityTagger":
        path = ensure_path(path)
        cfg_path = path / "cfg.json"
        if cfg_path.exists():
            self.resolve_abbreviations = json.loads(cfg_path.read_text())["resolve_abbreviations"]
        self._load(path / ARTIFACT_NAME)
        return self


@Language.factory(
    "claimscan_entities",
    assigns=[f"doc._.{ENTITIES}", f"doc._.{ABBREVIATIONS}"],
    default_config={"vocabulary_path": None, "resolve_abbreviations": True},
)
def make_entity_tagger(nlp: Language, name: str, vocabulary_path: str | None, resolve_abbreviations: bool) -> EntityTagger:
    """Build the `claimscan_entities` component (loads the vocabulary artifact from models/)."""
    return EntityTagger(nlp, name, vocabulary_path=vocabulary_path, resolve_abbreviations=resolve_abbreviations)
