"""Why a match was made, in words, in the reader's language and time zone."""
from __future__ import annotations

from datetime import datetime

from babel.dates import format_skeleton
from babel.lists import format_list
from flask_babel import format_date, get_locale, ngettext, to_user_timezone
from flask_babel import gettext as _

from app.core.places import city_label
from app.providers.listings import CATEGORY_LABELS
from app.search.lexicon import concept_label
from app.startups.labels import sector_label, stage_label


def _locale():
    return get_locale() or "en"


def topics(concepts: list[str]) -> str:
    """"robotics, actuators and motion" / "机器人、执行器与运动控制" (the locale's list style)."""
    return format_list([concept_label(c) for c in concepts], locale=_locale())


def _rating(value: float) -> str:
    return f"{value:.1f}"


def works_in(sector: str) -> str:
    return _("Works in %(sector)s", sector=sector_label(sector))


def knows(concepts: list[str]) -> str:
    return _("Knows %(topics)s", topics=topics(concepts))


def covers(concepts: list[str]) -> str:
    return _("Covers %(topics)s", topics=topics(concepts))


def needs(concepts: list[str]) -> str:
    return _("Needs %(topics)s", topics=topics(concepts))


def in_your_sector(sector: str) -> str:
    return _("In your sector: %(sector)s", sector=sector_label(sector))


def at_stage(stage: str) -> str:
    return _("Stage: %(stage)s", stage=stage_label(stage))


def offers_category(category: str) -> str:
    return _("Offers %(category)s", category=str(CATEGORY_LABELS.get(category, category)))


def fits_listing(title: str) -> str:
    return _("Fits your listing “%(title)s”", title=title)


def same_city(city: str) -> str:
    return _("In %(city)s, like you", city=city_label(city))


def remote() -> str:
    return _("Available remotely")


def voucher() -> str:
    return _("Payable with incubator vouchers")


def mentor_rating(rating: float | None, rating_count: int, sessions: int) -> str | None:
    if rating is not None and rating_count:
        return ngettext("Rated %(rating)s from %(num)d session", "Rated %(rating)s from %(num)d sessions",
                        rating_count, rating=_rating(rating))
    if sessions:
        return ngettext("%(num)d session delivered", "%(num)d sessions delivered", sessions)
    return None


def listing_rating(rating: float | None, count: int) -> str | None:
    if rating is None or not count:
        return None
    return ngettext("Rated %(rating)s from %(num)d review", "Rated %(rating)s from %(num)d reviews", count,
                    rating=_rating(rating))


def free_from(first_free: datetime | None, now: datetime) -> str:
    """"Free today", "Free tomorrow", "Free on Tuesday", "Free from 12 Mar" — the day in the reader's zone."""
    if first_free is None:
        return _("No free time in the next 30 days")
    day = to_user_timezone(first_free).date()
    days = (day - to_user_timezone(now).date()).days
    if days <= 0:
        return _("Free today")
    if days == 1:
        return _("Free tomorrow")
    if days < 7:
        return _("Free on %(weekday)s", weekday=format_date(first_free, "EEEE"))
    return _("Free from %(date)s", date=format_skeleton("MMMd", day, locale=_locale()))
