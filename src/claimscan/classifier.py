"""Claim / hedge / other for each sentence, with calibrated confidence.

Two linear heads over the same hashed features (word uni/bigrams, sentence
shape, hedge cues from `hedging` split by main vs subordinate clause):

* a hedge-vs-not head trained on large public hedge corpora (CoNLL-2010,
  Pei & Jurgens), whose logit is one input of
* a claim / hedge / other head trained on in-domain labelled sentences.

Inference is pure numpy (scikit-learn is imported only to train); the weights
live in `models/classifier/` (`weights.npz` + `config.json`).
"""
from __future__ import annotations

import csv
import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
from spacy.language import Language

from . import extensions  # noqa: F401  (registers the Doc extensions)
from .extensions import doc_text
from .segmenter import looks_like_heading  # heading shape when markup does not tell
from .hedging import MAIN_VERB_RE, HedgeLexicon, SentenceCues, analyse_sentences, load_lexicon
from .paths import models_dir

LABELS = ("claim", "hedge", "other")
FEATURE_VERSION = 4
ENTITY_LABELS = ("SUBSTANCE", "CONDITION", "MECHANISM")
DEFAULT_N_BUCKETS = 1 << 18
WEIGHTS_FILE = "weights.npz"
CONFIG_FILE = "config.json"

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[?!:;]")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z’'-]*")
_TERMINAL_RE = re.compile(r"[.!?…][\"'”’)\]]*\s*$")
_FIRST_PERSON = {"we", "our", "us", "i", "my", "me", "ours", "let's", "let’s"}
_SECOND_PERSON = {"you", "your", "yours", "you're", "you’re", "yourself"}
_SMALL_WORDS = {"a", "an", "the", "and", "or", "of", "in", "on", "for", "to", "with", "by", "at", "from", "its", "vs", "as", "is"}


_DIGIT_RE = re.compile(r"\d")
# sentence-pattern categories that mark the `other` class
_OTHER_PATTERN_CATEGORIES = {"advice", "caution", "framing", "care_process", "title"}

# per sentence: (start, end, label) of the entities inside it, offsets relative to the sentence
SentenceEntities = Sequence[tuple[int, int, str]]


_ENTITY_NLP: list[Any] = []


def _entity_nlp() -> Any:
    if not _ENTITY_NLP:
        from .pipeline import load

        _ENTITY_NLP.append(load(classifier=False))
    return _ENTITY_NLP[0]


def sentence_entities(texts: Sequence[str], nlp: Any = None) -> list[tuple[tuple[int, int, str], ...]]:
    """Entities of each sentence text, found by the claimscan tagger (the same one the pipeline runs first).

    `nlp` is a claimscan pipeline with the entity tagger (default: `claimscan.load(classifier=False)`, cached).
    """
    nlp = nlp if nlp is not None else _entity_nlp()
    out = []
    for doc in nlp.pipe(list(texts), batch_size=256):
        ents = doc._.claimscan_entities or []
        out.append(tuple((int(e["start"]), int(e["end"]), str(e["label"])) for e in ents))
    return out


def doc_sentence_entities(doc: Any, sents: Sequence[dict]) -> list[tuple[tuple[int, int, str], ...]] | None:
    """Entities of `doc._.claimscan_entities` per sentence dict, offsets relative to the sentence; None when not tagged."""
    entities = doc._.claimscan_entities
    if entities is None:
        return None
    out = []
    e = 0
    n = len(entities)
    for sent in sents:
        start, end = sent["start"], sent["end"]
        while e < n and entities[e]["start"] < start:
            e += 1
        j = e
        inside = []
        while j < n and entities[j]["start"] < end:
            ent = entities[j]
            if ent["end"] <= end:
                inside.append((ent["start"] - start, ent["end"] - start, ent["label"]))
            j += 1
        out.append(tuple(inside))
    return out


def default_model_dir() -> Path:
    """The shipped classifier folder."""
    return models_dir() / "classifier"


# feature name -> bucket, one table per bucket mask: most features recur across sentences
_BUCKET_TABLES: dict[int, dict[str, int]] = {}
_BUCKET_CACHE_LIMIT = 500_000


def _feature_buckets(names: list[str], mask: int) -> set[int]:
    """The distinct crc32 buckets of feature names (memoised per name).

    The set is filled in the order of `names`: its iteration order decides the
    order of the float32 weight sums, so the order is kept as it always was.
    """
    table = _BUCKET_TABLES.setdefault(mask, {})
    try:
        return {table[f] for f in names}
    except KeyError:  # a feature not seen before
        if len(table) >= _BUCKET_CACHE_LIMIT:
            table.clear()
        for f in names:
            if f not in table:
                table[f] = zlib.crc32(f.encode("utf-8")) & mask
        return {table[f] for f in names}


def _subject_end(low: str, verb: re.Match[str] | None) -> int:
    """Where the subject ends: at the first main verb (`MAIN_VERB_RE` on `low`), else mid-sentence."""
    return verb.start() if verb else len(low) // 2


