"""JSON API for open days and the gold-mentor criteria (issue 15 item 9)."""
from functools import partial

from flask_login import current_user, login_required
from flask_smorest import Blueprint

from app.core.api import error_responses
from app.core.pagination import Page, page_schema
from app.mentoring import gold, open_days, schemas

blp = Blueprint("open_days_api", __name__, url_prefix="/api", description="Open days and gold mentors")
_errors = partial(error_responses, blp)


def _me():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _out(day) -> dict:
    """An open day with its seats and the caller's place."""
    return {**{k: getattr(day, k) for k in ("id", "title", "description", "starts_at", "ends_at", "seats",
                                            "location", "status")},
            "mentors": [{"id": m.id, "name": m.name} for m in day.mentors], **open_days.summary(day, _me())}


def _place(place) -> dict:
    return {"open_day_id": place.open_day_id, "seat_no": place.seat_no, "position": open_days.position(place),
            "status": "seated" if place.seat_no is not None else "waitlisted"}


@blp.route("/open-days", methods=["GET"])
@blp.arguments(schemas.OpenDayListArgsSchema, location="query")
@blp.response(200, page_schema(schemas.OpenDaySchema))
def list_open_days(args):
    """Open days: upcoming (soonest first), past or all, with seats left and your place."""
    page = open_days.list_open_days(**args)
    return Page(items=[_out(d) for d in page.items], page=page.page, per_page=page.per_page, total=page.total)


@blp.route("/open-days", methods=["POST"])
@blp.arguments(schemas.CreateOpenDaySchema)
@blp.response(201, schemas.OpenDaySchema)
@_errors(401, 403, 422)
@login_required
def create_open_day(data):
    """Schedule an open day (admins); each mentor is sent the invitation."""
    return _out(open_days.schedule(admin=_me(), **data))


@blp.route("/open-days/<int:open_day_id>", methods=["GET"])
@blp.response(200, schemas.OpenDaySchema)
@_errors(404)
def get_open_day(open_day_id):
    """One open day."""
    return _out(open_days.get_open_day(open_day_id))


@blp.route("/open-days/<int:open_day_id>/cancel", methods=["POST"])
@blp.response(200, schemas.OpenDaySchema)
@_errors(401, 403, 404, 409)
@login_required
def cancel_open_day(open_day_id):
    """Cancel an open day (admins); everyone with a place and the mentors are told."""
    return _out(open_days.cancel(admin=_me(), open_day_id=open_day_id))


@blp.route("/open-days/<int:open_day_id>/places", methods=["POST"])
@blp.arguments(schemas.TakeSeatSchema)
@blp.response(201, schemas.OpenDayPlaceSchema)
@_errors(401, 403, 404, 409, 422)
@login_required
def take_open_day_seat(data, open_day_id):
    """Take a seat (founders), or the next waitlist place when the seats are gone; 409 when you have a place."""
    return _place(open_days.take_seat(founder=_me(), open_day_id=open_day_id, topic=data["topic"]))


@blp.route("/open-days/<int:open_day_id>/places/me", methods=["DELETE"])
@blp.response(204)
@_errors(401, 404)
@login_required
def leave_open_day(open_day_id):
    """Leave your seat (the first on the waitlist gets it) or your waitlist place."""
    open_days.leave(founder=_me(), open_day_id=open_day_id)


@blp.route("/mentors/gold-criteria", methods=["GET"])
@blp.response(200, schemas.GoldCriteriaSchema)
def get_gold_criteria():
    """The thresholds a mentor meets to be a gold mentor."""
    return gold.current_criteria()


@blp.route("/mentors/gold-criteria", methods=["PUT"])
@blp.arguments(schemas.UpdateGoldCriteriaSchema)
@blp.response(200, schemas.GoldCriteriaSchema)
@_errors(401, 403, 422)
@login_required
def set_gold_criteria(data):
    """Set the gold-mentor thresholds (admins)."""
    return gold.set_criteria(actor=_me(), **data)
