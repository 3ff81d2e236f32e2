"""Build the shipped claim / hedge / other model in models/classifier/.

    python scripts/train_classifier.py [--out models/classifier]

Hedge head: CoNLL-2010 biological (minus the seeded 20% held-out split) and
Pei & Jurgens train, read from ../shared/datasets. Class head: the team's
labelled documents (data/labelled/part_*.jsonl) except the held-out
substances in data/labelled/dev_substances.json, plus Pei & Jurgens train rows.
Prints the figures of benchmarks/eval_classifier.py at the end.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("eval_classifier", ROOT / "benchmarks" / "eval_classifier.py")
ev = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ev)  # also puts src/ on sys.path when needed

from claimscan.classifier import (  # noqa: E402
    DEFAULT_N_BUCKETS,
    _fit_binary,
    conll_bio_split,
    featurize,
    shared_datasets_dir,
    train_model,
)

README = """# claimscan sentence classifier (claim / hedge / other)

Files: `base_sentences.jsonl` (the team-labelled training sentences, text and
label, reused by `claimscan train` unless `--no-base`), `weights.npz` (hedge-vs-not head `hedge_w`, `hedge_b`; class head
`class_w`, `class_hedge_coef`, `class_b`; `temperature`), `config.json` (label
order, feature settings, training data and metrics). Built by
`python scripts/train_classifier.py`; evaluated by
`python benchmarks/eval_classifier.py`. Inference is pure numpy
(`claimscan.classifier`), features are described in `config.json`.

