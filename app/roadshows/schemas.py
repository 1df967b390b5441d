"""Input and output schemas for roadshows, pitches, registrations and the chat history."""
from marshmallow import Schema, ValidationError, fields, post_dump, pre_load, validate, validates_schema

from app.core.db import utcnow
from app.core.fields import Instant
from app.core.pagination import PageArgsSchema
from app.roadshows.deck_errors import deck_error_text
from app.roadshows.models import PitchState, RoadshowStatus, Visibility
from app.roadshows.streams import stream_kind

VISIBILITIES = [v.value for v in Visibility]
STATUSES = [s.value for s in RoadshowStatus]
PITCH_STATES = [s.value for s in PitchState]


def _strip(data):
    if not isinstance(data, dict):
        return data
    return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}


class CriterionSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    weight = fields.Float(required=True, validate=validate.Range(min=0, max=100))


_IDS = fields.List(fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)), validate=validate.Length(max=50))


class _RoadshowInput(Schema):
    @pre_load
    def tidy(self, data, **kwargs):
        return _strip(data)

    @validates_schema
    def check_times(self, data, **kwargs):
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("The end must be after the start.", "ends_at")


class CreateRoadshowSchema(_RoadshowInput):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    starts_at = Instant(required=True, format="iso")
    ends_at = Instant(required=True, format="iso")
    visibility = fields.String(load_default="public", validate=validate.OneOf(VISIBILITIES))
    premoderate_questions = fields.Boolean(load_default=False)
    anonymous_questions = fields.Boolean(load_default=False)
    record_pitches = fields.Boolean(load_default=False, metadata={
        "description": "Record each pitch's stage video for the replay (the organiser's consent; off by default)"})
    criteria = fields.List(fields.Nested(CriterionSchema), load_default=list, validate=validate.Length(max=10))
    moderator_ids = _IDS
    judge_ids = _IDS


class UpdateRoadshowSchema(_RoadshowInput):
    title = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=20000))
    starts_at = Instant(format="iso")
    ends_at = Instant(format="iso")
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES))
    status = fields.String(validate=validate.OneOf(STATUSES))
    premoderate_questions = fields.Boolean()
    anonymous_questions = fields.Boolean()
    record_pitches = fields.Boolean()
    criteria = fields.List(fields.Nested(CriterionSchema), validate=validate.Length(max=10))
    leaderboard_published = fields.Boolean()
    moderator_ids = _IDS
    judge_ids = _IDS


class RoadshowListArgsSchema(PageArgsSchema):
    when = fields.String(load_default=None, validate=validate.OneOf(["upcoming", "past"]),
                         metadata={"description": "upcoming (soonest first) or past (latest first)"})
    q = fields.String(load_default=None, validate=validate.Length(max=200),
                      metadata={"description": "search title, pitches and description (Chinese or English)"})

    @pre_load
    def blank_is_absent(self, data, **kwargs):
        return {k: v for k, v in data.items() if v != ""}


class CreatePitchSchema(Schema):
    startup_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    duration_minutes = fields.Integer(load_default=10, validate=validate.Range(min=1, max=120))
    stream_url = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"},
                            validate=validate.Length(max=500))
    presenter_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000),
                         metadata={"description": "A founder's note to the organisers with their application"})

    @pre_load
    def tidy(self, data, **kwargs):
        data = _strip(data)
        if isinstance(data, dict) and data.get("stream_url") == "":
            data["stream_url"] = None
        return data


class UpdatePitchSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    duration_minutes = fields.Integer(validate=validate.Range(min=1, max=120))
    stream_url = fields.Url(allow_none=True, schemes={"http", "https"}, validate=validate.Length(max=500))
    position = fields.Integer(validate=validate.Range(min=0, max=1000))
    presenter_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))

    @pre_load
    def tidy(self, data, **kwargs):
        data = _strip(data)
        if isinstance(data, dict) and data.get("stream_url") == "":
            data["stream_url"] = None
        return data


class UserRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class UserRef(fields.Field):
    """A person as `{id, name}` (null for nobody), as `UserRefSchema` shapes it, for the live room's hot shapes
    (chat messages, questions): a nested schema was about half the time of dumping one of those."""

    def __init__(self, **kwargs):
        metadata = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                    **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if isinstance(value, dict):
            return {"id": value["id"], "name": value["name"]}
        return {"id": value.id, "name": value.name}


class StartupRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class PitchSchema(Schema):
    id = fields.Integer(required=True)
    roadshow_id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    title = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "One of: " + ", ".join(PITCH_STATES)})
    status = fields.String(required=True, metadata={
        "description": "approved (on the agenda), pending (a founder's application) or declined"})
    duration_minutes = fields.Integer(required=True)
    stream_url = fields.String(required=True, allow_none=True)
    stream_kind = fields.Function(lambda pitch: stream_kind(pitch.stream_url), required=True, allow_none=True,
                                  metadata={"type": "string", "description": (
                                      "How the room shows the stream: hls (played in the page), embed (an "
                                      "allow-listed player in a frame) or link; null without a stream URL")})
    startup = fields.Nested(StartupRefSchema, required=True)
    presenter = fields.Nested(UserRefSchema, required=True, allow_none=True)
    deck_status = fields.String(required=True, metadata={
        "description": "none, processing, ready or failed: the state of the newest upload; the pages of the deck "
                       "shown before it stay until it is ready"})
    deck_pages = fields.Integer(required=True, metadata={"description": "Pages of the deck shown"})
    deck_revision = fields.Integer(required=True, metadata={"description": "Bumped each time a new deck is shown"})
    deck_error = fields.String(required=True, allow_none=True, metadata={
        "description": "Why the newest upload failed: timeout, too_large, unreadable or failed"})
    deck_error_message = fields.Method("_deck_error_message", required=True, allow_none=True,
                                       metadata={"type": "string", "description": "The same, in words"})
    current_slide = fields.Integer(required=True)
    deadline = Instant(required=True, allow_none=True, attribute="deadline_at")
    started_at = Instant(required=True, allow_none=True)

    def _deck_error_message(self, pitch) -> str | None:
        return deck_error_text(pitch.deck_error)


class ApplicationSchema(PitchSchema):
    note = fields.String(required=True, allow_none=True, metadata={"description": "The founder's note"})
    created_at = Instant(required=True)
    decided_at = Instant(required=True, allow_none=True)


class ApplicationListSchema(Schema):
    items = fields.List(fields.Nested(ApplicationSchema), required=True)


class RoadshowSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    starts_at = Instant(required=True)
    ends_at = Instant(required=True)
    visibility = fields.String(required=True, metadata={"description": "public or invite_only"})
    status = fields.String(required=True, metadata={"description": "One of: " + ", ".join(STATUSES)})
    premoderate_questions = fields.Boolean(required=True)
    anonymous_questions = fields.Boolean(required=True, metadata={
        "description": "Askers may hide their name from the audience (moderators still see who asked)"})
    record_pitches = fields.Boolean(required=True, metadata={
        "description": "Each pitch's stage video is recorded for the replay (the organiser's consent)"})
    criteria = fields.List(fields.Nested(CriterionSchema), required=True)
    leaderboard_published = fields.Boolean(required=True)
    current_pitch_id = fields.Integer(required=True, allow_none=True)
    moderator_ids = fields.Method("get_moderators", required=True)
    judge_ids = fields.Method("get_judges", required=True)
    pitches = fields.List(fields.Nested(PitchSchema), required=True, attribute="visible_pitches", metadata={
        "description": "The agenda (approved pitches); empty for someone not let into an invite-only roadshow"})
    created_at = Instant(required=True)

    def get_moderators(self, obj):
        return sorted(obj.user_ids_with("moderator"))

    def get_judges(self, obj):
        return sorted(obj.user_ids_with("judge"))


class RegistrationSchema(Schema):
    roadshow_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    registered = fields.Method("_registered", required=True, metadata={
        "type": "boolean", "description": "Let in (false while an invite-only request waits or once declined)"})
    status = fields.String(required=True, metadata={"description": "approved, pending (a request to join an "
                                                                   "invite-only roadshow) or declined"})
    created_at = Instant(required=True)

    def _registered(self, obj) -> bool:
        return obj.status == "approved"


