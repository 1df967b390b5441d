"""Organisation membership: invitations (email, token, expiry, revoke, roles), leaving, removal, transfer."""
from datetime import timedelta

import pytest

from app.accounts import organisations
from app.accounts.models import Invitation, MemberRole
from app.core.db import utcnow
from app.core.errors import Conflict, InvalidState, NotFound, PermissionDenied
from app.core.security import hash_secret
from app.notifications.models import Notification


@pytest.fixture
def request_ctx(app, db):
    with app.test_request_context():
        yield


@pytest.fixture
def mails(monkeypatch):
    """Emails sent through the notifications service (to, subject, text)."""
    sent = []

    def record(*, to, subject, text, **_kw):
        sent.append({"to": to, "subject": subject, "text": text})

    monkeypatch.setattr("app.notifications.services.send_email", record)
    return sent


@pytest.fixture
def startup(make_user):
    from app.startups import services
    owner = make_user("founder", name="Olga Owner", email="owner@example.test")
    return services.create_startup(founder=owner, name="Photon Eyes", sector="robotics", stage="seed",
                                   summary="LiDAR.", needs="", tags=[])


@pytest.fixture
def provider_org(make_user):
    from app.providers import services
    return services.create_provider(actor=make_user("provider"), name="GPU Hub", description="", city="Beijing")


def _kinds(user, db):
    return [n.kind for n in db.session.scalars(db.select(Notification).where(Notification.user_id == user.id))]


def _join(org, user, token=None):
    """Invite `user` by the owner and accept: the usual way in."""
    _inv, token = organisations.invite(actor=org.owner, organisation_id=org.id, email=user.email)
    return organisations.accept_invitation(user=user, token=token)


# Services ------------------------------------------------------------------------------------

