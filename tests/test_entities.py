"""claimscan_entities: types, concepts, synonyms, abbreviations, span rules, serialisation."""
from pathlib import Path

import pytest
import spacy

import claimscan.entities  # noqa: F401  (registers the factory)
from claimscan.tokenizer import create_tokenizer
from claimscan.vocabulary import (ARTIFACT_NAME, VocabularyDataError, compile_terms, default_vocabulary_dir,
                                  load_curated_terms)

SHARED = Path(__file__).resolve().parents[2] / "shared"
FULL_VOCABULARY = default_vocabulary_dir() / ARTIFACT_NAME

TERMS = [
    ("kratom", "SUBSTANCE", "kratom", "UNII:A5K6F2BNRB", "unii"),
    ("Mitragyna speciosa", "SUBSTANCE", "kratom", "UNII:A5K6F2BNRB", "unii"),
    ("opioid", "SUBSTANCE", "opioid", "MESH:D000701", "curated"),
    ("post-traumatic stress disorder", "CONDITION", "ptsd", "MESH:D013313", "mesh"),
    ("PTSD", "CONDITION", "ptsd", "MESH:D013313", "mesh"),
    ("corticobasal degeneration", "CONDITION", "corticobasal degeneration", "DOID:0050993", "doid"),
    ("withdrawal", "CONDITION", "withdrawal", "MESH:D013375", "curated"),
    ("withdrawal symptoms", "CONDITION", "withdrawal", "MESH:D013375", "curated"),
    ("opioid receptor", "MECHANISM", "opioid receptor", "MESH:D011957", "mesh"),
    ("pain", "CONDITION", "pain", "MESH:D010146", "mesh"),
    ("chronic pain", "CONDITION", "chronic pain", "MESH:D059350", "mesh"),
    ("inflammation", "CONDITION", "inflammation", "MESH:D007249", "mesh"),
    ("TNF-α", "MECHANISM", "tnf-alpha", "MESH:D014409", "mesh"),
    ("CBD", "SUBSTANCE", "cannabidiol", "MESH:D002185", "curated"),
]


def make_nlp(tmp_path, terms=TERMS, **config):
    blank = spacy.blank("en")
    blank.tokenizer = create_tokenizer(blank)
    vocab = compile_terms(terms, blank.tokenizer, modifiers=["systemic"], use_heads=["withdrawal"])
    folder = tmp_path / "vocab"
    folder.mkdir(exist_ok=True)
    (folder / ARTIFACT_NAME).write_bytes(vocab.to_bytes())
    nlp = spacy.blank("en")
    nlp.tokenizer = create_tokenizer(nlp)
    nlp.add_pipe("claimscan_entities", config={"vocabulary_path": str(folder), **config})
    return nlp


def mentions(nlp, text):
    doc = nlp(text)
    return [(text[e["start"]:e["end"]], e["label"], e["concept"]) for e in doc._.claimscan_entities]


@pytest.fixture()
def nlp(tmp_path):
    return make_nlp(tmp_path)


def test_synonyms_share_one_concept(nlp):
    got = mentions(nlp, "Kratom, or Mitragyna speciosa, is sold online.")
    assert got == [("Kratom", "SUBSTANCE", "kratom"), ("Mitragyna speciosa", "SUBSTANCE", "kratom")]


def test_plural_matches_singular_entry(nlp):
    assert mentions(nlp, "It binds opioid receptors.") == [("opioid receptors", "MECHANISM", "opioid receptor")]


def test_longest_match_wins(nlp):
    assert mentions(nlp, "He has chronic pain.") == [("chronic pain", "CONDITION", "chronic pain")]


def test_withdrawal_symptoms_is_one_unit(nlp):
    assert mentions(nlp, "It eases withdrawal symptoms.") == [("withdrawal symptoms", "CONDITION", "withdrawal")]


def test_x_symptoms_tags_the_condition_only(nlp):
    assert mentions(nlp, "It may ease PTSD symptoms.") == [("PTSD", "CONDITION", "ptsd")]


def test_substance_narrows_use_condition(nlp):
    assert mentions(nlp, "It eases opioid withdrawal.") == [("opioid withdrawal", "CONDITION", "opioid withdrawal")]


def test_modifier_changes_concept(nlp):
    assert mentions(nlp, "It lowers systemic inflammation.") == [
        ("systemic inflammation", "CONDITION", "systemic inflammation")]


def test_short_abbreviation_is_case_sensitive(nlp):
    assert mentions(nlp, "ptsd is not PTSD.") == [("PTSD", "CONDITION", "ptsd")]