class RegistrationRowSchema(RegistrationSchema):
    user = fields.Nested(UserRefSchema, required=True)
    email = fields.String(required=True, attribute="user.email")


class RoadshowInvitationSchema(Schema):
    id = fields.Integer(required=True)
    roadshow_id = fields.Integer(required=True)
    email = fields.String(required=True)
    created_at = Instant(required=True)


class RoadshowInviteSchema(Schema):
    emails = fields.List(fields.Email(validate=validate.Length(max=254)), required=True,
                         validate=validate.Length(min=1, max=200))


class RoadshowAdmissionSchema(Schema):
    invitations = fields.List(fields.Nested(RoadshowInvitationSchema), required=True)
    registrations = fields.List(fields.Nested(RegistrationRowSchema), required=True, metadata={
        "description": "Registrations, requests waiting for an answer first"})


class ApplicationDecisionSchema(Schema):
    approve = fields.Boolean(required=True)


class MessagesArgsSchema(Schema):
    after_id = fields.Integer(load_default=None, validate=validate.Range(min=0, max=2**63 - 1),
                              metadata={"description": "Only messages with a larger id (oldest first); "
                                                       "without it, the latest 50"})
    limit = fields.Integer(load_default=None, validate=validate.Range(min=1, max=1000))

    @pre_load
    def blank_is_absent(self, data, **kwargs):
        return {k: v for k, v in data.items() if v != ""}


class ChatMessageSchema(Schema):
    id = fields.Integer(required=True)
    roadshow_id = fields.Integer(required=True)
    user = UserRef(required=True)
    body = fields.String(required=True)
    created_at = Instant(required=True)
    client_id = fields.String(required=True)


class MessagesSchema(Schema):
    items = fields.List(fields.Nested(ChatMessageSchema), required=True)


class ScoresInputSchema(Schema):
    scores = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=80)),
                         values=fields.Integer(validate=validate.Range(min=0, max=10)), required=True,
                         metadata={"description": "criterion name → score 0–10"})