def _entity_features(low: str, ents: SentenceEntities, feats: list[str], n_main: int,
                     verb: re.Match[str] | None) -> None:
    cue_state = "main_cue" if n_main else "no_main_cue"
    if not ents:
        feats += ("ent:total:0", "ent:types:none", "ent:subj:none", "ent:none&" + cue_state, "ent:subj_none&" + cue_state)
        return
    counts = dict.fromkeys(ENTITY_LABELS, 0)
    subj_end = _subject_end(low, verb)
    subj: set[str] = set()
    for s, _, lab in ents:
        if lab in counts:
            counts[lab] += 1
            if s < subj_end:
                subj.add(lab)
    total = sum(counts.values())
    feats.append("ent:total:" + ("0" if total == 0 else "1" if total == 1 else "2" if total == 2 else "3+"))
    present = [lab for lab in ENTITY_LABELS if counts[lab]]
    for lab in present:
        feats.append("ent:has:" + lab)
        if counts[lab] >= 2:
            feats.append("ent:2+:" + lab)
    feats.append("ent:types:" + ("+".join(present) or "none"))
    feats.append("ent:subj:" + ("+".join(sorted(subj)) or "none"))
    if not total:
        feats.append("ent:none&" + cue_state)
    if not subj:
        feats.append("ent:subj_none&" + cue_state)


def _masked_bigrams(low: str, ents: SentenceEntities, feats: list[str]) -> None:
    """Bigrams with each entity replaced by its type, so what is said about a substance generalises across names."""
    if not ents:
        return
    parts: list[str] = []
    pos = 0
    for s, e, lab in sorted(ents):
        if s < pos:
            continue
        parts.extend(_TOKEN_RE.findall(low[pos:s]))
        parts.append("ENT_" + lab)
        pos = e
    parts.extend(_TOKEN_RE.findall(low[pos:]))
    parts = ["<s>", *parts, "</s>"]
    # the bigrams on either side of each entity (plain tokens are lower-case, so never start with ENT_)
    for i, t in enumerate(parts):
        if t.startswith("ENT_"):
            feats.append(f"mb:{parts[i - 1]} {t}")
            feats.append(f"mb:{t} {parts[i + 1]}")


def feature_names(text: str, cues: SentenceCues, ents: SentenceEntities | None = None, is_heading: bool | None = None) -> list[str]:
    """The named binary features of one sentence (before hashing).

    `ents` (entities inside the sentence) and `is_heading` add the entity and
    heading families; without them those families are left out (the public
    hedge corpora are featurised that way).
    """
    low = lowered = text.lower()
    sub = [c for c in cues.cues if not c.main]
    if sub:
        # n-grams must not see the clauses whose cues do not decide the label (guidelines rule 1):
        # a describing clause that holds a cue becomes one "subcue" token
        cut: list[tuple[int, int]] = []
        for c in sub:
            span = next(((s, e) for s, e in cues.sub_spans if s <= c.start < e), (c.start, c.end))
            if not any(s <= span[0] < e for s, e in cut):
                cut = [(s, e) for s, e in cut if not (span[0] <= s < span[1])] + [span]
        for s, e in sorted(cut, reverse=True):
            lowered = lowered[:s] + " subcue " + lowered[e:]
    toks = _TOKEN_RE.findall(lowered)
    feats = ["bias"]
    feats += ["u:" + t for t in toks]
    feats += [f"b:{prev} {t}" for prev, t in zip(["<s>", *toks], [*toks, "</s>"])]
    stripped = text.strip()
    if toks:
        feats.append("first:" + toks[0])
        if toks[0].endswith("ing"):
            feats.append("shape:first_ing")
    if stripped.endswith("?"):
        feats.append("shape:question")
    if _TERMINAL_RE.search(stripped):
        feats.append("shape:terminal")
    else:
        feats.append("shape:no_terminal")
        words = _WORD_RE.findall(stripped)
        content = [w for w in words if w.lower() not in _SMALL_WORDS]
        if content and sum(w[0].isupper() for w in content) >= 0.75 * len(content):
            feats.append("shape:title_case")
    if ":" in stripped:
        feats.append("shape:colon")
    n = len(toks)
    feats.append("len:" + ("1-3" if n <= 3 else "4-7" if n <= 7 else "8-14" if n <= 14 else "15-25" if n <= 25 else "26+"))
    tokset = set(toks)
    if tokset & _FIRST_PERSON:
        feats.append("shape:first_person")
    if tokset & _SECOND_PERSON:
        feats.append("shape:second_person")
    if _DIGIT_RE.search(stripped):
        feats.append("shape:digits")
    if "%" in stripped or "percent" in tokset:
        feats.append("shape:percent")
    n_main = 0
    for cue in cues.cues:
        scope = "main" if cue.main else "sub"
        n_main += cue.main
        feats.append(f"cue:{scope}:{cue.category}")
        feats.append(f"cueid:{scope}:{cue.cue_id}")
    if cues.cues:
        feats.append("cue:any")
        feats.append("cue:main_count:" + ("0" if n_main == 0 else "1" if n_main == 1 else "2+"))
    else:
        feats.append("cue:none")
    if cues.negated:
        feats.append("neg:main")
    if cues.coordinated_mixed:
        feats.append("coord:mixed")
    if cues.advice_main:
        feats.append("advice:main")
        if not n_main:
            feats.append("advice:main_no_main_cue")
    other_main = False
    for hit in cues.patterns:
        scope = "main" if hit.main else "sub"
        feats.append(f"pat:{scope}:{hit.category}")
        feats.append(f"patid:{scope}:{hit.pattern_id}")
        if hit.main and hit.category in _OTHER_PATTERN_CATEGORIES:
            other_main = True
    if other_main:
        feats.append("pat:main_other")
        feats.append("pat:main_other_" + ("main_cue" if n_main else "no_main_cue"))
        if toks and toks[0] in ("however", "while", "although", "as", "but", "so", "therefore", "thus", "ultimately", "overall"):
            feats.append("pat:main_other&discourse_lead")
    if is_heading is not None:
        if is_heading:
            feats.append("shape:heading")
            if n_main:
                feats.append("shape:heading_main_cue")
    # the main clause's subject words and verb: "this approach ensures", "we can harness" (other)
    # against "kratom binds" (claim); the subject is what precedes the first main verb
    verb = MAIN_VERB_RE.search(low)
    m = verb if lowered is low else MAIN_VERB_RE.search(lowered)  # lowered differs only with cut clauses
    if m:
        feats.append("v:" + m.group(0))
        feats += ["s:" + t for t in _TOKEN_RE.findall(lowered[:m.start()])[-4:]]
    if ents is not None:
        _entity_features(low, ents, feats, n_main, verb)
        _masked_bigrams(low, ents, feats)
        if other_main:
            feats.append("pat:main_other&ent:" + ("none" if not ents else "some"))
    return feats


