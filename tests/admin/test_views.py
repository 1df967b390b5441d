"""Admin pages: access, rendering, filters, and the POST actions with their effect."""
import re

import pytest

from tests.conftest import PASSWORD

PAGES = ["/admin/", "/admin/users", "/admin/organisations"]


def csrf_from(response) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', response.get_data(as_text=True))
    assert match, "no csrf meta tag"
    return match.group(1)


@pytest.fixture
def admin_browser(login, admin):
    return login(admin).client


def post_action(browser, page_path, action_path, **form):
    token = csrf_from(browser.get(page_path))
    return browser.post(action_path, data={"csrf_token": token, **form})


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_for_admin(admin_browser, make_user, make_org, path):
    make_user("mentor")
    make_org("provider", owner=make_user("provider"))
    response = admin_browser.get(path)
    assert response.status_code == 200
    assert "text/html" in response.content_type


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_forbidden_for_founders(login, make_user, path):
    response = login(make_user("founder")).client.get(path)
    assert response.status_code == 403
    assert "text/html" in response.content_type
    assert "<h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_signed_out_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_overview_shows_counts_and_filtered_links(admin_browser, make_user):
    make_user("mentor")
    make_user("mentor")
    html = admin_browser.get("/admin/").get_data(as_text=True)
    assert "/admin/users?role=mentor&amp;verified=false" in html
    assert "/admin/organisations?kind=provider&amp;verified=false" in html
    assert re.search(r'stat-value">2</span><span class="stat-label">Mentors waiting', html)