def test_hyphen_and_space_variants_match(nlp):
    assert mentions(nlp, "post traumatic stress disorder") == [
        ("post traumatic stress disorder", "CONDITION", "ptsd")]


def test_greek_letter_name_matches(nlp):
    assert mentions(nlp, "Levels of TNF-α fell.") == [("TNF-α", "MECHANISM", "tnf-alpha")]


def test_abbreviation_defined_in_text_takes_long_form_concept(nlp):
    got = mentions(nlp, "Corticobasal degeneration (CBD) is rare. CBD progresses slowly.")
    assert got == [("Corticobasal degeneration", "CONDITION", "corticobasal degeneration"),
                   ("CBD", "CONDITION", "corticobasal degeneration"),
                   ("CBD", "CONDITION", "corticobasal degeneration")]


def test_abbreviation_resolution_records_pairs(nlp):
    doc = nlp("Post-traumatic stress disorder (PTSD) is common.")
    assert doc._.claimscan_abbreviations == [{"short_start": 32, "short_end": 36, "long_start": 0, "long_end": 30}]


def test_abbreviation_can_be_switched_off(tmp_path):
    nlp = make_nlp(tmp_path, resolve_abbreviations=False)
    got = mentions(nlp, "Corticobasal degeneration (CBD) is rare.")
    assert got[1] == ("CBD", "SUBSTANCE", "cannabidiol")


def test_entities_sorted_non_overlapping_with_char_offsets(nlp):
    text = "Kratom binds opioid receptors and may ease pain, inflammation and PTSD."
    ents = nlp(text)._.claimscan_entities
    assert [e["start"] for e in ents] == sorted(e["start"] for e in ents)
    assert all(a["end"] <= b["start"] for a, b in zip(ents, ents[1:]))
    assert set(ents[0]) == {"start", "end", "label", "concept", "concept_id", "source"}


def test_does_not_need_sentences(nlp):
    doc = nlp("Kratom eases pain")
    assert not doc.has_annotation("SENT_START")
    assert doc._.claimscan_entities[0]["concept"] == "kratom"


def test_to_disk_from_disk_round_trip(nlp, tmp_path):
    text = "Kratom binds opioid receptors (OR) and eases PTSD."
    before = nlp(text)._.claimscan_entities
    nlp.to_disk(tmp_path / "pipeline")
    tagger = spacy.blank("en").add_pipe("claimscan_entities", config={"vocabulary_path": str(tmp_path / "vocab")})
    tagger.from_disk(tmp_path / "pipeline" / "claimscan_entities")
    assert tagger(nlp.make_doc(text))._.claimscan_entities == before


def test_pipe_with_two_processes(nlp):
    texts = ["Kratom eases pain.", "PTSD and inflammation."]
    got = [d._.claimscan_entities for d in nlp.pipe(texts, n_process=2)]
    assert got == [d._.claimscan_entities for d in map(nlp, texts)]


def test_curated_terms_reject_unknown_type(tmp_path):
    bad = tmp_path / "curated.tsv"
    bad.write_text("term\ttype\tconcept\tconcept_id\nkratom\tPLANT\tkratom\t\n", encoding="utf-8")
    with pytest.raises(VocabularyDataError, match="unknown type"):
        load_curated_terms(bad)


def test_curated_terms_reject_unknown_column(tmp_path):
    bad = tmp_path / "curated.tsv"
    bad.write_text("term\ttype\tconcept\tconcept_id\tnote\n", encoding="utf-8")
    with pytest.raises(VocabularyDataError, match="header"):
        load_curated_terms(bad)


def test_shipped_curated_terms_load():
    assert any(t.term == "7-hydroxymitragynine" for t in load_curated_terms())


# ---- regression cases against the shipped full vocabulary
needs_full = pytest.mark.skipif(not FULL_VOCABULARY.exists(), reason="models/vocabulary not built")


@pytest.fixture(scope="module")
def full_nlp():
    nlp = spacy.blank("en")
    nlp.tokenizer = create_tokenizer(nlp)
    nlp.add_pipe("claimscan_entities")
    return nlp


