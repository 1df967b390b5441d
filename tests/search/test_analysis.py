"""Text analysis: the same terms at index and at query time, in Chinese and English."""
import subprocess
import sys

import pytest

from app.search.analysis import index_terms, parse_query, stem
from app.search.engine import fts5_expression, tsquery_expression


@pytest.mark.parametrize(("word", "expected"), [
    ("tests", "test"), ("testing", "test"), ("batteries", "batteri"), ("battery", "batteri"),
    ("robotics", "robot"), ("semiconductors", "semiconductor"), ("JESD22".lower(), "jesd22"), ("61000", "61000"),
])
def test_latin_words_are_snowball_stems_and_codes_stay_whole(word, expected):
    assert stem(word) == expected


def test_chinese_is_segmented_and_cut_into_pairs():
    terms = index_terms("电磁兼容检测实验室")
    assert {"电磁兼容", "检测", "实验室"} <= set(terms)  # jieba's words
    assert {"磁兼", "容检"} <= set(terms)  # character pairs, for a query segmented differently


def test_concepts_join_the_two_languages():
    assert "@ip" in index_terms("Patent search and FTO") and "@ip" in index_terms("专利检索")
    assert "@batteries" in index_terms("电池材料") and "@batteries" in index_terms("Battery cells")
    assert "@robotics" in index_terms("Ocean Robotics") and "@robotics" in index_terms("机器人")


def test_full_width_letters_are_read_as_ascii():
    assert "gpu" in index_terms("ＧＰＵ集群")


@pytest.mark.parametrize("q", ["", "   ", "%", "的", "the of"])
def test_a_query_without_words_asks_for_nothing(q):
    assert not parse_query(q)


def test_a_query_word_matches_itself_or_its_concept():
    units = parse_query("专利 tests").units
    assert [u.surface for u in units] == ["专利", "test"]
    assert fts5_expression(parse_query("专利")) == '(("@ip") OR ("专利"))'
    assert tsquery_expression(parse_query("tests")) == "(('@inspection_testing') | ('test':*))"


def test_a_long_chinese_word_also_matches_through_its_pairs():
    (unit,) = parse_query("等离子体").units
    assert [[t.text for t in alt] for alt in unit.alternatives] == [["等离子体"], ["等离", "离子", "子体"]]


def test_query_syntax_is_quoted_away():
    assert fts5_expression(parse_query('gpu" OR *')) == '(("@compute") OR ("gpu"*))'
    assert tsquery_expression(parse_query("lc-ms ' & !")) == "(('lc')) & (('ms'))"


def test_the_segmenter_loads_on_first_use_not_at_start():
    code = ("import sys; from app import create_app; create_app(); assert 'rjieba' not in sys.modules; "
            "from app.search.analysis import index_terms; index_terms('专利'); assert 'rjieba' in sys.modules")
    env = {"FUHUA_ENV": "development", "DATABASE_URL": "sqlite://", "PATH": ""}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_a_run_too_long_for_any_word_is_cut_into_pieces():
    """PostgreSQL refuses a tsvector word over 2,047 bytes: no indexed term may come near it."""
    from app.search.analysis import index_terms
    terms = index_terms("0" * 20_000 + " 专" * 3 + "利" * 5000)
    assert terms and max(len(term.encode()) for term in terms) <= 1000
