"""Text analysis for search, the same at index and at query time, in Chinese and English.

    index_terms("GPU算力租赁, 8x A100 nodes")
    # -> ["gpu", "算力", "租赁", "算力", "力租", ..., "a100", "node", "@compute", "@compute", ...]

* Latin words are lower-cased (NFKC first, so full-width letters count) and stemmed by the Snowball English
  stemmer (PyStemmer): "tests", "testing" → "test". Codes such as "JESD22" or "61000" stay whole.
* Chinese runs are segmented by jieba (rjieba, its Rust port, whose dictionary ships inside the package); every
  character pair of the run is indexed too, so a word the segmenter cut differently is still found.
* Every concept of the bilingual lexicon named in the text adds an `@concept` term: that is how "专利" finds
  "patent search" and "battery" finds "电池".
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from app.search.lexicon import CONCEPTS

CONCEPT_PREFIX = "@"
# Runs are cut into pieces of at most 100 Latin or 200 CJK characters: nothing real is longer, and PostgreSQL
# refuses a tsvector word over 2,047 bytes (a pasted 20,000-character run gave a 500).
_TOKEN = re.compile(r"[a-z0-9]{1,100}|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{1,200}")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Characters that only glue Chinese words together: as a word of their own they find nothing worth finding.
_CJK_FUNCTION = frozenset("的了和与及或在是为对等我你他她它将并从到其这那个也于把被让之而且已很更最都还就所如但可以用")
STOPWORDS = frozenset("""a an and are as at be by for from has have in into is it its of on or our that the their this
to was we were will with you your""".split())

_local = threading.local()
_segmenter_lock = threading.Lock()
_segmenter = None


def _jieba():
    """rjieba, imported on first use: its dictionary takes a fifth of a second to load, once per process."""
    global _segmenter
    if _segmenter is None:
        with _segmenter_lock:
            if _segmenter is None:
                import rjieba
                _segmenter = rjieba
    return _segmenter


def _stemmer():
    """One Snowball stemmer per thread (a PyStemmer object is not safe to share between threads)."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import Stemmer
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


def warm_up() -> None:
    """Load the segmenter's dictionary, the stemmer and the lexicon now rather than in the first search, which
    would otherwise hold a serving process's loop (and every socket on it) for a fraction of a second."""
    _jieba().cut("孵化器的专利检索")
    _stemmer().stemWord("testing")
    _chinese_terms()


def normalise(text: str | None) -> str:
    """NFKC (full-width letters and digits become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Snowball stem of a lower-case Latin word; words with digits (codes, models) are kept whole."""
    if any(ch.isdigit() for ch in word):
        return word
    return _stemmer().stemWord(word)


def latin_stem(word: str) -> str:
    """The stem a Latin word is indexed and looked up under; "" for a stop word, which holds its place in a phrase."""
    return "" if word in STOPWORDS else stem(word)


def is_cjk(token: str) -> bool:
    return bool(_CJK.match(token))


def bigrams(run: str) -> list[str]:
    """Overlapping character pairs of a Chinese run (a lone character stands for itself)."""
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def segment(run: str, *, for_search: bool = False) -> list[str]:
    """The words jieba cuts a Chinese run into (for_search adds the shorter words inside long ones)."""
    jieba = _jieba()
    words = jieba.cut_for_search(run) if for_search else jieba.cut(run)
    return [w for w in words if w and is_cjk(w)]


# Lexicon ----------------------------------------------------------------------------------------------------------

def _build_lexicon():
    latin: dict[tuple[str, ...], set[str]] = {}
    chinese: dict[str, set[str]] = {}
    for concept, (_label, english, chinese_terms) in CONCEPTS.items():
        for phrase in list(english) + [t for t in chinese_terms if not _CJK.search(t)]:
            key = tuple(latin_stem(w) for w in _TOKEN.findall(normalise(phrase)))
            if key:
                latin.setdefault(key, set()).add(concept)
        for term in chinese_terms:
            if _CJK.search(term):
                chinese.setdefault(normalise(term), set()).add(concept)
    terms = sorted(((t, frozenset(c)) for t, c in chinese.items()), key=lambda tc: (-len(tc[0]), tc[0]))
    return {k: frozenset(v) for k, v in latin.items()}, terms, max(len(k) for k in latin)


@lru_cache(maxsize=1)
def lexicon_index():
    return _build_lexicon()


@dataclass
class Span:
    """A stretch of text the lexicon names: the concepts, and the text's own terms that spell it."""
    concepts: frozenset[str]
    terms: list[str]
    surface: str


def _latin_spans(stems: list[str]) -> tuple[list[Span], list[bool]]:
    """Lexicon phrases among Latin stems, longest first, not overlapping; and which stems they took."""
    phrases, _terms, longest = lexicon_index()
    taken = [False] * len(stems)
    spans = []
    for n in range(min(longest, len(stems)), 0, -1):
        for i in range(len(stems) - n + 1):
            concepts = phrases.get(tuple(stems[i:i + n]))
            if concepts and not any(taken[i:i + n]):
                taken[i:i + n] = [True] * n
                spans.append(Span(concepts, stems[i:i + n], " ".join(stems[i:i + n])))
    return spans, taken


