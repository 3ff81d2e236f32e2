"""The Python API for people who use spaCy directly."""
import pickle

import claimscan
from claimscan.pipeline import SENTENCE_COLUMNS


def test_load_returns_a_language_that_annotates_docs():
    nlp = claimscan.load()
    assert nlp.pipe_names == ["claimscan_segmenter", "claimscan_entities", "claimscan_classifier"]
    doc = nlp("Echinacea may shorten colds. Zinc lozenges reduce cold duration.\nBuy now")
    sentences = doc._.claimscan_sentences
    assert [doc.text[s["start"]:s["end"]] for s in sentences] == [
        "Echinacea may shorten colds.", "Zinc lozenges reduce cold duration.", "Buy now"]
    assert sentences[0]["label"] == "hedge" and "may" in sentences[0]["hedge_cues"]
    assert all(0.0 <= s["confidence"] <= 1.0 for s in sentences)
    assert {e["label"] for e in doc._.claimscan_entities} >= {"SUBSTANCE"}
    assert pickle.loads(pickle.dumps(doc))._.claimscan_sentences == sentences


def test_scan_yields_sentence_rows_in_the_table_contract():
    rows = list(claimscan.scan(["Melatonin is not habit-forming.", "Kava might ease anxiety."]))
    assert [set(r) for r in rows] == [set(SENTENCE_COLUMNS)] * 2
    assert rows[0]["doc_id"] == "0" and rows[1]["doc_id"] == "1"
    assert rows[0]["negated"] is True and rows[0]["label"] == "claim"
    assert rows[1]["label"] == "hedge"


def test_pipe_with_two_processes_gives_the_same_annotations():
    nlp = claimscan.load()
    texts = ["Turmeric reduces joint pain in some trials.", "Ashwagandha may lower cortisol.\nRead more"] * 3
    single = [d._.claimscan_sentences for d in nlp.pipe(texts)]
    double = [d._.claimscan_sentences for d in nlp.pipe(texts, n_process=2, batch_size=2)]
    assert single == double
