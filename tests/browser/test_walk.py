"""The walk: the signed-out visitor and each demo role (signed in through the login form) follow every internal
link they are shown, in English and in Chinese, from the home page, at most one page of each URL pattern (numeric
ids collapsed, query values dropped; two with `FUHUA_WALK=full`).

A page fails on: a 4xx/5xx answer (to the link or to anything it loads from the site), a failed request to the
site, a console error or uncaught exception, a serious or critical axe-core violation (WCAG 2.x A/AA, best
practices and the experimental `label-content-name-mismatch`; run once per pattern and language), no title, no
`h1`, the wrong `lang`, and on a Chinese page any English interface text (a msgid of the catalogue shown whole,
unless it is the demo data's own text).

axe-core is the npm package, pinned and vendored in tests/vendor/axe-core/ (see its README), evaluated by the
browser's tools so the site's Content-Security-Policy stays as strict as users get it.

Run it on its own: `.venv/bin/pytest tests/browser/test_walk.py -q -p no:cacheprovider` (`FUHUA_WALK=full` for
the long walk).
"""
from __future__ import annotations

import pytest

from tests.browser.walking import FULL, pattern_of, walk_pairs, walker

# Pages each person must reach by links alone: a walk that stops early does not pass for a clean one.
MUST_REACH = {
    "visitor": {"/showcase", "/roadshows", "/mentors", "/resources", "/login", "/register"},
    "founder": {"/startups/mine", "/requests?side", "/sessions", "/matches", "/settings", "/notifications",
                "/conversations"},
    "mentor": {"/mentoring/profile", "/mentoring/availability", "/mentoring/session-types", "/sessions"},
    "provider": {"/providers/mine", "/resources/mine", "/requests?side", "/settings/tokens"},
    "investor": {"/roadshows/<id>", "/conversations", "/settings/sessions"},
    "admin": {"/admin/", "/admin/users", "/admin/organisations", "/admin/statistics", "/admin/vouchers",
              "/mentoring/scorecard"},
}


@pytest.mark.parametrize(("person", "lang"), walk_pairs())
def test_walk_every_link(browser, site, walk_state, person, lang):
    with walker(browser, site, person, lang, walk_state) as walk:
        visited = walk.crawl("/")
    walk_state["form_pages"][person, lang] = walk.form_pages  # for tests/browser/test_walk_forms.py
    reached = {pattern_of(p) for p in visited}
    assert MUST_REACH[person] <= reached, f"{person} ({lang}) did not reach {MUST_REACH[person] - reached}"
    assert not walk.problems, walk.report()
    if FULL:
        print(f"{person} ({lang}): {len(visited)} pages")