class ScoreSheetSchema(Schema):
    pitch_id = fields.Integer(required=True)
    judge_id = fields.Integer(required=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class LeaderboardRowSchema(Schema):
    rank = fields.Integer(required=True)
    pitch = fields.Nested(PitchSchema, required=True)
    score = fields.Float(required=True, allow_none=True, metadata={"description": "Weighted average, 0–10"})
    judges = fields.Integer(required=True)


class LeaderboardSchema(Schema):
    roadshow_id = fields.Integer(required=True)
    published = fields.Boolean(required=True)
    criteria = fields.List(fields.Nested(CriterionSchema), required=True)
    rows = fields.List(fields.Nested(LeaderboardRowSchema), required=True)


class InterestSchema(Schema):
    pitch_id = fields.Integer(required=True)
    interested = fields.Boolean(required=True)
    count = fields.Integer(required=True)


class InterestedPersonSchema(Schema):
    user = fields.Nested(UserRefSchema, required=True)
    email = fields.String(required=True)
    role = fields.String(required=True)
    created_at = Instant(required=True)


class InterestListSchema(Schema):
    pitch_id = fields.Integer(required=True)
    items = fields.List(fields.Nested(InterestedPersonSchema), required=True)


class PitchReportSchema(Schema):
    pitch = fields.Nested(PitchSchema, required=True)
    questions = fields.Integer(required=True)
    answered = fields.Integer(required=True)
    interest = fields.Integer(required=True)
    score = fields.Float(required=True, allow_none=True)
    peak_video_viewers = fields.Integer(required=True, metadata={
        "description": "The most people watching the stage video at once while the pitch was on stage"})
    average_video_viewers = fields.Float(required=True, metadata={
        "description": "Video viewers averaged over the pitch's time on stage (weighted by time)"})


class ReportSchema(Schema):
    roadshow_id = fields.Integer(required=True)
    registrations = fields.Integer(required=True)
    unique_viewers = fields.Integer(required=True)
    signed_in_viewers = fields.Integer(required=True)
    average_minutes_in_room = fields.Float(required=True)
    messages = fields.Integer(required=True)
    questions = fields.Integer(required=True)
    answered = fields.Integer(required=True)
    poll_votes = fields.Integer(required=True)
    pitches = fields.List(fields.Nested(PitchReportSchema), required=True)


# The live room's shapes: the same over Socket.IO (events, acks, join state) and REST ------------------

class QuestionCountsSchema(Schema):
    asked = fields.Integer(required=True)
    answered = fields.Integer(required=True)


class QuestionSchema(Schema):
    """A question (`qa:new`, `qa:update`, the `qa:ask` ack, the join state's `questions`), as moderators see it."""
    id = fields.Integer(required=True)
    roadshow_id = fields.Integer(required=True)
    pitch_id = fields.Integer(required=True)
    user = UserRef(required=True, allow_none=True, metadata={
        "description": "Who asked; null for an anonymous question unless you moderate the roadshow"})
    is_anonymous = fields.Boolean(required=True, metadata={"description": "Asked without a name for the audience"})
    body = fields.String(required=True)
    status = fields.String(required=True, metadata={
        "description": "pending (waiting for a moderator), approved, answered, dismissed or not_taken"})
    votes = fields.Integer(required=True)
    created_at = Instant(required=True)
    voted = fields.Boolean(metadata={"description": "Whether you upvoted it (acks, the join state and lists)"})
    counts = fields.Nested(QuestionCountsSchema, metadata={
        "description": "The room's question counts, in broadcasts of one question"})


class PublicQuestionSchema(QuestionSchema):
    """A question as the audience sees it: an anonymous one without its asker."""

    @post_dump
    def hide_asker(self, data, **kwargs):
        if data.get("is_anonymous"):
            data["user"] = None
        return data


class QuestionListSchema(Schema):
    items = fields.List(fields.Nested(QuestionSchema), required=True, metadata={
        "description": "Most votes first: moderators see every question, the audience the approved and answered "
                       "ones plus their own waiting ones"})


def dump_question(question, *, counts: dict | None = None, voted: bool | None = None,
                  moderator: bool = False) -> dict:
    """A question as the audience sees it (`PublicQuestionSchema`) or, for moderators, with every asker; with the
    room's counts and whether the reader voted if given."""
    data = (question_schema if moderator else public_question_schema).dump(question)
    if counts is not None:
        data["counts"] = counts
    if voted is not None:
        data["voted"] = voted
    return data


class PollOptionSchema(Schema):
    id = fields.Integer(required=True)
    label = fields.String(required=True)
    votes = fields.Integer(required=True, allow_none=True)


class PollSchema(Schema):
    """A poll with its results (`poll:update`, the `poll:open`/`poll:close` acks, the join state's `polls`).

    Dumped by `dump_poll`: the results are counted apart from the poll row.
    """
    id = fields.Integer(required=True)
    roadshow_id = fields.Integer(required=True)
    pitch_id = fields.Integer(required=True, allow_none=True)
    question = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "open or closed"})
    options = fields.List(fields.Nested(PollOptionSchema), required=True)
    total = fields.Integer(required=True)
    hide_results = fields.Boolean(required=True, metadata={
        "description": "The audience sees the results once the poll closes (each option's votes are null "
                       "until then); moderators see them all along"})
    my_vote = fields.Integer(required=True, allow_none=True, metadata={"description": "The option you chose"})
    created_at = Instant(required=True)


class PublicPollSchema(PollSchema):
    """A poll as the audience sees it: an open poll that hides its results shows no option's votes."""

    @post_dump
    def hide_results_until_closed(self, data, **kwargs):
        if data.get("hide_results") and data.get("status") == "open":
            data["options"] = [{**o, "votes": None} for o in data["options"]]
        return data


class PollListSchema(Schema):
    items = fields.List(fields.Nested(PollSchema), required=True)


