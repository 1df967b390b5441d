"""Which words of a result matched a query, and the result's text with them marked.

    highlight("EMC testing, CNAS report", "检测")   # Markup('EMC <mark>testing</mark>, CNAS report')
    matched_words(["电磁兼容检测", "EMC testing"], "检测")   # ["检测", "testing"]

A word counts when it is one the user typed (same stem, or the typed word as a prefix), or when it names a concept
the query names, in either language: "testing" matched 检测 through the lexicon, so it is marked too.
"""
from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from app.search.analysis import CONCEPT_PREFIX, is_cjk, latin_stem, lexicon_index, normalise, parse_query

_LATIN = re.compile(r"[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")


class _Matcher:
    def __init__(self, q: str):
        query = parse_query(q)
        self.concepts = query.concepts
        terms = [t for unit in query.units for alt in unit.alternatives for t in alt
                 if not t.text.startswith(CONCEPT_PREFIX)]
        self.stems = {t.text for t in terms if not is_cjk(t.text) and not t.prefix}
        self.prefixes = tuple(t.text for t in terms if not is_cjk(t.text) and t.prefix)
        chinese = {unit.surface for unit in query.units if is_cjk(unit.surface)}
        phrases, cjk_terms, self.longest = lexicon_index()
        chinese |= {term for term, concepts in cjk_terms if concepts & self.concepts}
        self.chinese = sorted(chinese, key=len, reverse=True)
        self.phrases = {k: v for k, v in phrases.items() if v & self.concepts}

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the query's words and concepts are in `text` (start, end), overlapping spans merged."""
        found = []
        lower = text.lower()
        for term in self.chinese:
            start = lower.find(term)
            while start >= 0:
                found.append((start, start + len(term)))
                start = lower.find(term, start + 1)
        words = [(m.start(), m.end(), latin_stem(normalise(m.group()))) for m in _LATIN.finditer(text)]
        for i, (start, end, stem) in enumerate(words):
            if stem and (stem in self.stems or stem.startswith(self.prefixes) or
                         normalise(text[start:end]).startswith(self.prefixes)):
                found.append((start, end))
            for n in range(1, self.longest + 1 if self.phrases else 1):  # no concept named: no phrase to find
                key = tuple(w[2] for w in words[i:i + n])
                if len(key) == n and key in self.phrases:
                    found.append((start, words[i + n - 1][1]))
        return _merged(found)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


@lru_cache(maxsize=256)
def _matcher(q: str) -> _Matcher:
    return _Matcher(q)


def highlight(text: str | None, q: str | None) -> Markup:
    """`text`, HTML-escaped, with what matched `q` inside <mark>."""
    text = text or ""
    if not (q or "").strip():
        return escape(text)
    out, last = [], 0
    for start, end in _matcher(q).spans(text):
        out += [escape(text[last:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def matched_words(texts, q: str | None, *, limit: int = 8) -> list[str]:
    """The distinct words of `texts` that matched `q`, in the order they appear (at most `limit`)."""
    if not (q or "").strip():
        return []
    matcher = _matcher(q)
    words: dict[str, None] = {}
    for text in texts:
        for start, end in matcher.spans(text or ""):
            words.setdefault(text[start:end].strip(), None)
        if sum(1 for w in words if w) >= limit:  # enough: the later (longer) texts need not be read
            break
    return [w for w in words if w][:limit]
