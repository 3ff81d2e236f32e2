"""End to end on the team's documents about held-out substances: render them
(plain text, blank-line blocks, markdown, hard-wrapped markdown), run
`claimscan run`, and score with `claimscan evaluate`.

    python benchmarks/end_to_end.py [--all]

Only documents whose substance is in data/labelled/dev_substances.json are used
(the classifier never trained on them); --all scores every document (labels on
the others are then training data, so only boundaries and entities mean much).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from labelled_docs import LABELLED, load_documents, write_corpus  # noqa: E402

from claimscan.evaluate import evaluate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="score every labelled document")
    args = parser.parse_args()
    docs = load_documents()
    if not args.all:
        dev = json.loads((LABELLED / "dev_substances.json").read_text(encoding="utf-8"))
        held_out = {s.lower() for s in dev["dev_substances"]}
        docs = [d for d in docs if d["substance"].lower() in held_out]
    with tempfile.TemporaryDirectory() as tmp:
        corpus, gold = write_corpus(docs, Path(tmp))
        out = Path(tmp) / "out"
        subprocess.run([sys.executable, "-m", "claimscan.cli", "run", str(corpus), "--out", str(out), "--quiet"],
                       check=False)
        scores = evaluate(gold, out)
    scores["documents"]["rendered_from"] = len(docs)
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / ("end_to_end_all.json" if args.all else "end_to_end_dev.json")).write_text(json.dumps(scores, indent=2))
    from claimscan.evaluate import format_report

    print(format_report(scores))


if __name__ == "__main__":
    main()