@lru_cache(maxsize=1)
def _chinese_terms() -> tuple[dict[str, tuple[int, frozenset[str]]], tuple[int, ...]]:
    """The lexicon's Chinese terms by text (with their rank, longest first) and the lengths they come in."""
    _phrases, terms, _longest = lexicon_index()
    by_text = {term: (rank, concepts) for rank, (term, concepts) in enumerate(terms)}
    return by_text, tuple(sorted({len(t) for t in by_text}, reverse=True))


def _chinese_spans(run: str) -> tuple[list[Span], list[bool]]:
    """Lexicon terms inside a Chinese run, longest first, not overlapping; and which characters they took.

    Every occurrence is looked up by its text (a few dictionary probes per character rather than a scan of the run
    per lexicon term: this runs for every Chinese stretch of 100,000 listings), then taken in the lexicon's order.
    """
    by_text, lengths = _chinese_terms()
    found = [(by_text[run[i:i + n]][0], i, run[i:i + n]) for i in range(len(run)) for n in lengths
             if i + n <= len(run) and run[i:i + n] in by_text]
    taken = [False] * len(run)
    spans = []
    for _rank, start, term in sorted(found):
        end = start + len(term)
        if not any(taken[start:end]):
            taken[start:end] = [True] * len(term)
            spans.append(Span(by_text[term][1], [term], term))
    return spans, taken


# Index side -------------------------------------------------------------------------------------------------------

def index_terms(text: str | None) -> list[str]:
    """Every term a text is indexed under: Latin stems, jieba words and character pairs, `@concept` terms."""
    text = normalise(text)
    terms: list[str] = []
    stems: list[str] = []
    for token in _TOKEN.findall(text):
        if is_cjk(token):
            terms.extend(w for w in segment(token, for_search=True) if len(w) > 1 or w not in _CJK_FUNCTION)
            terms.extend(b for b in bigrams(token) if not (len(b) == 1 and b in _CJK_FUNCTION))
            spans, _taken = _chinese_spans(token)
            terms.extend(CONCEPT_PREFIX + c for span in spans for c in sorted(span.concepts))
        else:
            stems.append(latin_stem(token))
    spans, _taken = _latin_spans(stems)
    terms.extend(s for s in stems if s)
    terms.extend(CONCEPT_PREFIX + c for span in spans for c in sorted(span.concepts))
    return terms


def filter_term(name: str, value: str) -> str:
    """The term an item's value of an exact-match filter is indexed under (`@@city_6265696a696e67` for Beijing).

    Typed text never yields it (a query keeps only letters and digits), FTS5 keeps it whole (`@` and `_` are token
    characters) and the value is spelt in hex, so any value is one term. Compared without case or outer spaces.
    """
    return f"{CONCEPT_PREFIX * 2}{name}_{value.strip().lower().encode().hex()}"


# Query side -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False


@dataclass
class Unit:
    """One thing the query asks for: any one of `alternatives`, each a list of terms that must all match."""
    alternatives: list[list[Term]]
    surface: str
    concepts: frozenset[str] = frozenset()


@dataclass
class Query:
    units: list[Unit] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.units)

    @property
    def concepts(self) -> frozenset[str]:
        return frozenset(c for unit in self.units for c in unit.concepts)


def _chinese_word_unit(word: str) -> Unit:
    """A Chinese word: the word itself, or (recall) all its character pairs, for a text segmented differently."""
    if len(word) == 1:
        return Unit([[Term(word, prefix=True)]], word)
    alternatives = [[Term(word)]]
    if len(word) > 2:
        alternatives.append([Term(b) for b in bigrams(word)])
    return Unit(alternatives, word)


def _concept_unit(span: Span, own: list[Term]) -> Unit:
    return Unit([[Term(CONCEPT_PREFIX + c)] for c in sorted(span.concepts)] + [own], span.surface, span.concepts)


def parse_query(q: str | None, *, max_units: int = 10) -> Query:
    """What a search box's text asks for: all of its units, each met by its words or by the concept they name."""
    text = normalise(q)
    units: list[Unit] = []
    stems: list[str] = []
    for token in _TOKEN.findall(text):
        if is_cjk(token):
            spans, taken = _chinese_spans(token)
            for span in spans:
                units.append(_concept_unit(span, [Term(b) for b in bigrams(span.surface)]
                                           if len(span.surface) > 2 else [Term(span.surface)]))
            rest = "".join(ch if not used else " " for ch, used in zip(token, taken, strict=True))
            for piece in rest.split():
                units.extend(_chinese_word_unit(w) for w in segment(piece)
                             if len(w) > 1 or w not in _CJK_FUNCTION)
        else:
            stems.append(latin_stem(token))
    spans, taken = _latin_spans(stems)
    for span in spans:
        units.append(_concept_unit(span, [Term(s, prefix=len(span.terms) == 1 and len(s) >= 3)
                                          for s in span.terms if s]))
    for s, used in zip(stems, taken, strict=True):
        if s and not used:
            units.append(Unit([[Term(s, prefix=len(s) >= 3)]], s))
    return Query(units[:max_units])
