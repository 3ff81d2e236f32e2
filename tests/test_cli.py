"""`claimscan run` end to end through the command line: formats, the offsets
invariant, the CSV contract, exit codes, repeatability and resuming."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from claimscan.cli import app
from claimscan.pipeline import DOCUMENT_COLUMNS, ENTITY_COLUMNS, SENTENCE_COLUMNS
from claimscan.writers import text_file_path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
runner = CliRunner()

TXT = ("Omega-3 and Heart Health\n"
       "Fish oil lowers triglycerides in adults, e.g. by 15–30%. It may also ease joint pain.\n"
       "- Take 1 g/day with food\n"
       "“Some users report fewer migraines,” said Dr. Rao. Is it safe? Consult your doctor.\n")
MD = ("---\ntitle: Melatonin notes\n---\n# Melatonin for sleep\n\n"
      "Melatonin **shortens** the time it takes to fall asleep, per [a review](https://example.org/r).\n"
      "It might help with jet lag; see `notes`.\n\n1. Start with 0.5 mg\n2. Take it an hour before bed\n")
HTML = ("<html><head><title>Valerian study</title><style>p{color:red}</style>"
        "<script>var x = 'track';</script></head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<div class='cookie-banner'>We use cookies. Accept all cookies to continue.</div>"
        "<article><h1>Valerian root and insomnia</h1>"
        "<p>Valerian root did not improve sleep quality in a trial of 120 adults, researchers reported on Monday.</p>"
        "<h2>What the trial found</h2><p>Participants took 600 mg nightly for four weeks. "
        "The authors suggest that higher doses could work better.</p>"
        "<ul><li>No serious side effects were seen</li><li>Headache was the most common complaint</li></ul>"
        "</article><footer>© 2026 Health News. All rights reserved.</footer></body></html>")


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fish-oil.txt").write_text(TXT, encoding="utf-8")
    (folder / "notes").mkdir()
    (folder / "notes" / "melatonin.md").write_text(MD, encoding="utf-8")
    (folder / "valerian.html").write_text(HTML, encoding="utf-8")
    records = [{"id": "a1", "title": "Kava", "text": "Kava can harm the liver.\nIt is banned in some countries."},
               {"id": "x/y", "text": "Rhodiola might reduce fatigue, \"a small trial\" found, in Zürich."}]
    (folder / "posts.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    pd.DataFrame({"id": ["p1", "p2"], "body": ["CBD helped my anxiety, honestly.\nNot my sleep though.",
                                              "Does 5-HTP raise serotonin? My doctor said it can."]}).to_csv(
        folder / "forum.csv", index=False)
    (folder / ".hidden.txt").write_text("Never read.", encoding="utf-8")
    return folder


def run(*args: str):
    return runner.invoke(app, ["run", *args, "--quiet"])


@pytest.fixture(scope="module")
def corpus_output(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    corpus = write_corpus(root / "in")
    out = root / "out"
    result = run(str(corpus), "--out", str(out), "--workers", "1")
    assert result.exit_code == 0, result.output
    return corpus, out


def test_tables_have_the_contract_columns(corpus_output):
    _, out = corpus_output
    assert list(pd.read_csv(out / "sentences.csv").columns) == SENTENCE_COLUMNS
    assert list(pd.read_csv(out / "entities.csv").columns) == ENTITY_COLUMNS
    assert list(pd.read_csv(out / "documents.csv").columns) == DOCUMENT_COLUMNS


def test_every_format_is_read_and_hidden_files_skipped(corpus_output):
    _, out = corpus_output
    documents = pd.read_csv(out / "documents.csv", keep_default_na=False)
    assert sorted(documents.doc_id) == sorted(["fish-oil.txt", "notes/melatonin.md", "valerian.html",
                                               "posts.jsonl#a1", "posts.jsonl#x/y", "forum.csv#p1", "forum.csv#p2"])
    assert set(documents.status) == {"ok"}
    by_id = documents.set_index("doc_id")
    assert by_id.loc["valerian.html", "title"] == "Valerian study"
    assert by_id.loc["posts.jsonl#a1", "format"] == "jsonl"
    assert (documents.n_sentences > 0).all()
    assert (documents.n_claim + documents.n_hedge + documents.n_other == documents.n_sentences).all()


def _content(corpus: Path, out: Path, doc_id: str, fmt: str) -> str:
    if fmt in ("txt", "md"):
        return (corpus / doc_id).read_bytes().decode("utf-8")
    return text_file_path(out, doc_id).read_text(encoding="utf-8")


def test_offsets_invariant_on_every_row(corpus_output):
    corpus, out = corpus_output
    documents = pd.read_csv(out / "documents.csv", keep_default_na=False).set_index("doc_id")
    for table in ("sentences", "entities"):
        frame = pd.read_csv(out / f"{table}.csv", keep_default_na=False)
        assert len(frame)
        for row in frame.itertuples():
            content = _content(corpus, out, row.doc_id, documents.loc[row.doc_id, "format"])
            assert content[row.start:row.end] == row.text


def test_html_boilerplate_and_markdown_markup_stay_out(corpus_output):
    _, out = corpus_output
    sentences = pd.read_csv(out / "sentences.csv", keep_default_na=False)
    html = " ".join(sentences[sentences.doc_id == "valerian.html"].text)
    assert "cookies" not in html and "Home" not in html and "rights reserved" not in html and "track" not in html
    assert "Valerian root did not improve sleep quality" in html
    md = sentences[sentences.doc_id == "notes/melatonin.md"].text.tolist()
    assert "Melatonin for sleep" in md and "Start with 0.5 mg" in md
    assert not any(t.startswith(("#", "1.", "---", "title:")) for t in md)
    assert sentences[sentences.doc_id == "notes/melatonin.md"].section.iloc[-1] == "Melatonin for sleep"


def test_csv_round_trips_text_exactly_with_default_read_csv(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    # hard-wrapped prose (newlines inside sentences), quotes, commas, non-ASCII
    text = ("Ashwagandha, a “rasayana” herb from India, lowers cortisol in stressed\n"
            "adults and improves sleep quality, according to trials in Zürich,\n"
            "\"São Paulo\" and Kraków. Its effect on anxiety scores was smaller but\n"
            "still clinically relevant in two of the three trials that measured\n"
            "it, with no serious harms reported at doses up to 600 mg a day.\n")
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert run(str(corpus), "--out", str(out)).exit_code == 0
    frame = pd.read_csv(out / "sentences.csv")
    first, second = text.strip().split(" Its ")
    assert frame.text.tolist() == [first, "Its " + second]
    assert "\n" in first and '"São Paulo"' in first


def test_parquet_has_the_same_columns_with_dtypes(tmp_path, corpus_output):
    corpus, _ = corpus_output
    out = tmp_path / "pq"
    assert run(str(corpus), "--out", str(out), "--format", "parquet").exit_code == 0
    frame = pd.read_parquet(out / "sentences.parquet")
    assert list(frame.columns) == SENTENCE_COLUMNS
    assert frame.start.dtype == "int64" and frame.negated.dtype == bool and frame.confidence.dtype == "float64"
    csv_frame = pd.read_csv(corpus_output[1] / "sentences.csv", keep_default_na=False)
    assert frame.text.tolist() == csv_frame.text.tolist()


def test_missing_input_is_a_usage_error_in_one_line(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "input not found" in result.output


def test_unwritable_output_is_a_usage_error(tmp_path):
    (tmp_path / "a.txt").write_text("Kava can harm the liver.", encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["run", str(tmp_path / "a.txt"), "--out", str(blocker / "sub")])
    assert result.exit_code == 2 and "not writable" in result.output


def test_one_failing_document_does_not_stop_the_others(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Turmeric reduces inflammation.", encoding="utf-8")
    (corpus / "bad.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nstream\n\x00\x01\x02\xff\nendstream")
    (corpus / "z.txt").write_text("Kava might ease anxiety.", encoding="utf-8")
    out = tmp_path / "out"
    result = run(str(corpus), "--out", str(out))
    assert result.exit_code == 1
    documents = pd.read_csv(out / "documents.csv", keep_default_na=False).set_index("doc_id")
    assert documents.loc["bad.txt", "status"] == "error" and documents.loc["bad.txt", "error"]
    assert documents.loc["good.txt", "status"] == "ok" and documents.loc["z.txt", "n_sentences"] == 1


def test_version_and_help():
    assert runner.invoke(app, ["--version"]).output.startswith("claimscan ")
    for command in ([], ["run"], ["evaluate"], ["train"]):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def _many_documents(folder: Path, n: int = 40) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        body = (f"Report {i}\nMagnesium may improve sleep in adults over {i + 50}. It can cause diarrhoea. "
                "Researchers suggest that zinc could help too.\n") * 30
        (folder / f"doc{i:03d}.txt").write_text(body, encoding="utf-8")
    (folder / "broken.jsonl").write_text('{"id": 1, "text": "Kava can harm the liver."}\n{broken\n', encoding="utf-8")
    return folder


def _tables(out: Path) -> dict[str, bytes]:
    return {name: (out / f"{name}.csv").read_bytes() for name in ("sentences", "entities", "documents")}


def test_tables_are_byte_identical_whatever_the_workers(tmp_path):
    corpus = _many_documents(tmp_path / "in", 12)
    assert run(str(corpus), "--out", str(tmp_path / "w1"), "--workers", "1").exit_code == 1
    assert run(str(corpus), "--out", str(tmp_path / "w2"), "--workers", "2").exit_code == 1
    assert _tables(tmp_path / "w1") == _tables(tmp_path / "w2")


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "claimscan.cli", "run", *args, "--quiet"]


def test_killed_run_resumes_to_identical_tables(tmp_path):
    corpus = _many_documents(tmp_path / "in", 40)
    reference = tmp_path / "reference"
    assert subprocess.run(_cli(str(corpus), "--out", str(reference), "--workers", "1")).returncode == 1
    out = tmp_path / "out"
    journal = out / ".claimscan-run" / "journal.jsonl"
    for wanted_entries in (3, 15, 30):
        proc = subprocess.Popen(_cli(str(corpus), "--out", str(out), "--workers", "2"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if journal.is_file() and journal.read_bytes().count(b"\n") >= wanted_entries:
                break
            time.sleep(0.01)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert not (out / "sentences.csv").exists() or proc.returncode in (0, 1)
    assert subprocess.run(_cli(str(corpus), "--out", str(out), "--workers", "1")).returncode == 1
    assert _tables(out) == _tables(reference)
    assert not (out / ".claimscan-run").exists()


def test_run_killed_while_publishing_completes_on_rerun(tmp_path, monkeypatch):
    import claimscan.writers as writers

    corpus = _many_documents(tmp_path / "in", 3)
    reference = tmp_path / "reference"
    run(str(corpus), "--out", str(reference), "--workers", "1")
    out = tmp_path / "out"
    real_replace = os.replace
    calls = []

    def dying_replace(src, dst):
        calls.append(dst)
        if str(dst).endswith("entities.csv"):  # sentences.csv published, then the process dies
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(writers.os, "replace", dying_replace)
    assert run(str(corpus), "--out", str(out), "--workers", "1").exit_code == 130
    assert (out / "sentences.csv").exists() and not (out / "documents.csv").exists()
    monkeypatch.setattr(writers.os, "replace", real_replace)
    assert run(str(corpus), "--out", str(out), "--workers", "1").exit_code == 1
    assert _tables(out) == _tables(reference)


def test_console_entry_point_exit_codes_and_messages(tmp_path):
    # the command leaves with os._exit after flushing: codes and output must survive that
    version = subprocess.run([sys.executable, "-m", "claimscan.cli", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.strip().startswith("claimscan ")
    missing = subprocess.run(_cli(str(tmp_path / "nope"), "--out", str(tmp_path / "out")), capture_output=True, text=True)
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0 and "claimscan: error:" in missing.stderr
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Zinc may shorten colds.\n", encoding="utf-8")
    ok = subprocess.run(_cli(str(tmp_path / "in"), "--out", str(tmp_path / "out")), capture_output=True, text=True)
    assert ok.returncode == 0
    assert pd.read_csv(tmp_path / "out" / "sentences.csv")["label"].tolist() == ["hedge"]
