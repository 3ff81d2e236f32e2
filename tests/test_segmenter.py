"""Sentence segmentation: tricky cases from web health text, and properties
that hold for any text."""
import re

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from claimscan.segmenter import segment_text


def split(text):
    return [text[s.start:s.end] for s in segment_text(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # abbreviations and a sentence really ending with one
        ("Turmeric is sold outside the U.S. The rules differ by state.",
         ["Turmeric is sold outside the U.S.", "The rules differ by state."]),
        ("The U.S. Food and Drug Administration has not approved it.",
         ["The U.S. Food and Drug Administration has not approved it."]),
        ("Herbs, e.g. valerian, are common. Dr. Lee disagrees.", ["Herbs, e.g. valerian, are common.", "Dr. Lee disagrees."]),
        ("It takes approx. two weeks to work.", ["It takes approx. two weeks to work."]),
        ("Results vary (see Fig. 2 for details).", ["Results vary (see Fig. 2 for details)."]),
        # decimals and units
        ("Take 2.5 mg at night. Most adults use 4 g/day.", ["Take 2.5 mg at night.", "Most adults use 4 g/day."]),
        ("Doses of 5 mg or 10 mg. Higher doses cause grogginess.",
         ["Doses of 5 mg or 10 mg.", "Higher doses cause grogginess."]),
        # parenthetical abbreviations and citations
        ("Cannabidiol (CBD) eased anxiety (Smith et al., 2019). It was well tolerated.",
         ["Cannabidiol (CBD) eased anxiety (Smith et al., 2019).", "It was well tolerated."]),
        ("This was shown by Jones et al. The effect was small.",
         ["This was shown by Jones et al.", "The effect was small."]),
        # quotes, em dashes, ellipses
        ("“It helped me sleep,” she said. “I recommend it.” Others disagree.",
         ["“It helped me sleep,” she said.", "“I recommend it.”", "Others disagree."]),
        ("Ginseng boosts energy—or so sellers say. Evidence is thin.",
         ["Ginseng boosts energy—or so sellers say.", "Evidence is thin."]),
        ("It works… sometimes. Then again… Nobody knows.", ["It works… sometimes.", "Then again…", "Nobody knows."]),
        ("Why? Because it binds GABA receptors! Really.", ["Why?", "Because it binds GABA receptors!", "Really."]),
        ("It binds opioid receptors.[3] Effects follow.", ["It binds opioid receptors.[3]", "Effects follow."]),
        ("Sleep improved markedly.The trial ended.", ["Sleep improved markedly.", "The trial ended."]),
        ("Vitamin D matters. J. Smith wrote so.", ["Vitamin D matters.", "J. Smith wrote so."]),
        ("It adds vitamin C. Tastes like berries.", ["It adds vitamin C.", "Tastes like berries."]),
        ("A study by John F. Kennedy Jr. was cited.", ["A study by John F. Kennedy Jr. was cited."]),
        ("p < 0.05 for both arms. No effect was seen at 1 mg.", ["p < 0.05 for both arms.", "No effect was seen at 1 mg."]),
        ("Pharmacists warn against it etc. Edibles act slowly.", ["Pharmacists warn against it etc.", "Edibles act slowly."]),
        # forum text: lower-case sentence starts
        ("my mood is better, I think? hard to say why.", ["my mood is better, I think?", "hard to say why."]),
        ("“Why?” she asked about the dose.", ["“Why?” she asked about the dose."]),
        ("booking a GP visit to ask about it. will report back!", ["booking a GP visit to ask about it.", "will report back!"]),
        ("Doses were taken at 8 p.m. Cognitive tests followed.", ["Doses were taken at 8 p.m.", "Cognitive tests followed."]),
        # a title abbreviation after a number is a unit: milliseconds, not "Ms."
        ("No QTc was above 500 ms. Ms. Lee reviewed the traces.", ["No QTc was above 500 ms.", "Ms. Lee reviewed the traces."]),
    ],
)
def test_sentences_inside_a_block(text, expected):
    assert split(text) == expected


def test_headings_and_list_items_are_their_own_sentences():
    text = ("Ashwagandha for Stress\n"
            "Ashwagandha is an adaptogen. It lowers cortisol.\n"
            "- Better sleep\n"
            "- – Exploring ashwagandha's effects\n"
            "* Lower anxiety.\n"
            "1. Fewer headaches\n"
            "2) Calmer mood\n")
    assert split(text) == ["Ashwagandha for Stress", "Ashwagandha is an adaptogen.", "It lowers cortisol.",
                           "Better sleep", "Exploring ashwagandha's effects", "Lower anxiety.", "Fewer headaches",
                           "Calmer mood"]


