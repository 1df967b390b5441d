"""The notification service: store, email rule, idempotent email job, reading."""
import pytest

from app.core.errors import NotFound
from app.notifications import services
from app.notifications.models import Notification


def test_notify_stores_a_row_and_counts_unread(db, make_user, notify):
    user = make_user()
    note = notify(user, "welcome", {"name": "Ada"}, url="/settings")
    stored = db.session.get(Notification, note.id)
    assert (stored.user_id, stored.kind, stored.data, stored.url) == (user.id, "welcome", {"name": "Ada"}, "/settings")
    assert stored.read_at is None
    assert services.unread_count(user=user) == 1


@pytest.mark.parametrize(("kind", "email", "emailed"), [
    ("org_verified", None, True),       # important kind: emailed by default
    ("org_verified", False, False),     # ...unless the caller says no
    ("welcome", None, False),           # not important: in-app only
    ("welcome", True, True),            # ...unless the caller asks
])
def test_email_rule(db, make_user, smtp_server, kind, email, emailed):
    user = make_user()
    note = services.notify(user=user, kind=kind, data={"org": "X", "org_kind": "startup", "name": "Y"}, email=email)
    db.session.refresh(note)
    assert (note.emailed_at is not None) is emailed
    assert len(smtp_server.envelopes) == (1 if emailed else 0)


def test_deactivated_user_is_not_emailed(db, make_user, notify, smtp_server):
    user = make_user(is_active_account=False)
    note = notify(user, "account_deactivated", {}, email=True)
    db.session.refresh(note)
    assert note.emailed_at is None
    assert smtp_server.envelopes == []
    assert services.send_notification_email(notification_id=note.id) is False
    assert smtp_server.envelopes == []


def test_email_job_run_twice_sends_once(db, make_user, notify, smtp_server):
    note = notify(make_user(), "welcome", email=True)
    assert len(smtp_server.envelopes) == 1
    assert services.send_notification_email(notification_id=note.id) is False
    assert services.send_notification_email(notification_id=note.id) is False
    assert len(smtp_server.envelopes) == 1


def test_email_job_claims_the_row_before_sending(db, make_user, notify, smtp_server):
    """A row another worker already claimed (emailed_at set) is never sent again."""
    from sqlalchemy import update

    from app.core.db import utcnow
    note = notify(make_user(), "welcome", email=False)
    db.session.execute(update(Notification).where(Notification.id == note.id).values(emailed_at=utcnow()))
    db.session.commit()
    assert services.send_notification_email(notification_id=note.id) is False
    assert smtp_server.envelopes == []


def test_failed_send_gives_the_claim_back_for_a_retry(app, db, make_user, notify, dead_smtp):
    note = notify(make_user(), "welcome", email=True)  # the failure is logged, not raised
    db.session.refresh(note)
    assert note.emailed_at is None


def test_retry_after_a_failed_send_delivers(app, db, make_user, notify, smtp_server):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # nothing listens there
    try:
        note = notify(make_user(), "welcome", email=True)
    finally:
        app.config["MAIL_PORT"] = port
    assert smtp_server.envelopes == []
    assert services.send_notification_email(notification_id=note.id) is True
    assert len(smtp_server.envelopes) == 1
    db.session.refresh(note)
    assert note.emailed_at is not None


def test_job_for_a_missing_notification_does_nothing(db):
    assert services.send_notification_email(notification_id=999_999) is False


def test_mark_read_only_own(app, db, make_user, notify):
    owner, other = make_user(), make_user()
    note = notify(owner)
    with app.test_request_context(), pytest.raises(NotFound):  # the message is translated for a request
        services.mark_read(user=other, notification_id=note.id)
    assert services.mark_read(user=owner, notification_id=note.id).read_at is not None
    assert services.unread_count(user=owner) == 0


def test_mark_all_read_touches_only_the_users_unread(db, make_user, notify):
    user, other = make_user(), make_user()
    first = notify(user)
    notify(user)
    notify(other)
    services.mark_read(user=user, notification_id=first.id)
    assert services.mark_all_read(user=user) == 1
    assert services.unread_count(user=user) == 0
    assert services.unread_count(user=other) == 1
    assert services.mark_all_read(user=user) == 0


def test_list_is_newest_first_and_filters_unread(db, make_user, notify):
    user = make_user()
    old, new = notify(user), notify(user)
    services.mark_read(user=user, notification_id=new.id)
    assert [n.id for n in db.session.scalars(services.list_notifications(user=user))] == [new.id, old.id]
    assert [n.id for n in db.session.scalars(services.list_notifications(user=user, unread=True))] == [old.id]


@pytest.mark.parametrize(("url", "shown"), [
    ("/bookings/3", "/bookings/3"), ("https://example.test/x", "https://example.test/x"),
    ("javascript:alert(1)", None), ("//evil.test/x", None), (None, None),
])
def test_only_safe_urls_are_links(url, shown):
    assert services.safe_url(url) == shown
