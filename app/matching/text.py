"""Language-neutral text analysis for matching: Latin word stems, CJK character bigrams, lexicon concepts.

    analyse("Dexterous robot hands; 需要机器人减速器供应商")
    # -> ("dexter", "robot", "hand", "需要", "机器", ..., "@robotics", "@actuators", "@supply_chain")

No tokeniser that only knows English: Chinese (or any CJK) text is cut into overlapping character pairs, which
match without a dictionary; Latin words are lower-cased and lightly stemmed; and the bilingual lexicon adds one
`@concept` term for every concept named in either language, which is what lets a Chinese profile meet an English one.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from app.search.lexicon import CONCEPTS

CONCEPT_PREFIX = "@"
_WORD = re.compile(r"[a-z0-9]+")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Function characters that glue Chinese phrases together; a bigram across them means nothing.
_CJK_BREAKS = re.compile("[" + "的了和与及或在是为对等我们你他她它将并从到其这那个也于把被让"
                         + "之而且已很更最都还就所如但可以用" + "]")
# Frequent Chinese pairs that say nothing about a field ("we need", "provide", "services"...).
STOP_BIGRAMS = frozenset("""需要 我们 提供 可以 通过 进行 以及 相关 服务 支持 帮助 寻找 希望 目前 已经
公司 团队 创业 项目 主要 能够 实现 研发 产品 技术 合作 用于 一个 一家 包括 其中 方面 领域 行业
经验 多年 专注 致力 核心 关键 国内 领先 正在""".split())
_SUFFIXES = ("ations", "ation", "ments", "ment", "ness", "ings", "ing", "ities", "ity", "ical", "ally", "ics", "ers",
             "ies", "ied", "ic", "er", "al", "ed", "es", "ly", "s")
_STOP = """
a an and are as at be been being but by can could do does for from has have having help helps how i if in into is it
its just like make makes may more most my need needs new no not of on one or our out over per so some such than that the
their them then there these they this those through to too two up us use used uses using very via want was we were what
when where which while who will with within without would you your yours also about after all any before both each few
get gets how other own same should under until us year years first next only all across every
startup startups company companies founder founders team teams looking find finding work working works based
"""


def normalise(text: str | None) -> str:
    """NFKC (full-width letters and digits become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def stem(word: str) -> str:
    """A light English stemmer: strips common suffixes (twice at most), then a final e (robotics → robot)."""
    for _ in range(2):
        before = word
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                if suffix == "s" and word.endswith(("ss", "us", "is")):
                    continue
                word = word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
                break
        if word == before:
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def latin_stems(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text)]


def cjk_bigrams(text: str) -> list[str]:
    """Overlapping character pairs of each CJK run (a lone character stands for itself)."""
    out = []
    for run in _CJK_RUN.findall(text):
        for part in _CJK_BREAKS.split(run):
            if len(part) == 1:
                out.append(part)
            out.extend(part[i:i + 2] for i in range(len(part) - 1))
    return out


STOPWORDS = frozenset(stem(w) for w in _STOP.split())


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(latin_stems(normalise(text)))


def _build_index():
    latin: dict[tuple[str, ...], set[str]] = {}
    cjk: dict[str, set[str]] = {}
    for concept, (_label, english, chinese) in CONCEPTS.items():
        for phrase in english:
            key = _phrase(phrase)
            if key:
                latin.setdefault(key, set()).add(concept)
        for term in chinese:
            term = normalise(term)
            if _CJK_RUN.search(term):
                cjk.setdefault(term, set()).add(concept)
            else:  # a Latin word listed among the Chinese terms ("3d打印" is CJK; "a轮" too)
                latin.setdefault(_phrase(term), set()).add(concept)
    longest = max(len(k) for k in latin)
    # Longest terms first, so that a term inside a longer one already matched is not counted again.
    terms = sorted(((t, frozenset(c)) for t, c in cjk.items()), key=lambda tc: (-len(tc[0]), tc[0]))
    return latin, terms, longest


_LATIN_PHRASES, _CJK_TERMS, _LONGEST = _build_index()


def _inside(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in taken)


def concepts_in(text: str) -> list[str]:
    """The lexicon concepts named in `text`, once per mention, in either language.

    The longest term wins: a term inside a longer one that matched is not counted again, so "示范场地" is a
    demonstration site and not also a workspace ("场地"), and "power electronics" is not also "electronics".
    """
    text = normalise(text)
    found: list[str] = []
    stems = latin_stems(text)
    taken: list[tuple[int, int]] = []
    for n in range(min(_LONGEST, len(stems)), 0, -1):
        for i in range(len(stems) - n + 1):
            concepts = _LATIN_PHRASES.get(tuple(stems[i:i + n]))
            if concepts and not _inside((i, i + n), taken):
                taken.append((i, i + n))
                found.extend(sorted(concepts))
    taken = []
    for term, concepts in _CJK_TERMS:
        start = text.find(term)
        while start >= 0:
            span = (start, start + len(term))
            if not _inside(span, taken):
                taken.append(span)
                found.extend(sorted(concepts))
            start = text.find(term, start + 1)
    return found


@lru_cache(maxsize=20_000)
def analyse(text: str) -> tuple[str, ...]:
    """All terms of a text: stems (stop words dropped), CJK bigrams and `@concept` terms."""
    text = normalise(text)
    stems = [s for s in latin_stems(text) if s not in STOPWORDS and not s.isdigit() and len(s) > 1]
    concepts = [CONCEPT_PREFIX + c for c in concepts_in(text)]
    bigrams = [b for b in cjk_bigrams(text) if b not in STOP_BIGRAMS]
    return tuple(stems + bigrams + concepts)


def is_mostly_chinese(text: str) -> bool:
    """True when CJK characters outnumber Latin letters (used to tell which language a profile is in)."""
    text = text or ""
    cjk = sum(len(run) for run in _CJK_RUN.findall(text))
    latin = sum(1 for ch in text if "a" <= ch.lower() <= "z")
    return cjk * 2 > latin