@needs_full
@pytest.mark.parametrize("text,label,concept", [
    ("kratom", "SUBSTANCE", "kratom"),
    ("7-hydroxymitragynine", "SUBSTANCE", "7-hydroxymitragynine"),
    ("mitragynine", "SUBSTANCE", None),
    ("opioids", "SUBSTANCE", "opioid"),
    ("antidepressants", "SUBSTANCE", "antidepressant"),
    ("heroin", "SUBSTANCE", None),
    ("ashwagandha", "SUBSTANCE", None),
    ("turmeric", "SUBSTANCE", None),
    ("depression", "CONDITION", "depression"),
    ("addiction", "CONDITION", "addiction"),
    ("opioid use disorder", "CONDITION", "opioid use disorder"),
    ("gynecomastia", "CONDITION", None),
    ("hyperpigmentation", "CONDITION", None),
    ("reduced libido", "CONDITION", "reduced libido"),
    ("brain fog", "CONDITION", "brain fog"),
    ("serotonin", "MECHANISM", "serotonin"),
    ("prolactin", "MECHANISM", None),
    ("cortisol", "MECHANISM", "cortisol"),
    ("endocannabinoid system", "MECHANISM", "endocannabinoid system"),
    ("mu-opioid receptor", "MECHANISM", None),
    ("IL-6", "MECHANISM", None),
])
def test_full_vocabulary_types(full_nlp, text, label, concept):
    ents = full_nlp(f"About {text} today.")._.claimscan_entities
    assert [(e["label"]) for e in ents] == [label], ents
    assert ents[0]["concept_id"] or ents[0]["source"] == "curated"
    if concept:
        assert ents[0]["concept"] == concept


@needs_full
def test_full_vocabulary_synonyms_one_concept(full_nlp):
    ents = full_nlp("Post-traumatic stress disorder, PTSD; kratom and Mitragyna speciosa.")._.claimscan_entities
    assert ents[0]["concept_id"] == ents[1]["concept_id"]
    assert ents[2]["concept_id"] == ents[3]["concept_id"]


@needs_full
@pytest.mark.parametrize("text", ["I caught a cold.", "Lead the way.", "Get some sleep.", "All of it.",
                                  "WHAT YOU NEED TO KNOW", "Take it with water."])
def test_full_vocabulary_everyday_words_not_tagged(full_nlp, text):
    assert full_nlp(text)._.claimscan_entities == []


@needs_full
def test_full_vocabulary_cbd_is_cannabidiol_unless_defined(full_nlp):
    ents = full_nlp("CBD oil is popular.")._.claimscan_entities
    assert ents[0]["concept"] == "cannabidiol"


