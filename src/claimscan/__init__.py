"""claimscan: find health claims and hedges in web articles, news and abstracts.

    import claimscan
    nlp = claimscan.load()                    # a spaCy Language
    for row in claimscan.scan(["Kratom may ease pain."]):
        print(row["label"], row["text"])

Docs carry the annotations as `doc._.claimscan_sentences` and
`doc._.claimscan_entities` (see `claimscan.extensions`).
"""
from . import extensions  # noqa: F401  (registers the Doc extensions)
from .about import __version__

__all__ = ["__version__", "load", "scan"]


def load(model=None, **kwargs):
    """The claimscan spaCy pipeline (see `claimscan.pipeline.load`)."""
    from .pipeline import load as _load

    return _load(model, **kwargs)


def scan(texts, nlp=None):
    """Sentence rows for plain texts (see `claimscan.pipeline.scan`)."""
    from .pipeline import scan as _scan

    return _scan(texts, nlp)
