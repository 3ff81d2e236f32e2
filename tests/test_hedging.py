"""Hedge cues and negation read in context (claimscan.hedging)."""
import json
import re

import pytest

from claimscan.hedging import (
    DEFAULT_CUES_PATH,
    HedgeLexicon,
    HedgeLexiconError,
    analyse_sentence,
    find_all_hedge_cues,
    find_hedge_cues,
    find_negation,
)


def cue_texts(text):
    return [t.lower() for _, _, t in find_hedge_cues(text)]


def test_modal_may_is_a_cue():
    assert cue_texts("Ginger may settle an upset stomach.") == ["may"]


@pytest.mark.parametrize("text", [
    "May 2023 guidance classifies the herb as a controlled substance.",
    "The agency issued its warning in May, after two poisonings.",
    "Sales have doubled since May of last year.",
    "The ban takes effect on May 14.",
])
def test_month_may_is_not_a_cue(text):
    assert cue_texts(text) == []


def test_capitalised_modal_may_in_a_heading_is_a_cue():
    assert cue_texts("Valerian May Improve Sleep Quality") == ["may"]


def test_can_is_not_a_cue_but_could_is():
    assert cue_texts("Caffeine can raise blood pressure.") == []
    assert cue_texts("Caffeine could raise blood pressure.") == ["could"]
    assert cue_texts("Caffeine might raise blood pressure.") == ["might"]


@pytest.mark.parametrize("text, cue", [
    ("Research suggests that magnesium eases leg cramps.", "suggests"),
    ("Zinc is thought to shorten colds.", "is thought to"),
    ("Users report that the tincture calms them within minutes.", "users report"),
    ("The extract appears to lower cortisol.", "appears to"),
])
def test_epistemic_verbs_with_their_subjects(text, cue):
    assert cue in cue_texts(text)


@pytest.mark.parametrize("text, cue", [
    ("Further research is needed to confirm these benefits of fish oil.", "further research is needed"),
    ("More studies are needed before melatonin can be recommended for children.", "more studies are needed"),
    ("Lion's mane shows promise for memory in older adults.", "shows promise"),
    ("Relief from migraines has been anecdotally reported by users of feverfew.", "anecdotally reported"),
])
def test_multi_word_cues(text, cue):
    assert cue in cue_texts(text)


@pytest.mark.parametrize("text, cue", [
    ("These results imply that zinc shortens colds.", "imply"),
    ("We therefore propose that berberine acts on AMPK.", "we therefore propose"),
    ("How valerian acts on sleep has remained elusive.", "has remained elusive"),
    ("The mechanism of kava's liver toxicity is yet to be understood.", "is yet to be understood"),
    ("A link with liver injury has been suspected for years.", "has been suspected"),
    ("Daily fish oil should help with joint stiffness.", "should help"),
])
def test_more_epistemic_cues(text, cue):
    assert cue in cue_texts(text)


@pytest.mark.parametrize("text", [
    "Take the capsule with food if possible.",
    "Stop taking kava as soon as possible if your skin turns yellow.",
    "Where possible, choose a product tested by a third party.",
])
def test_practice_conditionals_are_not_cues(text):
    assert find_all_hedge_cues(text) == []


def test_possible_alone_is_still_a_cue():
    assert cue_texts("A possible link between kava and liver injury was reported.") == ["possible"]


def test_noun_that_clause_ends_at_the_main_verb():
    text = "The finding that dexamethasone has no effect on PKC suggests that it acts downstream."
    assert [(c.text, c.main) for c in find_all_hedge_cues(text)] == [("suggests", True)]


def test_potential_risk_is_its_own_weak_cue():
    cues = find_all_hedge_cues("Potential side effects include nausea and headache.")
    assert [c.cue_id for c in cues] == ["potential_risk"]
    assert [c.cue_id for c in find_all_hedge_cues("Maca has potential as a libido aid.")] == ["potential"]


def test_appositive_cue_is_flagged_not_main():
    text = "Saffron, known for its potential to lift mood, is harvested from crocus flowers."
    cues = find_all_hedge_cues(text)
    assert [(c.text, c.main) for c in cues] == [("potential", False)]
    assert find_hedge_cues(text) == []


