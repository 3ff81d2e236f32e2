"""Score claimscan's tables against gold tables (annotation guidelines §4).

Gold and predictions are folders holding `sentences.csv` and optionally
`entities.csv` (or `.parquet`), in the layout of `../shared/gold/kratom`.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

LABELS = ("claim", "hedge", "other")
ENTITY_LABELS = ("SUBSTANCE", "CONDITION", "MECHANISM")


def read_table(folder: Path, table: str) -> pd.DataFrame | None:
    for suffix, reader in ((".csv", _read_csv), (".parquet", pd.read_parquet)):
        path = folder / f"{table}{suffix}"
        if path.is_file():
            return reader(path)
    return None


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def _spans(frame: pd.DataFrame, *extra: str) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = defaultdict(list)
    columns = ["doc_id", "start", "end", *extra]
    for row in frame[columns].itertuples(index=False):
        out[row[0]].append((int(row[1]), int(row[2]), *row[3:]))
    return out


def _align_doc_ids(gold_ids, pred_ids) -> dict[str, str]:
    """Gold doc_id -> predicted doc_id (exact, else by path suffix)."""
    pred_ids = set(pred_ids)
    mapping = {}
    for gold_id in gold_ids:
        if gold_id in pred_ids:
            mapping[gold_id] = gold_id
            continue
        matches = [p for p in pred_ids if p.endswith("/" + gold_id) or gold_id.endswith("/" + p)]
        if len(matches) == 1:
            mapping[gold_id] = matches[0]
    return mapping


def evaluate(gold_dir: Path, pred_dir: Path) -> dict:
    """Sentence boundaries, labels, and entities of `pred_dir` against `gold_dir`."""
    gold = read_table(gold_dir, "sentences")
    pred = read_table(pred_dir, "sentences")
    if gold is None or pred is None:
        raise ValueError("both folders need a sentences table")
    for name, frame in (("gold", gold), ("prediction", pred)):
        missing = {"doc_id", "start", "end", "label"} - set(frame.columns)
        if missing:
            raise ValueError(f"{name} sentences table lacks columns: {', '.join(sorted(missing))}")
    gold_spans = _spans(gold, "label")
    pred_spans = _spans(pred, "label")
    mapping = _align_doc_ids(gold_spans, pred_spans)
    scores: dict = {"documents": {"gold": len(gold_spans), "matched": len(mapping)}}

    # sentence boundaries (end offsets, guidelines §4) and exact spans (issue 3)
    end_counts = Counter()
    span_counts = Counter()
    confusion = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    for gold_id, gold_rows in gold_spans.items():
        pred_rows = pred_spans.get(mapping.get(gold_id, ""), [])
        g_ends, p_ends = {r[1] for r in gold_rows}, {r[1] for r in pred_rows}
        end_counts.update(tp=len(g_ends & p_ends), fp=len(p_ends - g_ends), fn=len(g_ends - p_ends))
        g_span = {(r[0], r[1]): r[2] for r in gold_rows}
        p_span = {(r[0], r[1]): r[2] for r in pred_rows}
        common = g_span.keys() & p_span.keys()
        span_counts.update(tp=len(common), fp=len(p_span) - len(common), fn=len(g_span) - len(common))
        for span in common:
            g, p = g_span[span], p_span[span]
            if g in confusion and p in confusion[g]:
                confusion[g][p] += 1
    scores["boundaries"] = prf(end_counts["tp"], end_counts["fp"], end_counts["fn"])
    scores["sentence_spans"] = prf(span_counts["tp"], span_counts["fp"], span_counts["fn"])
    per_class = {}
    for label in LABELS:
        tp = confusion[label][label]
        fp = sum(confusion[g][label] for g in LABELS if g != label)
        fn = sum(confusion[label][p] for p in LABELS if p != label)
        per_class[label] = prf(tp, fp, fn)
    matched = sum(sum(row.values()) for row in confusion.values())
    correct = sum(confusion[label][label] for label in LABELS)
    scores["labels"] = {
        "per_class": per_class,
        "macro_f1": round(sum(c["f1"] for c in per_class.values()) / len(LABELS), 4),
        "accuracy": round(correct / matched, 4) if matched else 0.0,
        "matched_sentences": matched,
        "confusion": confusion,
    }
    gold_entities = read_table(gold_dir, "entities")
    pred_entities = read_table(pred_dir, "entities")
    if gold_entities is not None and pred_entities is not None:
        scores["entities"] = score_entities(gold_entities, pred_entities, mapping)
    return scores


def score_entities(gold: pd.DataFrame, pred: pd.DataFrame, mapping: dict[str, str]) -> dict:
    """Exact and lenient P/R/F1, and concept agreement over matched mentions."""
    gold_spans = _spans(gold, "label", "concept")
    pred_spans = _spans(pred, "label", "concept")
    exact = Counter()
    lenient = Counter()
    per_label = {label: Counter() for label in ENTITY_LABELS}
    concept_pairs: dict[str, Counter] = defaultdict(Counter)  # gold concept -> predicted concepts of its mentions
    for gold_id, gold_rows in gold_spans.items():
        pred_rows = pred_spans.get(mapping.get(gold_id, ""), [])
        g_exact = {(s, e, l) for s, e, l, _ in gold_rows}
        p_exact = {(s, e, l) for s, e, l, _ in pred_rows}
        exact.update(tp=len(g_exact & p_exact), fp=len(p_exact - g_exact), fn=len(g_exact - p_exact))
        for s, e, label, concept in gold_rows:
            overlapping = [p for p in pred_rows if p[2] == label and p[0] < e and s < p[1]]
            lenient["tp_gold" if overlapping else "fn"] += 1
            if label in per_label:
                per_label[label]["tp_gold" if overlapping else "fn"] += 1
            if overlapping:
                best = max(overlapping, key=lambda p: min(e, p[1]) - max(s, p[0]))
                concept_pairs[concept][best[3]] += 1
        for s, e, label, _ in pred_rows:
            hit = any(g[2] == label and g[0] < e and s < g[1] for g in gold_rows)
            lenient["tp_pred" if hit else "fp"] += 1
            if label in per_label:
                per_label[label]["tp_pred" if hit else "fp"] += 1
    same = total = 0
    for predicted in concept_pairs.values():
        n = sum(predicted.values())
        total += n * (n - 1) // 2
        same += sum(k * (k - 1) // 2 for k in predicted.values())
    return {
        "exact": prf(exact["tp"], exact["fp"], exact["fn"]),
        "lenient": _lenient(lenient),
        "per_label_lenient": {label: _lenient(c) for label, c in per_label.items()},
        "concept_agreement": round(same / total, 4) if total else 1.0,
    }


def _lenient(c: Counter) -> dict:
    """Lenient P uses predicted mentions that overlap gold, R uses gold mentions that overlap a prediction."""
    p = c["tp_pred"] / (c["tp_pred"] + c["fp"]) if c["tp_pred"] + c["fp"] else 0.0
    r = c["tp_gold"] / (c["tp_gold"] + c["fn"]) if c["tp_gold"] + c["fn"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def format_report(scores: dict) -> str:
    """The scores as plain-text tables."""
    lines = [f"documents: {scores['documents']['matched']} of {scores['documents']['gold']} gold documents matched", ""]
    lines.append(f"{'':24}{'P':>8}{'R':>8}{'F1':>8}")
    for name, key in (("sentence boundaries", "boundaries"), ("sentence spans (exact)", "sentence_spans")):
        s = scores[key]
        lines.append(f"{name:24}{s['precision']:8.3f}{s['recall']:8.3f}{s['f1']:8.3f}")
    labels = scores["labels"]
    for label, s in labels["per_class"].items():
        lines.append(f"{'label ' + label:24}{s['precision']:8.3f}{s['recall']:8.3f}{s['f1']:8.3f}")
    lines.append(f"{'label macro-F1':24}{'':16}{labels['macro_f1']:8.3f}")
    if "entities" in scores:
        ents = scores["entities"]
        for name, s in (("entities exact", ents["exact"]), ("entities lenient", ents["lenient"])):
            lines.append(f"{name:24}{s['precision']:8.3f}{s['recall']:8.3f}{s['f1']:8.3f}")
        for label, s in ents["per_label_lenient"].items():
            lines.append(f"{'  lenient ' + label:24}{s['precision']:8.3f}{s['recall']:8.3f}{s['f1']:8.3f}")
        lines.append(f"{'concept agreement':24}{'':16}{ents['concept_agreement']:8.3f}")
    lines += ["", f"confusion (rows gold, columns predicted; {labels['matched_sentences']} matched sentences)",
              f"{'':10}" + "".join(f"{p:>8}" for p in LABELS)]
    for g in LABELS:
        lines.append(f"{g:10}" + "".join(f"{labels['confusion'][g][p]:8d}" for p in LABELS))
    return "\n".join(lines)