@pytest.mark.usefixtures("request_ctx")
class TestInvitations:
    def test_invite_stores_only_the_token_hash_and_expires_in_seven_days(self, startup, db, mails):
        invitation, token = organisations.invite(actor=startup.owner, organisation_id=startup.id,
                                                 email=" New.Person@Example.test ")
        assert invitation.email == "new.person@example.test"
        assert invitation.token_hash == hash_secret(token) != token
        assert token not in {i.token_hash for i in db.session.scalars(db.select(Invitation))}
        assert timedelta(days=6, hours=23) < invitation.expires_at - utcnow() <= timedelta(days=7)

    def test_invitation_email_carries_the_link(self, startup, mails):
        _inv, token = organisations.invite(actor=startup.owner, organisation_id=startup.id, email="x@example.test")
        assert len(mails) == 1
        assert mails[0]["to"] == "x@example.test"
        assert "Olga Owner" in mails[0]["subject"] and "Photon Eyes" in mails[0]["subject"]
        assert f"http://localhost/invitations/{token}" in mails[0]["text"]

    def test_existing_account_is_also_notified_in_app(self, startup, make_user, db, mails):
        invitee = make_user("founder")
        _inv, token = organisations.invite(actor=startup.owner, organisation_id=startup.id, email=invitee.email)
        note = db.session.scalar(db.select(Notification).where(Notification.user_id == invitee.id))
        assert note.kind == "invitation_received"
        assert note.data == {"org": "Photon Eyes", "org_kind": "startup", "inviter": "Olga Owner"}
        assert note.url == f"/invitations/{token}"

    def test_reinviting_replaces_the_pending_invitation(self, startup, make_user, mails):
        invitee = make_user("founder")
        _old, old_token = organisations.invite(actor=startup.owner, organisation_id=startup.id, email=invitee.email)
        new, new_token = organisations.invite(actor=startup.owner, organisation_id=startup.id,
                                              email=invitee.email.upper())
        assert organisations.list_invitations(actor=startup.owner, organisation_id=startup.id) == [new]
        with pytest.raises(InvalidState) as caught:
            organisations.accept_invitation(user=invitee, token=old_token)
        assert caught.value.code == "invitation_revoked"
        assert organisations.accept_invitation(user=invitee, token=new_token).role == MemberRole.MEMBER

    def test_inviting_a_member_is_a_conflict(self, startup, mails):
        with pytest.raises(Conflict) as caught:
            organisations.invite(actor=startup.owner, organisation_id=startup.id, email=startup.owner.email)
        assert caught.value.code == "already_member"

    def test_inviting_an_account_of_the_wrong_role_is_refused(self, startup, make_user, mails):
        with pytest.raises(Conflict) as caught:
            organisations.invite(actor=startup.owner, organisation_id=startup.id,
                                 email=make_user("investor").email)
        assert caught.value.code == "wrong_role"
        assert "founders" in caught.value.message
        assert mails == []

    def test_only_the_owner_invites(self, startup, make_user, mails):
        member = make_user("founder")
        _join(startup, member)
        for actor in (member, make_user("founder")):
            with pytest.raises(PermissionDenied):
                organisations.invite(actor=actor, organisation_id=startup.id, email="x@example.test")

    def test_admin_may_invite(self, startup, make_user, mails):
        admin = make_user("investor", is_admin=True)
        invitation, _token = organisations.invite(actor=admin, organisation_id=startup.id, email="x@example.test")
        assert invitation.invited_by_id == admin.id

    def test_accept_adds_the_member_and_notifies_the_owner(self, startup, make_user, db, mails):
        invitee = make_user("founder", name="Nina New")
        membership = _join(startup, invitee)
        assert (membership.role, startup.member_role(invitee)) == (MemberRole.MEMBER, MemberRole.MEMBER)
        note = db.session.scalar(db.select(Notification).where(Notification.user_id == startup.owner.id))
        assert note.kind == "invitation_accepted"
        assert note.data == {"name": "Nina New", "org": "Photon Eyes", "org_kind": "startup"}
        assert note.url == f"/startups/{startup.id}"
        assert organisations.list_invitations(actor=startup.owner, organisation_id=startup.id) == []

    def test_accept_needs_the_invited_email(self, startup, make_user, mails):
        _inv, token = organisations.invite(actor=startup.owner, organisation_id=startup.id, email="bob@example.test")
        other = make_user("founder", email="eve@example.test")
        with pytest.raises(PermissionDenied) as caught:
            organisations.accept_invitation(user=other, token=token)
        assert caught.value.code == "wrong_email"
        assert "b***@example.test" in caught.value.message and "eve@example.test" in caught.value.message
        assert startup.member_role(other) is None

    def test_expired_invitation_cannot_be_accepted(self, startup, make_user, db, mails):
        invitee = make_user("founder")
        invitation, token = organisations.invite(actor=startup.owner, organisation_id=startup.id,
                                                 email=invitee.email)
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        with pytest.raises(InvalidState) as caught:
            organisations.accept_invitation(user=invitee, token=token)
        assert caught.value.code == "invitation_expired"
        assert organisations.invitation_status(invitation) == "expired"

    def test_revoked_invitation_cannot_be_accepted(self, startup, make_user, mails):
        invitee = make_user("founder")
        invitation, token = organisations.invite(actor=startup.owner, organisation_id=startup.id,
                                                 email=invitee.email)
        organisations.revoke_invitation(actor=startup.owner, invitation_id=invitation.id)
        with pytest.raises(InvalidState) as caught:
            organisations.accept_invitation(user=invitee, token=token)
        assert caught.value.code == "invitation_revoked"

    def test_only_the_owner_revokes(self, startup, make_user, mails):
        invitation, _token = organisations.invite(actor=startup.owner, organisation_id=startup.id,
                                                  email="x@example.test")
        with pytest.raises(PermissionDenied):
            organisations.revoke_invitation(actor=make_user("founder"), invitation_id=invitation.id)

    def test_used_invitation_cannot_be_used_again(self, startup, make_user, mails):
        invitee = make_user("founder")
        _inv, token = organisations.invite(actor=startup.owner, organisation_id=startup.id, email=invitee.email)
        organisations.accept_invitation(user=invitee, token=token)
        with pytest.raises(InvalidState) as caught:
            organisations.accept_invitation(user=invitee, token=token)
        assert caught.value.code == "invitation_used"

    def test_unknown_token_is_not_found(self, make_user):
        with pytest.raises(NotFound) as caught:
            organisations.accept_invitation(user=make_user("founder"), token="no-such-token")
        assert caught.value.code == "invitation_not_found"

    def test_startup_only_takes_founders(self, startup, make_user, mails):
        # The account is made after the invitation, with another role.
        _inv, token = organisations.invite(actor=startup.owner, organisation_id=startup.id, email="m@example.test")
        mentor = make_user("mentor", email="m@example.test")
        with pytest.raises(Conflict) as caught:
            organisations.accept_invitation(user=mentor, token=token)
        assert caught.value.code == "wrong_role"
        assert "Only founders can join a startup" in caught.value.message

    def test_provider_organisation_only_takes_providers(self, provider_org, make_user, mails):
        _inv, token = organisations.invite(actor=provider_org.owner, organisation_id=provider_org.id,
                                           email="f@example.test")
        founder = make_user("founder", email="f@example.test")
        with pytest.raises(Conflict) as caught:
            organisations.accept_invitation(user=founder, token=token)
        assert caught.value.code == "wrong_role"
        provider_user = make_user("provider")
        assert _join(provider_org, provider_user).role == MemberRole.MEMBER


