"""The unit of work: one commit, then the after-commit effects, in order; nothing after a rollback."""
import os
import sqlite3
import time

import pytest
from sqlalchemy import func, select

from app.core import uow
from app.core.errors import DatabaseBusy
from app.extensions import db
from app.notifications.models import Notification


def _note(user, kind="test_kind"):
    note = Notification(user_id=user.id, kind=kind, data={}, url=None)
    db.session.add(note)
    db.session.flush()
    return note


def _count(user) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == user.id))


def test_effects_run_after_the_commit_in_order(db, make_user):
    user = make_user()
    ran = []
    with uow.unit_of_work():
        _note(user)
        uow.after_commit(ran.append, 1)
        uow.after_commit(lambda: ran.append(("stored", _count(user))))
        uow.after_commit(ran.append, 3)
        assert ran == []
    assert ran == [1, ("stored", 1), 3]


def test_an_exception_rolls_back_and_drops_the_effects(db, make_user):
    user = make_user()
    ran = []
    with pytest.raises(ValueError), uow.unit_of_work():
        _note(user)
        uow.after_commit(ran.append, "pushed")
        raise ValueError("boom")
    assert ran == []
    assert _count(user) == 0
    assert not uow.active()


def test_a_nested_unit_joins_the_outer_commit(db, make_user):
    user = make_user()
    ran = []
    with uow.unit_of_work():
        uow.after_commit(ran.append, "outer first")
        with uow.unit_of_work():
            _note(user)
            uow.after_commit(ran.append, "inner")
        assert ran == []
        uow.after_commit(ran.append, "outer last")
    assert ran == ["outer first", "inner", "outer last"]
    assert _count(user) == 1


def test_a_failed_nested_unit_drops_only_its_own_work(db, make_user):
    user = make_user()
    ran = []
    with uow.unit_of_work():
        _note(user, "kept")
        uow.after_commit(ran.append, "outer")
        with pytest.raises(ValueError), uow.unit_of_work():
            _note(user, "dropped")
            uow.after_commit(ran.append, "inner")
            raise ValueError("boom")
    assert ran == ["outer"]
    assert [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id))] == ["kept"]


def test_a_nested_unit_whose_writes_fail_at_its_end_drops_only_its_own_work(db, make_user):
    from sqlalchemy.exc import IntegrityError
    user = make_user()
    ran = []
    with uow.unit_of_work():
        _note(user, "kept")
        uow.after_commit(ran.append, "outer")
        with pytest.raises(IntegrityError), uow.unit_of_work():
            db.session.add(Notification(user_id=2**31 - 1, kind="nobody's", data={}))  # no such user
            uow.after_commit(ran.append, "inner")
    assert ran == ["outer"]
    assert [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id))] == ["kept"]


def test_an_outer_failure_drops_the_nested_units_effects_too(db, make_user):
    user = make_user()
    ran = []
    with pytest.raises(ValueError), uow.unit_of_work():
        with uow.unit_of_work():
            _note(user)
            uow.after_commit(ran.append, "inner")
        raise ValueError("boom")
    assert ran == [] and _count(user) == 0


def test_a_failing_effect_does_not_stop_the_others(db, make_user, caplog):
    ran = []

    def broken():
        raise RuntimeError("queue down")

    with uow.unit_of_work():
        uow.after_commit(broken)
        uow.after_commit(ran.append, "after")
    assert ran == ["after"]
    assert "after-commit" in caplog.text and "queue down" in caplog.text


def test_effects_run_once(db, make_user):
    ran = []
    with uow.unit_of_work():
        uow.after_commit(ran.append, 1)
    with uow.unit_of_work():
        pass
    db.session.commit()
    assert ran == [1]


def test_after_commit_needs_a_unit(db):
    with pytest.raises(RuntimeError):
        uow.after_commit(print, "nowhere")
    with pytest.raises(RuntimeError):
        uow.lock()