@dataclass
class FeatureBatch:
    """Hashed features of many sentences, CSR-style (indptr into indices)."""

    indices: np.ndarray
    indptr: np.ndarray
    cues: list[SentenceCues] = field(default_factory=list)
    ents: Sequence[SentenceEntities] | None = None

    def to_scipy(self, n_buckets: int):
        from scipy.sparse import csr_matrix

        data = np.ones(len(self.indices), dtype=np.float64)
        m = csr_matrix((data, self.indices, self.indptr), shape=(len(self.indptr) - 1, n_buckets))
        m.sum_duplicates()
        m.data[:] = np.minimum(m.data, 1.0)
        return m


def featurize(texts: Sequence[str], n_buckets: int = DEFAULT_N_BUCKETS, lexicon: HedgeLexicon | None = None,
              ents: Sequence[SentenceEntities] | None = None,
              headings: Sequence[bool | None] | None = None) -> FeatureBatch:
    """Hash the features of each text; also return each text's hedge-cue analysis.

    `ents` (per text) adds the entity features; `headings` (per text, None =
    unknown) adds the heading feature; a text is a heading when flagged or when `looks_like_heading` says so.
    Both None: neither family (the public hedge corpora).
    """
    lex = lexicon or load_lexicon()
    indices: list[int] = []
    indptr = [0]
    mask = n_buckets - 1
    with_entities = ents is not None
    if with_entities and len(ents) != len(texts):
        raise ValueError("featurize: one entity list per text expected")
    if headings is not None and len(headings) != len(texts):
        raise ValueError("featurize: one heading flag per text expected")
    all_cues = analyse_sentences(texts, lex)
    for i, text in enumerate(texts):
        cues = all_cues[i]
        if with_entities:
            h = headings[i] if headings is not None else None
            # a heading by markup, or by shape: list-item titles and plain-text headings are "other" too
            names = feature_names(text, cues, ents[i], bool(h) or looks_like_heading(text))
        else:
            names = feature_names(text, cues)
        # de-duplicate per sentence so features stay binary
        indices.extend(_feature_buckets(names, mask))
        indptr.append(len(indices))
    return FeatureBatch(np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64), all_cues)


def _row_sums(weights: np.ndarray, batch: FeatureBatch) -> np.ndarray:
    """Sum of weight rows per sentence: weights[indices] reduced by indptr."""
    n = len(batch.indptr) - 1
    out_shape = (n,) + weights.shape[1:]
    if n == 0:
        return np.zeros(out_shape, dtype=np.float64)
    gathered = weights[batch.indices]
    starts = batch.indptr[:-1]
    # every sentence has at least the bias feature, so no empty segments
    return np.add.reduceat(gathered, starts, axis=0).astype(np.float64)


