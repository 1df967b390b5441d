"""Investor interest, judging with a weighted leaderboard, and the organiser's post-event report."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select

from app.accounts import organisations
from app.accounts.models import Role, User
from app.core.errors import Invalid, InvalidState, PermissionDenied, Unauthorized
from app.extensions import db
from app.roadshows import notifications  # noqa: F401  (registers the kinds)
from app.roadshows.live.access import is_judge, is_moderator, is_open, require_watch, signed_in
from app.roadshows.models import (
    ChatMessage,
    Interest,
    Pitch,
    Poll,
    PollVote,
    Question,
    QuestionStatus,
    Registration,
    RegistrationStatus,
    RoomVisit,
    Score,
)
from app.roadshows.services import get_agenda_pitch, get_pitch, get_roadshow

# Interest ------------------------------------------------------------------------------------

def interest_count(pitch_id: int) -> int:
    return db.session.scalar(select(func.count(Interest.id)).where(Interest.pitch_id == pitch_id)) or 0


def has_interest(user, pitch_id: int) -> bool:
    return signed_in(user) and db.session.scalar(select(Interest.id).where(
        Interest.pitch_id == pitch_id, Interest.user_id == user.id)) is not None


def mark_interest(*, user: User, pitch_id: int, interested: bool = True) -> dict:
    """An investor marks (or unmarks) interest in a pitch; the founders are notified and see who."""
    if not signed_in(user):
        raise Unauthorized()
    pitch = get_agenda_pitch(pitch_id)
    require_watch(user, pitch.roadshow)
    if user.role != Role.INVESTOR and not user.is_admin:
        raise PermissionDenied(_l("Only investors mark interest in a pitch."), code="investors_only")
    if interested and not is_open(pitch.roadshow.status):
        raise InvalidState(_l("This roadshow has ended; the room is read-only."), code="roadshow_closed")
    existing = db.session.scalar(select(Interest).where(Interest.pitch_id == pitch.id, Interest.user_id == user.id))
    created = False
    if interested and existing is None:
        db.session.add(Interest(pitch_id=pitch.id, user_id=user.id))
        created = True
    elif not interested and existing is not None:
        db.session.delete(existing)
    db.session.commit()
    if created:
        _notify_founders(pitch, user)
    count = interest_count(pitch.id)
    if created or (not interested and existing is not None):
        _tell_watchers(pitch, user, interested, count)
    return {"pitch_id": pitch.id, "interested": interested, "count": count}


def _tell_watchers(pitch: Pitch, investor: User, interested: bool, count: int) -> None:
    """`interest:update` to those who may see the list (the startup's members, the organisers): their open
    interest page refreshes its list."""
    from app.core import realtime
    watchers = {m.user_id for m in pitch.startup.memberships} | pitch.roadshow.user_ids_with("moderator")
    if pitch.roadshow.created_by_id:
        watchers.add(pitch.roadshow.created_by_id)
    data = {"pitch_id": pitch.id, "interested": interested, "count": count,
            "user": {"id": investor.id, "name": investor.name}}
    for user_id in sorted(watchers - {investor.id}):
        realtime.emit_to_user(user_id, "interest:update", data)


def _notify_founders(pitch: Pitch, investor: User) -> None:
    from app.notifications.services import notify
    for membership in pitch.startup.memberships:
        notify(user=membership.user, kind="roadshow_interest",
               data={"investor": investor.name, "pitch": pitch.title},
               url=f"/roadshows/pitches/{pitch.id}/interest")


def list_interest(*, actor: User, pitch_id: int) -> list[Interest]:
    """Who is interested: the startup's members and the moderators see names and emails."""
    pitch = get_pitch(pitch_id)
    if not (organisations.is_member(actor, pitch.startup) or is_moderator(actor, pitch.roadshow)):
        raise PermissionDenied(_l("Only the startup's founders see who is interested."))
    return list(db.session.scalars(select(Interest).where(Interest.pitch_id == pitch.id).order_by(Interest.id)))


# Judging -------------------------------------------------------------------------------------

def score_pitch(*, judge: User, pitch_id: int, scores: dict[str, int]) -> dict:
    """A judge scores a pitch 0–10 on each of the roadshow's criteria (re-scoring replaces)."""
    pitch = get_agenda_pitch(pitch_id)
    roadshow = pitch.roadshow
    if not is_judge(judge, roadshow):
        raise PermissionDenied(_l("Only the roadshow's judges score pitches."), code="judges_only")
    names = {c["name"] for c in roadshow.criteria}
    unknown = sorted(set(scores) - names)
    if unknown or not scores:
        raise Invalid(details={"scores": [str(_l("Score the roadshow's criteria: %(names)s.",
                                                  names=", ".join(sorted(names)) or "—"))]})
    existing = {s.criterion: s for s in db.session.scalars(select(Score).where(
        Score.pitch_id == pitch.id, Score.judge_id == judge.id))}
    for name, value in scores.items():
        if name in existing:
            existing[name].value = value
        else:
            db.session.add(Score(pitch_id=pitch.id, judge_id=judge.id, criterion=name, value=value))
    db.session.commit()
    return score_sheet(pitch.id, judge.id)


def score_sheet(pitch_id: int, judge_id: int) -> dict:
    rows = db.session.scalars(select(Score).where(Score.pitch_id == pitch_id, Score.judge_id == judge_id))
    return {"pitch_id": pitch_id, "judge_id": judge_id, "scores": {s.criterion: s.value for s in rows}}


def weighted_scores(roadshow) -> dict[int, tuple[float | None, int]]:
    """Per pitch: the weighted average over criteria of the judges' mean scores, and how many judges scored."""
    weights = {c["name"]: float(c["weight"]) for c in roadshow.criteria}
    out: dict[int, tuple[float | None, int]] = {}
    for pitch in roadshow.pitches:
        rows = db.session.execute(select(Score.criterion, func.avg(Score.value), func.count(distinct(Score.judge_id)))
                                  .where(Score.pitch_id == pitch.id).group_by(Score.criterion)).all()
        judges = db.session.scalar(select(func.count(distinct(Score.judge_id))).where(Score.pitch_id == pitch.id)) or 0
        total_weight = sum(weights.get(r[0], 0) for r in rows)
        score = (sum(float(r[1]) * weights.get(r[0], 0) for r in rows) / total_weight) if total_weight else None
        out[pitch.id] = (round(score, 2) if score is not None else None, judges)
    return out


def leaderboard(*, user, roadshow_id: int) -> dict:
    """Pitches ranked by weighted score: moderators and judges always, everyone once published."""
    roadshow = get_roadshow(roadshow_id)
    require_watch(user, roadshow)
    if not (roadshow.leaderboard_published or is_moderator(user, roadshow) or is_judge(user, roadshow)):
        raise PermissionDenied(_l("The leaderboard is not published yet."), code="leaderboard_unpublished")
    scores = weighted_scores(roadshow)
    ranked = sorted(roadshow.pitches, key=lambda p: (scores[p.id][0] is None, -(scores[p.id][0] or 0), p.position))
    rows = [{"rank": i + 1, "pitch": p, "score": scores[p.id][0], "judges": scores[p.id][1]}
            for i, p in enumerate(ranked)]
    return {"roadshow_id": roadshow.id, "published": roadshow.leaderboard_published, "criteria": roadshow.criteria,
            "rows": rows}


# Report --------------------------------------------------------------------------------------

def report(*, actor: User, roadshow_id: int) -> dict:
    """The organiser's numbers: viewers, time in room, messages, questions, interest per pitch."""
    roadshow = get_roadshow(roadshow_id)
    if not is_moderator(actor, roadshow):
        raise PermissionDenied(_l("Only the organisers see the report."))
    rid = roadshow.id
    visits = db.session.execute(select(RoomVisit.user_id, RoomVisit.sid, RoomVisit.joined_at, RoomVisit.left_at)
                                .where(RoomVisit.roadshow_id == rid)).all()
    signed_in = {v.user_id for v in visits if v.user_id is not None}
    anonymous = {v.sid for v in visits if v.user_id is None}
    per_viewer: dict = {}
    from app.core.db import utcnow
    now = utcnow()
    for v in visits:
        key = v.user_id if v.user_id is not None else f"sid:{v.sid}"
        per_viewer[key] = per_viewer.get(key, 0) + ((v.left_at or now) - v.joined_at).total_seconds()
    average = (sum(per_viewer.values()) / len(per_viewer) / 60) if per_viewer else 0.0
    scores = weighted_scores(roadshow)
    from app.video.viewers import pitch_figures  # the video package builds on this one
    video = pitch_figures(roadshow, now)

    def count(stmt):
        return db.session.scalar(stmt) or 0

    pitches = [{"pitch": p,
                "questions": count(select(func.count(Question.id)).where(Question.pitch_id == p.id)),
                "answered": count(select(func.count(Question.id)).where(Question.pitch_id == p.id,
                                                                         Question.status == QuestionStatus.ANSWERED)),
                "interest": interest_count(p.id), "score": scores[p.id][0], **video[p.id]} for p in roadshow.pitches]
    return {
        "roadshow_id": rid,
        "registrations": count(select(func.count(Registration.id)).where(
            Registration.roadshow_id == rid, Registration.status == RegistrationStatus.APPROVED)),
        "unique_viewers": len(signed_in) + len(anonymous),
        "signed_in_viewers": len(signed_in),
        "average_minutes_in_room": round(average, 1),
        "messages": count(select(func.count(ChatMessage.id)).where(ChatMessage.roadshow_id == rid,
                                                                    ChatMessage.deleted.is_(False))),
        "questions": count(select(func.count(Question.id)).where(Question.roadshow_id == rid)),
        "answered": count(select(func.count(Question.id)).where(Question.roadshow_id == rid,
                                                                 Question.status == QuestionStatus.ANSWERED)),
        "poll_votes": count(select(func.count(PollVote.id)).join(Poll).where(Poll.roadshow_id == rid)),
        "pitches": pitches,
    }


def report_csv(data: dict) -> bytes:
    """The report as CSV, as the statistics exports: UTF-8 with BOM, headers in the reader's language, CRLF
    line ends; the totals first, then one row per pitch. A cell that a spreadsheet would run as a formula is
    quoted with a leading apostrophe."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    for label, value in ((_l("Registrations"), data["registrations"]), (_l("Unique viewers"), data["unique_viewers"]),
                         (_l("Signed-in viewers"), data["signed_in_viewers"]),
                         (_l("Average minutes in the room"), data["average_minutes_in_room"]),
                         (_l("Chat messages"), data["messages"]), (_l("Questions"), data["questions"]),
                         (_l("Answered"), data["answered"]), (_l("Poll votes"), data["poll_votes"])):
        writer.writerow([str(label), value])
    writer.writerow([])
    writer.writerow([str(h) for h in (_l("Pitch"), _l("Startup"), _l("Questions"), _l("Answered"),
                                      _l("Interested investors"), _l("Score"), _l("Peak video viewers"),
                                      _l("Average video viewers"))])
    for row in data["pitches"]:
        writer.writerow([_cell(row["pitch"].title), _cell(row["pitch"].startup.name), row["questions"],
                         row["answered"], row["interest"], "" if row["score"] is None else f"{row['score']:.2f}",
                         row["peak_video_viewers"], f"{row['average_video_viewers']:.1f}"])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
