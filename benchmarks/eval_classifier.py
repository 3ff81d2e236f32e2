"""Evaluate the claim / hedge / other classifier against every target in one run.

    python benchmarks/eval_classifier.py [--model MODEL_DIR] [--json OUT.json]

Prints: kratom gold macro-F1 and per-class P/R/F1; Pei & Jurgens dev
claim-vs-hedge macro-F1 (rows labelled claim or hedge only; a predicted
`other` counts as `claim`, i.e. "not hedged"); CoNLL-2010 biological hedge F1
on the seeded 20% split held out of the shared train set (predicted hedge vs
anything else); team-data dev macro-F1 on the held-out substances in
`data/labelled/dev_substances.json`; calibration (ECE); classify words/s.

Entity features are computed the way training computes them: the claimscan
entity tagger (`claimscan.load(classifier=False)`) run over each sentence.
Heading flags: team dev from the block kind, kratom gold by shape.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
try:
    import claimscan.classifier  # noqa: F401
except ImportError:  # a plain checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))

from claimscan.classifier import (  # noqa: E402
    LABELS,
    SentenceClassifier,
    conll_bio_split,
    expected_calibration_error,
    load_model,
    per_class_scores,
    read_labelled_jsonl,
    sentence_entities,
    shared_datasets_dir,
)

KRATOM_GOLD = ROOT.parent / "shared" / "gold" / "kratom" / "sentences.csv"
LABELLED_DIR = ROOT / "data" / "labelled"
DEV_SUBSTANCES = LABELLED_DIR / "dev_substances.json"


def dev_substances() -> list[str]:
    return [s.lower() for s in json.loads(DEV_SUBSTANCES.read_text(encoding="utf-8"))["dev_substances"]]


def team_split() -> tuple[list[dict], list[dict]]:
    """Team-labelled sentences split by substance into (train, dev)."""
    rows = read_labelled_jsonl(sorted(LABELLED_DIR.glob("part_*.jsonl")))
    dev = set(dev_substances()) if DEV_SUBSTANCES.is_file() else set()
    return [r for r in rows if r["substance"] not in dev], [r for r in rows if r["substance"] in dev]


def _binary_f1(y: np.ndarray, p: np.ndarray) -> float:
    tp = int(((p == 1) & (y == 1)).sum())
    fp = int(((p == 1) & (y == 0)).sum())
    fn = int(((p == 0) & (y == 1)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def confusion(y: np.ndarray, p: np.ndarray) -> list[list[int]]:
    return [[int(((y == i) & (p == j)).sum()) for j in range(len(LABELS))] for i in range(len(LABELS))]


def eval_three_class(model: SentenceClassifier, texts: list[str], labels: list[str], headings: list | None = None) -> dict:
    # entity features: the claimscan entity tagger over each sentence, as at training time
    ents = sentence_entities(texts) if model.uses_entities else None
    probs, _ = model.predict_proba(texts, ents, headings)
    y = np.array([LABELS.index(lab) for lab in labels])
    # labels as shipped (classify applies the guidelines' coordination rule on top of the argmax)
    pred = np.array([LABELS.index(r["label"]) for r in model.classify(texts, ents, headings)])
    out = per_class_scores(y, pred)
    out["confusion (rows gold, cols pred: claim hedge other)"] = confusion(y, pred)
    out["ece"] = expected_calibration_error(probs, y)
    out["n"] = len(y)
    return out


def _macro_f1_by(model: SentenceClassifier, rows: list[dict], key: str) -> dict[str, float]:
    """Macro-F1 of the team rows grouped by `key` (genre, part)."""
    out = {}
    for value in sorted({r[key] for r in rows}):
        sub = [r for r in rows if r[key] == value]
        out[value] = round(eval_three_class(model, [r["text"] for r in sub], [r["label"] for r in sub],
                                            [r["kind"] == "heading" for r in sub])["macro_f1"], 3)
    return out


def eval_all(model: SentenceClassifier, *, speed: bool = True) -> dict:
    res: dict = {}
    if KRATOM_GOLD.is_file():
        with open(KRATOM_GOLD, encoding="utf-8", newline="") as fh:
            gold = list(csv.DictReader(fh))
        res["kratom_gold"] = eval_three_class(model, [g["text"] for g in gold], [g["label"] for g in gold])
    ds = shared_datasets_dir()
    if ds is not None:
        with open(ds / "pei_jurgens_sentence_certainty" / "dev.csv", encoding="utf-8", newline="") as fh:
            pei = [r for r in csv.DictReader(fh) if r["label"] in ("claim", "hedge")]
        # labels as shipped: classify, with the coordination rule
        y = np.array([int(r["label"] == "hedge") for r in pei])
        p = np.array([int(r["label"] == "hedge") for r in model.classify([r["text"] for r in pei])])
        res["pei_dev_claim_vs_hedge"] = {
            "macro_f1": (_binary_f1(y, p) + _binary_f1(1 - y, 1 - p)) / 2,
            "hedge_f1": _binary_f1(y, p), "n": len(y),
            "mapping": "gold claim/hedge rows only; predicted other counts as claim",
        }
        _, bio_test = conll_bio_split(ds)
        y = np.array([lab for _, lab in bio_test])
        p = np.array([int(r["label"] == "hedge") for r in model.classify([t for t, _ in bio_test])])
        hp = (model.hedge_proba([t for t, _ in bio_test]) > 0.5).astype(int)
        res["conll_bio_heldout"] = {"hedge_f1": _binary_f1(y, p), "hedge_head_only_f1": _binary_f1(y, hp), "n": len(y)}
    if DEV_SUBSTANCES.is_file():
        _, dev = team_split()
        if dev:
            r = eval_three_class(model, [d["text"] for d in dev], [d["label"] for d in dev], [d["kind"] == "heading" for d in dev])
            r["substances"] = dev_substances()
            r["macro_f1_by_genre"] = _macro_f1_by(model, dev, "genre")
            r["macro_f1_by_part"] = _macro_f1_by(model, dev, "part")
            res["team_dev"] = r
    if speed:
        texts = []
        if KRATOM_GOLD.is_file():
            texts += [g["text"] for g in gold]
        if ds is not None:
            texts += [t for t, _ in bio_test[:2000]]
        n_words = sum(len(t.split()) for t in texts)
        # in the pipeline the entities are already on the Doc: time the classifier with them given
        ents = sentence_entities(texts) if model.uses_entities else None
        model.classify(texts[:50], ents[:50] if ents is not None else None)  # warm up
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            model.classify(texts, ents)
            best = min(best, time.perf_counter() - t0)
        res["speed"] = {"words_per_s": n_words / best, "sentences_per_s": len(texts) / best, "n_words": n_words,
                        "note": "entities given (as in the pipeline); tagger time not included"}
    return res


def _fmt(res: dict) -> str:
    lines = []
    if "kratom_gold" in res:
        k = res["kratom_gold"]
        lines.append(f"kratom gold (n={k['n']}): macro-F1 {k['macro_f1']:.3f}  (target >= 0.90)  accuracy {k['accuracy']:.3f}  ECE {k['ece']:.3f}")
        for lab in LABELS:
            s = k[lab]
            lines.append(f"  {lab:6s} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  (n={s['support']})")
        lines.append(f"  confusion rows=gold cols=pred (claim hedge other): {k['confusion (rows gold, cols pred: claim hedge other)']}")
    if "pei_dev_claim_vs_hedge" in res:
        p = res["pei_dev_claim_vs_hedge"]
        lines.append(f"pei_jurgens dev claim-vs-hedge (n={p['n']}; predicted other -> claim): macro-F1 {p['macro_f1']:.3f}  (target >= 0.92)  hedge F1 {p['hedge_f1']:.3f}")
    if "conll_bio_heldout" in res:
        c = res["conll_bio_heldout"]
        lines.append(f"CoNLL-2010 bio 20% held-out (n={c['n']}): hedge F1 {c['hedge_f1']:.3f}  (target >= 0.86)  [hedge head alone {c['hedge_head_only_f1']:.3f}]")
    if "team_dev" in res:
        t = res["team_dev"]
        lines.append(f"team dev, unseen substances {t['substances']} (n={t['n']}): macro-F1 {t['macro_f1']:.3f}  (target >= 0.85)  ECE {t['ece']:.3f}")
        for lab in LABELS:
            s = t[lab]
            lines.append(f"  {lab:6s} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  (n={s['support']})")
        lines.append(f"  confusion rows=gold cols=pred: {t['confusion (rows gold, cols pred: claim hedge other)']}")
        lines.append(f"  macro-F1 by genre: {t['macro_f1_by_genre']}")
        lines.append(f"  macro-F1 by part: {t['macro_f1_by_part']}")
    if "speed" in res:
        s = res["speed"]
        lines.append(f"classify speed: {s['words_per_s']:,.0f} words/s ({s['sentences_per_s']:,.0f} sentences/s over {s['n_words']} words; target >= 80k)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=None, help="classifier folder (default: the shipped models/classifier)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    model = load_model(args.model)
    load_s = time.perf_counter() - t0
    res = eval_all(model)
    res["model_load_s"] = load_s
    print(_fmt(res))
    print(f"model load: {load_s:.3f} s")
    if args.json:
        args.json.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
