"""The main pages, for each kind of visitor, load without Content-Security-Policy violations, script
errors or failed requests (the CSP forbids inline scripts and styles, so a slip shows up here)."""
import re

import pytest

from tests.browser.conftest import sign_in

DEMO = {role: f"{role}@demo.fuhua.dev" for role in ("admin", "founder", "provider")}


def _owned(page, kind: str) -> int:
    """The id of an organisation of `kind` that the signed-in user belongs to."""
    me = page.request.get("/api/me").json()
    return next(org["id"] for org in me["organisations"] if org["kind"] == kind)


def _first_id(page, path: str) -> int:
    response = page.request.get(path)
    assert response.ok, f"{path}: {response.status}"
    return response.json()["items"][0]["id"]


def _pages(page, who: str) -> list[str]:
    if who == "anonymous":
        startup, provider = _first_id(page, "/api/startups"), _first_id(page, "/api/providers")
        return ["/", "/showcase", "/showcase?q=quantum&sector=quantum", f"/startups/{startup}",
                f"/providers/{provider}", "/login", "/register", "/api/docs"]
    sign_in(page, DEMO[who])
    if who == "founder":
        startup = _owned(page, "startup")
        return ["/", "/startups/mine", "/startups/new", f"/startups/{startup}", f"/startups/{startup}/edit",
                f"/startups/{startup}/members", "/notifications", "/settings", "/settings/tokens"]
    if who == "provider":
        provider = _owned(page, "provider")
        return ["/providers/mine", "/providers/new", f"/providers/{provider}", f"/providers/{provider}/edit",
                f"/providers/{provider}/members"]
    return ["/admin/", "/admin/users", "/admin/organisations", "/showcase"]


@pytest.mark.parametrize("who", ["anonymous", "founder", "provider", "admin"])
def test_main_pages_have_no_csp_violations_or_script_errors(page, shot, who):
    failed_requests = []
    # ERR_ABORTED is the browser cancelling a request because we navigated on (e.g. the favicon).
    page.on("requestfailed", lambda request: failed_requests.append(f"{request.url}: {request.failure}")
            if "ERR_ABORTED" not in (request.failure or "") else None)
    problems = {}
    for path in _pages(page, who):
        page.console.clear()
        failed_requests.clear()
        response = page.goto(path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # let page scripts (and the socket, when signed in) start
        assert response.status < 400, f"{path} answered {response.status}"
        shot(page, re.sub(r"[^\w]+", "_", path).strip("_") or "home")
        errors = page.console.errors + failed_requests
        if errors:
            problems[path] = list(errors)
    assert not problems, "problems in the browser console:\n" + "\n".join(
        f"{path}:\n  " + "\n  ".join(errors) for path, errors in problems.items())


def test_unknown_page_is_a_friendly_404(page, shot):
    response = page.goto("/no-such-page")
    assert response.status == 404
    assert page.locator("h1").count() == 1
    assert page.locator("a[href='/']").count() >= 1  # a way back home
    assert page.console.csp_violations() == []
    shot(page, "404")


def test_a_csp_violation_would_be_caught(page):
    """The console watch above really sees violations: an injected inline script is refused and reported."""
    page.goto("/")
    page.evaluate("document.body.appendChild(Object.assign(document.createElement('script'), "
                  "{textContent: 'window.injected = true'}))")
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected === undefined")
    assert page.console.csp_violations(), page.console.errors