def test_relative_clause_cue_is_flagged_not_main():
    text = "The root contains saponins, which may be linked to its effects."
    assert [c.main for c in find_all_hedge_cues(text)] == [False]


def test_trailing_participle_cue_is_flagged_not_main():
    text = "Creatine increases muscle strength, potentially helping older adults stay active."
    assert [(c.text, c.main) for c in find_all_hedge_cues(text)] == [("potentially", False)]


def test_coordinated_claim_and_hedge_keeps_main_modal():
    text = "Nicotine binds acetylcholine receptors, and it may sharpen attention."
    assert cue_texts(text) == ["may"]


@pytest.mark.parametrize("text, mixed", [
    # guidelines §2 rule 2: an asserted main clause coordinated with a hedged one
    ("Nicotine binds acetylcholine receptors, and it may sharpen attention.", True),
    ("Most users slept longer; the effect may fade with regular use.", True),
    # a cue that takes a that-complement covers the clauses after it: all of them are suggested
    ("We suggest that ginseng raises energy in young adults, while in older adults it has no effect.", False),
    # noun phrases joined by ", and the ...", not clauses
    ("Zinc may be one of the reasons for faster recovery, and the basis for its use in colds.", False),
    # a semicolon inside brackets joins nothing
    ("Cells carrying the translocation t(17; 19) may die by apoptosis.", False),
])
def test_coordinated_mixed_clauses(text, mixed):
    assert analyse_sentence(text).coordinated_mixed is mixed


def test_it_is_crucial_to_understand_that_has_no_cue():
    assert find_all_hedge_cues("It is crucial to understand that alcohol damages liver cells.") == []


def test_cue_offsets_point_at_cue_text():
    text = "Early studies suggest that cinnamon might lower blood sugar."
    for start, end, cue in find_hedge_cues(text):
        assert text[start:end] == cue


@pytest.mark.parametrize("text, negated", [
    ("Vitamin C does not prevent colds.", True),
    ("Echinacea is not a cure for the flu.", True),
    ("There is no evidence that garlic lowers cholesterol.", True),
    ("Green tea never replaces medical treatment.", True),
    ("Kava cannot be sold in some countries.", True),
    ("Turmeric not only reduces swelling but also eases stiffness.", False),
    ("There is no doubt that smoking causes lung cancer.", False),
    ("Whether or not you exercise, sleep matters for blood pressure.", False),
    ("This reaction, while not common, affects the skin.", False),
    ("Iron supplements help anaemia.", False),
])
def test_negation_of_the_main_clause(text, negated):
    assert find_negation(text) is negated


def test_negation_keeps_hedge_cues_apart():
    result = analyse_sentence("Ginseng may not improve stamina.")
    assert result.negated is True
    assert [c.text for c in result.cues] == ["may"]


def test_shipped_lexicon_loads_and_unknown_keys_are_errors():
    data = json.loads(DEFAULT_CUES_PATH.read_text(encoding="utf-8"))
    HedgeLexicon.from_dict(data)
    bad = json.loads(json.dumps(data))
    bad["hedge_cues"][0]["wieght"] = 2
    with pytest.raises(HedgeLexiconError, match="unknown key"):
        HedgeLexicon.from_dict(bad)
    bad = json.loads(json.dumps(data))
    bad["extra_section"] = {}
    with pytest.raises(HedgeLexiconError, match="unknown key"):
        HedgeLexicon.from_dict(bad)


def test_bad_pattern_is_an_error():
    data = json.loads(DEFAULT_CUES_PATH.read_text(encoding="utf-8"))
    data["hedge_cues"][0]["pattern"] = "(unclosed"
    with pytest.raises(HedgeLexiconError, match="bad pattern"):
        HedgeLexicon.from_dict(data)


def test_sentence_patterns_are_validated_strictly():
    data = json.loads(DEFAULT_CUES_PATH.read_text(encoding="utf-8"))
    lex = HedgeLexicon.from_dict(data)
    assert {"advice", "framing", "care_process", "title", "assertion"} <= set(lex.pattern_categories)
    bad = json.loads(json.dumps(data))
    bad["sentence_patterns"][0]["weight"] = 1
    with pytest.raises(HedgeLexiconError, match="unknown key"):
        HedgeLexicon.from_dict(bad)
    bad = json.loads(json.dumps(data))
    bad["sentence_patterns"][0]["id"] = data["hedge_cues"][0]["id"]
    with pytest.raises(HedgeLexiconError, match="duplicate id"):
        HedgeLexicon.from_dict(bad)
    bad = json.loads(json.dumps(data))
    bad["sentence_patterns"][0]["pattern"] = "(unclosed"
    with pytest.raises(HedgeLexiconError, match="bad pattern"):
        HedgeLexicon.from_dict(bad)


