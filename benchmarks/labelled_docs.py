"""Render the team's labelled documents (data/labelled/*.jsonl) into files plus
gold tables in the layout of ../shared/gold/kratom, so `claimscan run` and
`claimscan evaluate` can score them end to end.

Each document is rendered in several layouts (plain text with and without
blank lines between blocks, markdown), because real pages differ in layout.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "data" / "labelled"
LIST_MARKERS = ("- ", "* ", "• ", "1. ")
TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")


def load_documents(folder: Path = LABELLED) -> list[dict]:
    docs = []
    for path in sorted(folder.glob("part_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                try:
                    docs.append(json.loads(line))
                except ValueError:
                    continue  # a line still being written
    return docs


def render(doc: dict, layout: str) -> tuple[str, list[dict], list[dict]]:
    """(text, gold sentence rows, gold entity rows) for one layout: txt, txt-blank or md."""
    parts: list[str] = []
    pos = 0
    sentences: list[dict] = []
    entities: list[dict] = []

    def emit(s: str) -> None:
        nonlocal pos
        parts.append(s)
        pos += len(s)

    def add_sentence(sent: dict) -> None:
        start = pos
        emit(sent["text"])
        sid = len(sentences)
        sentences.append({"sentence_id": sid, "start": start, "end": pos, "text": sent["text"], "label": sent["label"],
                          "hedge_cues": ";".join(sent.get("hedge_cues", [])),
                          "negated": str(bool(sent.get("negated"))).lower()})
        seen: dict[str, int] = {}
        for ent in sent.get("entities", []):
            k = seen.get(ent["text"], 0)
            at = -1
            for _ in range(k + 1):
                at = sent["text"].find(ent["text"], at + 1)
            seen[ent["text"]] = k + 1
            if at < 0:
                continue
            entities.append({"sentence_id": sid, "start": start + at, "end": start + at + len(ent["text"]),
                             "text": ent["text"], "label": ent["label"], "concept": ent.get("concept", "")})

    for b, block in enumerate(doc["blocks"]):
        if b and layout in ("txt-blank", "md", "md-wrapped"):
            emit("\n")
        for i, sent in enumerate(block["sentences"]):
            if block["kind"] == "heading":
                if layout.startswith("md"):
                    emit("## ")
                add_sentence(sent)
                emit("\n")
            elif block["kind"] == "list":
                emit(LIST_MARKERS[(b + i) % len(LIST_MARKERS)] if layout != "txt" else "- ")
                add_sentence(sent)
                emit("\n")
            else:
                if i:
                    # a "sentence" without terminal punctuation is a line of its own (guidelines §1)
                    emit(" " if TERMINAL.search(block["sentences"][i - 1]["text"]) else "\n")
                add_sentence(sent)
        if block["kind"] == "paragraph":
            emit("\n")
    text = "".join(parts)
    if layout == "md-wrapped":
        text = hard_wrap(text)
        for row in sentences:
            row["text"] = text[row["start"]:row["end"]]
        for row in entities:
            row["text"] = text[row["start"]:row["end"]]
    return text, sentences, entities


def hard_wrap(text: str, width: int = 72) -> str:
    """Replace spaces with line breaks so no paragraph line is longer than `width` (offsets unchanged)."""
    chars = list(text)
    line_start = 0
    last_space = -1
    heading = text.startswith("#")
    for i, ch in enumerate(chars):
        if ch == "\n":
            line_start, last_space = i + 1, -1
            heading = text.startswith("#", i + 1)  # markdown headings are never wrapped
        elif heading:
            continue
        elif ch == " ":
            last_space = i
        if i - line_start >= width and last_space > line_start:
            chars[last_space] = "\n"
            line_start, last_space = last_space + 1, -1
    return "".join(chars)


def write_corpus(docs: list[dict], out: Path, layouts=("txt", "txt-blank", "md", "md-wrapped")) -> tuple[Path, Path]:
    """Write documents to out/corpus and gold tables to out/gold; returns both folders."""
    corpus, gold = out / "corpus", out / "gold"
    corpus.mkdir(parents=True, exist_ok=True)
    gold.mkdir(parents=True, exist_ok=True)
    s_rows, e_rows = [], []
    for doc in docs:
        for layout in layouts:
            doc_id = f"{doc['doc_id']}.{layout}.{'md' if layout.startswith('md') else 'txt'}"
            text, sentences, entities = render(doc, layout)
            (corpus / doc_id).write_text(text, encoding="utf-8", newline="")
            s_rows += [dict(doc_id=doc_id, **s) for s in sentences]
            e_rows += [dict(doc_id=doc_id, **e) for e in entities]
    _write_csv(gold / "sentences.csv", s_rows,
               ["doc_id", "sentence_id", "start", "end", "text", "label", "hedge_cues", "negated"])
    _write_csv(gold / "entities.csv", e_rows, ["doc_id", "sentence_id", "start", "end", "text", "label", "concept"])
    return corpus, gold


def _write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