def _hedge_columns(h: np.ndarray, batch: FeatureBatch) -> np.ndarray:
    """The hedge-head logit as two inputs: with a main-clause cue, and without one.

    The public corpora count any cue as a hedge; splitting lets the class head
    discount the logit when cues sit only in appositives or adjuncts.
    """
    has_main = np.fromiter((any(c.main for c in sc.cues) for sc in batch.cues), dtype=bool, count=len(batch.cues))
    return np.stack([np.where(has_main, h, 0.0), np.where(has_main, 0.0, h)], axis=1)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class SentenceClassifier:
    """The trained two-head model; `classify` is all inference needs."""

    def __init__(self, hedge_w: np.ndarray, hedge_b: float, class_w: np.ndarray, class_hedge_coef: np.ndarray,
                 class_b: np.ndarray, temperature: float, config: dict[str, Any]) -> None:
        self.hedge_w = hedge_w.astype(np.float32)
        self.hedge_b = float(hedge_b)
        self.class_w = class_w.astype(np.float32)
        self.class_hedge_coef = np.asarray(class_hedge_coef, dtype=np.float64)
        self.class_b = np.asarray(class_b, dtype=np.float64)
        self.temperature = float(temperature)
        self.config = config
        self.labels = tuple(config["labels"])
        self.n_buckets = int(config["features"]["n_buckets"])
        if self.hedge_w.shape != (self.n_buckets,) or self.class_w.shape != (self.n_buckets, len(self.labels)):
            raise ValueError("classifier weights do not match config.json (n_buckets / labels)")
        self.lexicon = load_lexicon()
        self.uses_entities = bool(config["features"].get("entities", False))

    def _featurize(self, texts: Sequence[str], ents: Sequence[SentenceEntities] | None = None,
                   headings: Sequence[bool | None] | None = None, nlp: Any = None) -> FeatureBatch:
        if self.uses_entities:
            if ents is None:
                ents = sentence_entities(texts, nlp)
            batch = featurize(texts, self.n_buckets, self.lexicon, ents, headings)
            batch.ents = ents
            return batch
        return featurize(texts, self.n_buckets, self.lexicon)

    # ---- inference -------------------------------------------------------
    def hedge_logits(self, batch: FeatureBatch) -> np.ndarray:
        return _row_sums(self.hedge_w, batch) + self.hedge_b

    def predict_proba(self, texts: Sequence[str], ents: Sequence[SentenceEntities] | None = None,
                      headings: Sequence[bool | None] | None = None, nlp: Any = None) -> tuple[np.ndarray, FeatureBatch]:
        """Calibrated class probabilities (columns in `self.labels` order).

        `ents`: per text, (start, end, label) of its entities (sentence-relative);
        found with the claimscan tagger (`nlp`, default the cached one) when
        None. `headings`: per text, whether it is a heading (None = unknown; the shape decides too).
        """
        batch = self._featurize(texts, ents, headings, nlp)
        z = _row_sums(self.class_w, batch) + _hedge_columns(self.hedge_logits(batch), batch) @ self.class_hedge_coef + self.class_b
        return _softmax(z / self.temperature), batch

    def hedge_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of the public-corpus hedge-vs-not head alone."""
        batch = featurize(texts, self.n_buckets, self.lexicon)
        return 1.0 / (1.0 + np.exp(-self.hedge_logits(batch)))

    def classify(self, texts: Sequence[str], ents: Sequence[SentenceEntities] | None = None,
                 headings: Sequence[bool | None] | None = None, nlp: Any = None) -> list[dict[str, Any]]:
        """label, confidence, hedge_cues (cue texts), negated for each text (see `predict_proba`)."""
        if not texts:
            return []
        probs, batch = self.predict_proba(texts, ents, headings, nlp)
        best = probs.argmax(axis=1)
        out = []
        hedge_i = self.labels.index("hedge") if "hedge" in self.labels else -1
        claim_i = self.labels.index("claim") if "claim" in self.labels else -1
        lex = self.lexicon
        for i, cues in enumerate(batch.cues):
            if (best[i] == hedge_i and claim_i >= 0 and cues.coordinated_mixed
                    and not lex.advice_re.search(cues.asserted_clause.lower())
                    and self._health_clause(texts[i], cues.asserted_clause, batch.ents[i] if batch.ents is not None else None)):
                # guidelines §2 rule 2: an asserted main clause coordinated with a hedged one is a claim
                best[i] = claim_i
                # the rule settles claim vs hedge; what stays uncertain is only whether it is "other"
                probs[i, claim_i] += probs[i, hedge_i]
            label = self.labels[best[i]]
            cue_texts: list[str] = []
            if label == "hedge":
                main = [c.text for c in cues.cues if c.main]
                cue_texts = main or [c.text for c in cues.cues]
            out.append({
                "label": label,
                "confidence": float(probs[i, best[i]]),
                "hedge_cues": cue_texts,
                "negated": bool(cues.negated),
            })
        return out

    @staticmethod
    def _health_clause(text: str, clause: str, ents: SentenceEntities | None) -> bool:
        """Whether the asserted clause is about a substance, condition or mechanism (rule 2 needs a health proposition)."""
        if ents is None:
            return True
        start = text.find(clause)
        if start < 0:
            return True
        end = start + len(clause)
        return any(start <= s < end for s, _, _ in ents)

    # ---- persistence -----------------------------------------------------
    def to_dir(self, path: Path | str) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path / WEIGHTS_FILE,
            hedge_w=self.hedge_w, hedge_b=np.array([self.hedge_b]),
            class_w=self.class_w, class_hedge_coef=self.class_hedge_coef,
            class_b=self.class_b, temperature=np.array([self.temperature]),
        )
        config = dict(self.config)
        config["temperature"] = self.temperature
        (path / CONFIG_FILE).write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def from_dir(cls, path: Path | str) -> "SentenceClassifier":
        path = Path(path)
        cfg_path, w_path = path / CONFIG_FILE, path / WEIGHTS_FILE
        if not cfg_path.is_file() or not w_path.is_file():
            raise FileNotFoundError(f"no classifier model in {path} (need {CONFIG_FILE} and {WEIGHTS_FILE})")
        config = json.loads(cfg_path.read_text(encoding="utf-8"))
        if config.get("feature_version") != FEATURE_VERSION:
            raise ValueError(f"classifier model in {path} has feature_version {config.get('feature_version')!r}, expected {FEATURE_VERSION}")
        with np.load(w_path) as w:
            return cls(w["hedge_w"], float(w["hedge_b"][0]), w["class_w"], w["class_hedge_coef"], w["class_b"],
                       float(w["temperature"][0]), config)


_MODEL_CACHE: dict[str, SentenceClassifier] = {}


def load_model(path: Path | str | None = None) -> SentenceClassifier:
    """Load a classifier folder (the shipped one by default); cached per path."""
    p = str(Path(path) if path else default_model_dir())
    if p not in _MODEL_CACHE:
        _MODEL_CACHE[p] = SentenceClassifier.from_dir(p)
    return _MODEL_CACHE[p]


def classify_texts(texts: list[str], model: SentenceClassifier | Path | str | None = None, *, nlp: Any = None,
                   entities: Sequence[SentenceEntities] | None = None,
                   headings: Sequence[bool | None] | None = None) -> list[dict[str, Any]]:
    """Classify plain sentence texts: label, confidence, hedge_cues, negated per text.

    Entity features come from `entities` (per text, sentence-relative
    (start, end, label)) or else from running the claimscan entity tagger
    (`nlp`, default `claimscan.load(classifier=False)`) over each text, the
    same way the model was trained.
    """
    if not isinstance(model, SentenceClassifier):
        model = load_model(model)
    return model.classify(texts, entities, headings, nlp)


# ---- spaCy component -------------------------------------------------------

class ClaimClassifier:
    """spaCy component: labels every dict in `doc._.claimscan_sentences`."""

    def __init__(self, nlp: Any, name: str = "claimscan_classifier", model_path: str | None = None) -> None:
        self.name = name
        self.model_path = model_path
        self.model = load_model(model_path) if model_path else load_model()

    def predict(self, doc: Any) -> list[dict[str, Any]]:
        sents = doc._.claimscan_sentences or []
        if not sents:
            return []
        text = doc_text(doc)
        ents = doc_sentence_entities(doc, sents) if self.model.uses_entities else None
        headings = [s.get("is_heading") for s in sents]
        return self.model.classify([text[s["start"]:s["end"]] for s in sents], ents, headings)

    def set_annotations(self, doc: Any, results: list[dict[str, Any]]) -> None:
        for sent, res in zip(doc._.claimscan_sentences or [], results):
            sent.update(res)

    def __call__(self, doc: Any) -> Any:
        self.set_annotations(doc, self.predict(doc))
        return doc

    def pipe(self, docs: Iterable[Any], batch_size: int = 64) -> Iterable[Any]:
        for doc in docs:
            yield self(doc)

    def to_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> None:
        self.model.to_dir(path)

    def from_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> "ClaimClassifier":
        self.model = SentenceClassifier.from_dir(path)
        self.model_path = str(path)
        return self


@Language.factory(
    "claimscan_classifier",
    assigns=["doc._.claimscan_sentences"],
    default_config={"model_path": None},
)
def make_classifier(nlp: Language, name: str, model_path: str | None) -> ClaimClassifier:
    """Build the claim / hedge / other classifier component."""
    return ClaimClassifier(nlp, name, model_path)


# ---- training --------------------------------------------------------------

def shared_datasets_dir() -> Path | None:
    """`../shared/datasets` next to the checkout, if present (training only)."""
    import os

    env = os.environ.get("CLAIMSCAN_SHARED_DATASETS")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[3] / "shared" / "datasets")
    for c in candidates:
        if c.is_dir():
            return c
    return None


def conll_bio_split(datasets: Path, seed: int = 13, held_out: float = 0.2) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The fixed seeded train / held-out split of CoNLL-2010 biological sentences (text, is_hedge)."""
    rows = _read_hedge_csv(datasets / "conll2010_bioscope_sentences" / "train.csv")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(rows))
    n_test = int(round(held_out * len(rows)))
    test = set(order[:n_test].tolist())
    return [r for i, r in enumerate(rows) if i not in test], [r for i, r in enumerate(rows) if i in test]


