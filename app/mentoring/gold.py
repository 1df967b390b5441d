"""Gold mentors: the admins' thresholds on the scorecard figures, and who meets them.

A mentor is gold when, on their public figures (`services.mentor_stats`: founders' ratings once revealed,
completed sessions), they have delivered at least `min_sessions`, are rated at least `min_rating` on average,
and missed at most `max_no_show_rate` of the sessions held (completed or no-show). The thresholds are one
`GoldCriteria` row; until an admin saves them the model's defaults apply.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import Role, User
from app.core import uow
from app.core.errors import Invalid, PermissionDenied
from app.extensions import db
from app.mentoring.models import GoldCriteria, MentorProfile

DEFAULTS = {"min_sessions": 5, "min_rating": 4.5, "max_no_show_rate": 0.1}


def current_criteria() -> GoldCriteria:
    """The saved thresholds, or an unsaved row holding the defaults."""
    criteria = db.session.scalar(select(GoldCriteria).order_by(GoldCriteria.id).limit(1))
    return criteria if criteria is not None else GoldCriteria(**DEFAULTS)


def meets(stats: dict, criteria: GoldCriteria) -> bool:
    """Whether one mentor's figures (`services.mentor_stats` and `mentor_absences` merged) meet the thresholds."""
    held = stats.get("held", 0)
    no_show_rate = stats.get("mentor_no_shows", 0) / held if held else 0.0
    return (stats["sessions_delivered"] >= criteria.min_sessions and stats["rating"] is not None
            and stats["rating"] >= criteria.min_rating and no_show_rate <= criteria.max_no_show_rate + 1e-9)


def gold_flags(profile_ids: list[int], stats: dict[int, dict] | None = None) -> dict[int, bool]:
    """Whether each profile is gold (`stats`: their `services.mentor_stats`, when the caller has them)."""
    from app.mentoring.services import mentor_absences, mentor_stats
    stats = stats if stats is not None else mentor_stats(profile_ids)
    absences = mentor_absences(profile_ids)
    criteria = current_criteria()
    return {pid: meets({**stats[pid], **absences[pid]}, criteria) for pid in profile_ids}


def gold_profile_ids() -> list[int]:
    """The profile ids of every gold mentor (the directory's filter)."""
    ids = list(db.session.scalars(select(MentorProfile.id).join(User, User.id == MentorProfile.user_id)
                                  .where(User.role == Role.MENTOR)))
    return [pid for pid, is_gold in gold_flags(ids).items() if is_gold]


def set_criteria(*, actor: User, min_sessions: int, min_rating: float, max_no_show_rate: float) -> GoldCriteria:
    """Admins set the gold-mentor thresholds."""
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_l("Only administrators can set the gold-mentor criteria."), code="admins_only")
    details = {}
    if not 0 <= min_sessions <= 10_000:
        details["min_sessions"] = [str(_l("Give a number from 0 to 10,000."))]
    if not 1 <= min_rating <= 5:
        details["min_rating"] = [str(_l("Give a rating from 1 to 5."))]
    if not 0 <= max_no_show_rate <= 1:
        details["max_no_show_rate"] = [str(_l("Give a share from 0 to 100%."))]
    if details:
        raise Invalid(details=details)
    with uow.unit_of_work():
        criteria = db.session.scalar(select(GoldCriteria).order_by(GoldCriteria.id).limit(1))
        if criteria is None:
            criteria = GoldCriteria()
            db.session.add(criteria)
        criteria.min_sessions, criteria.min_rating = min_sessions, round(min_rating, 2)
        criteria.max_no_show_rate, criteria.updated_by_id = round(max_no_show_rate, 3), actor.id
    return criteria
