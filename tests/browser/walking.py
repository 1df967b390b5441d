"""Walking the served demo site as its people do: a browser context per person and language, signed in through
the login form, that follows the links it is shown, and the checks every page it reaches must pass.

Used by tests/browser/test_walk.py (every link) and tests/browser/test_forms_walk.py (every form). `FUHUA_WALK=full`
walks two pages of each URL pattern per person and language and runs axe-core on each pattern in each language
for each person; by default (CI) one page per pattern, and axe once per pattern and language.
"""
from __future__ import annotations

import html
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from babel.messages.pofile import read_po

from tests.browser.conftest import Console, sign_in
from tests.conftest import in_the_other_ci_run

ROOT = Path(__file__).resolve().parent.parent.parent
AXE_SOURCE = (ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js").read_text()
FULL = os.environ.get("FUHUA_WALK") == "full"
PER_PATTERN = 2 if FULL else 1
QUERY_VARIANTS = 99 if FULL else 1  # kinds of query (by their names) followed per path, e.g. /resources?city
HREF = re.compile(r'<a\s[^>]*?href="([^"]+)"(?![^>]*\bdownload\b)')
FIELD = re.compile(r'<(?:textarea|select)\b|<input\b(?![^>]*type="(?:hidden|submit|button|checkbox|radio|file)")')
TIMINGS = bool(os.environ.get("FUHUA_WALK_TIMINGS"))  # print the seconds each page took
MAX_PAGES = 400 if FULL else 120  # per person and language: a guard against a link that makes new links forever
PEOPLE = ("visitor", "founder", "mentor", "provider", "investor", "admin")
LANGS = {"en": "en", "zh": "zh-CN"}


def walk_pairs() -> list:
    """The (person, language) parameters of a walk test. In CI each run walks every person in one language,
    alternating (`tests.conftest.in_the_other_ci_run`), so the two runs together walk each in both and each
    database sees both languages."""
    return [pytest.param(person, lang, id=f"{person}-{lang}",
                         marks=in_the_other_ci_run(PEOPLE.index(person) + list(LANGS).index(lang)))
            for person in PEOPLE for lang in LANGS]


# Not followed: the API and its docs (a page of Swagger UI), files, feeds, downloads; sign-out and the language
# switch are POST forms and never links.
SKIP = re.compile(r"^/(api|static|calendar|healthz)(/|$)|[./](ics|png|pdf|csv|json|svg|txt)$|/deck/")

RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice',
                                    'experimental']},
    rules: {'label-content-name-mismatch': {enabled: true}},
    resultTypes: ['violations'],
  });
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 160)),
  }));
}"""

# Facts of the page, its links, and every interface text it carries: text nodes, and the names, hints and
# placeholders a screen reader speaks; text marked as in another language (the "English" switch) is left out.
EDITABLE = ("input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=checkbox]):not([type=radio])"
            ":not([type=file]):not([type=image]):not([type=reset]), textarea, select")
READ_PAGE = """() => {
  const EDITABLE = '__EDITABLE__';
  const lang = document.documentElement.lang;
  const other = el => { const marked = el.closest('[lang]'); return marked && marked.lang !== lang; };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.replace(/\\s+/g, ' ').trim();
    const el = node.parentElement;
    if (text && el && !el.closest('script, style, template, noscript') && !other(el)) texts.push(text);
  }
  document.querySelectorAll('[placeholder], [aria-label], [title], img[alt], input[type=submit], input[type=button]')
    .forEach(el => {
      if (other(el)) return;
      for (const name of ['placeholder', 'aria-label', 'title', 'alt']) {
        const value = (el.getAttribute(name) || '').trim();
        if (value) texts.push(value);
      }
      if (el.matches('input[type=submit], input[type=button]') && el.value.trim()) texts.push(el.value.trim());
    });
  const editable = el => el.name && el.matches(EDITABLE);
  const ids = {};
  document.querySelectorAll('[id]').forEach(el => { ids[el.id] = (ids[el.id] || 0) + 1; });
  return {
    duplicate_ids: Object.keys(ids).filter(id => ids[id] > 1),
    stray_labels: Array.from(document.querySelectorAll('label[for]')).map(l => l.htmlFor).filter(f => ids[f] !== 1),
    forms: Array.from(document.forms).filter(f => Array.from(f.elements).some(editable)).length,
    lang, title: document.title.trim(),
    h1: Array.from(document.querySelectorAll('h1')).filter(h => h.textContent.trim()).length,
    links: Array.from(document.querySelectorAll('a[href]')).filter(a => !a.hasAttribute('download')).map(a => a.href),
    texts,
  };
}""".replace("__EDITABLE__", EDITABLE)

# Interface msgids that are right on a Chinese page as they are: names, the other language's own name, symbols.
SAME_IN_CHINESE = {"English", "API", "API tokens", "CSV", "Markdown", "OpenAPI", "Swagger", "ICS", "iCalendar",
                   "Bearer", "URL", "HLS", "PDF", "GPU", "ID", "OK"}


LATIN = re.compile(r"[A-Za-z]{2,}")


def pattern_of(url: str) -> str:
    """The URL's kind: numeric ids collapsed, the query's names kept and its values dropped."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$|\.)", "/<id>", parts.path)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def internal(url: str, site: str) -> str | None:
    """The site-relative address of a link to be followed, or None (another site, a file, the API)."""
    if not url.startswith(site + "/"):
        return None
    parts = urlsplit(url)
    if SKIP.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


