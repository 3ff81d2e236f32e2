"""The claimscan pipeline: build the spaCy Language, and turn a batch of
documents into table rows.

`process_batch` is a pure function from documents to rows, so it can run in a
worker process (only rows travel back) or on a distributed engine unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import extensions
from .readers import Document, FailedDocument, clean_for_nlp

SENTENCE_COLUMNS = [
    "doc_id", "sentence_id", "start", "end", "section", "text", "label", "confidence",
    "hedge_cues", "negated", "substances", "conditions", "mechanisms",
]
ENTITY_COLUMNS = ["doc_id", "sentence_id", "start", "end", "text", "label", "concept", "concept_id", "source"]
DOCUMENT_COLUMNS = [
    "doc_id", "path", "format", "title", "n_chars", "n_sentences", "n_claim", "n_hedge", "n_other",
    "status", "error",
]
LABELS = ("claim", "hedge", "other")
MAX_DOCUMENT_CHARS = 10**9
ENTITY_TYPE_COLUMN = {"SUBSTANCE": "substances", "CONDITION": "conditions", "MECHANISM": "mechanisms"}


@dataclass
class DocumentRows:
    """Everything claimscan writes for one document."""

    document: dict
    sentences: list[tuple] = field(default_factory=list)
    entities: list[tuple] = field(default_factory=list)
    encoding: str = ""
    text_file: tuple[str, str] | None = None  # (doc_id, text) when OUT/text/<doc_id>.txt must be written
    n_words: int = 0


def load(model: str | Path | None = None, *, entities: bool = True, classifier: bool = True) -> Language:
    """The claimscan pipeline: tokenizer, segmenter, entity tagger, classifier.

    `model` is a classifier directory written by `claimscan train`; None uses
    the shipped one.
    """
    from . import tokenizer  # noqa: F401  (registers claimscan.tokenizer.v1)

    # the tokenizer named in the config: spaCy then never builds its default English one
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "claimscan.tokenizer.v1"}}})
    nlp.max_length = MAX_DOCUMENT_CHARS  # no parser or NER: memory grows linearly with length
    nlp.add_pipe("claimscan_segmenter")
    if entities:
        nlp.add_pipe("claimscan_entities")
    if classifier:
        nlp.add_pipe("claimscan_classifier", config={"model_path": str(model) if model else None})
    return nlp


def make_doc(nlp: Language, document: Document) -> Doc:
    doc = nlp.make_doc(document.nlp_text)
    extensions.set_doc_text(doc, document.nlp_text)
    doc._.set(extensions.HEADINGS, list(document.headings))
    return doc


def process_batch(nlp: Language, documents: Sequence[Document | FailedDocument]) -> list[DocumentRows]:
    """Rows for each document, in order; a document that fails becomes an error row."""
    results = []
    for document in documents:
        if isinstance(document, FailedDocument):
            results.append(failed_rows(document))
            continue
        try:
            doc = nlp(make_doc(nlp, document))
            results.append(doc_to_rows(document, doc))
        except Exception as error:  # one bad document never stops the others
            results.append(failed_rows(FailedDocument(document.doc_id, document.path, document.format,
                                                      f"{type(error).__name__}: {error}".splitlines()[0])))
    return results


def failed_rows(failed: FailedDocument) -> DocumentRows:
    row = dict(doc_id=failed.doc_id, path=failed.path, format=failed.format, title="", n_chars=0,
               n_sentences=0, n_claim=0, n_hedge=0, n_other=0, status="error", error=failed.error)
    return DocumentRows(document=row)


def doc_to_rows(document: Document, doc: Doc) -> DocumentRows:
    """Turn an annotated Doc into sentence, entity and document rows."""
    text = document.text
    sentences = doc._.get(extensions.SENTENCES) or []
    entities = doc._.get(extensions.ENTITIES) or []
    counts = dict.fromkeys(LABELS, 0)
    sentence_rows = []
    entity_rows = []
    e = 0
    for sentence_id, sent in enumerate(sentences):
        start, end = sent["start"], sent["end"]
        while e < len(entities) and entities[e]["start"] < start:
            e += 1  # entities outside every sentence (markup) are not reported
        concepts = {"substances": [], "conditions": [], "mechanisms": []}
        while e < len(entities) and entities[e]["start"] < end:
            ent = entities[e]
            e += 1
            if ent["end"] > end:
                continue
            entity_rows.append((document.doc_id, sentence_id, ent["start"], ent["end"], text[ent["start"]:ent["end"]],
                                ent["label"], ent["concept"], ent.get("concept_id", ""), ent.get("source", "")))
            bucket = concepts[ENTITY_TYPE_COLUMN[ent["label"]]]
            if ent["concept"] not in bucket:
                bucket.append(ent["concept"])
        label = sent.get("label", "other")
        counts[label] += 1
        sentence_rows.append((
            document.doc_id, sentence_id, start, end, sent.get("section", ""), text[start:end], label,
            round(float(sent.get("confidence", 0.0)), 4), ";".join(sent.get("hedge_cues", ())),
            bool(sent.get("negated", False)),
            ";".join(concepts["substances"]), ";".join(concepts["conditions"]), ";".join(concepts["mechanisms"]),
        ))
    row = dict(doc_id=document.doc_id, path=document.path, format=document.format, title=document.title,
               n_chars=len(text), n_sentences=len(sentence_rows), n_claim=counts["claim"],
               n_hedge=counts["hedge"], n_other=counts["other"], status="ok", error="")
    return DocumentRows(
        document=row, sentences=sentence_rows, entities=entity_rows, encoding=document.encoding,
        text_file=(document.doc_id, text) if document.needs_text_file else None,
        n_words=len(doc),
    )


def document_from_text(doc_id: str, text: str) -> Document:
    """A plain-text Document for text that did not come from a file."""
    return Document(doc_id=doc_id, path="", format="txt", text=text, nlp_text=clean_for_nlp(text), title="",
                    encoding="")


def scan(texts: Iterable[str], nlp: Language | None = None) -> Iterable[dict]:
    """Sentence rows (as dicts) for plain texts; doc_id is the text's index."""
    nlp = nlp or load()
    for i, text in enumerate(texts):
        for rows in process_batch(nlp, [document_from_text(str(i), text)]):
            if rows.document["status"] != "ok":
                raise ValueError(rows.document["error"])
            for row in rows.sentences:
                yield dict(zip(SENTENCE_COLUMNS, row))
