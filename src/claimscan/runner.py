"""Run claimscan over files and folders: discovery, worker processes,
per-document limits, progress, resumable streamed output.

Input files are processed in discovery order and written in that order, so
the tables are byte-identical whatever the number of workers.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from . import errors
from .pipeline import DocumentRows, failed_rows, load, process_batch
from .readers import DEFAULT_MAX_BYTES, FailedDocument, discover, read_file
from .writers import EncodedUnit, TableWriter, encode_unit

DEFAULT_TIMEOUT = 300  # seconds per document


class ModelLoadError(Exception):
    """The pipeline (vocabulary or classifier) could not be loaded."""


class DocumentTimeout(Exception):
    """A document took longer than --timeout."""

    def __init__(self, seconds: float):
        super().__init__(errors.DOCUMENT_TIMEOUT.format(seconds=f"{seconds:g}"))


@dataclass
class RunOptions:
    inputs: list[Path]
    out: Path = Path("data/processed")
    format: str = "csv"
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    glob: str | None = None
    text_field: str | None = None
    id_field: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT
    model: Path | None = None
    quiet: bool = False


@dataclass
class RunSummary:
    documents: int
    failed: int
    sentences: int
    entities: int
    words: int
    seconds: float

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


# The pipeline each worker uses: loaded once in the parent, inherited by forked workers.
_NLP = None
_OPTIONS: RunOptions | None = None


def process_unit(unit: tuple[str, str]) -> EncodedUnit:
    """Read one input file and turn its documents into CSV-encoded rows.

    Encoding happens here, in the worker, so only bytes travel to the parent.
    """
    return encode_unit(document_rows(unit))


def document_rows(unit: tuple[str, str]) -> list[DocumentRows]:
    """Read one input file and turn each of its documents into rows."""
    path, doc_id = unit
    options = _OPTIONS
    results: list[DocumentRows] = []
    try:
        documents = read_file(Path(path), doc_id, text_field=options.text_field, id_field=options.id_field,
                              max_bytes=options.max_bytes)
        for document in documents:
            if isinstance(document, FailedDocument):
                results.append(failed_rows(document))
                continue
            try:
                with time_limit(options.timeout):
                    results.extend(process_batch(_NLP, [document]))
            except DocumentTimeout as error:
                results.append(failed_rows(FailedDocument(document.doc_id, document.path, document.format,
                                                          str(error))))
    except DocumentTimeout as error:
        results.append(failed_rows(FailedDocument(doc_id, path, Path(path).suffix.lstrip(".").lower(), str(error))))
    except Exception as error:  # a reader bug must not stop the run
        results.append(failed_rows(FailedDocument(doc_id, path, Path(path).suffix.lstrip(".").lower(),
                                                  f"{type(error).__name__}: {error}".splitlines()[0])))
    return results


@contextmanager
def time_limit(seconds: float):
    """Raise DocumentTimeout in this (main) thread after `seconds`."""
    if not seconds or seconds <= 0:
        yield
        return

    def on_alarm(signum, frame):
        raise DocumentTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def fingerprint(options: RunOptions, units: list[tuple[str, str]]) -> dict:
    """What decides the output: a resumed run must match it exactly."""
    files = []
    for path, doc_id in units:
        try:
            stat = os.stat(path)
            files.append([doc_id, stat.st_size, stat.st_mtime_ns])
        except OSError:
            files.append([doc_id, -1, -1])
    model = options.model
    return {
        "version": __version__,
        "format": options.format,
        "text_field": options.text_field,
        "id_field": options.id_field,
        "max_bytes": options.max_bytes,
        "model": str(model.resolve()) if model else None,
        "files": files,
    }


def run(options: RunOptions, nlp=None) -> RunSummary:
    """Process every input; write the tables to `options.out`."""
    global _NLP, _OPTIONS
    started = time.perf_counter()
    units = [(str(path), doc_id) for path, doc_id in discover(options.inputs, options.glob)]
    _OPTIONS = options
    try:
        _NLP = nlp or load(options.model)
    except (OSError, ValueError) as error:
        raise ModelLoadError(errors.one_line(error)) from error
    options.out.mkdir(parents=True, exist_ok=True)
    writer = TableWriter(options.out, fingerprint(options, units))
    done = writer.open()
    todo = units[done:]
    words = 0
    with Progress(units, done, enabled=not options.quiet and sys.stderr.isatty()) as progress:
        try:
            for unit, encoded in zip(todo, _results(todo, options.workers)):
                writer.add_unit(encoded)
                words += encoded.n_words
                progress.advance(unit[0], encoded.n_words)
        except BaseException:
            writer.close()
            raise
    seconds = time.perf_counter() - started
    summary = {
        "claimscan_version": __version__,
        "inputs": [str(p) for p in options.inputs],
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(options).items()
                    if k not in ("inputs", "quiet", "workers")},
    }
    writer.finish(options.format, summary)
    counts = writer.counts
    return RunSummary(counts["documents"], counts["failed"], counts["sentences"], counts["entities"], words, seconds)


def _results(units: list[tuple[str, str]], workers: int):
    """Rows per unit, in order, from this process or from forked workers."""
    if workers <= 1 or len(units) <= 1:
        for unit in units:
            yield process_unit(unit)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        yield from pool.imap(process_unit, units, chunksize=1)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


class Progress:
    """Files done, words/s and ETA (from bytes read) on stderr, when it is a terminal."""

    def __init__(self, units: list[tuple[str, str]], done_units: int, enabled: bool):
        self.enabled = enabled
        self.words = 0
        self.files = done_units
        self.total_units = len(units)
        self.started = time.perf_counter()
        if enabled:
            from rich.console import Console
            from rich.progress import BarColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.fields[files]}"), BarColumn(), TextColumn("{task.fields[rate]}"),
                TextColumn("ETA"), TimeRemainingColumn(), console=Console(stderr=True), transient=True,
            )
            total_bytes = sum(_size(path) for path, _ in units)  # file sizes only when progress is shown
            self._task = self._bar.add_task("run", total=max(total_bytes, 1), files=self._files_text(), rate="")

    def _files_text(self) -> str:
        return f"{self.files}/{self.total_units} files"

    def __enter__(self):
        if self.enabled:
            self._bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.enabled:
            self._bar.__exit__(*exc)

    def advance(self, path: str, n_words: int) -> None:
        if not self.enabled:
            return
        self.words += n_words
        self.files += 1
        rate = self.words / max(time.perf_counter() - self.started, 1e-9)
        self._bar.update(self._task, advance=_size(path), files=self._files_text(), rate=f"{rate:,.0f} words/s")
