"""Alembic migrations: one head, an empty database migrates to exactly the models, and back to base.

Runs on a throwaway database (a fresh SQLite file, or a fresh PostgreSQL database on the server of
TEST_DATABASE_URL), not the suite's `create_all` one, so what is checked is what `flask db upgrade` builds.
"""
import logging
import warnings
from contextlib import contextmanager
from pprint import pformat

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from app.core.db import alembic_include_name
from app.extensions import db as _db
from config import database_url
from tests.served import throwaway_database


@contextmanager
def _logging_kept():
    """migrations/env.py runs logging.fileConfig, which disables every existing logger; undo that after."""
    manager = logging.Logger.manager
    loggers = {name: (lg.disabled, lg.level) for name, lg in manager.loggerDict.items()
               if isinstance(lg, logging.Logger)}
    root = logging.getLogger()
    root_state = (root.level, list(root.handlers))
    try:
        yield
    finally:
        for name, lg in list(manager.loggerDict.items()):
            if isinstance(lg, logging.Logger):
                lg.disabled, lg.level = loggers.get(name, (False, lg.level))
        root.setLevel(root_state[0])
        root.handlers[:] = root_state[1]


@pytest.fixture
def empty_db(app):
    """Point the app's engine at a new, empty database for the duration of the test."""
    with throwaway_database("fuhua_migrations") as url, app.app_context():
        engine = create_engine(database_url(url, "sqlite://"))
        if engine.dialect.name == "sqlite":
            from app.core.db import configure_sqlite
            configure_sqlite(engine)
        original = _db.engines[None]
        _db.session.remove()
        _db.engines[None] = engine
        try:
            with _logging_kept():
                yield engine
        finally:
            _db.session.remove()
            _db.engines[None] = original
            engine.dispose()


def _script(app) -> ScriptDirectory:
    migrate = app.extensions["migrate"]
    with app.app_context():
        return ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))


def _differences(app, engine) -> list:
    """What `flask db check` would see: the models compared with the migrated database, env settings included."""
    migrate = app.extensions["migrate"]
    with engine.connect() as conn, warnings.catch_warnings():
        # SQLite's reflection cannot read an index on an expression (`lower(city)`); Alembic then leaves it out.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
        context = MigrationContext.configure(conn, opts={**migrate.configure_args, "target_metadata": _db.metadata})
        return compare_metadata(context, _db.metadata)


def _tables(engine) -> set[str]:
    """The tables the models should account for (not Alembic's own, nor raw-SQL full-text tables)."""
    return {name for name in inspect(engine).get_table_names()
            if name != "alembic_version" and alembic_include_name(name, "table", {})}


def test_migrations_have_a_single_head(app):
    heads = _script(app).get_heads()
    assert len(heads) == 1, f"several Alembic heads, merge them: {heads}"


def test_every_revision_has_a_downgrade(app):
    for revision in _script(app).walk_revisions():
        source = open(revision.path, encoding="utf-8").read()
        assert "def downgrade" in source, f"{revision.path} has no downgrade()"


def test_upgrade_from_empty_matches_the_models(app, empty_db):
    flask_migrate.upgrade()
    built, modelled = _tables(empty_db), set(_db.metadata.tables)
    assert built == modelled, (f"tables in the models but not made by the migrations: {sorted(modelled - built)}; "
                               f"made by the migrations but not in the models: {sorted(built - modelled)}")
    differences = _differences(app, empty_db)
    assert not differences, ("the models differ from what the migrations build; run `flask db migrate -m ...`:\n"
                             + pformat(differences))


def test_downgrade_to_base_step_by_step_and_up_again(app, empty_db):
    script = _script(app)
    revisions = list(script.walk_revisions())  # newest first
    flask_migrate.upgrade()
    at_head = _tables(empty_db)
    for revision in revisions:
        flask_migrate.downgrade(revision="-1")
        with empty_db.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        assert current == revision.down_revision, f"downgrade of {revision.revision} left {current}"
    assert _tables(empty_db) == set(), "downgrading to base left tables behind"
    flask_migrate.upgrade()
    assert _tables(empty_db) == at_head


def test_a_seeded_database_keeps_its_rows_down_and_up_across_the_latest_migrations(app, empty_db):
    """From `e4f5a6b7c8d9` (startups get their own table) to the head: a seeded database goes down and up again
    and keeps every row of every table that exists at both ends, and its startups' fields. On SQLite a table is
    changed by copying it and dropping the original, which with foreign keys on cascades to every row referring to
    it (migrations/env.py switches them off while migrating, and checks them after)."""
    import os

    from sqlalchemy import text

    from tests.served import flask_command

    split = _script(app).get_revision("e4f5a6b7c8d9")
    flask_migrate.upgrade()
    flask_command("seed-demo", env={**os.environ, "DATABASE_URL": empty_db.url.render_as_string(hide_password=False),
                                    "FUHUA_WARM_UP": "0"})

    def counts(tables) -> dict[str, int]:
        with empty_db.connect() as conn:
            return {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in sorted(tables)}

    def startup_fields(table: str, where: str = "") -> list:
        with empty_db.connect() as conn:
            return conn.execute(text(f"SELECT id, sector, stage, summary, needs, highlights FROM {table} {where} "
                                     "ORDER BY id")).all()

    at_head = counts(_tables(empty_db))
    startups = startup_fields("startups")
    assert len(startups) >= 10 and all(row.sector and row.summary for row in startups)
    assert any("\u4e00" <= ch <= "\u9fff" for row in startups for ch in row.summary)  # Chinese text too
    assert at_head["request_events"] and at_head["memberships"] and at_head["voucher_entries"]
    flask_migrate.downgrade(revision=split.down_revision)
    below = counts(_tables(empty_db))
    assert startup_fields("organisations", "WHERE kind = 'startup'") == startups
    assert below == {table: at_head[table] for table in below}, "rows lost on the way down"
    flask_migrate.upgrade()
    assert counts(below) == below and startup_fields("startups") == startups, "rows lost on the way up"
