"""Startups (the showcase) in the search index: name; tags, sector and stage (named in English and Chinese);
summary, needs, description, highlights and city."""
from sqlalchemy import Connection, select

from app.accounts.models import Organisation
from app.search.index import Fields, Source, city_names, in_every_language, register
from app.startups.labels import SECTOR_LABELS, STAGE_LABELS
from app.startups.models import Startup

KIND = "startup"


def _label(labels: dict, value: str | None) -> str:
    return in_every_language(labels[value]) if value in labels else (value or "")


def _load(conn: Connection, ids: list[int] | None):
    org, startup = Organisation.__table__, Startup.__table__
    stmt = select(org.c.id, org.c.name, org.c.tags, startup.c.sector, startup.c.stage, startup.c.summary,
                  startup.c.needs, org.c.description, startup.c.highlights, org.c.city
                  ).join_from(org, startup, startup.c.id == org.c.id)
    if ids is not None:
        stmt = stmt.where(org.c.id.in_(ids))
    for row in conn.execute(stmt):
        keywords = [*(row.tags or []), _label(SECTOR_LABELS, row.sector), _label(STAGE_LABELS, row.stage)]
        body = [row.summary, row.needs, row.description, row.highlights, city_names(row.city)]
        yield row.id, Fields(title=row.name, keywords=" ; ".join(keywords),
                             body=" ; ".join(part for part in body if part))


register(Source(kind=KIND, models=(Startup,), touched=lambda _conn, startup: [startup.id], load=_load))
