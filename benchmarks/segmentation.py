"""Sentence segmentation: boundary F1 on the kratom gold and on the team's
labelled documents (three layouts), and words/s against spaCy's rule
sentencizer, measured in the same run.

    python benchmarks/segmentation.py
"""
from __future__ import annotations

import csv
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from labelled_docs import load_documents, render  # noqa: E402

from claimscan.segmenter import segment_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def f1(gold: set, pred: set) -> dict:
    tp = len(gold & pred)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "gold": len(gold)}


def kratom() -> tuple[dict | None, list[str]]:
    gold_path = SHARED / "gold" / "kratom" / "sentences.csv"
    if not gold_path.is_file():
        return None, []
    spans = defaultdict(set)
    for row in csv.DictReader(open(gold_path, encoding="utf-8")):
        spans[row["doc_id"]].add((int(row["start"]), int(row["end"])))
    gold, pred, texts = set(), set(), []
    for doc_id, doc_spans in spans.items():
        text = (SHARED / "corpus" / "kratom" / doc_id).read_text(encoding="utf-8")
        texts.append(text)
        gold |= {(doc_id, *s) for s in doc_spans}
        pred |= {(doc_id, s.start, s.end) for s in segment_text(text)}
    return f1(gold, pred), texts


def team() -> tuple[dict, list[str]]:
    results, texts = {}, []
    docs = load_documents()
    for layout in ("txt", "txt-blank", "md", "md-wrapped"):
        gold, pred = set(), set()
        for doc in docs:
            text, sentences, _ = render(doc, layout)
            texts.append(text)
            gold |= {(doc["doc_id"], s["start"], s["end"]) for s in sentences}
            pred |= {(doc["doc_id"], s.start, s.end) for s in segment_text(text)}
        results[layout] = f1(gold, pred)
    results["documents"] = len(docs)
    return results, texts


def speed(texts: list[str], min_words: int = 200_000, repeats: int = 5) -> dict:
    corpus = texts * max(1, min_words // max(1, sum(len(t.split()) for t in texts)))
    words = sum(len(t.split()) for t in corpus)
    blank = spacy.blank("en")
    sentencizer = spacy.blank("en")
    sentencizer.add_pipe("sentencizer")
    component = spacy.blank("en")
    component.add_pipe("claimscan_segmenter")

    def median(fn):
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    seg = median(lambda: [segment_text(t) for t in corpus])
    tok = median(lambda: [blank(t) for t in corpus])
    ref = median(lambda: [sentencizer(t) for t in corpus])
    comp = median(lambda: [component(t) for t in corpus])
    return {
        "words": words,
        "segment_text_words_per_second": round(words / seg),
        "tokenizer_plus_claimscan_segmenter_words_per_second": round(words / comp),
        "reference_tokenizer_plus_rule_sentencizer_words_per_second": round(words / ref),
        "reference_tokenizer_only_words_per_second": round(words / tok),
        "ratio_component_vs_rule_sentencizer": round(ref / comp, 3),
    }


def main() -> None:
    result = {}
    kratom_scores, kratom_texts = kratom()
    if kratom_scores:
        result["kratom_exact_span"] = kratom_scores
    result["team_documents_exact_span"], team_texts = team()
    result["speed"] = speed(kratom_texts + team_texts)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "segmentation.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
