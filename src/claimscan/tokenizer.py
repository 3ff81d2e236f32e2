"""claimscan's tokenizer: spaCy's English rules, adjusted so biomedical names stay whole.

Kept intact: `7-hydroxymitragynine`, `5-HT2A`, `Δ8-THC` (no split after a digit),
`TNF-α`, `NF-κB` (no split before a Greek letter), `IL-6`, and dose units such as
`g/day`, `mg/kg`. Everything else tokenizes as spaCy's English defaults do.
"""
from __future__ import annotations

import re

from spacy.lang.char_classes import ALPHA, HYPHENS
from spacy.lang.en import English
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

# spaCy's English hyphen infix, as it is written in spacy.lang.punctuation
_DEFAULT_HYPHEN_INFIX = r"(?<=[{a}0-9])(?:{h})(?=[{a}])".format(a=ALPHA, h=HYPHENS)
# Same rule without the digit on the left (keeps "7-hydroxy…", "5-HT2A", "Δ8-THC") and
# never before a Greek letter (keeps "TNF-α", "NF-κB", "IFN-γ").
_HYPHEN_INFIX = r"(?<=[{a}])(?:{h})(?=[{a}])(?![α-ωΑ-Ω])".format(a=ALPHA, h=HYPHENS)

# Whole tokens that must not be split further: dose rates and per-weight units.
_UNIT = r"(?:mg|g|kg|mcg|µg|μg|ng|ml|mL|l|L|dl|dL|IU|mmol|µmol|μmol|mol)"
_PER = r"(?:day|d|kg|dose|ml|mL|l|L|dl|dL|h|hr|hour|week|wk|min|m2|m²)"
_TOKEN_MATCH = re.compile(rf"^(?:\d+(?:\.\d+)?)?{_UNIT}/{_PER}$")


def _infixes() -> list[str]:
    infixes = list(English.Defaults.infixes)
    if _DEFAULT_HYPHEN_INFIX not in infixes:  # pragma: no cover - spaCy changed its rules
        raise RuntimeError("spaCy's English hyphen infix rule changed; update claimscan.tokenizer")
    return [_HYPHEN_INFIX if rule == _DEFAULT_HYPHEN_INFIX else rule for rule in infixes]


def create_tokenizer(nlp) -> Tokenizer:
    """Return a Tokenizer for `nlp` with claimscan's adjustments to the English rules."""
    defaults = English.Defaults
    return Tokenizer(
        nlp.vocab,
        rules=dict(defaults.tokenizer_exceptions),
        prefix_search=compile_prefix_regex(defaults.prefixes).search,
        suffix_search=compile_suffix_regex(defaults.suffixes).search,
        infix_finditer=compile_infix_regex(_infixes()).finditer,
        token_match=_TOKEN_MATCH.match,
        url_match=defaults.url_match,
    )


@registry.tokenizers("claimscan.tokenizer.v1")
def make_claimscan_tokenizer():
    """Registry entry: `[nlp.tokenizer] @tokenizers = "claimscan.tokenizer.v1"`."""
    return create_tokenizer
