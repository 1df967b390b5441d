"""Declarative base, naming convention and shared column shapes."""
from datetime import datetime, timezone
from typing import Annotated

from sqlalchemy import DateTime, MetaData, String, func
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored in UTC on every database.

    PostgreSQL keeps the offset (timestamptz); SQLite has no time zones, so values are written as
    naive UTC and read back as aware UTC. Naive input is refused, so no local time slips in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone first")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


intpk = Annotated[int, mapped_column(primary_key=True)]
tz_datetime = Annotated[datetime, mapped_column(UTCDateTime())]
created_at = Annotated[datetime, mapped_column(UTCDateTime(), default=utcnow, server_default=func.now())]
str80 = Annotated[str, mapped_column(String(80))]
str200 = Annotated[str, mapped_column(String(200))]


# How long a SQLite connection waits in C for a lock before "database is locked". Under gevent that wait
# blocks every greenlet, so it is short; `app.core.uow` waits for the write lock longer, cooperatively.
SQLITE_BUSY_TIMEOUT_MS = 20


def configure_sqlite(engine) -> None:
    """Make pysqlite behave: real BEGINs (so SAVEPOINTs and locking work), foreign keys, WAL, short lock waits.

    This is the recipe from SQLAlchemy's SQLite dialect docs ("Serializable isolation /
    Savepoints / Transactional DDL"): pysqlite's own transaction handling is switched off and
    SQLAlchemy emits BEGIN itself: BEGIN IMMEDIATE when a unit of work (`app.core.uow`) opens it.
    """
    from sqlalchemy import event

    from app.core.uow import begin_immediate

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if begin_immediate.get() else "BEGIN")


def alembic_include_name(name, type_, parent_names) -> bool:
    """Alembic leaves full-text search tables alone: SQLite FTS5 virtual tables (and their shadow
    tables) are created by raw SQL in the migrations and have no model."""
    return not (type_ == "table" and name and "_fts" in name)
