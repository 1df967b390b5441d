"""The walk: each demo role signs in through the login form and visits the main pages, in English and in
Chinese, checked by axe-core (WCAG 2.x A/AA plus the experimental `label-content-name-mismatch`) and by
what the browser saw: no 4xx/5xx answer, no console error or uncaught exception, no failed request to the
site, a title, an `h1` and the page's `lang`.

axe-core is the npm package, pinned and vendored in tests/vendor/axe-core/ (see its README); it is injected
by the browser (an init script), so the site's Content-Security-Policy stays as strict as users get it.

Run it on its own: `.venv/bin/pytest tests/browser/test_walk.py -q -p no:cacheprovider`.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, Console, sign_in

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
ROLES = ("founder", "mentor", "provider", "investor", "admin")
LANGS = {"en": "en", "zh": "zh-CN"}
# The rules axe runs: every WCAG A/AA/2.1/2.2 rule, best practices, and the experimental Label in Name check.
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
PAGE_FACTS = """() => ({
  lang: document.documentElement.lang,
  title: document.title.trim(),
  h1: Array.from(document.querySelectorAll('h1')).map(h => h.textContent.trim()).filter(Boolean).length,
})"""


def _pages(page, role: str) -> list[str]:
    """The main pages this role reaches from the navigation, plus one roadshow, listing and mentor."""
    roadshow = page.request.get("/api/roadshows?when=upcoming").json()["items"][0]["id"]
    listing = page.request.get("/api/listings").json()["items"][0]["id"]
    paths = ["/", "/resources", f"/resources/{listing}", "/mentors", "/roadshows", f"/roadshows/{roadshow}",
             f"/roadshows/{roadshow}/live", "/settings", "/notifications", "/api/docs"]
    if role == "admin":
        paths.insert(-1, "/admin/")
    return paths


def _walk(page, site: str, role: str, paths: list[str], lang: str) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    seen: list[str] = []  # failed requests and 4xx/5xx answers of the site itself (sub-requests included)
    page.on("requestfailed", lambda r: seen.append(f"request failed: {r.url} {r.failure}")
            if r.url.startswith(site) and "ERR_ABORTED" not in (r.failure or "") else None)
    page.on("response", lambda r: seen.append(f"answered {r.status}: {r.url}")
            if r.url.startswith(site) and r.status >= 400 else None)
    for path in paths:
        page.console.clear()
        seen.clear()
        page.goto(path)
        page.wait_for_load_state("load")
        if path == "/api/docs":  # Swagger UI draws the operations after the spec has loaded
            page.wait_for_selector(".opblock-tag", state="attached")
        if path.endswith("/live"):  # the room fills its questions (with their vote buttons) once joined
            page.wait_for_selector("[data-questions] .rs-vote", state="attached")
        found = list(seen)
        facts = page.evaluate(PAGE_FACTS)
        if facts["lang"] != LANGS[lang]:
            found.append(f"lang is {facts['lang']!r}, not {LANGS[lang]!r}")
        if not facts["title"]:
            found.append("no title")
        if not facts["h1"]:
            found.append("no h1")
        for v in page.evaluate(RUN_AXE):
            found.append(f"axe {v['impact']} {v['id']}: {v['help']}\n      " + "\n      ".join(v["nodes"]))
        found += page.console.errors
        if found:
            problems[path] = found
        if lang == "zh" or path in ("/", "/api/docs"):
            name = re.sub(r"[^\w]+", "_", path).strip("_") or "home"
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"walk-{lang}-{role}-{name}.png"))
    return problems


@pytest.mark.parametrize("lang", list(LANGS))
@pytest.mark.parametrize("role", ROLES)
def test_walk_main_pages_as_each_demo_role(browser, site, role, lang):
    context = browser.new_context(base_url=site.url, locale="zh-CN" if lang == "zh" else "en-US",
                                  timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.console = Console(page)
    try:
        sign_in(page, f"{role}@demo.fuhua.dev", lang=lang)
        problems = _walk(page, site.url, role, _pages(page, role), lang)
    finally:
        context.close()
    assert not problems, f"{role} ({lang}) met problems:\n" + "\n".join(
        f"  {path}:\n    " + "\n    ".join(found) for path, found in problems.items())