def _read_hedge_csv(path: Path) -> list[tuple[str, int]]:
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            label = row["label"]
            if label in ("hedge",):
                out.append((row["text"], 1))
            elif label in ("claim", "claim_or_other", "other"):
                out.append((row["text"], 0))
    return out


def hedge_base_examples(datasets: Path) -> tuple[list[tuple[str, int]], list[float], list[str]]:
    """Public hedge-vs-not training rows, per-row weights and provenance."""
    bio_train, _ = conll_bio_split(datasets)
    wiki = _read_hedge_csv(datasets / "conll2010_wikiweasel_sentences" / "train.csv")
    pei = _read_hedge_csv(datasets / "pei_jurgens_sentence_certainty" / "train.csv")
    rows = bio_train + wiki + pei
    weights = [1.0] * len(bio_train) + [0.5] * len(wiki) + [2.0] * len(pei)
    prov = [
        f"conll2010_bioscope_sentences/train.csv minus the seeded 20% held-out split ({len(bio_train)} rows)",
        f"conll2010_wikiweasel_sentences/train.csv ({len(wiki)} rows)",
        f"pei_jurgens_sentence_certainty/train.csv, rows labelled claim/hedge ({len(pei)} rows)",
    ]
    return rows, weights, prov


def _used_columns(X) -> np.ndarray:
    """Columns with any non-zero value: training runs on these only (much faster than all buckets)."""
    return np.unique(X.indices)


