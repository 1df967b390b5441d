"""Mentors in the search index: name, headline and bio, tags and sectors (named in English and Chinese)."""
from sqlalchemy import Connection, inspect, select

from app.accounts.models import User
from app.mentoring.models import MentorProfile
from app.search.index import Fields, Source, in_every_language, register
from app.startups.labels import SECTOR_LABELS

KIND = "mentor"


def _load(conn: Connection, ids: list[int] | None):
    profile, user = MentorProfile.__table__, User.__table__
    stmt = (select(profile.c.id, profile.c.headline, profile.c.bio, profile.c.tags, profile.c.sectors, user.c.name)
            .join(user, user.c.id == profile.c.user_id))
    if ids is not None:
        stmt = stmt.where(profile.c.id.in_(ids))
    for row in conn.execute(stmt):
        sectors = [in_every_language(SECTOR_LABELS[s]) if s in SECTOR_LABELS else s for s in row.sectors or []]
        yield row.id, Fields(title=f"{row.name} ; {row.headline or ''}",
                             keywords=" ; ".join([*(row.tags or []), *sectors]), body=row.bio or "")


def _touched(conn: Connection, instance) -> list[int]:
    if isinstance(instance, MentorProfile):
        return [instance.id]
    if not inspect(instance).attrs.name.history.has_changes():  # only a user's name is in a mentor's document
        return []
    return list(conn.scalars(select(MentorProfile.__table__.c.id)
                             .where(MentorProfile.__table__.c.user_id == instance.id)))


register(Source(kind=KIND, models=(MentorProfile, User), touched=_touched, load=_load))