# English interface text on a Chinese page ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def interface_texts() -> tuple[frozenset[str], re.Pattern]:
    """The English catalogue: msgids shown whole (exact texts), and those with placeholders as one pattern."""
    path = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    exact, patterns = set(), []
    for message in catalog:
        if not message.id or not message.string:
            continue
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            text = " ".join(text.split())
            if not re.search(r"[A-Za-z]{2,}", text) or text in SAME_IN_CHINESE:
                continue
            if "%(" in text or "%d" in text or "%s" in text:
                literal = re.sub(r"%(\(\w+\))?[sd]", "", text)
                if len(re.findall(r"[A-Za-z]{2,}", literal)) >= 2:  # "%(n)d min" alone says too little
                    patterns.append(re.sub(r"%(?:\\\(\w+\\\))?[sd]", ".+?", re.escape(text)))
            else:
                exact.add(text)
    return frozenset(exact), re.compile("^(?:" + "|".join(patterns) + ")$")


def english_interface(texts: list[str], content: frozenset[str]) -> list[str]:
    """The texts of a Chinese page that are English interface strings (and not the people's own content)."""
    exact, pattern = interface_texts()
    found = []
    for text in dict.fromkeys(texts):
        if text in content or not LATIN.search(text):
            continue
        bare = text.strip(" ·:：,.()[]←→▲▼✓×")
        if bare in exact or pattern.match(text):
            found.append(text)
    return found


def content_of(database_url: str) -> frozenset[str]:
    """Every text of the served database (names, titles, tags…): English there is the people's, not ours."""
    import sqlalchemy as sa

    import app.models  # noqa: F401 (every table on the metadata)
    from app.extensions import db
    from config import database_url as normalised

    engine = sa.create_engine(normalised(database_url, ""))
    out: set[str] = set()
    try:
        with engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
                if columns:
                    for row in conn.execute(sa.select(*columns)):
                        for value in row:
                            out.update(_strings(value))
    finally:
        engine.dispose()
    return frozenset(" ".join(s.split()) for s in out if s.strip())


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)] if value else []


# The walk ---------------------------------------------------------------------------------------------------------

