"""The claim / hedge / other classifier: shipped model, spaCy component, training."""
import csv
import math

import pytest
import spacy

from claimscan import extensions  # noqa: F401
from claimscan.classifier import (
    LABELS,
    ClaimClassifier,
    SentenceClassifier,
    classify_texts,
    default_model_dir,
    load_model,
    train_classifier,
    train_from_csv,
)

needs_model = pytest.mark.skipif(not (default_model_dir() / "weights.npz").is_file(), reason="shipped classifier not built")


def label_of(text):
    return classify_texts([text])[0]["label"]


@needs_model
def test_result_fields_and_confidence_range():
    results = classify_texts(["Ashwagandha lowers cortisol levels.", "Talk to your doctor first."])
    for res in results:
        assert set(res) == {"label", "confidence", "hedge_cues", "negated"}
        assert res["label"] in LABELS
        assert 0.0 <= res["confidence"] <= 1.0 and not math.isnan(res["confidence"])
        assert isinstance(res["hedge_cues"], list) and isinstance(res["negated"], bool)


@needs_model
def test_empty_input_gives_no_rows():
    assert classify_texts([]) == []


@needs_model
def test_modal_may_hedges_but_may_2023_is_a_claim():
    assert label_of("Valerian root may improve sleep quality in adults with insomnia.") == "hedge"
    assert label_of("May 2023 guidance lists tianeptine as a controlled substance in Alabama.") == "claim"


@needs_model
def test_can_asserts_but_could_hedges():
    assert label_of("Excess vitamin A can cause liver damage.") == "claim"
    assert label_of("Excess vitamin A could cause liver damage.") == "hedge"


@needs_model
def test_research_suggests_is_a_hedge():
    res = classify_texts(["Research suggests that omega-3 fatty acids reduce symptoms of depression."])[0]
    assert res["label"] == "hedge"
    assert any("suggests" in cue.lower() for cue in res["hedge_cues"])


@needs_model
def test_appositive_cue_does_not_make_a_hedge():
    text = "Rhodiola, a herb known for its potential to ease fatigue, contains salidroside and rosavin."
    assert label_of(text) == "claim"


@needs_model
def test_appositive_cue_in_a_known_claim_pattern_stays_claim():
    text = "Ashwagandha, an herb with potential calming effects, lowers cortisol levels in stressed adults."
    assert label_of(text) == "claim"


@needs_model
def test_coordinated_claim_and_hedge_is_a_claim():
    text = "Caffeine blocks adenosine receptors, and it may also improve reaction time."
    assert label_of(text) == "claim"


@needs_model
def test_it_is_crucial_to_understand_that_is_a_claim():
    assert label_of("It is crucial to understand that alcohol increases the risk of liver cirrhosis.") == "claim"


@needs_model
def test_negation_keeps_label_and_sets_negated():
    res = classify_texts(["Vitamin C does not cure the common cold."])[0]
    assert res["label"] == "claim"
    assert res["negated"] is True


@needs_model
def test_heading_and_advice_are_other():
    assert label_of("How Magnesium Works in the Body") == "other"
    assert label_of("Always consult your pharmacist before combining supplements.") == "other"


def _blank_with_classifier(model_path=None):
    nlp = spacy.blank("en")
    nlp.add_pipe("claimscan_classifier", config={"model_path": str(model_path) if model_path else None})
    return nlp


def _doc_with_sentences(nlp, text, spans):
    doc = nlp.make_doc(text)
    doc._.claimscan_sentences = [{"start": s, "end": e, "section": ""} for s, e in spans]
    return doc


@needs_model
def test_component_labels_every_sentence_dict():
    nlp = _blank_with_classifier()
    text = "Fish Oil and the Heart\nFish oil may lower triglycerides. It is sold as capsules."
    spans = [(0, 22), (23, 56), (57, 81)]
    doc = nlp.get_pipe("claimscan_classifier")(_doc_with_sentences(nlp, text, spans))
    sents = doc._.claimscan_sentences
    assert [s["start"] for s in sents] == [0, 23, 57]
    assert all(s["label"] in LABELS and 0 <= s["confidence"] <= 1 for s in sents)
    assert sents[1]["label"] == "hedge" and sents[1]["hedge_cues"] == ["may"]


