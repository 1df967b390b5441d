"""The migration that makes an action item one item across sessions folds the copies made so far into their
original: done if a copy was ticked done (remembering in which session), and the copies gone."""
import flask_migrate
from sqlalchemy import text

from tests.test_migrations import _script, empty_db  # noqa: F401  (fixture)

REVISION = "5e6f7a8b9c0d"
ROWS = """
INSERT INTO mentor_bookings (id, mentor_id, session_type_id, founder_id, starts_at, ends_at, status, created_at,
                             updated_at)
VALUES (1, 1, 1, 1, '2026-01-01', '2026-01-01', 'completed', '2026-01-01', '2026-01-01'),
       (2, 1, 1, 1, '2026-01-08', '2026-01-08', 'completed', '2026-01-01', '2026-01-01'),
       (3, 1, 1, 1, '2026-01-15', '2026-01-15', 'confirmed', '2026-01-01', '2026-01-01');
INSERT INTO mentor_action_items (id, booking_id, text, is_done, created_at, carried_from_id, done_at)
VALUES (1, 1, 'Send the deck', false, '2026-01-01', NULL, NULL),
       (2, 1, 'Book the lab', true, '2026-01-01', NULL, '2026-01-02'),
       (3, 2, 'Send the deck', true, '2026-01-08', 1, '2026-01-09'),
       (4, 3, 'Send the deck', false, '2026-01-15', 1, NULL);
"""


def test_copies_of_an_item_fold_into_the_original_which_stays_done(app, empty_db):  # noqa: F811
    before = _script(app).get_revision(REVISION).down_revision
    flask_migrate.upgrade(revision=before)
    _insert_bare_rows(empty_db)
    flask_migrate.upgrade(revision=REVISION)
    with empty_db.connect() as conn:
        rows = conn.execute(text("SELECT id, booking_id, is_done, done_in_booking_id FROM mentor_action_items "
                                 "ORDER BY id")).all()
    assert [(r[0], r[1], bool(r[2]), r[3]) for r in rows] == [(1, 1, True, 2), (2, 1, True, 1)]


def _insert_bare_rows(engine) -> None:
    """The rows above without the users, mentors and session types they point at (foreign keys off)."""
    statements = [s for s in ROWS.split(";") if s.strip()]
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            sqlite = raw.driver_connection
            sqlite.commit()
            sqlite.execute("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction, hence the raw connection
            for statement in statements:
                sqlite.execute(statement)
            sqlite.commit()
            sqlite.execute("PRAGMA foreign_keys=ON")
        finally:
            raw.close()
        return
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        for statement in statements:
            conn.execute(text(statement))
