"""Provider organisations: services, API and pages."""
import pytest

from app.accounts.models import MemberRole, Membership
from app.core.errors import Invalid, NotFound, PermissionDenied
from app.providers import services

FIELDS = {"id", "name", "description", "city", "website", "logo_url", "is_verified", "created_at", "members"}


def post_form(api, path, data):
    return api.client.post(path, data={**data, "csrf_token": api.csrf_token})


# Services ------------------------------------------------------------------------------------

@pytest.mark.usefixtures("request_ctx")
class TestServices:
    def test_creator_becomes_owner(self, make_user):
        owner = make_user("provider")
        provider = services.create_provider(actor=owner, name=" GPU Hub ", description="A100s", city="Beijing")
        assert provider.name == "GPU Hub"
        assert provider.member_role(owner) == MemberRole.OWNER
        assert services.providers_for(owner) == [provider]

    @pytest.mark.parametrize("role", ["founder", "mentor", "investor"])
    def test_only_providers_create(self, make_user, role):
        with pytest.raises(PermissionDenied) as caught:
            services.create_provider(actor=make_user(role), name="X", description="", city=None)
        assert caught.value.code == "providers_only"

    def test_admin_may_create(self, make_user):
        assert services.create_provider(actor=make_user("investor", is_admin=True), name="Ops", description="",
                                        city=None).name == "Ops"

    def test_member_updates_non_member_cannot(self, make_provider, make_user, db):
        provider = make_provider()
        member = make_user("provider")
        db.session.add(Membership(organisation_id=provider.id, user_id=member.id, role=MemberRole.MEMBER))
        db.session.commit()
        assert services.update_provider(actor=member, provider_id=provider.id, city="").city is None
        with pytest.raises(PermissionDenied):
            services.update_provider(actor=make_user("provider"), provider_id=provider.id, name="Mine")

    def test_update_refuses_other_fields(self, make_provider):
        provider = make_provider()
        with pytest.raises(Invalid):
            services.update_provider(actor=provider.owner, provider_id=provider.id, sector="ai")

    def test_startup_id_is_not_a_provider(self, make_user):
        from app.startups import services as startup_services
        startup = startup_services.create_startup(founder=make_user("founder"), name="S", sector="ai",
                                                  stage="idea", summary="S", needs="", tags=[])
        with pytest.raises(NotFound):
            services.get_provider(startup.id)

    def test_list_searches_and_filters_by_city(self, make_provider):
        make_provider(name="上海算力中心", description="GPU 算力租赁", city="上海")
        make_provider(name="Beijing Test Lab", description="EMC testing, 100% accredited", city="Beijing")
        assert [p.name for p in services.list_providers(q="算力").items] == ["上海算力中心"]
        assert [p.name for p in services.list_providers(q="emc").items] == ["Beijing Test Lab"]
        assert [p.name for p in services.list_providers(city="beijing").items] == ["Beijing Test Lab"]
        assert services.list_providers(q="%").total == 1
        assert services.list_providers(per_page=1).total == 2


# API -----------------------------------------------------------------------------------------