@pytest.mark.skipif(not (SHARED / "gold" / "kratom" / "entities.csv").exists(), reason="../shared absent")
@needs_full
def test_kratom_gold_lenient_recall_smoke(full_nlp):
    import csv
    with open(SHARED / "gold" / "kratom" / "entities.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    doc_id = rows[0]["doc_id"]
    text = (SHARED / "corpus" / "kratom" / doc_id).read_text(encoding="utf-8")
    pred = full_nlp(text)._.claimscan_entities
    gold = [r for r in rows if r["doc_id"] == doc_id]
    hit = sum(any(p["start"] < int(g["end"]) and p["end"] > int(g["start"]) and p["label"] == g["label"]
                  for p in pred) for g in gold)
    assert hit / len(gold) > 0.8


def test_match_never_crosses_a_line_break(nlp):
    assert mentions(nlp, "Opioid\nreceptors matter.") == [("Opioid", "SUBSTANCE", "opioid")]


def test_match_never_swallows_final_punctuation(nlp):
    assert mentions(nlp, "It eases PTSD.") == [("PTSD", "CONDITION", "ptsd")]


def test_artifact_is_memory_mapped_and_gzip_artifacts_still_load(tmp_path):
    import gzip
    import mmap

    from claimscan.vocabulary import Vocabulary, load_vocabulary

    blank = spacy.blank("en")
    vocab = compile_terms(TERMS, create_tokenizer(blank))
    raw = tmp_path / "plain.bin"
    raw.write_bytes(vocab.to_bytes())
    loaded = load_vocabulary(raw)
    assert isinstance(loaded.keys._blob.obj, mmap.mmap)
    legacy = Vocabulary.from_bytes(gzip.compress(vocab.to_bytes()))
    assert list(legacy.names) == list(loaded.names) == list(vocab.names)


def test_empty_or_headerless_artifact_is_a_clear_error(tmp_path):
    from claimscan.vocabulary import load_vocabulary

    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    with pytest.raises(VocabularyDataError, match="empty"):
        load_vocabulary(empty)
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a vocabulary")
    with pytest.raises(VocabularyDataError, match="header"):
        load_vocabulary(junk)


def test_to_bytes_from_bytes_round_trip(nlp):
    text = "Kratom eases PTSD and opioid withdrawal."
    before = nlp(text)._.claimscan_entities
    tagger = nlp.get_pipe("claimscan_entities")
    other = type(tagger).__new__(type(tagger))
    other.from_bytes(tagger.to_bytes())
    assert other(nlp.make_doc(text))._.claimscan_entities == before


def test_tagger_pickles(nlp):
    import pickle
    text = "Kratom eases PTSD."
    tagger = nlp.get_pipe("claimscan_entities")
    clone = pickle.loads(pickle.dumps(tagger))
    assert clone(nlp.make_doc(text))._.claimscan_entities == tagger(nlp.make_doc(text))._.claimscan_entities


# ---- general span rules: collisions, body site + problem word, condition + drug word, CYP symbols
RULE_TERMS = TERMS + [
    ("aplace", "SUBSTANCE", "troxipide", "MESH:C028936", "mesh_supp"),
    ("diabetes", "CONDITION", "diabetes", "MESH:D003920", "mesh"),
    ("liver damage", "CONDITION", "liver injury", "MESH:D056486", "curated"),
    ("thyroid", "MECHANISM", "thyroid gland", "MESH:D013961", "mesh"),
]


@pytest.fixture()
def rule_nlp(tmp_path):
    blank = spacy.blank("en")
    blank.tokenizer = create_tokenizer(blank)
    vocab = compile_terms(RULE_TERMS, blank.tokenizer, sites={"GI": "gastrointestinal", "skin": "skin",
                                                               "liver": "liver", "thyroid": "thyroid"},
                          problem_heads=["problem", "issue", "side effect"], drug_heads=["drug", "medication"])
    folder = tmp_path / "rule_vocab"
    folder.mkdir()
    (folder / ARTIFACT_NAME).write_bytes(vocab.to_bytes())
    nlp = spacy.blank("en")
    nlp.tokenizer = create_tokenizer(nlp)
    nlp.add_pipe("claimscan_entities", config={"vocabulary_path": str(folder)})
    return nlp


def test_words_spelling_a_vocabulary_word_across_a_function_word_are_not_tagged(rule_nlp):
    assert mentions(rule_nlp, "Find a place to rest.") == []
    assert mentions(rule_nlp, "Aplace was given.") == [("Aplace", "SUBSTANCE", "troxipide")]


def test_body_site_and_problem_word_is_a_condition(rule_nlp):
    assert mentions(rule_nlp, "Mild GI issues and skin problems.") == [
        ("GI issues", "CONDITION", "gastrointestinal problem"), ("skin problems", "CONDITION", "skin problem")]
    assert mentions(rule_nlp, "It may cause GI side effects.") == [
        ("GI side effects", "CONDITION", "gastrointestinal problem")]


def test_site_rule_keeps_vocabulary_conditions(rule_nlp):
    assert mentions(rule_nlp, "Liver damage is rare.") == [("Liver damage", "CONDITION", "liver injury")]


def test_condition_or_site_with_drug_word_is_a_substance(rule_nlp):
    assert mentions(rule_nlp, "Avoid diabetes drugs and thyroid medication.") == [
        ("diabetes drugs", "SUBSTANCE", "diabetes medication"), ("thyroid medication", "SUBSTANCE", "thyroid medication")]


def test_cyp_symbols_are_mechanisms(rule_nlp):
    assert mentions(rule_nlp, "It inhibits CYP3A4 and CYP2C19.") == [
        ("CYP3A4", "MECHANISM", "cyp3a4"), ("CYP2C19", "MECHANISM", "cyp2c19")]


def test_type_map_is_read_strictly(tmp_path):
    from claimscan.vocabulary import TYPE_MAP_COLUMNS, load_type_map

    rules = load_type_map()
    assert rules and {r.type for r in rules} <= {"SUBSTANCE", "CONDITION", "MECHANISM", "EXCLUDE"}
    header = "\t".join(TYPE_MAP_COLUMNS)
    for row, message in [("mesh\tD\tDRUG\t4.0\tx", "unknown type"), ("mesh\tD\tSUBSTANCE\thigh\tx", "zipf_max"),
                         ("umls\tD\tSUBSTANCE\t4.0\tx", "unknown source")]:
        path = tmp_path / "type_map.tsv"
        path.write_text(f"# comment\n{header}\n{row}\n", encoding="utf-8")
        with pytest.raises(VocabularyDataError, match=message):
            load_type_map(path)
    path.write_text("mesh\tD\tSUBSTANCE\t4.0\tx\n", encoding="utf-8")
    with pytest.raises(VocabularyDataError, match="header"):
        load_type_map(path)
