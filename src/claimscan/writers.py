"""Write the review tables as documents finish, resumably and atomically.

Rows stream into part files in `OUT/.claimscan-run/`; a journal records, after
each finished input file, how many bytes of each part file are complete. A
rerun after a kill truncates the parts to the last journal entry and goes on.
Only when every input is done are the parts renamed to `OUT/<table>.csv` (or
converted to Parquet), so a table a reader sees is always complete.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .pipeline import DOCUMENT_COLUMNS, ENTITY_COLUMNS, SENTENCE_COLUMNS, DocumentRows

TABLES = {"sentences": SENTENCE_COLUMNS, "entities": ENTITY_COLUMNS, "documents": DOCUMENT_COLUMNS}
WORK_DIR = ".claimscan-run"
JOURNAL = "journal.jsonl"
FINGERPRINT = "fingerprint.json"


def text_file_path(out: Path, doc_id: str) -> Path:
    """Where the extracted text of an HTML page or a record goes: OUT/text/<doc_id>.txt.

    The record id after '#' is percent-encoded where it holds characters a
    file name cannot ('/', '\\', ':' ...).
    """
    file_part, sep, record = doc_id.partition("#")
    name = file_part + sep + quote(record, safe=" #!$&'()+,;=@[]^`{}~-._") if sep else file_part
    return out / "text" / f"{name}.txt"


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _csv_bytes(rows) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(_csv_value(row) for row in rows)
    return buffer.getvalue().encode("utf-8")


def _csv_value(row: tuple) -> tuple:
    return tuple(("true" if v else "false") if isinstance(v, bool) else v for v in row)


@dataclass
class EncodedUnit:
    """One input file's output, ready to append: CSV bytes per table (encoded in the worker)."""

    tables: dict[str, bytes]
    text_files: list[tuple[str, str]]
    encodings: dict[str, str]
    counts: dict[str, int]
    n_words: int


def encode_unit(results: list[DocumentRows]) -> EncodedUnit:
    """CSV-encode the rows of one input file's documents (done in the worker process)."""
    sentences, entities, documents = [], [], []
    text_files, encodings = [], {}
    counts = {"documents": 0, "failed": 0, "sentences": 0, "entities": 0}
    for rows in results:
        sentences.extend(rows.sentences)
        entities.extend(rows.entities)
        documents.append(tuple(rows.document[c] for c in DOCUMENT_COLUMNS))
        if rows.text_file is not None:
            text_files.append(rows.text_file)
        if rows.encoding:
            encodings[rows.document["doc_id"]] = rows.encoding
        counts["documents"] += 1
        counts["failed"] += rows.document["status"] != "ok"
        counts["sentences"] += len(rows.sentences)
        counts["entities"] += len(rows.entities)
    tables = {"sentences": _csv_bytes(sentences), "entities": _csv_bytes(entities), "documents": _csv_bytes(documents)}
    return EncodedUnit(tables, text_files, encodings, counts, sum(r.n_words for r in results))


