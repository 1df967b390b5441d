"""Roadshows in the search index: title; the pitches' titles and startups; the description."""
from sqlalchemy import Connection, inspect, select

from app.accounts.models import Organisation
from app.roadshows.models import Pitch, Roadshow
from app.search.index import Fields, Source, register

KIND = "roadshow"


def _load(conn: Connection, ids: list[int] | None):
    roadshow, pitch, org = Roadshow.__table__, Pitch.__table__, Organisation.__table__
    stmt = select(roadshow.c.id, roadshow.c.title, roadshow.c.description)
    pitches = select(pitch.c.roadshow_id, pitch.c.title, org.c.name).join(org, org.c.id == pitch.c.startup_id)
    if _has_status(conn):
        pitches = pitches.where(pitch.c.status == "approved")  # applications are not on the agenda
    if ids is not None:
        stmt = stmt.where(roadshow.c.id.in_(ids))
        pitches = pitches.where(pitch.c.roadshow_id.in_(ids))
    agenda: dict[int, list[str]] = {}
    for roadshow_id, title, name in conn.execute(pitches):
        agenda.setdefault(roadshow_id, []).extend([title, name])
    for row in conn.execute(stmt):
        yield row.id, Fields(title=row.title, keywords=" ; ".join(agenda.get(row.id, [])), body=row.description or "")


def _has_status(conn: Connection) -> bool:
    """Whether `pitches.status` exists: an older migration builds the index before the column was added."""
    key = "fuhua_pitches_have_status"
    if key not in conn.info:
        conn.info[key] = any(c["name"] == "status" for c in inspect(conn).get_columns("pitches"))
    return conn.info[key]


def _touched(_conn: Connection, instance) -> list[int]:
    return [instance.id if isinstance(instance, Roadshow) else instance.roadshow_id]


register(Source(kind=KIND, models=(Roadshow, Pitch), touched=_touched, load=_load))