def _pattern_ids(text):
    return [p.pattern_id for p in analyse_sentence(text).patterns if p.main]


@pytest.mark.parametrize("text, pattern_id", [
    ("Consult a pharmacist before combining supplements.", "imperative_lead"),
    ("Patients should consult their doctor before stopping treatment.", "should_consult"),
    ("It is important to start with a low dose.", "important_to"),
    ("This article explores the effects of caffeine.", "framing"),
    ("Healthcare providers can help monitor side effects.", "care_process"),
    ("Exploring the Benefits of Green Tea", "gerund_lead"),
    ("Research has shown that smoking damages the lungs.", "studies_shown"),
])
def test_sentence_patterns_found(text, pattern_id):
    assert pattern_id in _pattern_ids(text)


def test_importance_with_that_clause_is_not_advice():
    # guidelines §2 rule 3: "It is crucial to understand that <proposition>" is a claim
    assert "important_to" not in _pattern_ids("It is crucial to understand that alcohol damages the liver.")


@pytest.mark.parametrize("pattern, alternatives", [
    ("may", ["may"]),
    (r"a|b(?:c|d)|e", ["a", "b(?:c|d)", "e"]),
    (r"[|)]x|\|y|[]|]z|[^]|]w", ["[|)]x", r"\|y", "[]|]z", "[^]|]w"]),
])
def test_split_alternatives_splits_only_at_top_level(pattern, alternatives):
    from claimscan.hedging import _split_alternatives

    assert _split_alternatives(pattern) == alternatives


SCAN_SENTENCES = [
    "Kratom may ease pain, although it is thought to carry risks that are not fully understood.",
    "It is widely believed that valerian might help, but we suspect the data are unclear.",
    "Always consult your doctor; it's crucial to monitor your dose and exercise caution.",
    "In this article we will explore whether ashwagandha can cause liver damage.",
    "Understanding CBD: studies have shown it is well-known for its calming, possibly sedative, effects.",
    "Researchers apparently found no link, which seems to suggest that it is likely safe.",
    "Healthcare providers can help; professional guidance is essential for safe use.",
    "Presumably, the putative mechanism remains to be determined — if possible, test whether it binds.",
]


def test_flat_cue_and_pattern_scans_match_one_named_group_per_entry():
    # the original form: one named group around each entry; the flat form must find exactly the same matches
    lex = HedgeLexicon.from_path(DEFAULT_CUES_PATH)
    patterns = lex.data["sentence_patterns"]
    for entries, flat, markers in ((lex.data["hedge_cues"], lex.cue_re, lex.cue_markers),
                                   ([e for e in patterns if not e["pattern"].startswith("^")], lex.pattern_re, lex.pattern_markers),
                                   ([e for e in patterns if e["pattern"].startswith("^")], lex.anchored_re, lex.pattern_markers)):
        grouped = re.compile(r"(?<![\w-])(?:" + "|".join(f"(?P<{e['id']}>{e['pattern']})" for e in entries) + r")(?![\w-])")
        for text in SCAN_SENTENCES:
            low = text.lower()
            expected = [(m.start(), m.end(), m.lastgroup) for m in grouped.finditer(low)]
            assert [(m.start(), m.end(), markers[m.lastgroup]) for m in flat.finditer(low)] == expected


def test_one_scan_over_a_batch_equals_one_scan_per_sentence():
    from claimscan.hedging import analyse_sentences

    texts = SCAN_SENTENCES + ["", "may", "Consult your doctor.", "Healthcare", "providers can help.",
                              "It may help.\nFurther research\nis needed.", "In May 2023 kratom was banned."]
    assert analyse_sentences(texts) == [analyse_sentence(t) for t in texts]


def test_line_breaks_inside_a_sentence_do_not_hide_cues():
    assert cue_texts("Further\nresearch is needed on\nkava.") == ["further\nresearch is needed"]