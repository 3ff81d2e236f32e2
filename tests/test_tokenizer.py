"""claimscan tokenizer: biomedical names and dose units stay whole; the rest is spaCy English."""
import pytest
import spacy

from claimscan.tokenizer import create_tokenizer


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.tokenizer = create_tokenizer(nlp)
    return nlp


def words(nlp, text):
    return [t.text for t in nlp(text)]


@pytest.mark.parametrize("name", ["7-hydroxymitragynine", "5-HT2A", "5-HT1A", "TNF-α", "NF-κB", "IL-6", "COX-2", "Δ8-THC"])
def test_biomedical_name_stays_one_token(nlp, name):
    assert words(nlp, f"It binds {name}, they say.") == ["It", "binds", name, ",", "they", "say", "."]


@pytest.mark.parametrize("unit", ["g/day", "mg/kg", "mg/day", "mcg/day"])
def test_dose_unit_stays_one_token(nlp, unit):
    assert words(nlp, f"Take 4 {unit}.") == ["Take", "4", unit, "."]


def test_letter_hyphen_letter_still_splits(nlp):
    assert words(nlp, "post-traumatic kratom-induced") == ["post", "-", "traumatic", "kratom", "-", "induced"]


def test_slash_between_words_still_splits(nlp):
    assert words(nlp, "anxiety/depression") == ["anxiety", "/", "depression"]


def test_offsets_cover_text(nlp):
    text = "Kratom (Mitragyna speciosa) at 4 g/day binds μ-opioid receptors; TNF-α falls."
    doc = nlp(text)
    assert "".join(t.text_with_ws for t in doc) == text


def test_registered_tokenizer_loads_from_config():
    config = {"nlp": {"tokenizer": {"@tokenizers": "claimscan.tokenizer.v1"}}}
    nlp = spacy.blank("en", config=config)
    assert [t.text for t in nlp("7-hydroxymitragynine at 4 g/day")] == ["7-hydroxymitragynine", "at", "4", "g/day"]
