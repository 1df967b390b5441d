"""Startup pages: showcase gallery, public page, my startups, create/edit forms, members page."""
import pytest

FORM = {"name": "Photon Eyes", "sector": "robotics", "stage": "prototype", "summary": "Solid-state LiDAR.",
        "description": "", "needs": "Pilot sites", "highlights": "", "tags": "LiDAR，sensors, 激光雷达",
        "website": "https://photon.example.com", "logo_url": ""}


def post_form(api, path, data):
    return api.client.post(path, data={**data, "csrf_token": api.csrf_token})


def test_showcase_lists_startups_with_filters(client, make_startup, db):
    verified = make_startup(name="Photon Eyes", sector="robotics", stage="prototype", summary="LiDAR for robots.",
                            tags=["lidar"])
    verified.is_verified = True
    db.session.commit()
    make_startup(name="GeneFold", sector="biotech", stage="series_a", logo_url="http://localhost/static/g.png")
    make_startup(name="Elsewhere", logo_url="https://cdn.example.com/e.png")
    make_startup(name="Plainhttp", logo_url="http://cdn.example.com/p.png")
    page = client.get("/showcase")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Photon Eyes" in html and "GeneFold" in html
    assert "4 startups" in html
    assert "Robotics" in html and "Series A" in html      # translated labels, not raw enum values
    assert "#lidar" in html                               # tag chip
    assert 'src="http://localhost/static/g.png"' in html  # a logo the CSP allows
    assert 'src="https://cdn.example.com/e.png"' in html  # HTTPS logos are allowed
    assert "http://cdn.example.com/p.png" not in html     # plain http would be mixed content: initials
    assert ">PE<" in html and ">PL<" in html
    assert "Verified" in html


def test_showcase_search_and_filters(client, make_startup):
    make_startup(name="量子芯片科技", sector="semiconductors", tags=["芯片"])
    make_startup(name="GeneFold", sector="biotech")
    html = client.get("/showcase?q=芯片").get_data(as_text=True)
    assert "量子<mark>芯片</mark>科技" in html and "GeneFold" not in html
    assert "1 startup" in html
    html = client.get("/showcase?sector=biotech").get_data(as_text=True)
    assert "GeneFold" in html and "量子芯片科技" not in html
    assert 'aria-current="true"' in html
    html = client.get("/showcase?tag=芯片").get_data(as_text=True)
    assert "量子芯片科技" in html and "GeneFold" not in html


def test_showcase_ignores_bad_filter_values(client, make_startup):
    make_startup(name="Still Listed")
    response = client.get("/showcase?sector=crypto&page=abc&stage=")
    assert response.status_code == 200
    assert "Still Listed" in response.get_data(as_text=True)


def test_showcase_empty_state(client, make_startup):
    make_startup(name="Something")
    html = client.get("/showcase?q=nothing-matches-this").get_data(as_text=True)
    assert "No startups match your search." in html
    assert "0 startups" in html


def test_showcase_paginates(client, make_startup):
    for i in range(14):
        make_startup(name=f"Paged {i:02d}")
    first = client.get("/showcase?q=paged").get_data(as_text=True)
    assert "Page 1 of 2" in first and "14 in all" in first
    assert 'rel="next"' in first
    second = client.get("/showcase?q=paged&page=2").get_data(as_text=True)
    assert second.count('class="card org-card"') == 2


def test_public_startup_page(client, make_startup):
    startup = make_startup(name="GeneFold", sector="biotech", stage="series_a", summary="Protein design.",
                           needs="Wet-lab time", highlights="Top 10 at Hello Tomorrow", tags=["proteins"],
                           website="https://genefold.example.com", description="<script>alert(1)</script>")
    response = client.get(f"/startups/{startup.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("GeneFold", "Protein design.", "Wet-lab time", "Top 10 at Hello Tomorrow", "Biotech", "Series A",
                 "#proteins", startup.owner.name):
        assert text in html
    assert 'href="https://genefold.example.com" rel="noopener nofollow"' in html
    assert "<script>alert(1)</script>" not in html
    assert "Edit profile" not in html


def test_member_sees_edit_button(login, make_startup):
    startup = make_startup()
    html = login(startup.owner).get(f"/startups/{startup.id}").get_data(as_text=True)
    assert f'/startups/{startup.id}/edit' in html


