"""JSON API for roadshows and pitches."""
from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from app.core.errors import Invalid
from app.core.pagination import page_schema
from app.roadshows import admission, decks, engagement, schemas, services
from app.roadshows.live import queries

blp = Blueprint("roadshows_api", __name__, url_prefix="/api", description="Roadshows and pitches")


def _me():
    return current_user._get_current_object()


@blp.route("/roadshows", methods=["POST"])
@blp.arguments(schemas.CreateRoadshowSchema)
@blp.response(201, schemas.RoadshowSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@login_required
def create_roadshow(data):
    """Schedule a roadshow (admins)."""
    return services.create_roadshow(actor=_me(), **data)


@blp.route("/roadshows", methods=["GET"])
@blp.arguments(schemas.RoadshowListArgsSchema, location="query")
@blp.response(200, page_schema(schemas.RoadshowSchema))
def list_roadshows(args):
    """Roadshows: `?when=upcoming` (soonest first) or `past` (latest first)."""
    return services.list_roadshows(user=current_user, **args)


@blp.route("/roadshows/<int:roadshow_id>", methods=["GET"])
@blp.response(200, schemas.RoadshowSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
def get_roadshow(roadshow_id):
    """A roadshow with its agenda of pitches."""
    return services.view_roadshow(user=current_user, roadshow_id=roadshow_id)


@blp.route("/roadshows/<int:roadshow_id>", methods=["PATCH"])
@blp.arguments(schemas.UpdateRoadshowSchema)
@blp.response(200, schemas.RoadshowSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def update_roadshow(data, roadshow_id):
    """Edit a roadshow (admins and its moderators; moderators and judges are chosen by admins)."""
    return services.update_roadshow(actor=_me(), roadshow_id=roadshow_id, **data)


@blp.route("/roadshows/<int:roadshow_id>/pitches", methods=["POST"])
@blp.arguments(schemas.CreatePitchSchema)
@blp.response(201, schemas.PitchSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
@login_required
def add_pitch(data, roadshow_id):
    """Organisers add a pitch to the agenda; a founder applies with their own startup (`status` pending until
    an organiser approves it)."""
    return services.add_pitch(actor=_me(), roadshow_id=roadshow_id, **data)


@blp.route("/roadshows/<int:roadshow_id>/applications", methods=["GET"])
@blp.response(200, schemas.ApplicationListSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def list_applications(roadshow_id):
    """Applications to pitch: organisers get those waiting for an answer; a founder their startups' ones."""
    roadshow = services.get_roadshow(roadshow_id)
    return {"items": services.applications_for(_me(), roadshow)}


@blp.route("/pitches/<int:pitch_id>/decision", methods=["POST"])
@blp.arguments(schemas.ApplicationDecisionSchema)
@blp.response(200, schemas.ApplicationSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
@login_required
def decide_application(data, pitch_id):
    """Organisers approve (`approve: true`: it joins the end of the agenda) or decline a founder's application."""
    return services.decide_application(actor=_me(), pitch_id=pitch_id, approve=data["approve"])


@blp.route("/pitches/<int:pitch_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
@login_required
def delete_pitch(pitch_id):
    """Organisers remove an upcoming pitch; a founder withdraws their application."""
    services.delete_pitch(actor=_me(), pitch_id=pitch_id)


@blp.route("/roadshows/<int:roadshow_id>/invitations", methods=["POST"])
@blp.arguments(schemas.RoadshowInviteSchema)
@blp.response(201, schemas.RoadshowInvitationSchema(many=True))
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def invite(data, roadshow_id):
    """Organisers invite people by email (idempotent); an account with the address is let in at once."""
    return admission.invite(actor=_me(), roadshow_id=roadshow_id, emails=data["emails"])


@blp.route("/roadshows/<int:roadshow_id>/invitations/<int:invitation_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def uninvite(roadshow_id, invitation_id):
    """Withdraw an invitation (the person it let in loses access)."""
    admission.uninvite(actor=_me(), roadshow_id=roadshow_id, invitation_id=invitation_id)


@blp.route("/roadshows/<int:roadshow_id>/admission", methods=["GET"])
@blp.response(200, schemas.RoadshowAdmissionSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def get_admission(roadshow_id):
    """Organisers: the invitations and the registrations, requests waiting for an answer first."""
    return admission.admission(actor=_me(), roadshow_id=roadshow_id)


@blp.route("/roadshows/<int:roadshow_id>/registrations/<int:user_id>/decision", methods=["POST"])
@blp.arguments(schemas.ApplicationDecisionSchema)
@blp.response(200, schemas.RegistrationSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def decide_registration(data, roadshow_id, user_id):
    """Organisers let a person who asked into an invite-only roadshow (`approve: true`) or turn them down."""
    return admission.decide_registration(actor=_me(), roadshow_id=roadshow_id, user_id=user_id,
                                         approve=data["approve"])


@blp.route("/pitches/<int:pitch_id>", methods=["PATCH"])
@blp.arguments(schemas.UpdatePitchSchema)
@blp.response(200, schemas.PitchSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def update_pitch(data, pitch_id):
    """Edit a pitch (its founders and the moderators; the order only by moderators)."""
    return services.update_pitch(actor=_me(), pitch_id=pitch_id, **data)


@blp.route("/pitches/<int:pitch_id>/deck", methods=["POST"])
@blp.response(201, schemas.PitchSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
@blp.alt_response(413, response="DEFAULT_ERROR")
@blp.alt_response(422, response="DEFAULT_ERROR")
@login_required
def upload_deck(pitch_id):
    """Upload the pitch deck: multipart `file`, a PDF of at most 20 MB and 100 pages; pages render in the background.

    `deck_status` is `processing` until the page images are ready (`ready`), or `failed` (`deck_error` says why).
    A deck shown before keeps being shown until the new one is ready, and stays if it fails.
    """
    upload = request.files.get("file")
    if upload is None:
        raise Invalid(_l("Attach the deck as the multipart field `file`."),
                      details={"file": [str(_l("Attach a PDF file."))]})
    data = upload.stream.read(decks.MAX_DECK_BYTES + 1)
    return decks.upload_deck(actor=_me(), pitch_id=pitch_id, data=data)


@blp.route("/roadshows/<int:roadshow_id>/register", methods=["POST"])
@blp.response(200, schemas.RegistrationSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
@login_required
def register(roadshow_id):
    """Register for a roadshow (reminders); idempotent. For an invite-only roadshow it is a request the
    organisers approve (`status` pending), unless you are invited."""
    return services.register(user=_me(), roadshow_id=roadshow_id)


@blp.route("/roadshows/<int:roadshow_id>/register", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def unregister(roadshow_id):
    """Cancel your registration."""
    services.unregister(user=_me(), roadshow_id=roadshow_id)


@blp.route("/roadshows/<int:roadshow_id>/messages", methods=["GET"])
@blp.arguments(schemas.MessagesArgsSchema, location="query")
@blp.response(200, schemas.MessagesSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
def list_messages(args, roadshow_id):
    """Chat history for people who may watch: `?after_id=` gives everything after that id, oldest first."""
    items = queries.chat_history(user=current_user, roadshow_id=roadshow_id, **args)
    return {"items": items}


@blp.route("/roadshows/<int:roadshow_id>/questions", methods=["GET"])
@blp.response(200, schemas.QuestionListSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
def list_questions(roadshow_id):
    """The room's questions as you see them in the room (an anonymous one names its asker only to moderators)."""
    return jsonify({"items": queries.room_questions(user=current_user, roadshow_id=roadshow_id)})  # shaped per reader


@blp.route("/roadshows/<int:roadshow_id>/polls", methods=["GET"])
@blp.response(200, schemas.PollListSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
def list_polls(roadshow_id):
    """The room's polls, newest first, with their results as you see them (hidden ones only to moderators)."""
    return jsonify({"items": queries.room_polls(user=current_user, roadshow_id=roadshow_id)})  # shaped per reader


@blp.route("/pitches/<int:pitch_id>/interest", methods=["PUT", "DELETE"])
@blp.response(200, schemas.InterestSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def mark_interest(pitch_id):
    """Investors mark (PUT) or unmark (DELETE) interest in a pitch; the founders are notified."""
    return engagement.mark_interest(user=_me(), pitch_id=pitch_id, interested=request.method == "PUT")


@blp.route("/pitches/<int:pitch_id>/interest", methods=["GET"])
@blp.response(200, schemas.InterestListSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def list_interest(pitch_id):
    """Who is interested in a pitch (its founders and the moderators)."""
    rows = engagement.list_interest(actor=_me(), pitch_id=pitch_id)
    return {"pitch_id": pitch_id, "items": [{"user": i.user, "email": i.user.email, "role": i.user.role,
                                             "created_at": i.created_at} for i in rows]}


@blp.route("/pitches/<int:pitch_id>/scores", methods=["PUT"])
@blp.arguments(schemas.ScoresInputSchema)
@blp.response(200, schemas.ScoreSheetSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def score_pitch(data, pitch_id):
    """A judge's scores for a pitch, 0–10 per criterion of the roadshow."""
    return engagement.score_pitch(judge=_me(), pitch_id=pitch_id, scores=data["scores"])


@blp.route("/roadshows/<int:roadshow_id>/leaderboard", methods=["GET"])
@blp.response(200, schemas.LeaderboardSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
def get_leaderboard(roadshow_id):
    """Pitches ranked by the judges' weighted scores (public once the organiser publishes it)."""
    return engagement.leaderboard(user=current_user, roadshow_id=roadshow_id)


@blp.route("/roadshows/<int:roadshow_id>/report", methods=["GET"])
@blp.response(200, schemas.ReportSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def get_report(roadshow_id):
    """The organiser's report: viewers, time in room, messages, questions, interest per pitch."""
    return engagement.report(actor=_me(), roadshow_id=roadshow_id)