Features (feature_version 4): word uni/bigrams (n-grams do not see describing
clauses that hold a hedge cue, guidelines §2 rule 1), sentence shape, heading
(the segmenter's `is_heading`; judged by shape when unknown), hedge cues by
main/subordinate clause, **sentence patterns** (`sentence_patterns` in
`src/claimscan/data/hedge_cues.json`: advice and instructions, importance +
infinitive, caution, article framing and promotion, care-process statements,
gerund-initial titles, established attribution, `can` capability, boosters,
indirect questions), main-clause negation, the **main clause's subject words and
first main verb** ("this approach ensures", "we can harness" against "kratom
binds"), **entity features** (counts and
types of SUBSTANCE / CONDITION / MECHANISM in the sentence and before its main
verb, entity-masked bigrams), and the hedge-head logit. Entities come from the
claimscan entity tagger: in the pipeline from `doc._.claimscan_entities`; in
training, `classify_texts` and the benchmark by running
`claimscan.load(classifier=False)` over each sentence (no train/serve skew).
`base_sentences.jsonl` rows carry `is_heading` (from the labelled block kind).

## Training data and credits

The shipped model learned from:

| data | source | licence | used for |
|---|---|---|---|
| claimscan team-labelled documents (`data/labelled/part_*.jsonl`), all substances except the held-out ones in `data/labelled/dev_substances.json` | written and labelled by the claimscan team | MIT (this project) | class head |
| CoNLL-2010 shared task, task 1, biological (BioScope abstracts), train set minus a seeded 20% split held out for evaluation | Farkas et al. 2010, CoNLL-2010 shared task; BioScope corpus (Vincze et al. 2008), via GitHub PAJEAN/uncertaintyDetection | BioScope: research use, CC BY 2.0 per BigBio; repository MIT | hedge head |
| Pei & Jurgens sentence-level certainty, train split (rows with certainty >= 4.5 as claim, <= 3.5 as hedge) | Pei & Jurgens 2021, "Measuring Sentence-Level and Aspect-Level (Un)certainty in Science Communications", EMNLP; GitHub Jiaxin-Pei/Certainty-in-Science-Communication | MIT | hedge head and class head |

The CoNLL-2010 Wikipedia weasel-word set was tried and left out (it lowered
hedge F1 on the biological and Pei & Jurgens sets). The kratom gold in
`../shared/gold/kratom/` is used only for evaluation, never for training.

## Figures at build time

See `config.json` → `evaluation` (written by the build script) and
`docs/RESULTS.md` for the end-to-end figures. The labelled data follows
`docs/LABELLING.md` (parts a-d were audited against it on 2026-11-21; the
later parts were written to it).

Still weak: news and forum genres (reported speech, quotes, first-person
reports), vague promotional "other" sentences that name the substance and
carry a hedge word, and the CoNLL-2010 convention that any cue anywhere makes
a hedge: the guidelines label by the main clause, so "X contains Y, which may
affect Z" is a claim here and a hedge there (docs/RESULTS.md).
"""


def pei_rows(ds: Path, split: str) -> list[tuple[str, str]]:
    with open(ds / "pei_jurgens_sentence_certainty" / f"{split}.csv", encoding="utf-8", newline="") as fh:
        return [(r["text"], r["label"]) for r in csv.DictReader(fh) if r["label"] in ("claim", "hedge")]


def build(args: argparse.Namespace) -> tuple:
    ds = shared_datasets_dir()
    if ds is None:
        raise SystemExit("../shared/datasets not found (set CLAIMSCAN_SHARED_DATASETS)")
    team_train, team_dev = ev.team_split()
    bio_train, _ = conll_bio_split(ds)
    pei_train = pei_rows(ds, "train")

    # hedge head: public hedge corpora (+ optionally the team's train rows)
    h_rows = [(t, y) for t, y in bio_train] + [(t, int(lab == "hedge")) for t, lab in pei_train]
    h_w = [1.0] * len(bio_train) + [args.pei_hedge_weight] * len(pei_train)
    if args.team_in_hedge:
        h_rows += [(r["text"], int(r["label"] == "hedge")) for r in team_train]
        h_w += [args.team_hedge_weight] * len(team_train)
    t0 = time.time()
    hb = featurize([t for t, _ in h_rows], DEFAULT_N_BUCKETS)
    hw, hbias = _fit_binary(hb.to_scipy(DEFAULT_N_BUCKETS), np.array([y for _, y in h_rows]), np.array(h_w), args.c_hedge)
    print(f"hedge head: {len(h_rows)} rows, {time.time() - t0:.1f} s", file=sys.stderr)

    examples = [(r["text"], r["label"]) for r in team_train]
    headings: list = [r["kind"] == "heading" for r in team_train]
    weights = [1.0] * len(examples)
    groups = [r["substance"] for r in team_train]
    if args.pei_class_weight > 0:
        examples += pei_train
        headings += [None] * len(pei_train)
        weights += [args.pei_class_weight] * len(pei_train)
        groups += ["_pei"] * len(pei_train)
    provenance = {
        "hedge_head": [
            f"conll2010_bioscope_sentences/train.csv minus seeded 20% held-out split ({len(bio_train)} rows, weight 1)",
            f"pei_jurgens_sentence_certainty/train.csv claim/hedge rows ({len(pei_train)} rows, weight {args.pei_hedge_weight})",
        ] + ([f"team-labelled train sentences as hedge-vs-not ({len(team_train)} rows, weight {args.team_hedge_weight})"] if args.team_in_hedge else []),
        "class_head": [
            f"team-labelled documents data/labelled/part_*.jsonl, substances not in dev_substances.json ({len(team_train)} sentences, "
            f"{len({r['substance'] for r in team_train})} substances, genres {sorted({r['genre'] for r in team_train})})",
        ] + ([f"pei_jurgens_sentence_certainty/train.csv claim/hedge rows ({len(pei_train)}, weight {args.pei_class_weight})"] if args.pei_class_weight > 0 else []),
        "held_out_for_evaluation": {
            "team_dev_substances": ev.dev_substances() if ev.DEV_SUBSTANCES.is_file() else [],
            "team_dev_sentences": len(team_dev),
            "conll_bio": "seeded (13) 20% split of conll2010_bioscope_sentences/train.csv",
            "kratom_gold": "../shared/gold/kratom/sentences.csv (evaluation only)",
        },
        "built": dt.date.today().isoformat(),
    }
    model, metrics = train_model(
        examples, hedge_head=(hw, hbias), provenance=provenance, groups=groups,
        example_weights=weights, c_class=args.c_class, headings=headings,
    )
    return model, metrics


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "classifier")
    ap.add_argument("--c-hedge", type=float, default=0.5)
    ap.add_argument("--c-class", type=float, default=1.0)
    ap.add_argument("--pei-hedge-weight", type=float, default=4.0)
    ap.add_argument("--pei-class-weight", type=float, default=0.0)
    ap.add_argument("--team-in-hedge", action="store_true")
    ap.add_argument("--team-hedge-weight", type=float, default=1.0)
    ap.add_argument("--no-write", action="store_true", help="evaluate only; do not write the model")
    args = ap.parse_args(argv)
    model, metrics = build(args)
    res = ev.eval_all(model)
    print(ev._fmt(res))
    print("train cross-validation:", json.dumps({k: metrics[k] for k in ("temperature", "cross_validation_ece") if k in metrics}),
          "macro-F1", round(metrics.get("cross_validation", {}).get("macro_f1", float("nan")), 3))
    if not args.no_write:
        model.config["evaluation"] = {k: v for k, v in res.items()}
        model.to_dir(args.out)
        (args.out / "README.md").write_text(README, encoding="utf-8")
        # the in-domain training sentences, so `claimscan train` can adapt without the checkout's data/
        team_train, _ = ev.team_split()
        with open(args.out / "base_sentences.jsonl", "w", encoding="utf-8") as fh:
            for r in team_train:
                fh.write(json.dumps({"text": r["text"], "label": r["label"], "is_heading": r["kind"] == "heading"},
                                    ensure_ascii=False) + "\n")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
