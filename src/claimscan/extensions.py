"""All Doc extensions claimscan sets, registered in one place.

Values are plain lists of dicts so Docs pickle across processes.
"""
from spacy.tokens import Doc

# [{"start", "end", "section"}] + after the classifier {"label", "confidence", "hedge_cues", "negated"}
# start/end are character offsets into doc.text, end exclusive.
SENTENCES = "claimscan_sentences"
# [{"start", "end", "label", "concept", "concept_id", "source"}], character offsets into doc.text
ENTITIES = "claimscan_entities"
# [{"short_start", "short_end", "long_start", "long_end"}]: abbreviations defined in the text
ABBREVIATIONS = "claimscan_abbreviations"
# [int]: character offsets where a heading line starts, known from markup (set before the pipeline runs)
HEADINGS = "claimscan_headings"


def register_extensions() -> None:
    """Register claimscan's Doc extensions (idempotent)."""
    for name in (SENTENCES, ENTITIES, ABBREVIATIONS, HEADINGS):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register_extensions()

_TEXT_KEY = "claimscan_text"


def set_doc_text(doc: Doc, text: str) -> None:
    """Seed `doc_text` with the string the Doc was made from (it equals doc.text)."""
    doc.user_data[_TEXT_KEY] = text


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed once per Doc.

    spaCy rebuilds `doc.text` from every token on each access; the text of a
    Doc never changes after tokenisation, so every component shares one copy.
    """
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text
