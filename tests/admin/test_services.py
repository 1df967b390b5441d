"""Admin services: permissions, verification rules, notifications, the dashboard counts."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.admin import services
from app.core.db import utcnow
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.core.pagination import paginate
from app.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("request_ctx")


def notifications_of(db, user, kind):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                         Notification.kind == kind)).all()


@pytest.mark.parametrize("call", [
    lambda actor, target: services.overview(actor=actor),
    lambda actor, target: services.list_users(actor=actor),
    lambda actor, target: services.list_organisations(actor=actor),
    lambda actor, target: services.deactivate_user(actor=actor, user_id=target.id),
    lambda actor, target: services.reactivate_user(actor=actor, user_id=target.id),
    lambda actor, target: services.verify_mentor(actor=actor, user_id=target.id),
    lambda actor, target: services.unverify_mentor(actor=actor, user_id=target.id),
])
def test_non_admins_are_refused(make_user, call):
    target = make_user("mentor")
    with pytest.raises(PermissionDenied):
        call(make_user("founder"), target)
    assert target.is_active and not target.is_verified


def test_non_admin_cannot_verify_organisation(make_user, make_org):
    org = make_org("provider")
    with pytest.raises(PermissionDenied):
        services.set_organisation_verified(actor=make_user("provider"), organisation_id=org.id, verified=True)
    assert org.is_verified is False


def test_non_admin_is_refused_before_unknown_id_is_revealed(make_user):
    with pytest.raises(PermissionDenied):
        services.deactivate_user(actor=make_user("founder"), user_id=999_999)


def test_verify_mentor_sets_badge_and_notifies_once(db, admin, make_user):
    mentor = make_user("mentor")
    services.verify_mentor(actor=admin, user_id=mentor.id)
    services.verify_mentor(actor=admin, user_id=mentor.id)
    assert mentor.is_verified is True
    notes = notifications_of(db, mentor, "account_verified")
    assert len(notes) == 1
    assert notes[0].url


def test_unverify_mentor_removes_badge_without_notification(db, admin, make_user):
    mentor = make_user("mentor", is_verified=True)
    services.unverify_mentor(actor=admin, user_id=mentor.id)
    assert mentor.is_verified is False
    assert notifications_of(db, mentor, "account_verified") == []


@pytest.mark.parametrize("role", ["founder", "provider", "investor"])
def test_only_mentors_carry_a_personal_badge(admin, make_user, role):
    user = make_user(role)
    with pytest.raises(Conflict) as info:
        services.verify_mentor(actor=admin, user_id=user.id)
    assert info.value.code == "not_a_mentor"
    assert user.is_verified is False


def test_unknown_user_is_not_found(admin):
    with pytest.raises(NotFound):
        services.verify_mentor(actor=admin, user_id=999_999)


def test_admin_cannot_deactivate_self(admin):
    with pytest.raises(Conflict) as info:
        services.deactivate_user(actor=admin, user_id=admin.id)
    assert info.value.code == "cannot_deactivate_self"
    assert admin.is_active


def test_deactivate_and_reactivate(admin, make_user):
    user = make_user()
    services.deactivate_user(actor=admin, user_id=user.id)
    assert user.is_active is False
    services.reactivate_user(actor=admin, user_id=user.id)
    assert user.is_active is True


@pytest.mark.parametrize("kind", ["startup", "provider"])
def test_verify_organisation_notifies_owner(db, admin, make_user, make_org, kind):
    owner = make_user("founder" if kind == "startup" else "provider")
    org = make_org(kind, owner=owner, name="Qubit Works")
    services.set_organisation_verified(actor=admin, organisation_id=org.id, verified=True)
    assert org.is_verified is True
    notes = notifications_of(db, owner, "org_verified")
    assert len(notes) == 1
    assert notes[0].data == {"org": "Qubit Works", "org_kind": kind}
    assert notes[0].url == f"/{kind}s/{org.id}"


def test_reverifying_organisation_does_not_notify_again(db, admin, make_user, make_org):
    owner = make_user("provider")
    org = make_org("provider", owner=owner, is_verified=True)
    services.set_organisation_verified(actor=admin, organisation_id=org.id, verified=True)
    assert notifications_of(db, owner, "org_verified") == []


def test_unverify_organisation(db, admin, make_user, make_org):
    owner = make_user("provider")
    org = make_org("provider", owner=owner, is_verified=True)
    services.set_organisation_verified(actor=admin, organisation_id=org.id, verified=False)
    assert org.is_verified is False
    assert notifications_of(db, owner, "org_verified") == []


def test_verify_organisation_without_owner_works(admin, make_org):
    org = make_org("startup")
    services.set_organisation_verified(actor=admin, organisation_id=org.id, verified=True)
    assert org.is_verified is True


def test_unknown_organisation_is_not_found(admin):
    with pytest.raises(NotFound):
        services.set_organisation_verified(actor=admin, organisation_id=999_999, verified=True)


def test_overview_counts(db, admin, make_user, make_org):
    make_user("founder")
    make_user("founder", is_active_account=False)
    make_user("mentor")
    make_user("mentor", is_verified=True)
    old = make_user("provider")
    old.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    make_org("startup")
    make_org("startup", is_verified=True)
    make_org("provider")
    make_org("provider", is_verified=True)
    make_org("provider", is_verified=True)

    counts = services.overview(actor=admin)
    assert counts.users_by_role == {"founder": 2, "mentor": 2, "provider": 1, "investor": 1}
    assert counts.users_total == 6
    assert counts.admins == 1
    assert counts.deactivated == 1
    assert counts.unverified_mentors == 1
    assert counts.new_users_7d == 5
    assert (counts.startups, counts.unverified_startups) == (2, 1)
    assert (counts.providers, counts.unverified_providers) == (3, 1)


def test_list_users_filters(admin, make_user):
    mentor = make_user("mentor", name="Grace Hopper", email="grace@example.test")
    inactive = make_user("founder", is_active_account=False)
    make_user("investor")

    def ids(**filters):
        return {u.id for u in paginate(services.list_users(actor=admin, **filters), per_page=100).items}

    assert ids(q="HOPPER") == {mentor.id}
    assert ids(q="grace@") == {mentor.id}
    assert ids(role="mentor") == {mentor.id}
    assert ids(role="admin") == {admin.id}
    assert ids(status="inactive") == {inactive.id}
    assert inactive.id not in ids(status="active")
    assert ids(role="mentor", verified=False) == {mentor.id}
    assert ids(role="mentor", verified=True) == set()


def test_list_organisations_filters(admin, make_org):
    lab = make_org("provider", name="Shanghai Test Lab", city="Shanghai", is_verified=True)
    gpu = make_org("provider", name="GPU Cloud")
    startup = make_org("startup", name="Photon Labs", city="Beijing")

    def ids(**filters):
        return {o.id for o in paginate(services.list_organisations(actor=admin, **filters), per_page=100).items}

    assert ids() == {lab.id, gpu.id, startup.id}
    assert ids(kind="provider") == {lab.id, gpu.id}
    assert ids(kind="startup") == {startup.id}
    assert ids(verified=True) == {lab.id}
    assert ids(kind="provider", verified=False) == {gpu.id}
    assert ids(q="lab") == {lab.id, startup.id}
    assert ids(q="beijing") == {startup.id}