def test_component_without_sentences_is_a_no_op(tmp_path):
    model_dir = tmp_path / "m"
    train_classifier(_small_examples(), model_dir, base_data=False)
    nlp = _blank_with_classifier(model_dir)
    doc = nlp("No sentences were set on this doc.")
    assert doc._.claimscan_sentences is None


def _small_examples():
    claims = [
        "Caffeine raises heart rate.", "Iron deficiency causes anaemia.", "Alcohol damages liver cells.",
        "Nicotine is highly addictive.", "Vitamin D supports bone health.", "Aspirin thins the blood.",
        "Smoking increases the risk of lung cancer.", "Melatonin regulates the sleep cycle.",
    ]
    hedges = [
        "Caffeine may improve memory.", "Zinc might shorten colds.", "Ginseng could boost energy.",
        "Some studies suggest that garlic lowers blood pressure.", "Turmeric is thought to reduce swelling.",
        "Green tea may protect the heart.", "Fish oil might ease joint pain.", "Valerian could help sleep.",
    ]
    others = [
        "How Caffeine Works", "Talk to your doctor first.", "Read on to learn more.", "Our Top Picks",
        "Subscribe to our newsletter.", "Frequently Asked Questions", "Keep supplements away from children.",
        "In this article we explain the basics.",
    ]
    return [(t, "claim") for t in claims] + [(t, "hedge") for t in hedges] + [(t, "other") for t in others]


def test_to_disk_from_disk_round_trip(tmp_path):
    model_dir = tmp_path / "model"
    train_classifier(_small_examples(), model_dir, base_data=False)
    nlp = _blank_with_classifier(model_dir)
    texts = ["Caffeine may improve memory.", "Talk to your doctor first.", "Alcohol damages liver cells."]
    before = nlp.get_pipe("claimscan_classifier").model.classify(texts)
    nlp.get_pipe("claimscan_classifier").to_disk(tmp_path / "copy")
    nlp2 = _blank_with_classifier(model_dir)
    comp = nlp2.get_pipe("claimscan_classifier")
    assert isinstance(comp, ClaimClassifier)
    comp.from_disk(tmp_path / "copy")
    assert comp.model.classify(texts) == before
    nlp.to_disk(tmp_path / "pipeline")
    nlp3 = spacy.load(tmp_path / "pipeline")
    assert nlp3.get_pipe("claimscan_classifier").model.classify(texts) == before


def test_train_from_csv_trains_and_the_model_loads(tmp_path):
    path = tmp_path / "labels.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["doc_id", "sentence_id", "text", "label"])
        for i, (text, label) in enumerate(_small_examples()):
            writer.writerow(["doc.txt", i, text, label])
    metrics = train_from_csv(path, tmp_path / "out")
    assert metrics["n_examples"] >= len(_small_examples())
    model = load_model(tmp_path / "out")
    assert isinstance(model, SentenceClassifier)
    results = classify_texts(["Zinc may shorten colds.", "Read on to learn more."], model)
    assert [r["label"] for r in results] == ["hedge", "other"]