def test_missing_startup_page_is_404(client):
    assert client.get("/startups/424242").status_code == 404


def test_my_startups_for_a_founder(login, make_startup):
    startup = make_startup(name="Mine Co")
    html = login(startup.owner).get("/startups/mine").get_data(as_text=True)
    assert "Mine Co" in html and "/startups/new" in html


def test_my_startups_is_friendly_to_non_founders(login, make_user):
    response = login(make_user("investor")).get("/startups/mine")
    assert response.status_code == 200
    assert "Startup profiles are run by founders" in response.get_data(as_text=True)


def test_my_startups_needs_sign_in(client):
    response = client.get("/startups/mine")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_create_startup_with_the_form(login, make_user):
    api = login(make_user("founder"))
    assert api.get("/startups/new").status_code == 200
    response = post_form(api, "/startups/new", FORM)
    assert response.status_code == 302, response.get_data(as_text=True)
    body = api.get(response.headers["Location"].replace("/startups/", "/api/startups/")).get_json()
    assert body["tags"] == ["lidar", "sensors", "激光雷达"]
    assert body["logo_url"] is None and body["highlights"] is None


def test_create_form_keeps_typed_values_on_error(login, make_user):
    api = login(make_user("founder"))
    response = post_form(api, "/startups/new", {**FORM, "sector": "", "website": "not-a-url"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Photon Eyes"' in html
    assert "Solid-state LiDAR." in html
    assert 'value="LiDAR，sensors, 激光雷达"' in html
    assert 'value="not-a-url"' in html
    assert 'id="sector-error"' in html and 'id="website-error"' in html


def test_create_form_shows_service_errors_inline(login, make_user):
    api = login(make_user("founder"))
    response = post_form(api, "/startups/new", {**FORM, "tags": ", ".join(f"t{i}" for i in range(21))})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="tags-error"' in html and "at most 20 tags" in html


def test_investor_cannot_open_the_create_form(login, make_user):
    assert login(make_user("investor")).get("/startups/new").status_code == 403


def test_edit_form_prefilled_for_members(login, make_startup):
    startup = make_startup(name="Edit Me", tags=["a", "b"])
    html = login(startup.owner).get(f"/startups/{startup.id}/edit").get_data(as_text=True)
    assert 'value="Edit Me"' in html and 'value="a, b"' in html


def test_edit_saves_and_redirects(login, make_startup):
    startup = make_startup()
    api = login(startup.owner)
    response = post_form(api, f"/startups/{startup.id}/edit", {**FORM, "name": "Renamed"})
    assert response.status_code == 302
    assert api.get(f"/api/startups/{startup.id}").get_json()["name"] == "Renamed"


def test_edit_keeps_typed_values_on_error(login, make_startup):
    startup = make_startup(name="Original")
    response = post_form(login(startup.owner), f"/startups/{startup.id}/edit",
                         {**FORM, "name": "Typed name", "summary": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Typed name"' in html and 'id="summary-error"' in html


def test_non_member_cannot_edit(login, make_user, make_startup):
    startup = make_startup()
    assert login(make_user("founder")).get(f"/startups/{startup.id}/edit").status_code == 403


@pytest.mark.parametrize("suffix", ["/edit", "/members"])
def test_missing_startup_subpages_are_404(login, make_user, suffix):
    assert login(make_user("founder")).get(f"/startups/424242{suffix}").status_code == 404


def test_members_page_for_owner_and_member(login, make_startup, make_user, db):
    from app.accounts.models import Membership
    startup = make_startup()
    member = make_user("founder", name="Second Founder")
    db.session.add(Membership(organisation_id=startup.id, user_id=member.id, role="member"))
    db.session.commit()
    owner_html = login(startup.owner).get(f"/startups/{startup.id}/members").get_data(as_text=True)
    assert "Invite a member" in owner_html and "Second Founder" in owner_html and "Make owner" in owner_html
    member_page = login(member).get(f"/startups/{startup.id}/members")
    assert member_page.status_code == 200
    member_html = member_page.get_data(as_text=True)
    assert "Invite a member" not in member_html and "Leave" in member_html


def test_members_page_is_for_members_only(login, make_user, make_startup):
    startup = make_startup()
    assert login(make_user("founder")).get(f"/startups/{startup.id}/members").status_code == 403
