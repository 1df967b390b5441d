"""The Chinese interface, page by page: each demo role walks the site (every link it is shown, each kind of page
once or twice) over the demo data, and no page shows English interface text, a raw code, an English duration or
a time with seconds.

The demo data itself is bilingual, so English *content* is allowed; English *interface* text is recognised as an
interface string of the catalogue (its msgid) that is not part of the demo content.
"""
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db as _db
from app.extensions import limiter

ROLES = ("admin", "founder", "mentor", "provider", "investor")
ROOTS = ("/", "/resources", "/requests", "/mentors", "/sessions", "/roadshows", "/showcase", "/matches",
         "/notifications", "/conversations", "/settings", "/startups/mine", "/providers/mine", "/resources/mine",
         "/mentoring/profile", "/mentoring/session-types", "/mentoring/availability", "/admin/", "/admin/users",
         "/admin/organisations", "/admin/statistics", "/admin/vouchers", "/mentoring/scorecard")
SKIP = re.compile(r"^/(api|static|calendar|logout|language)|\.(ics|png|pdf|csv|json)$|/deck/")
PER_PATTERN = 2
MAX_PAGES = 90

# Codes that must never reach a reader: states, categories, pricing models, roles (snake_case or bare).
RAW_CODE = re.compile(r"\b(?:[a-z]+_[a-z_]+|per [A-Za-z-]+|\d+ min|\d+ h)\b")
SECONDS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")
# Single English words of the interface that have no business on a Chinese page.
INTERFACE_WORDS = re.compile(r"\b(?:Status|Quantity|Available|Pending|Confirmed|Cancelled|Declined|Completed|"
                             r"Submitted|Quoted|Accepted|Delivered|Expired|Upcoming|Live|Done|Draft|Published|"
                             r"Archived|minutes?|hours?|sessions?|seats? left|requests?|listings?|votes?|"
                             r"questions?|Edit|Save|Cancel|Delete|Search|Book|Sign out|Next|Previous)\b")


class _Visible(HTMLParser):
    """The text a reader sees (and the hints a screen reader speaks), and the page's links."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("placeholder", "title", "aria-label", "alt"):
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def _interface_phrases() -> list[str]:
    """English interface strings of two words or more, without placeholders, from the catalogue."""
    path = Path(__file__).resolve().parent.parent / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    phrases = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in ids:
            if text and "%" not in text and "{" not in text and re.search(r"[A-Za-z]{3,} [A-Za-z]{2,}", text) \
                    and len(text) >= 8:
                phrases.add(text)
    return sorted(phrases, key=len, reverse=True)


@pytest.fixture(scope="module")
def demo(app):
    """The demo incubator, seeded once for the module in a transaction that is rolled back at the end."""
    with app.app_context():
        engine = _db.engine
        conn = engine.connect()
        outer = conn.begin()
        _db.session.remove()
        _db.engines[None] = conn
        _db.session.configure(join_transaction_mode="create_savepoint")
        limiter.reset()
        try:
            result = app.test_cli_runner().invoke(args=["seed-demo"])
            assert result.exit_code == 0, result.output
            for user in _db.session.scalars(select(User).where(User.email.like("%@demo.fuhua.dev"))):
                user.locale = "zh"
            _db.session.commit()
            yield Content(_demo_content())
        finally:
            _db.session.remove()
            outer.rollback()
            conn.close()
            _db.engines[None] = engine


def _demo_content() -> list[str]:
    """Every text column of the demo data (names, titles, descriptions, tags…): English there is content."""
    from sqlalchemy import JSON, String, Text
    out = []
    for table in _db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        if not columns:
            continue
        for row in _db.session.execute(select(*columns)):
            for value in row:
                out.extend(_strings(value))
    return out


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)] if value else []


class Content:
    """The demo data's texts: a word on a page is content when a content text holding it is on the page too."""

    def __init__(self, values: list[str]):
        self.values = {v.strip() for v in values if v.strip()}
        self._holding: dict[str, list[str]] = {}

    def explains(self, word: str, text: str) -> bool:
        if word not in self._holding:
            self._holding[word] = [v for v in self.values if word in v]
        return any(v in text or text in v for v in self._holding[word])


def _problems(html: str, content: Content, phrases: list[str]) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    found = []
    for text in parser.texts:
        if text in content.values:
            continue
        for phrase in phrases:
            if phrase in text and not content.explains(phrase, text):
                found.append(f"English {phrase!r} in {text!r}")
                break
        for pattern in (RAW_CODE, SECONDS, INTERFACE_WORDS):
            for match in pattern.finditer(text):
                if not content.explains(match.group(0), text):
                    found.append(f"{match.group(0)!r} in {text!r}")
    return found


def _links(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    out = []
    for href in parser.links:
        parts = urlsplit(href)
        if parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


@pytest.mark.parametrize("role", ROLES)
def test_chinese_pages_show_no_english_interface(app, demo, role):
    client = app.test_client()
    response = client.post("/api/auth/login", json={"email": f"{role}@demo.fuhua.dev", "password": "demo-password"})
    assert response.status_code == 200, response.get_json()
    phrases = _interface_phrases()
    seen_patterns: dict[str, int] = {}
    queue, visited, problems = list(ROOTS), set(), {}
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        pattern = re.sub(r"\d+", "N", urlsplit(path).path)
        if path in visited or seen_patterns.get(pattern, 0) >= PER_PATTERN:
            continue
        visited.add(path)
        page = client.get(path, headers={"Accept-Language": "zh"})
        assert page.status_code < 500, path
        if page.status_code != 200 or not page.mimetype == "text/html":
            continue
        seen_patterns[pattern] = seen_patterns.get(pattern, 0) + 1
        html = page.get_data(as_text=True)
        assert '<html lang="zh-CN">' in html, path
        found = _problems(html, demo, phrases)
        if found:
            problems[path] = sorted(set(found))
        queue.extend(p for p in _links(html) if p not in visited)
    assert len(visited) >= 10
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())
