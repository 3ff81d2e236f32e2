"""A messy research folder through `claimscan run`: every file becomes a row,
the run finishes, expected failures are one line, offsets stay exact."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimscan.cli import app
from claimscan.readers import read_file
from claimscan.segmenter import segment_text
from claimscan.writers import text_file_path

runner = CliRunner()


def hostile_folder(root: Path) -> dict[str, str]:
    """Write the hostile files; returns {doc_id: expected status} for files that must be rows."""
    root.mkdir(parents=True)
    expect = {}

    def put(name: str, data: bytes, status: str) -> None:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expect[name] = status

    put("html-as.txt", b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Zinc may shorten colds.</p></body></html>", "ok")
    put("cp1252.txt", "Kava \u201cworks\u201d for anxiety \u2014 they say.".encode("cp1252"), "ok")
    put("latin1.txt", "Caf\u00e9 owners sell na\u00efve remedies.".encode("latin-1"), "ok")
    put("utf16.txt", "\ufeffMelatonin helps jet lag.".encode("utf-16"), "ok")
    put("empty.txt", b"", "ok")
    put("blank.md", b"   \n\t\n", "ok")
    put("pdf.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 20, "error")
    put("random.txt", bytes((i * 97 + 13) % 256 for i in range(5000)), "error")
    put("deep.html", b"<html><body>" + b"<div>" * 30000 + b"<p>Deep text about CBD.</p>" + b"</div>" * 30000
        + b"</body></html>", "ok")
    put("broken.html", b"<html><body><p>Ginkgo may aid memory<div><p>Unclosed <b>bold", "ok")
    put("scripts.html", b"<html><head><script>var a=1;</script></head><body><script>go()</script></body></html>", "error")
    put("nul.txt", b"Kratom binds opioid\x00 receptors.\x00\x00 It may ease pain.", "ok")
    put("marks.txt", "Ashwa\u200bgandha lowers \u200fcortisol\u202e. It may help.".encode("utf-8"), "ok")
    put("long-line.txt", ("Turmeric may reduce inflammation and " * 28000).encode("utf-8"), "ok")
    put("records.jsonl", b'{"id": "a", "text": "Fish oil lowers triglycerides."}\n{broken json\n'
        b'{"id": "c", "text": "It may help."}\n', "mixed")
    put("no-text.csv", b"id,author\n1,ann\n", "error")
    expect.pop("records.jsonl")
    expect.update({"records.jsonl#a": "ok", "records.jsonl#2": "error", "records.jsonl#c": "ok"})
    os.symlink(root / "missing-target.txt", root / "dangling.txt")
    os.symlink(root / "loop.txt", root / "loop.txt")
    (root / "folder.txt").mkdir()
    expect.update({"dangling.txt": "error", "loop.txt": "error"})
    return expect


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    expect = hostile_folder(root / "in")
    result = runner.invoke(app, ["run", str(root / "in"), "--out", str(root / "out"), "--quiet", "--workers", "1"])
    return root, expect, result


def test_every_hostile_file_is_a_row_and_the_run_finishes(hostile_run):
    root, expect, result = hostile_run
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    documents = pd.read_csv(root / "out" / "documents.csv", keep_default_na=False).set_index("doc_id")
    for doc_id, status in expect.items():
        assert doc_id in documents.index, doc_id
        assert documents.loc[doc_id, "status"] == status, (doc_id, documents.loc[doc_id, "error"])
    errors = documents[documents.status == "error"].error
    assert all(e and "\n" not in e and "Traceback" not in e for e in errors)
    assert "folder.txt" not in documents.index


def test_nul_bytes_become_spaces_in_a_written_text_file(hostile_run):
    root, _, _ = hostile_run
    sentences = pd.read_csv(root / "out" / "sentences.csv")
    assert sentences[sentences.doc_id == "nul.txt"].text.tolist() == ["Kratom binds opioid  receptors.", "It may ease pain."]
    assert text_file_path(root / "out", "nul.txt").read_text(encoding="utf-8").startswith("Kratom binds opioid  rec")


def test_hostile_text_is_decoded_right_and_offsets_hold(hostile_run):
    root, _, _ = hostile_run
    sentences = pd.read_csv(root / "out" / "sentences.csv", keep_default_na=False)
    documents = pd.read_csv(root / "out" / "documents.csv", keep_default_na=False).set_index("doc_id")
    cp1252 = sentences[sentences.doc_id == "cp1252.txt"].text.tolist()
    assert cp1252 == ["Kava \u201cworks\u201d for anxiety \u2014 they say."]
    assert "Deep text about CBD." in sentences[sentences.doc_id == "deep.html"].text.tolist()
    run_info = json.loads((root / "out" / "run.json").read_text())
    assert run_info["encodings"]["cp1252.txt"] == "cp1252"
    assert run_info["encodings"]["utf16.txt"].startswith("utf-16")
    for row in sentences.itertuples():
        fmt = documents.loc[row.doc_id, "format"]
        if fmt in ("txt", "md") and not text_file_path(root / "out", row.doc_id).exists():
            raw = (root / "in" / row.doc_id).read_bytes()
            content = raw.decode(run_info["encodings"][row.doc_id].split(" ")[0])
        else:
            content = text_file_path(root / "out", row.doc_id).read_text(encoding="utf-8")
        assert content[row.start:row.end] == row.text, row.doc_id


def test_a_document_over_the_time_limit_is_an_error_row(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "big.txt").write_text("Magnesium may improve sleep. " * 40000, encoding="utf-8")
    (tmp_path / "in" / "small.txt").write_text("Zinc shortens colds.", encoding="utf-8")
    result = runner.invoke(app, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--quiet",
                                 "--workers", "1", "--timeout", "0.05"])
    assert result.exit_code == 1
    documents = pd.read_csv(tmp_path / "out" / "documents.csv", keep_default_na=False).set_index("doc_id")
    assert "--timeout" in documents.loc["big.txt", "error"]
    assert documents.loc["small.txt", "status"] == "ok"


def test_files_over_the_size_limit_are_error_rows(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "dump.txt").write_text("Kava can harm the liver. " * 2000, encoding="utf-8")
    result = runner.invoke(app, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--quiet",
                                 "--max-bytes", "1000"])
    assert result.exit_code == 1
    documents = pd.read_csv(tmp_path / "out" / "documents.csv", keep_default_na=False)
    assert "--max-bytes" in documents.error[0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl", ".csv"]))
def test_fuzzed_files_read_and_segment_without_exceptions(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    for document in read_file(path, path.name, text_field=None, id_field=None, max_bytes=10**6):
        if not hasattr(document, "text"):
            assert document.error and "\n" not in document.error
            continue
        assert len(document.nlp_text) == len(document.text)
        last = 0
        for sentence in segment_text(document.nlp_text, document.headings):
            assert last <= sentence.start < sentence.end <= len(document.text)
            last = sentence.end
