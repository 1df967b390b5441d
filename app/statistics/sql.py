"""Portable SQL pieces for the statistics: elapsed time between two timestamps, fixed-size time buckets and a
median computed in the database.

SQLite stores our UTC datetimes as text and has no interval type, PostgreSQL has `timestamptz` and
intervals; `elapsed_seconds` compiles to `julianday` arithmetic on one and `EXTRACT(EPOCH ...)` on the other.
The median uses window functions (`row_number()` and `count()` over the sorted values), which both databases
have (SQLite since 3.25), so only the one or two middle values leave the database.
"""
from __future__ import annotations

from sqlalchemy import Float, Integer, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from app.extensions import db


class elapsed_seconds(FunctionElement):  # noqa: N801  (used like a SQL function)
    """Seconds from timestamp `start` to timestamp `end` (a float; negative when end is earlier)."""

    type = Float()
    inherit_cache = True
    name = "elapsed_seconds"


@compiles(elapsed_seconds)
def _elapsed_default(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


@compiles(elapsed_seconds, "sqlite")
def _elapsed_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"((julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)})) * 86400.0)"


class bucket_index(FunctionElement):  # noqa: N801
    """floor((end - start) / size_seconds) as an integer: which fixed-size bucket after `start` `end` falls in."""

    type = Integer()
    inherit_cache = True
    name = "bucket_index"


@compiles(bucket_index)
def _bucket_default(element, compiler, **kw):
    start, end, size = list(element.clauses)
    seconds = compiler.process(elapsed_seconds(start, end), **kw)
    return f"CAST(FLOOR({seconds} / {compiler.process(size, **kw)}) AS INTEGER)"


@compiles(bucket_index, "sqlite")
def _bucket_sqlite(element, compiler, **kw):
    # CAST truncates towards zero, which is floor for the non-negative values the callers ask for.
    start, end, size = list(element.clauses)
    seconds = compiler.process(elapsed_seconds(start, end), **kw)
    return f"CAST({seconds} / {compiler.process(size, **kw)} AS INTEGER)"


def median(value: ColumnElement, *where) -> tuple[float | None, int]:
    """The median of `value` over the rows selected by `where` (its FROM is inferred), and how many rows.

    Only the middle row(s) are returned by the database: row_number() over the sorted values, and the row
    count as a window, keep the ranks (n+1) div 2 and (n+2) div 2.
    """
    ranked = (select(value.label("v"), func.row_number().over(order_by=value).label("rn"),
                     func.count().over().label("n"))
              .where(value.is_not(None), *where).subquery())
    rows = db.session.execute(
        select(ranked.c.v, ranked.c.n)
        .where(ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))).all()
    if not rows:
        return None, 0
    return sum(float(r.v) for r in rows) / len(rows), int(rows[0].n)