def test_numbering_inside_a_markdown_heading_stays():
    assert split("## 1. It Copies a Gut Hormone\nSemaglutide mimics GLP-1.") == [
        "1. It Copies a Gut Hormone", "Semaglutide mimics GLP-1."]


def test_section_is_the_heading_each_sentence_falls_under():
    text = "Intro line without heading.\n# Benefits\nIt helps.\n## Risks ##\nIt harms.\n"
    sentences = segment_text(text)
    assert [(text[s.start:s.end], s.section) for s in sentences] == [
        ("Intro line without heading.", ""), ("Benefits", "Benefits"), ("It helps.", "Benefits"),
        ("Risks", "Risks"), ("It harms.", "Risks")]


def test_markdown_markup_stays_outside_sentences():
    text = "---\n\n> Quoted claim here.\n\n| Dose | Effect |\n|---|---|\n| 5 mg | Calm |\n\n```\ncode = 1\n```\n"
    assert split(text) == ["Quoted claim here.", "Dose", "Effect", "5 mg", "Calm"]


def test_hard_wrapped_prose_is_joined_but_short_lines_are_not():
    wrapped = ("Magnesium supplements are widely used for sleep and\n"
               "muscle cramps in older adults, and several trials have\n"
               "tested them against placebo over eight to twelve weeks.\n"
               "The effects on sleep onset were small but consistent\n"
               "across the trials that measured them with actigraphy,\n"
               "and no trial reported serious harm at usual doses.\n")
    assert split(wrapped) == [
        "Magnesium supplements are widely used for sleep and\nmuscle cramps in older adults, and several trials have"
        "\ntested them against placebo over eight to twelve weeks.",
        "The effects on sleep onset were small but consistent\nacross the trials that measured them with actigraphy,"
        "\nand no trial reported serious harm at usual doses."]
    assert split("Reply from user42\nhonestly it worked.") == ["Reply from user42", "honestly it worked."]


def test_forum_lines_starting_lower_case_stay_separate():
    text = ("Month 4 on the new dose and an honest update about the side effects\n"
            "posted by cactusmama, 58 comments\n"
            "been on 25 mg for two months, maybe a bit more energy but not sure lol\n"
            "apparently the nausea settles after the first couple of weeks.\n")
    assert len(split(text)) == 4


def test_known_heading_offsets_are_honoured():
    text = "Safety notes\nKava can harm the liver."
    assert [s.is_heading for s in segment_text(text, headings=[0])] == [True, False]


def test_windows_line_endings_and_unicode_line_separators():
    assert split("One.\r\nTwo\u2028Three.") == ["One.", "Two", "Three."]


def test_component_sets_extension_and_sentence_starts():
    nlp = spacy.blank("en")
    nlp.add_pipe("claimscan_segmenter")
    doc = nlp("Omega-3 lowers triglycerides. It may ease joint pain.\nBenefits")
    assert [doc.text[s["start"]:s["end"]] for s in doc._.claimscan_sentences] == [
        "Omega-3 lowers triglycerides.", "It may ease joint pain.", "Benefits"]
    assert [s.text.strip() for s in doc.sents] == ["Omega-3 lowers triglycerides.", "It may ease joint pain.", "Benefits"]


def test_component_round_trips_and_works_with_two_processes(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("claimscan_segmenter")
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    texts = ["Fish oil helps. It is safe.", "Heading\nBody text here."] * 2
    docs = list(loaded.pipe(texts, n_process=2))
    assert [len(d._.claimscan_sentences) for d in docs] == [2, 2, 2, 2]


# ---------------------------------------------------------------- properties
_alphabet = st.sampled_from(list("abcXYZ019 .,;:!?…-–*•#>|()[]“”\"'\n\t\u00a0\u200b/%") + ["e.g.", "U.S.", "Dr.", " - ", "\n- ", "\n1. ", "\n# "])
texts = st.lists(_alphabet, max_size=80).map("".join)
MARKER_LEFT_OUT = re.compile(r"^\s*(?:(?:#{1,6}|>|[-*+•●▪‣◦·–—]|\d{1,3}[.)]|[a-z]\)|\(\w{1,3}\))\s*)+", re.M)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_offsets_exact_ordered_and_nothing_but_markup_left_out(text):
    sentences = segment_text(text)
    covered = [False] * len(text)
    last_end = 0
    for s in sentences:
        assert 0 <= s.start < s.end <= len(text)
        assert s.start >= last_end  # ordered, never overlapping
        piece = text[s.start:s.end]
        assert piece == piece.strip()
        last_end = s.end
        for i in range(s.start, s.end):
            covered[i] = True
    markers = set()
    for m in MARKER_LEFT_OUT.finditer(text):
        markers.update(range(m.start(), m.end()))
    for i, ch in enumerate(text):
        if not covered[i] and i not in markers:
            assert not ch.isalnum(), (text, i)