def test_api_create_provider(login, make_user):
    user = make_user("provider")
    response = login(user).post("/api/providers", json={"name": "GPU Hub", "description": "A100s by the hour",
                                                       "city": "Beijing"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == FIELDS
    assert body["members"][0]["id"] == user.id and body["members"][0]["role"] == "owner"


def test_api_founder_cannot_create_provider(login, make_user):
    response = login(make_user("founder")).post("/api/providers", json={"name": "X", "description": "", "city": "Y"})
    assert response.status_code == 403


@pytest.mark.parametrize(("body", "field"), [
    ({"name": ""}, "name"),
    ({"name": "X", "website": "javascript:alert(1)"}, "website"),
    ({"name": "X", "city": "c" * 101}, "city"),
    ({"description": "no name"}, "name"),
])
def test_api_create_validation(login, make_user, body, field):
    response = login(make_user("provider")).post("/api/providers", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["details"]


def test_api_get_and_list_are_public(client, make_provider):
    provider = make_provider(name="Lab One", city="Shenzhen")
    make_provider(name="Lab Two", city="Beijing")
    assert client.get(f"/api/providers/{provider.id}").get_json()["name"] == "Lab One"
    body = client.get("/api/providers?city=Shenzhen").get_json()
    assert (body["total"], body["items"][0]["name"]) == (1, "Lab One")
    assert client.get("/api/providers?per_page=1&page=2").get_json()["total"] == 2


def test_api_missing_provider_is_404(client):
    assert client.get("/api/providers/424242").status_code == 404


@pytest.mark.parametrize("query", ["page=0", "per_page=500", "page=x", "city=" + "c" * 101])
def test_api_bad_list_args_are_422(client, query):
    assert client.get(f"/api/providers?{query}").status_code == 422


def test_api_patch_by_owner_and_outsider(login, make_provider, make_user):
    provider = make_provider()
    response = login(provider.owner).patch(f"/api/providers/{provider.id}", json={"description": "Now with H100s"})
    assert response.status_code == 200 and response.get_json()["description"] == "Now with H100s"
    outsider = login(make_user("provider")).patch(f"/api/providers/{provider.id}", json={"name": "Taken"})
    assert outsider.status_code == 403


# Pages ---------------------------------------------------------------------------------------

def test_public_provider_page(client, make_provider, db):
    provider = make_provider(name="GPU Hub", description="A100 cluster", city="Beijing",
                             website="https://gpu.example.com")
    provider.is_verified = True
    db.session.commit()
    response = client.get(f"/providers/{provider.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "GPU Hub" in html and "A100 cluster" in html and "Beijing" in html and "Verified" in html
    assert 'rel="noopener nofollow"' in html
    assert provider.owner.name in html


def test_missing_provider_page_is_404(client):
    assert client.get("/providers/424242").status_code == 404


def test_my_organisations(login, make_provider, make_user):
    provider = make_provider(name="Mine Lab")
    assert "Mine Lab" in login(provider.owner).get("/providers/mine").get_data(as_text=True)
    friendly = login(make_user("founder")).get("/providers/mine")
    assert friendly.status_code == 200
    assert "run by service providers" in friendly.get_data(as_text=True)


def test_create_provider_with_the_form(login, make_user):
    api = login(make_user("provider"))
    assert api.get("/providers/new").status_code == 200
    response = post_form(api, "/providers/new", {"name": "Form Lab", "city": "Hangzhou", "description": "Tests",
                                                 "website": "", "logo_url": ""})
    assert response.status_code == 302
    assert "/providers/" in response.headers["Location"]


def test_provider_form_keeps_values_on_error(login, make_user):
    response = post_form(login(make_user("provider")), "/providers/new",
                         {"name": "", "city": "Hangzhou", "description": "Typed text", "website": "nope",
                          "logo_url": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Hangzhou"' in html and "Typed text" in html and 'value="nope"' in html
    assert 'id="name-error"' in html and 'id="website-error"' in html


def test_founder_cannot_open_provider_form(login, make_user):
    assert login(make_user("founder")).get("/providers/new").status_code == 403


def test_edit_and_members_pages(login, make_provider, make_user):
    provider = make_provider(name="Edit Lab")
    api = login(provider.owner)
    assert 'value="Edit Lab"' in api.get(f"/providers/{provider.id}/edit").get_data(as_text=True)
    response = post_form(api, f"/providers/{provider.id}/edit", {"name": "Edited Lab", "city": "", "description": "",
                                                                 "website": "", "logo_url": ""})
    assert response.status_code == 302
    assert api.get(f"/api/providers/{provider.id}").get_json()["name"] == "Edited Lab"
    members = api.get(f"/providers/{provider.id}/members")
    assert members.status_code == 200 and "Invite a member" in members.get_data(as_text=True)
    outsider = login(make_user("provider"))
    assert outsider.get(f"/providers/{provider.id}/edit").status_code == 403
    assert outsider.get(f"/providers/{provider.id}/members").status_code == 403