@pytest.mark.parametrize("content, message", [
    ("sentence_text,lbl\na,b\n", "needs a 'text' and a 'label' column"),
    ("text,label\nCaffeine raises heart rate.,maybe\n", "is not one of"),
    ("text,label\n" + "Caffeine raises heart rate.,claim\n" * 12, "same label"),
    ("text,label\nCaffeine raises heart rate.,claim\n", "need at least 10"),
])
def test_train_from_csv_rejects_bad_input_in_one_line(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        train_from_csv(path, tmp_path / "out")
    assert "\n" not in str(info.value)


def test_train_from_csv_rejects_non_utf8(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("text,label\ncaf\xe9 raises heart rate,claim\n".encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8"):
        train_from_csv(path, tmp_path / "out")


def test_missing_model_dir_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no classifier model"):
        SentenceClassifier.from_dir(tmp_path)


@needs_model
@pytest.mark.parametrize("text", [
    "Speak with your doctor before taking ginkgo with blood thinners.",
    "In this guide, we explore the benefits of ginseng.",
    "Your pharmacist can help you choose a magnesium supplement.",
    "Understanding Echinacea and the Immune System",
    "Does valerian really work?",
    "Safety is paramount.",
])
def test_advice_framing_care_process_titles_and_questions_are_other(text):
    assert label_of(text) == "other"


@needs_model
@pytest.mark.parametrize("text", [
    "Studies have shown that zinc shortens the common cold.",
    "Ginkgo is known for improving blood flow.",
    "Kratom can cause constipation.",
])
def test_established_attribution_and_capability_are_claims(text):
    assert label_of(text) == "claim"


@needs_model
def test_entities_can_be_given_or_are_tagged_the_same_way():
    from claimscan.classifier import sentence_entities

    texts = ["Caffeine blocks adenosine receptors.", "Read on to learn more."]
    ents = sentence_entities(texts)
    assert any(lab == "SUBSTANCE" for _, _, lab in ents[0]) and ents[1] == ()
    assert classify_texts(texts, entities=ents) == classify_texts(texts)


@needs_model
def test_component_reads_entities_and_headings_from_the_doc():
    import claimscan

    nlp = claimscan.load()
    doc = nlp("Melatonin and Sleep\n\nMelatonin shifts the body clock. Talk to your doctor before use.")
    sents = doc._.claimscan_sentences
    assert sents[0]["is_heading"] is True
    assert [s["label"] for s in sents] == ["other", "claim", "other"]
    texts = [doc.text[s["start"]:s["end"]] for s in sents]
    assert [r["label"] for r in classify_texts(texts, headings=[s["is_heading"] for s in sents])] == [s["label"] for s in sents]


def test_featurize_hashes_exactly_the_feature_names():
    import zlib

    from claimscan.classifier import feature_names, featurize
    from claimscan.hedging import analyse_sentence

    texts = ["Kratom may ease pain in some users, who report that it could help.",
             "Caffeine blocks adenosine receptors and kratom binds opioid receptors.", "Talk to your doctor"]
    ents = [((0, 6, "SUBSTANCE"), (16, 20, "CONDITION")), ((0, 8, "SUBSTANCE"), (40, 46, "SUBSTANCE")), ()]
    n_buckets = 1 << 12
    batch = featurize(texts, n_buckets, ents=ents, headings=[False, None, True])
    for i, (text, heading) in enumerate(zip(texts, [False, False, True])):
        names = feature_names(text, analyse_sentence(text), ents[i], heading)
        expected = {zlib.crc32(f.encode("utf-8")) & (n_buckets - 1) for f in names}
        assert sorted(batch.indices[batch.indptr[i]:batch.indptr[i + 1]].tolist()) == sorted(expected)


def test_subject_end_is_the_first_main_verb_word():
    import re

    from claimscan.classifier import _subject_end
    from claimscan.hedging import MAIN_VERB_RE, MAIN_VERBS

    for low in ["kratom leaves contain mitragynine.", "the is-a relation is simple", "showcase shows", "no verb here at all", ""]:
        words = [m for m in re.finditer(r"[a-z]+", low) if m.group() in MAIN_VERBS]
        assert _subject_end(low, MAIN_VERB_RE.search(low)) == (words[0].start() if words else len(low) // 2)


def test_masked_bigrams_are_the_bigrams_touching_an_entity():
    from claimscan.classifier import _masked_bigrams

    feats: list[str] = []
    _masked_bigrams("kratom and kava bind opioid receptors", [(0, 6, "SUBSTANCE"), (11, 15, "SUBSTANCE")], feats)
    assert set(feats) == {"mb:<s> ENT_SUBSTANCE", "mb:ENT_SUBSTANCE and", "mb:and ENT_SUBSTANCE", "mb:ENT_SUBSTANCE bind"}
    feats = []
    _masked_bigrams("kratom kava", [(0, 6, "SUBSTANCE"), (7, 11, "SUBSTANCE")], feats)
    assert set(feats) == {"mb:<s> ENT_SUBSTANCE", "mb:ENT_SUBSTANCE ENT_SUBSTANCE", "mb:ENT_SUBSTANCE </s>"}