def _fit_binary(X, y, w, c: float):
    from sklearn.linear_model import LogisticRegression

    from threadpoolctl import threadpool_limits

    cols = _used_columns(X)
    clf = LogisticRegression(C=c, max_iter=2000, solver="liblinear")
    with threadpool_limits(limits=1):
        clf.fit(X[:, cols], y, sample_weight=w)
    coef = np.zeros(X.shape[1])
    coef[cols] = clf.coef_[0]
    return coef, float(clf.intercept_[0])


def _fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    best_t, best_nll = 1.0, np.inf
    for t in np.exp(np.linspace(np.log(0.3), np.log(4.0), 80)):
        p = _softmax(logits / t)
        nll = -np.mean(np.log(p[np.arange(len(y)), y] + 1e-12))
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def expected_calibration_error(probs: np.ndarray, y: np.ndarray, n_bins: int = 10) -> float:
    """ECE of the top-class confidence."""
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == y
    ece = 0.0
    for lo in np.linspace(0, 1, n_bins, endpoint=False):
        m = (conf > lo) & (conf <= lo + 1.0 / n_bins)
        if m.any():
            ece += m.mean() * abs(conf[m].mean() - correct[m].mean())
    return float(ece)


def train_model(*args: Any, **kwargs: Any) -> tuple["SentenceClassifier", dict[str, Any]]:
    """Fit both heads and the temperature; see `_train_model`. BLAS runs single-threaded (much faster here)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _train_model(*args, **kwargs)


def _train_model(
    examples: Sequence[tuple[str, str]],
    *,
    hedge_rows: Sequence[tuple[str, int]] | None = None,
    hedge_weights: Sequence[float] | None = None,
    hedge_head: tuple[np.ndarray, float] | None = None,
    provenance: dict[str, Any] | None = None,
    groups: Sequence[str] | None = None,
    example_weights: Sequence[float] | None = None,
    headings: Sequence[bool | None] | None = None,
    ents: Sequence[SentenceEntities] | None = None,
    entity_nlp: Any = None,
    n_buckets: int = DEFAULT_N_BUCKETS,
    c_hedge: float = 0.5,
    c_class: float = 1.0,
) -> tuple[SentenceClassifier, dict[str, Any]]:
    """Fit both heads and the temperature; return the model and training metrics.

    The hedge head comes from `hedge_head` (reused weights), or is fitted on
    `hedge_rows`, or else on the examples themselves (hedge vs not). Entity
    features of the examples come from `ents` or else from the claimscan
    entity tagger (`entity_nlp`), exactly as at inference; `headings` (per
    example, None = unknown; the shape decides too) feeds the heading feature.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    texts = [t for t, _ in examples]
    y = np.array([LABELS.index(lab) for _, lab in examples])
    present = sorted(set(y.tolist()))
    if len(present) < 2:
        raise ValueError("training needs at least two different labels")
    lex = load_lexicon()
    if ents is None:
        ents = sentence_entities(texts, entity_nlp)
    batch = featurize(texts, n_buckets, lex, ents, headings)
    X = batch.to_scipy(n_buckets)

    if hedge_head is not None:
        hedge_w, hedge_b = hedge_head
    else:
        if hedge_rows is None:
            hedge_rows = [(t, int(lab == "hedge")) for t, lab in examples]
            hedge_weights = [1.0] * len(hedge_rows)
        hb = featurize([t for t, _ in hedge_rows], n_buckets, lex)
        hy = np.array([lab for _, lab in hedge_rows])
        if len(set(hy.tolist())) < 2:
            hedge_w, hedge_b = np.zeros(n_buckets), 0.0
        else:
            hedge_w, hedge_b = _fit_binary(hb.to_scipy(n_buckets), hy, np.asarray(hedge_weights or [1.0] * len(hy)), c_hedge)
    hedge_w = np.asarray(hedge_w, dtype=np.float32)

    h = _hedge_columns(_row_sums(hedge_w, batch) + hedge_b, batch)
    from scipy.sparse import hstack, csr_matrix

    Xc = hstack([X, csr_matrix(h)]).tocsr()
    sw = np.asarray(example_weights, dtype=np.float64) if example_weights is not None else np.ones(len(y))

    def fit_class(Xtr, ytr, wtr):
        cols = _used_columns(Xtr)
        clf = LogisticRegression(C=c_class, max_iter=3000)
        clf.fit(Xtr[:, cols], ytr, sample_weight=wtr)
        Wc = np.zeros((len(cols), len(LABELS)))
        b = np.full(len(LABELS), -30.0)
        for k, cls_idx in enumerate(clf.classes_):
            if len(clf.classes_) == 2:
                # binary sklearn model: one coefficient row for classes_[1]
                sign = 1.0 if k == 1 else -1.0
                Wc[:, cls_idx] = sign * clf.coef_[0] / 2
                b[cls_idx] = sign * clf.intercept_[0] / 2
            else:
                Wc[:, cls_idx] = clf.coef_[k]
                b[cls_idx] = clf.intercept_[k]
        W = np.zeros((Xtr.shape[1], len(LABELS)))
        W[cols] = Wc
        return W, b

    # out-of-fold logits for the temperature and for honest training metrics
    n_splits = min(5, int(np.bincount(y).max()))
    oof = np.zeros((len(y), len(LABELS)))
    oof_ok = False
    if len(y) >= 20 and n_splits >= 2:
        if groups is not None and len(set(groups)) >= 5:
            splitter = GroupKFold(n_splits=5).split(Xc, y, groups)
        else:
            min_count = min(np.bincount(y)[present])
            k = max(2, min(5, int(min_count)))
            splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=0).split(Xc, y) if min_count >= 2 else None
        if splitter is not None:
            for tr, te in splitter:
                if len(set(y[tr].tolist())) < 2:
                    continue
                W, b = fit_class(Xc[tr], y[tr], sw[tr])
                oof[te] = Xc[te] @ W + b
            oof_ok = True
    W, b = fit_class(Xc, y, sw)
    temperature = _fit_temperature(oof, y) if oof_ok else 1.0
    metrics: dict[str, Any] = {"n_examples": int(len(y)), "label_counts": {LABELS[i]: int((y == i).sum()) for i in range(len(LABELS))},
                               "temperature": temperature}
    if oof_ok:
        p = _softmax(oof / temperature)
        metrics.update(cross_validation=per_class_scores(y, p.argmax(axis=1)), cross_validation_ece=expected_calibration_error(p, y))

    config = {
        "labels": list(LABELS),
        "feature_version": FEATURE_VERSION,
        "features": {
            "n_buckets": n_buckets,
            "hash": "crc32(utf-8 feature name) & (n_buckets - 1)",
            "families": ["word unigrams and bigrams (lower-case)", "first word", "sentence shape", "heading (segmenter is_heading, else shape)",
                         "hedge-cue category and id by main/subordinate clause", "sentence patterns (advice, framing, care process, titles, assertions, boosters) by main/subordinate clause",
                         "main-clause negation", "main-clause subject words and first main verb",
                         "entity counts and types (claimscan entity tagger), entity types before the main verb, entity-masked bigrams",
                         "hedge-head logit"],
            "entities": True,
            "hedge_lexicon": "src/claimscan/data/hedge_cues.json (hedge_cues and sentence_patterns)",
        },
        "training": {"c_hedge": c_hedge, "c_class": c_class, **(provenance or {})},
        "metrics": metrics,
    }
    model = SentenceClassifier(hedge_w, hedge_b, W[:-2].astype(np.float32), W[-2:], b, temperature, config)
    return model, metrics