@pytest.mark.usefixtures("request_ctx")
class TestMembership:
    def test_member_leaves(self, startup, make_user, mails):
        member = make_user("founder")
        _join(startup, member)
        organisations.leave(user=member, organisation_id=startup.id)
        assert startup.member_role(member) is None
        assert organisations.organisations_for(member, "startup") == []

    def test_last_owner_cannot_leave(self, startup):
        with pytest.raises(Conflict) as caught:
            organisations.leave(user=startup.owner, organisation_id=startup.id)
        assert caught.value.code == "last_owner"
        assert "Transfer ownership" in caught.value.message

    def test_non_member_cannot_leave(self, startup, make_user):
        with pytest.raises(Conflict) as caught:
            organisations.leave(user=make_user("founder"), organisation_id=startup.id)
        assert caught.value.code == "not_member"

    def test_owner_removes_a_member_who_is_notified(self, startup, make_user, db, mails):
        member = make_user("founder")
        _join(startup, member)
        organisations.remove_member(actor=startup.owner, organisation_id=startup.id, user_id=member.id)
        assert startup.member_role(member) is None
        note = db.session.scalar(db.select(Notification).where(Notification.user_id == member.id,
                                                               Notification.kind == "member_removed"))
        assert note.data == {"org": "Photon Eyes", "org_kind": "startup"}

    def test_member_cannot_remove_others(self, startup, make_user, mails):
        first, second = make_user("founder"), make_user("founder")
        _join(startup, first)
        _join(startup, second)
        with pytest.raises(PermissionDenied):
            organisations.remove_member(actor=first, organisation_id=startup.id, user_id=second.id)

    def test_owner_cannot_be_removed(self, startup, make_user):
        admin = make_user("investor", is_admin=True)
        with pytest.raises(Conflict) as caught:
            organisations.remove_member(actor=admin, organisation_id=startup.id, user_id=startup.owner.id)
        assert caught.value.code == "cannot_remove_owner"

    def test_removing_a_stranger_is_not_found(self, startup, make_user):
        with pytest.raises(NotFound):
            organisations.remove_member(actor=startup.owner, organisation_id=startup.id,
                                        user_id=make_user("founder").id)

    def test_transfer_then_the_old_owner_may_leave(self, startup, make_user, mails):
        old_owner, member = startup.owner, make_user("founder")
        _join(startup, member)
        organisations.transfer_ownership(actor=old_owner, organisation_id=startup.id, user_id=member.id)
        assert startup.owner == member
        assert startup.member_role(old_owner) == MemberRole.MEMBER
        organisations.leave(user=old_owner, organisation_id=startup.id)
        assert [m.user for m in startup.memberships] == [member]

    def test_only_the_owner_transfers(self, startup, make_user, mails):
        member = make_user("founder")
        _join(startup, member)
        with pytest.raises(PermissionDenied):
            organisations.transfer_ownership(actor=member, organisation_id=startup.id, user_id=member.id)

    def test_transfer_to_a_stranger_is_not_found(self, startup, make_user):
        with pytest.raises(NotFound):
            organisations.transfer_ownership(actor=startup.owner, organisation_id=startup.id,
                                             user_id=make_user("founder").id)

    def test_members_are_listed_owner_first(self, startup, make_user, mails):
        member = make_user("founder")
        _join(startup, member)
        organisations.transfer_ownership(actor=startup.owner, organisation_id=startup.id, user_id=member.id)
        assert [m.user_id for m in organisations.list_members(organisation_id=startup.id)][0] == member.id