def test_users_page_filters_and_paginates(admin_browser, make_user):
    for i in range(30):
        make_user("founder", name=f"Founder {i:02d}")
    make_user("mentor", name="Grace Hopper")
    html = admin_browser.get("/admin/users?role=mentor").get_data(as_text=True)
    assert "Grace Hopper" in html
    assert "Founder 01" not in html
    first = admin_browser.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "32 in all" in first
    assert 'rel="next"' in first
    second = admin_browser.get("/admin/users?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second


def test_users_page_ignores_bad_filters(admin_browser):
    response = admin_browser.get("/admin/users?role=superuser&page=abc")
    assert response.status_code == 200


def test_users_page_shows_last_sign_in_in_viewers_zone(login, make_user, db):
    from datetime import datetime, timezone
    admin = make_user(is_admin=True, timezone="Europe/London")
    user = make_user("mentor", name="Zoned User")
    user.last_login_at = datetime(2030, 1, 15, 23, 30, tzinfo=timezone.utc)
    db.session.commit()
    browser = login(admin).client
    html = browser.get("/admin/users?q=zoned").get_data(as_text=True)
    assert "1/15/30, 11:30\u202fPM" in html or "1/15/30, 11:30 PM" in html  # London is on UTC in January
    admin.timezone = "Asia/Shanghai"
    db.session.commit()
    html = browser.get("/admin/users?q=zoned").get_data(as_text=True)
    assert "1/16/30, 7:30\u202fAM" in html or "1/16/30, 7:30 AM" in html  # the next morning in Shanghai


def test_deactivate_via_page_locks_the_user_out(app, admin_browser, make_user, token_client):
    user = make_user("founder", name="Leaving Founder")
    bearer = token_client(user)
    response = post_action(admin_browser, "/admin/users?role=founder", f"/admin/users/{user.id}/deactivate",
                           next="/admin/users?role=founder")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/users?role=founder")
    assert user.is_active is False
    assert "Leaving Founder is deactivated" in admin_browser.get("/admin/users").get_data(as_text=True)
    fresh = app.test_client().post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert fresh.status_code == 401
    assert bearer.get("/api/me").status_code == 401


def test_deactivate_button_asks_for_confirmation(admin_browser, make_user):
    user = make_user("founder")
    html = admin_browser.get("/admin/users").get_data(as_text=True)
    form = re.search(rf'<form method="post" action="/admin/users/{user.id}/deactivate"[^>]*>', html).group(0)
    assert "data-confirm=" in form


def test_reactivate_via_page(admin_browser, make_user):
    user = make_user("founder", is_active_account=False)
    response = post_action(admin_browser, "/admin/users", f"/admin/users/{user.id}/reactivate")
    assert response.status_code == 302
    assert user.is_active is True


def test_action_without_csrf_token_is_refused(admin_browser, make_user):
    user = make_user("founder")
    response = admin_browser.post(f"/admin/users/{user.id}/deactivate")
    assert response.status_code == 400
    assert user.is_active is True


def test_deactivating_self_flashes_an_error(admin_browser, admin):
    response = post_action(admin_browser, "/admin/users", f"/admin/users/{admin.id}/deactivate")
    assert response.status_code == 302
    assert admin.is_active is True
    assert "You cannot deactivate your own account." in admin_browser.get("/admin/users").get_data(as_text=True)


def test_verify_mentor_via_page(admin_browser, make_user):
    mentor = make_user("mentor", name="Mentor Mo")
    html = admin_browser.get("/admin/users").get_data(as_text=True)
    assert f"/admin/users/{mentor.id}/verify" in html
    response = post_action(admin_browser, "/admin/users", f"/admin/users/{mentor.id}/verify",
                           next="/admin/users?role=mentor&status=active")
    assert response.headers["Location"].endswith("/admin/users?role=mentor&status=active")
    assert mentor.is_verified is True
    html = admin_browser.get("/admin/users").get_data(as_text=True)
    assert "Mentor Mo now carries the verified badge." in html
    assert f"/admin/users/{mentor.id}/unverify" in html


def test_verify_button_only_for_mentors(admin_browser, make_user):
    founder = make_user("founder")
    assert f"/admin/users/{founder.id}/verify" not in admin_browser.get("/admin/users").get_data(as_text=True)
    response = post_action(admin_browser, "/admin/users", f"/admin/users/{founder.id}/verify")
    assert response.status_code == 302
    assert founder.is_verified is False


def test_redirect_back_only_to_admin_pages(admin_browser, make_user):
    mentor = make_user("mentor")
    response = post_action(admin_browser, "/admin/users", f"/admin/users/{mentor.id}/verify",
                           next="https://evil.example/admin/users")
    assert response.headers["Location"].endswith("/admin/users")
    assert "evil" not in response.headers["Location"]


def test_founder_cannot_post_actions(login, make_user):
    mentor = make_user("mentor")
    browser = login(make_user("founder")).client
    token = csrf_from(browser.get("/"))
    response = browser.post(f"/admin/users/{mentor.id}/verify", data={"csrf_token": token})
    assert response.status_code == 403
    assert mentor.is_verified is False


def test_unknown_user_action_is_404(admin_browser):
    response = post_action(admin_browser, "/admin/users", "/admin/users/999999/deactivate")
    assert response.status_code == 404


def test_organisations_page_lists_and_filters(admin_browser, make_user, make_org):
    owner = make_user("provider", name="Olive Owner")
    lab = make_org("provider", owner=owner, name="Pilot Lab")
    make_org("startup", name="Photon Startup", is_verified=True)
    html = admin_browser.get("/admin/organisations?kind=provider&verified=false").get_data(as_text=True)
    assert "Pilot Lab" in html and "Olive Owner" in html
    assert "Photon Startup" not in html
    assert f'href="/providers/{lab.id}"' in html


def test_verify_organisation_via_page(db, admin_browser, make_user, make_org):
    from sqlalchemy import select

    from app.notifications.models import Notification
    owner = make_user("provider")
    org = make_org("provider", owner=owner, name="Compute Co")
    response = post_action(admin_browser, "/admin/organisations", f"/admin/organisations/{org.id}/verify",
                           next="/admin/organisations?kind=provider")
    assert response.headers["Location"].endswith("/admin/organisations?kind=provider")
    assert org.is_verified is True
    assert db.session.scalar(select(Notification.kind).where(Notification.user_id == owner.id)) == "org_verified"
    assert "Compute Co now carries the verified badge." in admin_browser.get(
        "/admin/organisations").get_data(as_text=True)
    post_action(admin_browser, "/admin/organisations", f"/admin/organisations/{org.id}/unverify")
    assert org.is_verified is False


def test_admin_link_in_navigation(admin_browser):
    assert 'href="/admin/"' in admin_browser.get("/").get_data(as_text=True)