@dataclass
class Walker:
    """One person in one language, walking: `visit(path)` checks a page; `crawl()` follows every link."""

    page: object
    site: str
    person: str
    lang: str
    content: frozenset[str]
    axe_done: set
    walked: set  # (pattern, language) drawn in the browser by anyone so far
    problems: dict[str, list[str]] = field(default_factory=dict)
    visited: list[str] = field(default_factory=list)
    form_pages: list[str] = field(default_factory=list)  # pages holding a form with fields to fill
    _seen: list[str] = field(default_factory=list)

    def __post_init__(self):
        site = self.site
        self.page.on("requestfailed", lambda r: self._seen.append(f"request failed: {r.url} {r.failure}")
                     if r.url.startswith(site) and "ERR_ABORTED" not in (r.failure or "") else None)
        # what the page loads; the page's own answer is judged by whoever asked for it
        self.page.on("response", lambda r: self._seen.append(f"answered {r.status}: {r.url}")
                     if r.url.startswith(site) and r.status >= 400 and not r.request.is_navigation_request()
                     else None)

    def visit(self, path: str, *, axe: bool = True) -> dict:
        """Open `path` as a link would, check it, and return what it read (links, texts)."""
        from playwright.sync_api import Error as PlaywrightError
        started = time.perf_counter()
        self.page.console.clear()
        self._seen.clear()
        try:
            response = self.page.goto(path, wait_until="domcontentloaded")
        except PlaywrightError as error:
            if "Download is starting" in str(error):  # a file behind a link without the `download` hint
                return {"links": [], "forms": 0}
            raise
        found = [f"answered {response.status}"] if response is None or response.status >= 400 else []
        facts = self.read(path)
        found += self.check(facts, path, axe=axe)
        if found:
            self.problems[path] = found
        self.visited.append(path)
        if facts["forms"]:
            self.form_pages.append(path)
        if TIMINGS:
            print(f"{time.perf_counter() - started:6.2f}s {self.person} {self.lang} {path}")
        return facts

    def read(self, path: str) -> dict:
        if "/live" in path and self.page.locator("[data-conn]").count():
            # the room is drawn once joined; a viewer who may not join is told why in the same place
            self.page.wait_for_selector("[data-conn].is-live, [data-conn].is-error", state="attached")
        return self.page.evaluate(READ_PAGE)

    def check(self, facts: dict, path: str, *, axe: bool = True) -> list[str]:
        """What is wrong with the page on screen (read as `facts`), besides its own status."""
        found = list(self._seen)
        if facts["lang"] != LANGS[self.lang]:
            found.append(f"lang is {facts['lang']!r}, not {LANGS[self.lang]!r}")
        if not facts["title"]:
            found.append("no title")
        if not facts["h1"]:
            found.append("no h1")
        found += [f"id {name!r} used more than once" for name in facts["duplicate_ids"]]
        found += [f"a label for #{name}, which is not one element of the page" for name in facts["stray_labels"]]
        key = (pattern_of(path), self.lang, self.person) if FULL else (pattern_of(path), self.lang)
        if axe and key not in self.axe_done:
            self.axe_done.add(key)
            found += self.axe()
        if self.lang == "zh":
            found += [f"English interface text {t!r}" for t in english_interface(facts["texts"], self.content)]
        return found + self.page.console.errors

    def axe(self) -> list[str]:
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(AXE_SOURCE)  # evaluated by the browser's tools, so the site's CSP stays as strict
        return [f"axe {v['impact']} {v['id']}: {v['help']}\n      " + "\n      ".join(v["nodes"])
                for v in self.page.evaluate(RUN_AXE)]

    def crawl(self, start: str = "/", *, axe: bool = True) -> list[str]:
        """Breadth first from `start`: at most PER_PATTERN pages of each URL pattern, and QUERY_VARIANTS kinds of
        query on each path. Without FULL, a pattern another person already walked in this language is only
        fetched (its answer's status checked and its links followed), not drawn and checked in the browser."""
        queue, queued, per_pattern, variants = [start], {start}, {}, {}
        while queue and len(self.visited) < MAX_PAGES:
            path = queue.pop(0)
            pattern = pattern_of(path)
            if per_pattern.get(pattern, 0) >= PER_PATTERN:
                continue
            bare = pattern.split("?")[0]
            if "?" in pattern and pattern not in variants.setdefault(bare, set()):
                if len(variants[bare]) >= QUERY_VARIANTS:
                    continue
                variants[bare].add(pattern)
            per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
            if FULL or (pattern, self.lang) not in self.walked:
                self.walked.add((pattern, self.lang))
                links = self.visit(path, axe=axe)["links"]
            else:
                links = self.fetch(path)
            for url in links:
                link = internal(url.split("#")[0], self.site)
                if link and link not in queued and per_pattern.get(pattern_of(link), 0) < PER_PATTERN:
                    queued.add(link)
                    queue.append(link)
        return self.visited

    def fetch(self, path: str) -> list[str]:
        """GET `path` with this person's cookies, outside the browser: its status, and the links of its page."""
        started = time.perf_counter()
        response = self.page.request.get(path, headers={"Accept-Language": LANGS[self.lang]})
        self.visited.append(path)
        if response.status >= 400:
            self.problems[path] = [f"answered {response.status}"]
            return []
        if "text/html" not in response.headers.get("content-type", ""):
            return []
        text = response.text()
        if "<form" in text and FIELD.search(text):
            self.form_pages.append(path)
        links = [urljoin(response.url, href) for href in HREF.findall(text)]
        if TIMINGS:
            print(f"{time.perf_counter() - started:6.2f}s {self.person} {self.lang} {path} (fetched)")
        return [html.unescape(link) for link in links]

    def report(self) -> str:
        return f"{self.person} ({self.lang}) met problems:\n" + "\n".join(
            f"  {path}:\n    " + "\n    ".join(found) for path, found in self.problems.items())


@contextmanager
def walker(browser, site, person: str, lang: str, state: dict) -> Iterator[Walker]:
    """A fresh context for `person` (a demo role, or "visitor" signed out) in `lang`, signed in by the form."""
    context = browser.new_context(base_url=site.url, locale=LANGS[lang] if lang == "zh" else "en-US",
                                  timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.console = Console(page)
    try:
        if person != "visitor":
            sign_in(page, f"{person}@demo.fuhua.dev", lang=lang)
        yield Walker(page=page, site=site.url, person=person, lang=lang, content=state["content"],
                     axe_done=state["axe_done"], walked=state["walked"])
    finally:
        context.close()