# API -----------------------------------------------------------------------------------------

def test_invitation_flow_through_the_api(login, make_user, mails):
    owner_api = login(make_user("founder", name="Olga Owner"))
    startup = owner_api.post("/api/startups", json={"name": "Photon Eyes", "sector": "robotics", "stage": "seed",
                                                    "summary": "LiDAR."}).get_json()
    created = owner_api.post(f"/api/organisations/{startup['id']}/invitations", json={"email": "Nina@Example.test"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["email"] == "nina@example.test" and body["status"] == "pending"
    assert body["url"].startswith("http://localhost/invitations/")
    listed = owner_api.get(f"/api/organisations/{startup['id']}/invitations").get_json()
    assert [i["id"] for i in listed] == [body["id"]] and "url" not in listed[0]
    assert listed[0]["invited_by"] == "Olga Owner"

    nina = make_user("founder", email="nina@example.test", name="Nina New")
    token = body["url"].rsplit("/", 1)[1]
    accepted = login(nina).post("/api/invitations/accept", json={"token": token})
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json() == {"id": startup["id"], "kind": "startup", "name": "Photon Eyes", "role": "member"}
    members = owner_api.get(f"/api/organisations/{startup['id']}/members").get_json()
    assert [(m["name"], m["role"]) for m in members] == [("Olga Owner", "owner"), ("Nina New", "member")]
    assert login(nina).get("/api/me").get_json()["organisations"][0]["id"] == startup["id"]


def test_api_accept_with_another_email_is_403(login, make_user, make_startup_api, mails):
    owner_api, startup_id = make_startup_api()
    url = owner_api.post(f"/api/organisations/{startup_id}/invitations", json={"email": "a@example.test"}) \
        .get_json()["url"]
    response = login(make_user("founder")).post("/api/invitations/accept", json={"token": url.rsplit("/", 1)[1]})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "wrong_email"


def test_api_revoke_then_accept_is_409(login, make_user, make_startup_api, mails):
    owner_api, startup_id = make_startup_api()
    invitee = make_user("founder")
    created = owner_api.post(f"/api/organisations/{startup_id}/invitations", json={"email": invitee.email}).get_json()
    assert owner_api.delete(f"/api/invitations/{created['id']}").status_code == 204
    assert owner_api.delete(f"/api/invitations/{created['id']}").status_code == 409
    response = login(invitee).post("/api/invitations/accept", json={"token": created["url"].rsplit("/", 1)[1]})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "invitation_revoked"


def test_api_wrong_role_is_409(login, make_user, make_startup_api, mails):
    owner_api, startup_id = make_startup_api()
    investor = make_user("investor")
    response = owner_api.post(f"/api/organisations/{startup_id}/invitations", json={"email": investor.email})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "wrong_role"
    assert response.get_json()["error"]["message"]


def test_api_invitations_are_for_the_owner(login, make_user, make_startup_api, mails):
    _owner_api, startup_id = make_startup_api()
    outsider = login(make_user("founder"))
    assert outsider.post(f"/api/organisations/{startup_id}/invitations", json={"email": "x@example.test"}) \
        .status_code == 403
    assert outsider.get(f"/api/organisations/{startup_id}/invitations").status_code == 403


def test_api_unknown_token_is_404(login, make_user):
    response = login(make_user("founder")).post("/api/invitations/accept", json={"token": "nope"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "invitation_not_found"


def test_api_accept_needs_sign_in(client):
    assert client.post("/api/invitations/accept", json={"token": "x"}).status_code == 401


@pytest.mark.parametrize(("path", "body"), [
    ("/invitations", {"email": "not-an-email"}),
    ("/invitations", {}),
    ("/transfer", {"user_id": "abc"}),
    ("/transfer", {}),
])
def test_api_bad_bodies_are_422(make_startup_api, path, body):
    owner_api, startup_id = make_startup_api()
    assert owner_api.post(f"/api/organisations/{startup_id}{path}", json=body).status_code == 422


def test_api_missing_organisation_is_404(client, login, make_user):
    assert client.get("/api/organisations/424242/members").status_code == 404
    api = login(make_user("founder"))
    assert api.post("/api/organisations/424242/invitations", json={"email": "x@example.test"}).status_code == 404
    assert api.delete("/api/invitations/424242").status_code == 404


def test_api_leave_remove_transfer(login, make_user, make_startup_api, mails):
    owner_api, startup_id = make_startup_api()
    first, second = make_user("founder"), make_user("founder")
    for user in (first, second):
        url = owner_api.post(f"/api/organisations/{startup_id}/invitations", json={"email": user.email}) \
            .get_json()["url"]
        assert login(user).post("/api/invitations/accept", json={"token": url.rsplit("/", 1)[1]}).status_code == 200

    assert owner_api.post(f"/api/organisations/{startup_id}/leave").status_code == 409
    assert login(first).delete(f"/api/organisations/{startup_id}/members/{second.id}").status_code == 403
    assert owner_api.delete(f"/api/organisations/{startup_id}/members/{second.id}").status_code == 204
    assert owner_api.delete(f"/api/organisations/{startup_id}/members/{second.id}").status_code == 404

    transferred = owner_api.post(f"/api/organisations/{startup_id}/transfer", json={"user_id": first.id})
    assert transferred.status_code == 200
    assert transferred.get_json()[0]["id"] == first.id and transferred.get_json()[0]["role"] == "owner"
    assert owner_api.post(f"/api/organisations/{startup_id}/leave").status_code == 204
    assert owner_api.patch(f"/api/startups/{startup_id}", json={"name": "Gone"}).status_code == 403
    assert login(first).post(f"/api/organisations/{startup_id}/leave").get_json()["error"]["code"] == "last_owner"


# Pages ---------------------------------------------------------------------------------------

def _token_for(owner_api, startup_id, email):
    return owner_api.post(f"/api/organisations/{startup_id}/invitations", json={"email": email}) \
        .get_json()["url"].rsplit("/", 1)[1]


def test_invitation_page_signed_out_asks_to_sign_in(client, make_startup_api, mails):
    owner_api, startup_id = make_startup_api()
    token = _token_for(owner_api, startup_id, "nina@example.test")
    response = client.get(f"/invitations/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Photon Eyes" in html and "nina@example.test" in html
    assert f"/login?next=/invitations/{token}" in html
    assert f"/register?next=/invitations/{token}&amp;role=founder" in html


def test_invitation_page_accept_button(login, make_user, make_startup_api, mails):
    owner_api, startup_id = make_startup_api()
    nina = make_user("founder", email="nina@example.test")
    token = _token_for(owner_api, startup_id, nina.email)
    api = login(nina)
    page = api.get(f"/invitations/{token}")
    assert page.status_code == 200 and "Accept and join Photon Eyes" in page.get_data(as_text=True)
    response = api.client.post(f"/invitations/{token}", data={"csrf_token": api.csrf_token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/startups/{startup_id}")
    assert api.get("/api/me").get_json()["organisations"][0]["role"] == "member"


def test_invitation_page_explains_a_wrong_email(login, make_user, make_startup_api, mails):
    owner_api, startup_id = make_startup_api()
    token = _token_for(owner_api, startup_id, "nina@example.test")
    html = login(make_user("founder")).get(f"/invitations/{token}").get_data(as_text=True)
    assert "but you are signed in as" in html and "Accept and join" not in html


def test_invitation_page_explains_an_expired_link(client, make_startup_api, db, mails):
    owner_api, startup_id = make_startup_api()
    token = _token_for(owner_api, startup_id, "nina@example.test")
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.token_hash == hash_secret(token)))
    invitation.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert "This invitation has expired" in client.get(f"/invitations/{token}").get_data(as_text=True)


def test_invitation_page_unknown_token_is_404(client):
    assert client.get("/invitations/not-a-real-token").status_code == 404


def test_accepting_signed_out_goes_to_sign_in(client, make_startup_api, mails):
    owner_api, startup_id = make_startup_api()
    token = _token_for(owner_api, startup_id, "nina@example.test")
    csrf = client.get("/api/auth/csrf").get_json()["csrf_token"]
    response = client.post(f"/invitations/{token}", data={"csrf_token": csrf})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_members_page_invite_shows_link_once(login, make_startup_api, db, mails):
    owner_api, startup_id = make_startup_api()
    response = owner_api.client.post(f"/startups/{startup_id}/members",
                                     data={"email": "nina@example.test", "csrf_token": owner_api.csrf_token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "http://localhost/invitations/" in html
    assert "nina@example.test" in html
    again = owner_api.get(f"/startups/{startup_id}/members").get_data(as_text=True)
    assert "nina@example.test" in again and "http://localhost/invitations/" not in again


def test_members_page_invite_error_keeps_the_typed_email(login, make_user, make_startup_api, mails):
    owner_api, startup_id = make_startup_api()
    bad = owner_api.client.post(f"/startups/{startup_id}/members",
                                data={"email": "not an email", "csrf_token": owner_api.csrf_token})
    assert bad.status_code == 422
    assert 'value="not an email"' in bad.get_data(as_text=True)
    investor = make_user("investor")
    wrong = owner_api.client.post(f"/startups/{startup_id}/members",
                                  data={"email": investor.email, "csrf_token": owner_api.csrf_token})
    assert wrong.status_code == 409
    html = wrong.get_data(as_text=True)
    assert f'value="{investor.email}"' in html and "Only founders can join a startup" in html


def test_member_cannot_invite_through_the_page(login, make_user, make_startup_api, mails):
    owner_api, startup_id = make_startup_api()
    member = make_user("founder")
    login(member).post("/api/invitations/accept", json={"token": _token_for(owner_api, startup_id, member.email)})
    api = login(member)
    response = api.client.post(f"/startups/{startup_id}/members", data={"email": "x@example.test",
                                                                         "csrf_token": api.csrf_token})
    assert response.status_code == 403


def test_member_moves_through_the_pages(login, make_user, make_startup_api, mails):
    owner_api, startup_id = make_startup_api()
    first, second = make_user("founder"), make_user("founder")
    for user in (first, second):
        login(user).post("/api/invitations/accept", json={"token": _token_for(owner_api, startup_id, user.email)})
    pending = owner_api.post(f"/api/organisations/{startup_id}/invitations", json={"email": "p@example.test"}) \
        .get_json()

    def post(api, path):
        return api.client.post(path, data={"csrf_token": api.csrf_token})

    base = f"/organisations/{startup_id}"
    revoked = post(owner_api, f"{base}/invitations/{pending['id']}/revoke")
    assert revoked.status_code == 302 and revoked.headers["Location"].endswith(f"/startups/{startup_id}/members")
    assert owner_api.get(f"/api/organisations/{startup_id}/invitations").get_json() == []
    post(owner_api, f"{base}/members/{second.id}/remove")
    post(owner_api, f"{base}/members/{first.id}/transfer")
    members = owner_api.get(f"/api/organisations/{startup_id}/members").get_json()
    assert [(m["id"], m["role"]) for m in members][0] == (first.id, "owner")
    assert second.id not in [m["id"] for m in members]
    left = post(owner_api, f"{base}/leave")
    assert left.status_code == 302 and left.headers["Location"].endswith("/startups/mine")
    refused = post(login(first), f"{base}/leave")  # first is now the only owner
    assert refused.headers["Location"].endswith(f"/startups/{startup_id}/members")
    assert login(first).get("/api/me").get_json()["organisations"][0]["role"] == "owner"


def test_last_owner_leaving_through_the_page_is_explained(login, make_startup_api):
    owner_api, startup_id = make_startup_api()
    response = owner_api.client.post(f"/organisations/{startup_id}/leave", data={"csrf_token": owner_api.csrf_token},
                                     follow_redirects=True)
    assert response.status_code == 200
    assert "Transfer ownership to another member before you leave" in response.get_data(as_text=True)


def test_page_actions_need_csrf(login, make_startup_api):
    owner_api, startup_id = make_startup_api()
    assert owner_api.client.post(f"/organisations/{startup_id}/leave").status_code == 400


@pytest.fixture
def make_startup_api(login, make_user):
    """make_startup_api() -> (owner's ApiClient, startup id) for a startup "Photon Eyes" made through the API."""

    def factory():
        api = login(make_user("founder", name="Olga Owner"))
        startup = api.post("/api/startups", json={"name": "Photon Eyes", "sector": "robotics", "stage": "seed",
                                                  "summary": "LiDAR."}).get_json()
        return api, startup["id"]

    return factory