def dump_poll(poll, tallies: dict[int, int], my_vote: int | None = None, *, moderator: bool = False) -> dict:
    """A poll as the audience sees it (`PublicPollSchema`) or, for moderators, with its results all along
    (`tallies`: option id → votes)."""
    options = [{"id": o.id, "label": o.label, "votes": tallies.get(o.id, 0)} for o in poll.options]
    return (poll_schema if moderator else public_poll_schema).dump({
        "id": poll.id, "roadshow_id": poll.roadshow_id, "pitch_id": poll.pitch_id, "question": poll.question,
        "status": poll.status, "options": options, "total": sum(o["votes"] for o in options),
        "hide_results": poll.hide_results, "my_vote": my_vote, "created_at": poll.created_at})


class StageUpdateSchema(Schema):
    """`stage:update` and the join state's `stage`: what is on stage, and the server's deadline and clock."""
    roadshow_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "The roadshow's status"})
    event_id = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The newest stage event this reflects (a client ignores an older one)"})
    pitch = fields.Nested(PitchSchema, required=True, allow_none=True)
    state = fields.String(required=True, allow_none=True, metadata={"description": "The pitch's state"})
    deadline = Instant(required=True, allow_none=True)
    server_time = Instant(required=True)


def dump_stage(roadshow, event_id: int | None = None) -> dict:
    """A roadshow's stage as `StageUpdateSchema` shapes it, with the server's clock now."""
    current = roadshow.current_pitch
    return stage_schema.dump({
        "roadshow_id": roadshow.id, "status": roadshow.status, "event_id": event_id, "pitch": current,
        "state": current.state if current else None, "deadline": current.deadline_at if current else None,
        "server_time": utcnow()})


def slide_url(pitch_id: int, revision: int = 0) -> str:
    """The page image URL with `{n}` for the page number (the client fills it in); `?v=` names the deck's
    revision, so a replaced deck's pages are never taken from a cache."""
    return f"/roadshows/pitches/{pitch_id}/deck/{{n}}.png?v={revision}"  # the route of views.deck_page


class SlideUpdateSchema(Schema):
    """`slide:update` and the join state's `slide` (null with nothing on stage): the page every viewer shows."""
    roadshow_id = fields.Integer(required=True)
    pitch_id = fields.Integer(required=True)
    slide = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    deck_status = fields.String(required=True)
    event_id = fields.Integer(required=True, allow_none=True)
    image_url = fields.String(required=True, allow_none=True, metadata={
        "description": "The pages' URL, `{n}` for the page number; null without a deck"})


def dump_slide(roadshow, event_id: int | None = None) -> dict | None:
    """A roadshow's slide as `SlideUpdateSchema` shapes it; None with nothing on stage."""
    current = roadshow.current_pitch
    if current is None:
        return None
    return slide_schema.dump({
        "roadshow_id": roadshow.id, "pitch_id": current.id, "slide": current.current_slide,
        "pages": current.deck_pages, "deck_status": current.deck_status, "event_id": event_id,
        "image_url": slide_url(current.id, current.deck_revision) if current.deck_pages else None})


class DeckReadySchema(PitchSchema):
    """`deck:ready`: the pitch (as in `stage:update`) and the URL of its new pages (`{n}` for the number)."""
    image_url = fields.Function(lambda pitch: slide_url(pitch.id, pitch.deck_revision), required=True)


class CueSchema(Schema):
    """A moderator's private cue to the presenter (`cue:new`, `cue:acked`, the join state's `cues`)."""
    id = fields.Integer(required=True)
    roadshow_id = fields.Integer(required=True)
    pitch_id = fields.Integer(required=True)
    body = fields.String(required=True)
    created_at = Instant(required=True)
    acknowledged_at = Instant(required=True, allow_none=True)


chat_message_schema = ChatMessageSchema()
pitch_schema = PitchSchema()
question_schema = QuestionSchema()
public_question_schema = PublicQuestionSchema()
poll_schema = PollSchema()
public_poll_schema = PublicPollSchema()
stage_schema = StageUpdateSchema()
slide_schema = SlideUpdateSchema()
cue_schema = CueSchema()
deck_ready_schema = DeckReadySchema()