class TableWriter:
    """Appends each document's rows to the part files and journals progress."""

    def __init__(self, out: Path, fingerprint: dict):
        self.out = out
        self.work = out / WORK_DIR
        self.fingerprint = fingerprint
        self.done_units = 0
        self.encodings: dict[str, str] = {}
        self.counts = {"documents": 0, "failed": 0, "sentences": 0, "entities": 0}
        self._new_encodings: dict[str, str] = {}
        self._handles: dict[str, io.BufferedWriter] = {}
        self._journal = None
        self._publishing = False

    # -- lifecycle
    def open(self) -> int:
        """Open (or resume) the part files; returns how many input units are already done."""
        self.work.mkdir(parents=True, exist_ok=True)
        fingerprint_path = self.work / FINGERPRINT
        previous = _read_json(fingerprint_path)
        state = _replay_journal(self.work / JOURNAL) if previous == self.fingerprint else None
        if state is None:
            self._reset()
            write_atomic(fingerprint_path, json.dumps(self.fingerprint, sort_keys=True).encode())
            for table, columns in TABLES.items():
                with open(self.work / f"{table}.csv", "wb") as handle:
                    handle.write(_csv_bytes([columns]))
            self._journal = open(self.work / JOURNAL, "wb")
            self._write_journal()
        else:
            self.done_units = state["units"]
            self.encodings = state["encodings"]
            self.counts = state["counts"]
            if state.get("publishing"):
                self._publishing = True  # killed while publishing: every unit is done, finish() completes it
                return self.done_units
            for table in TABLES:
                with open(self.work / f"{table}.csv", "r+b") as handle:
                    handle.truncate(state["sizes"][table])
            self._journal = open(self.work / JOURNAL, "ab")
        for table in TABLES:
            self._handles[table] = open(self.work / f"{table}.csv", "ab")
        return self.done_units

    def _reset(self) -> None:
        for child in self.work.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
        for table in TABLES:
            for suffix in (".csv", ".parquet"):
                (self.out / f"{table}{suffix}").unlink(missing_ok=True)

    def add_unit(self, unit: "EncodedUnit") -> None:
        """Write one input file's documents, then journal it as done."""
        for doc_id, text in unit.text_files:
            write_atomic(text_file_path(self.out, doc_id), text.encode("utf-8"))
        for table, data in unit.tables.items():
            self._handles[table].write(data)
        self._new_encodings.update(unit.encodings)
        for key, value in unit.counts.items():
            self.counts[key] += value
        self.done_units += 1
        self._write_journal()

    def _write_journal(self) -> None:
        for handle in self._handles.values():
            handle.flush()
        sizes = {table: (self.work / f"{table}.csv").stat().st_size for table in TABLES}
        entry = {"units": self.done_units, "sizes": sizes, "counts": self.counts, "encodings": self._new_encodings}
        # the whole entry in one write: a kill leaves either the old or the new last line
        self._journal.write((json.dumps(entry) + "\n").encode())
        self._journal.flush()
        self.encodings.update(self._new_encodings)
        self._new_encodings = {}

    def finish(self, fmt: str, summary: dict) -> None:
        """Publish the tables (rename or convert), then remove the work folder."""
        if not self._publishing:
            for handle in self._handles.values():
                handle.close()
            # from here on a rerun only completes the publishing below
            self._journal.write((json.dumps({"units": self.done_units, "counts": self.counts, "encodings": {},
                                             "publishing": True}) + "\n").encode())
            self._journal.close()
        for table in TABLES:
            part = self.work / f"{table}.csv"
            if not part.exists():
                continue  # published before a kill
            if fmt == "parquet":
                write_parquet(part, self.out / f"{table}.parquet", table)
                part.unlink()
            else:
                os.replace(part, self.out / f"{table}.csv")
        summary = dict(summary, counts=self.counts, encodings=self.encodings)
        write_atomic(self.out / "run.json", json.dumps(summary, indent=2, sort_keys=True).encode())
        shutil.rmtree(self.work, ignore_errors=True)

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        if self._journal and not self._journal.closed:
            self._journal.close()


PARQUET_DTYPES = {
    "sentence_id": "int64", "start": "int64", "end": "int64", "confidence": "float64", "n_chars": "int64",
    "n_sentences": "int64", "n_claim": "int64", "n_hedge": "int64", "n_other": "int64",
}


def read_table_csv(path: Path, table: str):
    """Read a claimscan CSV table with exact strings and proper dtypes."""
    import pandas as pd

    columns = TABLES[table]
    dtypes = {c: PARQUET_DTYPES.get(c, "string") for c in columns if c != "negated"}
    frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[], encoding="utf-8")
    if "negated" in frame.columns:
        frame["negated"] = frame["negated"].map({"true": True, "false": False}).astype("bool")
    return frame


def write_parquet(part: Path, target: Path, table: str) -> None:
    frame = read_table_csv(part, table)
    tmp = target.with_name(target.name + ".tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, target)


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _replay_journal(path: Path):
    """The last complete journal state, with the encodings of every entry merged."""
    try:
        lines = path.read_bytes().splitlines()
    except OSError:
        return None
    state = None
    encodings: dict[str, str] = {}
    for line in lines:
        try:
            state = json.loads(line)
        except ValueError:
            break  # a torn last line from a kill
        encodings.update(state["encodings"])
    if state is not None:
        state["encodings"] = encodings
    return state