def per_class_scores(y_true: Sequence[int], y_pred: Sequence[int], labels: Sequence[str] = LABELS) -> dict[str, Any]:
    """Per-class precision/recall/F1 and macro-F1 over the labels present in y_true."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    out: dict[str, Any] = {}
    f1s = []
    for i, lab in enumerate(labels):
        tp = int(((y_pred == i) & (y_true == i)).sum())
        fp = int(((y_pred == i) & (y_true != i)).sum())
        fn = int(((y_pred != i) & (y_true == i)).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[lab] = {"precision": p, "recall": r, "f1": f, "support": tp + fn}
        if tp + fn:
            f1s.append(f)
    out["macro_f1"] = float(np.mean(f1s)) if f1s else 0.0
    out["accuracy"] = float((y_true == y_pred).mean()) if len(y_true) else 0.0
    return out


BASE_SENTENCES_FILE = "base_sentences.jsonl"


def train_classifier(examples: list[tuple[str, str]], out_dir: Path, *, base_data: bool = True) -> dict[str, Any]:
    """Train a claim / hedge / other model on (text, label) pairs and write it to `out_dir`.

    With `base_data`, the shipped model's hedge-vs-not head (learned from public
    hedge corpora) is reused and the shipped in-domain training sentences are
    added to the examples (the examples weigh double), so a few hundred
    corrected rows adapt the model without losing what it knew. Without it,
    both heads are learned from the examples alone. Returns training metrics.
    """
    bad = sorted({lab for _, lab in examples if lab not in LABELS})
    if bad:
        raise ValueError(f"unknown label(s) {bad}; expected one of {', '.join(LABELS)}")
    hedge_head = None
    examples = list(examples)
    weights = [1.0] * len(examples)
    headings: list[bool | None] = [None] * len(examples)
    prov: dict[str, Any] = {"examples": f"{len(examples)} user-supplied sentences"}
    if base_data:
        shipped_dir = default_model_dir()
        try:
            shipped = load_model(shipped_dir)
        except (FileNotFoundError, ValueError):
            shipped = None
        if shipped is not None:
            hedge_head = (shipped.hedge_w, shipped.hedge_b)
            prov["hedge_head"] = shipped.config.get("training", {}).get("hedge_head", "shipped claimscan hedge head")
            base_file = shipped_dir / BASE_SENTENCES_FILE
            if base_file.is_file():
                base = []
                base_headings: list[bool | None] = []
                with open(base_file, encoding="utf-8") as fh:
                    for line in fh:
                        if line.strip():
                            row = json.loads(line)
                            base.append((row["text"], row["label"]))
                            base_headings.append(row.get("is_heading"))
                weights = [2.0] * len(examples) + [1.0] * len(base)
                headings += base_headings
                examples += base
                prov["class_head"] = f"user examples (weight 2) + {len(base)} shipped claimscan training sentences"
    model, metrics = train_model(examples, hedge_head=hedge_head, provenance=prov, example_weights=weights, headings=headings)
    model.to_dir(out_dir)
    return metrics


_TEXT_COLUMNS = ("text", "sentence")


def train_from_csv(path: Path | str, out_dir: Path | str, *, base_data: bool = True) -> dict[str, Any]:
    """Train from a claimscan sentences.csv (corrected `label`) or any text,label CSV; raises ValueError on bad input."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            text_col = next((c for c in _TEXT_COLUMNS if c in header), None)
            if text_col is None or "label" not in header:
                raise ValueError(f"{path.name}: needs a 'text' and a 'label' column (found: {', '.join(header) or 'none'})")
            raw_names = {h.strip().lower(): h for h in reader.fieldnames or []}
            examples = []
            for lineno, row in enumerate(reader, start=2):
                text = (row.get(raw_names[text_col]) or "").strip()
                label = (row.get(raw_names["label"]) or "").strip().lower()
                if not text and not label:
                    continue
                if label not in LABELS:
                    raise ValueError(f"{path.name} line {lineno}: label {label!r} is not one of {', '.join(LABELS)}")
                if not text:
                    raise ValueError(f"{path.name} line {lineno}: empty text")
                examples.append((text, label))
    except UnicodeDecodeError:
        raise ValueError(f"{path.name}: not UTF-8 text") from None
    except csv.Error as exc:
        raise ValueError(f"{path.name}: not a readable CSV ({exc})") from None
    except OSError as exc:
        raise ValueError(f"{path.name}: cannot read ({exc.strerror})") from None
    if len(examples) < 10:
        raise ValueError(f"{path.name}: {len(examples)} labelled rows; need at least 10")
    if len({lab for _, lab in examples}) < 2:
        raise ValueError(f"{path.name}: all rows have the same label; need at least two labels")
    return train_classifier(examples, Path(out_dir), base_data=base_data)


# ---- in-domain labelled documents -------------------------------------------

def read_labelled_jsonl(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Sentences of the team's labelled documents (complete lines only)."""
    rows = []
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                try:
                    doc = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line still being written
                for block in doc.get("blocks", []):
                    for s in block.get("sentences", []):
                        if s.get("label") in LABELS and s.get("text"):
                            rows.append({
                                "text": s["text"], "label": s["label"], "doc_id": doc.get("doc_id", ""),
                                "substance": str(doc.get("substance", "")).lower(), "genre": doc.get("genre", ""),
                                "kind": block.get("kind", ""), "part": p.stem,
                            })
    return rows