def test_lock_takes_rows_in_a_unit(db, make_user):
    from app.accounts.models import User
    first, second = make_user(), make_user()
    with uow.unit_of_work(lock=[(User, second.id), (User, first.id)]):
        uow.lock((User, first.id))
        assert db.session.get(User, first.id) is not None


# SQLite's write lock held by another process -----------------------------------------------------

@pytest.fixture
def sqlite_file(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's write lock")
        return db.engine.url.database


def test_a_locked_sqlite_file_gives_database_busy_after_a_bounded_wait(app, sqlite_file):
    other = sqlite3.connect(sqlite_file, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    app.config["SQLITE_WRITE_WAIT"] = 0.4
    try:
        with app.app_context():
            started = time.monotonic()
            with pytest.raises(DatabaseBusy) as caught, uow.unit_of_work():
                pytest.fail("the unit must not start while another connection holds the write lock")
            waited = time.monotonic() - started
            assert caught.value.status_code == 503 and caught.value.code == "database_busy"
            assert 0.4 <= waited < 3, waited
            assert not uow.active()
            other.execute("ROLLBACK")
            ran = []
            with uow.unit_of_work():
                uow.after_commit(ran.append, "free again")
            assert ran == ["free again"]
            db.session.remove()
    finally:
        app.config.pop("SQLITE_WRITE_WAIT", None)
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


def test_a_unit_waits_for_a_short_lock(app, sqlite_file):
    """A lock released within the wait is waited for, not reported."""
    import threading
    other = sqlite3.connect(sqlite_file, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.2, lambda: other.execute("ROLLBACK")).start()
    try:
        with app.app_context():
            with uow.unit_of_work():
                pass
            db.session.remove()
    finally:
        time.sleep(0.25)
        other.close()


def test_the_busy_timeout_is_short(app, sqlite_file):
    with app.app_context():
        with db.engine.connect() as conn:
            timeout = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert 0 < timeout <= 100
    assert os.path.exists(sqlite_file)


# How a busy database answers ------------------------------------------------------------------------

@pytest.mark.parametrize("language, text", [("en", "busy saving other changes"), ("zh-CN", "网站正忙")])
def test_database_busy_is_a_503_envelope_with_retry_after(app, db, language, text):
    from app.core.errors import handle_app_error
    with app.test_request_context("/api/bookings", method="POST", headers={"Accept-Language": language}):
        response = handle_app_error(DatabaseBusy())
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    error = response.get_json()["error"]
    assert error["code"] == "database_busy" and text in error["message"]


@pytest.mark.parametrize("language, text", [("en", "busy saving other changes"), ("zh-CN", "网站正忙")])
def test_database_busy_on_a_page_is_an_error_page(app, db, language, text):
    from app.core.errors import handle_app_error
    with app.test_request_context("/sessions/1/cancel", method="POST",
                                  headers={"Accept-Language": language, "Accept": "text/html"}):
        response = handle_app_error(DatabaseBusy())
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert text in response.get_data(as_text=True)


def test_a_locked_write_outside_a_unit_is_busy_not_a_500(app, db):
    from sqlalchemy.exc import OperationalError

    from app.core.errors import handle_db_error
    locked = OperationalError("UPDATE users SET name=?", {}, sqlite3.OperationalError("database is locked"))
    with app.test_request_context("/api/me", method="PUT"):
        response = handle_db_error(locked)
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "database_busy"
    other = OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x"))
    with app.test_request_context("/api/me", method="PUT"):
        assert handle_db_error(other).status_code == 500


def test_database_busy_on_a_socket_is_an_error_ack(app, db):
    from app.core.realtime import handle_socket_error
    with app.test_request_context("/socket.io/", headers={"Accept-Language": "zh-CN"}):
        ack = handle_socket_error(DatabaseBusy())
    assert ack["ok"] is False and ack["error"]["code"] == "database_busy"
    assert "网站正忙" in ack["error"]["message"]
