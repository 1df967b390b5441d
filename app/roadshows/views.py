"""Roadshow list, detail and live room pages; the admin's create/edit pages; deck images; report."""
import click
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.accounts import organisations
from app.accounts import services as account_services
from app.core import security
from app.core.errors import AppError, PermissionDenied, Unauthorized
from app.roadshows import admission, decks, engagement, forms, replay, services, streams
from app.roadshows.live import access, queries
from app.roadshows.models import RoleKind

bp = Blueprint("roadshows", __name__)


def _me():
    return current_user._get_current_object() if current_user.is_authenticated else None


@bp.app_context_processor
def roadshow_helpers():
    return {"roadshow_state_label": state_label, "roadshow_pitches_of": _pitches_of,
            "application_status_label": application_status_label,
            "registration_status_label": registration_status_label,
            "deck_error_text": decks.deck_error_text}


def _pitches_of(startup_id: int):
    return services.pitches_of_startup(startup_id, user=_me())


def state_label(state: str) -> str:
    labels = {"upcoming": _("Upcoming"), "live": _("Live"), "qa": _("Q&A"), "done": _("Done"),
              "scheduled": _("Scheduled"), "ended": _("Ended"), "cancelled": _("Cancelled"),
              "pending": _("Waiting for approval"), "approved": _("Open"), "answered": _("Answered"),
              "dismissed": _("Dismissed"), "not_taken": _("Not taken")}
    return labels.get(state, state)


def application_status_label(status: str) -> str:
    labels = {"pending": _("Waiting for the organisers"), "approved": _("On the agenda"), "declined": _("Declined")}
    return labels.get(status, status)


def registration_status_label(status: str) -> str:
    labels = {"pending": _("Asks to join"), "approved": _("Registered"), "declined": _("Turned down")}
    return labels.get(status, status)


@bp.route("/roadshows/pitches/<int:pitch_id>/move", methods=["POST"])
@login_required
def move_pitch(pitch_id):
    """Organisers move a pitch one place up (`offset=-1`) or down (`offset=1`) the agenda."""
    pitch = services.get_pitch(pitch_id)
    try:
        services.move_pitch(actor=_me(), pitch_id=pitch.id, offset=-1 if request.form.get("offset") == "-1" else 1)
    except PermissionDenied:
        abort(403)
    except AppError as error:
        flash(error.message, "error")
    return redirect(url_for("roadshows.edit", roadshow_id=pitch.roadshow_id))


@bp.route("/roadshows")
def index():
    """Upcoming roadshows first, then the past ones; `q` searches titles, pitches and descriptions."""
    q = request.args.get("q", "").strip()[:200] or None
    upcoming = services.list_roadshows(user=_me(), when="upcoming", q=q, per_page=50).items
    try:
        page = max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        page = 1
    past = services.list_roadshows(user=_me(), when="past", q=q, page=page, per_page=10)
    return render_template("roadshows/index.html", upcoming=upcoming, past=past, q=q,
                           can_create=bool(_me() and _me().is_admin))


@bp.route("/roadshows/<int:roadshow_id>")
def detail(roadshow_id, apply_form=None, pitch_forms=None, score_forms=None):
    """A roadshow's description, agenda (invite-only: for those let in), registration or a request to join,
    a founder's applications to pitch, and (when published) the leaderboard."""
    user = _me()
    try:
        roadshow = services.view_roadshow(user=user, roadshow_id=roadshow_id)
    except Unauthorized:
        return redirect(url_for("accounts.login", next=request.path))
    leaderboard = None
    try:
        leaderboard = engagement.leaderboard(user=user, roadshow_id=roadshow.id)
    except AppError:
        pass
    can_watch = access.can_watch(user, roadshow)
    is_moderator = access.is_moderator(user, roadshow)
    return render_template(
        "roadshows/detail.html", roadshow=roadshow, leaderboard=leaderboard,
        registration=access.registration_status(user, roadshow), can_watch=can_watch,
        is_moderator=is_moderator, is_judge=access.is_judge(user, roadshow),
        registrations=services.registration_count(roadshow),
        my_scores=({p.id: engagement.score_sheet(p.id, user.id)["scores"] for p in roadshow.pitches}
                   if access.is_judge(user, roadshow) else {}),
        editable_pitches={p.id for p in roadshow.visible_pitches if services.can_edit_pitch(user, p)},
        applications=[] if is_moderator else services.applications_for(user, roadshow),
        apply_form=apply_form or _apply_form(roadshow, can_watch, is_moderator),
        deck_form=forms.DeckForm(), pitch_forms=pitch_forms or {}, score_forms=score_forms or {})


def _apply_form(roadshow, can_watch: bool, is_moderator: bool, posted: bool = False) -> forms.ApplyForm | None:
    """The founder's form to apply, when they have a startup and may apply here."""
    user = _me()
    if user is None or is_moderator or not can_watch or not access.is_open(roadshow.status):
        return None
    startups = organisations.organisations_for(user, "startup")
    if not startups:
        return None
    form = forms.ApplyForm() if posted else forms.ApplyForm(formdata=None)
    form.startup_id.choices = [SelectChoice(s.id, s.name) for s in startups]
    return form


@bp.route("/roadshows/<int:roadshow_id>/apply", methods=["POST"])
@login_required
def apply(roadshow_id):
    """A founder applies to pitch (with the deck, if attached); a form with errors keeps what was typed."""
    roadshow = services.get_roadshow(roadshow_id)
    form = _apply_form(roadshow, access.can_watch(_me(), roadshow), access.is_moderator(_me(), roadshow),
                       posted=True)
    if form is None:
        abort(403)
    if form.validate_on_submit():
        try:
            pitch = services.add_pitch(actor=_me(), roadshow_id=roadshow.id, startup_id=form.startup_id.data,
                                       title=form.title.data, duration_minutes=form.duration_minutes.data,
                                       stream_url=form.stream_url.data or None, note=form.note.data)
        except AppError as error:
            flash(error.message, "error")
        else:
            _attach_deck(pitch.id, form.deck.data)
            flash(_("Your application is sent; the organisers will answer."), "success")
            return redirect(url_for("roadshows.detail", roadshow_id=roadshow.id))
    return detail(roadshow_id, apply_form=form), 422


def _attach_deck(pitch_id: int, upload) -> None:
    if upload is None or not getattr(upload, "filename", ""):
        return
    try:
        decks.upload_deck(actor=_me(), pitch_id=pitch_id, data=upload.read(decks.MAX_DECK_BYTES + 1))
    except AppError as error:
        flash(error.message, "error")


@bp.route("/roadshows/pitches/<int:pitch_id>/edit", methods=["POST"])
@login_required
def edit_pitch(pitch_id):
    """Founders (of an application or an approved pitch) and organisers edit a pitch's title, length, link;
    refused, the page it was sent from again with what was typed and the reasons next to the fields."""
    pitch = services.get_pitch(pitch_id)
    form = forms.EditPitchForm()
    if form.validate_on_submit():
        try:
            services.update_pitch(actor=_me(), pitch_id=pitch.id, title=form.title.data,
                                  duration_minutes=form.duration_minutes.data, stream_url=form.stream_url.data or "",
                                  presenter_id=form.presenter_id.data)
        except AppError as error:
            _place_errors(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(_back_to(pitch.roadshow))
    if access.is_moderator(_me(), pitch.roadshow):
        return edit(pitch.roadshow_id, pitch_forms={pitch.id: form}), 422
    return detail(pitch.roadshow_id, pitch_forms={pitch.id: form}), 422


def _place_errors(form, error: AppError) -> None:
    """A service's field errors next to the form's fields; the rest (and its message) as a message above."""
    rest = []
    for name, messages in (error.details or {}).items():
        if name in form._fields and name != "csrf_token" and isinstance(messages, list):
            form[name].errors = [*form[name].errors, *(str(m) for m in messages)]
        else:
            rest.extend(str(m) for m in (messages if isinstance(messages, list) else [messages]))
    if rest or not error.details:
        flash(" ".join([str(error.message), *rest]), "error")


@bp.route("/roadshows/pitches/<int:pitch_id>/delete", methods=["POST"])
@login_required
def delete_pitch(pitch_id):
    """Organisers remove an upcoming pitch; founders withdraw an application."""
    pitch = services.get_pitch(pitch_id)
    roadshow = pitch.roadshow
    try:
        services.delete_pitch(actor=_me(), pitch_id=pitch.id)
        flash(_("Removed."), "success")
    except AppError as error:
        flash(error.message, "error")
    return redirect(_back_to(roadshow))


@bp.route("/roadshows/pitches/<int:pitch_id>/decision", methods=["POST"])
@login_required
def decide_application(pitch_id):
    """Organisers approve or decline a founder's application."""
    pitch = services.get_pitch(pitch_id)
    try:
        services.decide_application(actor=_me(), pitch_id=pitch.id, approve=request.form.get("approve") == "1")
        flash(_("The application is approved: the pitch is on the agenda.") if request.form.get("approve") == "1"
              else _("The application is declined."), "success")
    except AppError as error:
        flash(error.message, "error")
    return redirect(url_for("roadshows.edit", roadshow_id=pitch.roadshow_id))


def _back_to(roadshow) -> str:
    target = "roadshows.edit" if access.is_moderator(_me(), roadshow) else "roadshows.detail"
    return url_for(target, roadshow_id=roadshow.id)


STATUS_ACTIONS = {"publish": {"leaderboard_published": True}, "unpublish": {"leaderboard_published": False},
                  "end": {"status": "ended"}, "cancel": {"status": "cancelled"}}


@bp.route("/roadshows/<int:roadshow_id>/status", methods=["POST"])
@login_required
def change_status(roadshow_id):
    """Organisers publish or unpublish the leaderboard, end or cancel the roadshow (registered people are told)."""
    change = STATUS_ACTIONS.get(request.form.get("action", ""))
    if change is None:
        abort(400)
    try:
        services.update_roadshow(actor=_me(), roadshow_id=roadshow_id, **change)
        flash(_("Saved."), "success")
    except PermissionDenied:
        abort(403)
    except AppError as error:
        flash(error.message, "error")
    return redirect(url_for("roadshows.edit", roadshow_id=roadshow_id))


@bp.route("/roadshows/<int:roadshow_id>/invitations", methods=["POST"])
@login_required
def invite(roadshow_id):
    """Organisers invite people by email from the edit page."""
    roadshow = services.get_roadshow(roadshow_id)
    if not access.is_moderator(_me(), roadshow):
        abort(403)
    form = forms.InviteForm()
    if form.validate_on_submit():
        try:
            sent = admission.invite(actor=_me(), roadshow_id=roadshow.id, emails=forms.split_emails(form.emails.data))
            flash(_("Invited: %(emails)s.", emails=", ".join(i.email for i in sent)), "success")
        except AppError as error:
            flash(error.message, "error")
        else:
            return redirect(url_for("roadshows.edit", roadshow_id=roadshow.id))
    return edit(roadshow_id, invite_form=form), 422


@bp.route("/roadshows/<int:roadshow_id>/invitations/<int:invitation_id>/delete", methods=["POST"])
@login_required
def uninvite(roadshow_id, invitation_id):
    try:
        admission.uninvite(actor=_me(), roadshow_id=roadshow_id, invitation_id=invitation_id)
        flash(_("The invitation is withdrawn."), "success")
    except PermissionDenied:
        abort(403)
    except AppError as error:
        flash(error.message, "error")
    return redirect(url_for("roadshows.edit", roadshow_id=roadshow_id))


@bp.route("/roadshows/<int:roadshow_id>/registrations/<int:user_id>/decision", methods=["POST"])
@login_required
def decide_registration(roadshow_id, user_id):
    """Organisers let in (or turn down) a person who asked to join."""
    approve = request.form.get("approve") == "1"
    try:
        admission.decide_registration(actor=_me(), roadshow_id=roadshow_id, user_id=user_id, approve=approve)
        flash(_("Let in.") if approve else _("Turned down."), "success")
    except PermissionDenied:
        abort(403)
    except AppError as error:
        flash(error.message, "error")
    return redirect(url_for("roadshows.edit", roadshow_id=roadshow_id))


@bp.route("/roadshows/<int:roadshow_id>/register", methods=["POST"])
@login_required
def register(roadshow_id):
    """Register (or, with `action=cancel`, cancel the registration)."""
    try:
        if request.form.get("action") == "cancel":
            services.unregister(user=_me(), roadshow_id=roadshow_id)
            flash(_("Your registration is cancelled."), "success")
        else:
            registration = services.register(user=_me(), roadshow_id=roadshow_id)
            flash(_("You are registered.") if registration.status == "approved"
                  else _("Your request is sent; the organisers will answer."), "success")
    except AppError as error:
        flash(error.message, "error")
    return redirect(url_for("roadshows.detail", roadshow_id=roadshow_id))


def _users_from_emails(text: str, field) -> list[int] | None:
    ids = []
    for email in forms.split_emails(text):
        user = account_services.find_user_by_email(email)
        if user is None:
            field.errors = list(field.errors) + [_("No account uses %(email)s.", email=email)]
            return None
        ids.append(user.id)
    return ids


def _form_data(form: forms.RoadshowForm) -> dict | None:
    moderator_ids = _users_from_emails(form.moderators.data, form.moderators)
    judge_ids = _users_from_emails(form.judges.data, form.judges)
    if moderator_ids is None or judge_ids is None:
        return None
    return {"title": form.title.data, "description": form.description.data or "",
            "starts_at": forms.to_utc(form.starts_at.data), "ends_at": forms.to_utc(form.ends_at.data),
            "visibility": form.visibility.data, "premoderate_questions": form.premoderate_questions.data,
            "anonymous_questions": form.anonymous_questions.data, "record_pitches": form.record_pitches.data,
            "criteria": forms.parse_criteria(form.criteria.data), "moderator_ids": moderator_ids,
            "judge_ids": judge_ids}


@bp.route("/roadshows/new", methods=["GET", "POST"])
@login_required
def create():
    """Admins schedule a roadshow."""
    if not _me().is_admin:
        abort(403)
    form = forms.RoadshowForm()
    if form.validate_on_submit():
        data = _form_data(form)
        if data is not None:
            try:
                roadshow = services.create_roadshow(actor=_me(), **data)
            except AppError as error:
                flash(error.message, "error")
            else:
                flash(_("The roadshow is scheduled. Now add its pitches."), "success")
                return redirect(url_for("roadshows.edit", roadshow_id=roadshow.id))
    return render_template("roadshows/form.html", form=form, roadshow=None)


@bp.route("/roadshows/<int:roadshow_id>/edit", methods=["GET", "POST"])
@login_required
def edit(roadshow_id, invite_form=None, pitch_form=None, role_form=None, pitch_forms=None):
    """Moderators edit the roadshow and its agenda (pitches, decks)."""
    roadshow = services.get_roadshow(roadshow_id)
    if not access.is_moderator(_me(), roadshow):
        abort(403)
    posted = request.method == "POST" and request.endpoint == "roadshows.edit"  # not a form of its own page
    form = forms.RoadshowForm() if posted else forms.RoadshowForm(formdata=None, obj=roadshow)
    if not posted:
        form.starts_at.data, form.ends_at.data = forms.to_local(roadshow.starts_at), forms.to_local(roadshow.ends_at)
        form.criteria.data = forms.format_criteria(roadshow.criteria)
    if posted and form.validate_on_submit():
        data = _form_data(form)
        if data is not None:
            data.pop("moderator_ids"), data.pop("judge_ids")  # managed one by one on this page (`change_role`)
            try:
                services.update_roadshow(actor=_me(), roadshow_id=roadshow.id, **data)
            except AppError as error:
                flash(error.message, "error")
            else:
                flash(_("Saved."), "success")
                return redirect(url_for("roadshows.edit", roadshow_id=roadshow.id))
    return render_template("roadshows/form.html", form=form, roadshow=roadshow,
                           pitch_form=pitch_form or _pitch_form(roadshow), pitch_forms=pitch_forms or {},
                           role_form=role_form or forms.RoleForm(formdata=None), roles=_roles(roadshow),
                           deck_form=forms.DeckForm(), invite_form=invite_form or forms.InviteForm(formdata=None),
                           applications=services.applications_for(_me(), roadshow),
                           admission=admission.admission(actor=_me(), roadshow_id=roadshow.id))


def _roles(roadshow) -> list[tuple[str, list]]:
    """The roadshow's moderators and judges, by role, for the edit page."""
    return [(kind, sorted((r.user for r in roadshow.roles if r.role == kind), key=lambda u: u.name))
            for kind in (RoleKind.MODERATOR, RoleKind.JUDGE)]


@bp.route("/roadshows/<int:roadshow_id>/roles", methods=["POST"])
@login_required
def change_role(roadshow_id):
    """Admins add a moderator or judge by email (`email`, `role`) or remove one (`user_id`, `role`, `remove`);
    refused, the edit page again with what was typed and why."""
    roadshow = services.get_roadshow(roadshow_id)
    removing = bool(request.form.get("remove"))
    form = forms.RoleForm(formdata=None) if removing else forms.RoleForm()
    checked = forms.TokenForm() if removing else form
    if checked.validate_on_submit():
        try:
            if removing:
                services.set_role(actor=_me(), roadshow_id=roadshow.id,
                                  user_id=request.form.get("user_id", type=int) or 0,
                                  role=request.form.get("role", ""), held=False)
                flash(_("Removed."), "success")
                return redirect(url_for("roadshows.edit", roadshow_id=roadshow.id) + "#roles-h")
            user = account_services.find_user_by_email(form.email.data.strip().lower())
            if user is None:
                form.email.errors = [_("No account uses %(email)s.", email=form.email.data.strip())]
            else:
                services.set_role(actor=_me(), roadshow_id=roadshow.id, user_id=user.id, role=form.role.data)
                flash(_("%(name)s is added.", name=user.name), "success")
                return redirect(url_for("roadshows.edit", roadshow_id=roadshow.id) + "#roles-h")
        except PermissionDenied as error:
            if not access.is_moderator(_me(), roadshow):
                abort(403)
            flash(error.message, "error")
        except AppError as error:
            _place_errors(form, error)
    elif removing:
        form.csrf_token.errors = list(checked.csrf_token.errors)
    return edit(roadshow.id, role_form=form), 422


def _pitch_form(roadshow, formdata=None) -> forms.PitchForm:
    from sqlalchemy import select

    from app.extensions import db
    from app.startups.models import Startup
    form = forms.PitchForm(formdata=formdata) if formdata is not None else forms.PitchForm(formdata=None)
    user = _me()
    if access.is_moderator(user, roadshow):
        startups = db.session.scalars(select(Startup).order_by(Startup.name)).all()
    else:
        startups = organisations.organisations_for(user, "startup")
    form.startup_id.choices = [SelectChoice(s.id, s.name) for s in startups]
    return form


@bp.route("/roadshows/<int:roadshow_id>/pitches", methods=["POST"])
@login_required
def add_pitch(roadshow_id):
    """Organisers add a pitch from the edit page; refused, the page again with what was typed (founders apply
    with the detail page's form instead, and are sent back there with the reason)."""
    roadshow = services.get_roadshow(roadshow_id)
    form = _pitch_form(roadshow, request.form)
    if form.validate_on_submit():
        try:
            services.add_pitch(actor=_me(), roadshow_id=roadshow.id, startup_id=form.startup_id.data,
                               title=form.title.data, duration_minutes=form.duration_minutes.data,
                               stream_url=form.stream_url.data or None)
        except AppError as error:
            _place_errors(form, error)
        else:
            flash(_("The pitch is on the agenda."), "success")
            return redirect(_back_to(roadshow))
    if access.is_moderator(_me(), roadshow):
        return edit(roadshow.id, pitch_form=form), 422
    flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("roadshows.detail", roadshow_id=roadshow.id))


@bp.route("/roadshows/pitches/<int:pitch_id>/deck", methods=["POST"])
@login_required
def upload_deck(pitch_id):
    """Upload a pitch's deck from a page."""
    pitch = services.get_pitch(pitch_id)
    form = forms.DeckForm()
    if form.validate_on_submit():
        try:
            decks.upload_deck(actor=_me(), pitch_id=pitch.id, data=form.file.data.read(decks.MAX_DECK_BYTES + 1))
            flash(_("The deck is uploaded; its pages are being prepared."), "success")
        except AppError as error:
            flash(error.message, "error")
    else:
        flash(_("Choose a PDF file."), "error")
    target = "roadshows.edit" if access.is_moderator(_me(), pitch.roadshow) else "roadshows.detail"
    return redirect(url_for(target, roadshow_id=pitch.roadshow_id))


@bp.route("/roadshows/<int:roadshow_id>/live")
def live(roadshow_id):
    """The live room: stage, slides, chat, Q&A, polls, reactions (driven by roadshow-room.js)."""
    user = _me()
    roadshow = services.get_roadshow(roadshow_id)
    if not access.can_watch(user, roadshow):
        if user is None:
            return redirect(url_for("accounts.login", next=request.path))
        flash(_("This roadshow is invite-only: ask the organisers to let you in."), "error")
        return redirect(url_for("roadshows.detail", roadshow_id=roadshow.id))
    if roadshow.status == "ended":
        return redirect(url_for("roadshows.replay_page", roadshow_id=roadshow.id))
    sources = streams.page_sources([p.stream_url for p in roadshow.pitches])
    for directive, values in sources.items():
        security.allow_on_page(directive, *values)
    return render_template("roadshows/live.html", plays_hls=bool(sources["connect-src"]), roadshow=roadshow,
                           is_moderator=access.is_moderator(user, roadshow),
                           reactions=("clap", "heart", "fire", "laugh", "wow", "rocket"),
                           is_investor=bool(user and (user.role == "investor" or user.is_admin)))


@bp.route("/roadshows/<int:roadshow_id>/replay")
def replay_page(roadshow_id):
    """After the end: every pitch's deck to page through, its Q&A and polls, the chat, the chapters."""
    user = _me()
    try:
        data = replay.record(user=user, roadshow_id=roadshow_id)
    except Unauthorized:
        return redirect(url_for("accounts.login", next=request.path))
    except PermissionDenied:
        flash(_("This roadshow is invite-only: ask the organisers to let you in."), "error")
        return redirect(url_for("roadshows.detail", roadshow_id=roadshow_id))
    return render_template("roadshows/replay.html", chapter_label=replay.chapter_label,
                           is_moderator=access.is_moderator(user, data["roadshow"]), **data)


@bp.route("/roadshows/pitches/<int:pitch_id>/deck/<int:number>.png")
def deck_page(pitch_id, number):
    """One rendered deck page, only for people who may watch the roadshow."""
    pitch = services.get_pitch(pitch_id)
    user = _me()
    if not services.can_see_pitch(user, pitch):
        abort(401 if user is None else 403)
    page = decks.page_image(pitch_id=pitch.id, number=number)
    if page is None:
        abort(404)
    response = send_file(page.image_path, mimetype="image/png", max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.route("/roadshows/pitches/<int:pitch_id>/interest")
@login_required
def interest(pitch_id):
    """The founder's list of interested investors, with links to reach them."""
    pitch = services.get_pitch(pitch_id)
    try:
        rows = engagement.list_interest(actor=_me(), pitch_id=pitch.id)
    except PermissionDenied:
        abort(403)
    return render_template("roadshows/interest.html", pitch=pitch, rows=rows)


@bp.route("/roadshows/<int:roadshow_id>/report")
@login_required
def report(roadshow_id):
    """The organiser's post-event report."""
    try:
        data = engagement.report(actor=_me(), roadshow_id=roadshow_id)
    except PermissionDenied:
        abort(403)
    return render_template("roadshows/report.html", roadshow=services.get_roadshow(roadshow_id), report=data)


@bp.route("/roadshows/<int:roadshow_id>/report.csv")
@login_required
def report_csv(roadshow_id):
    """The organiser's report as CSV (UTF-8 with BOM, opens in Excel with Chinese intact)."""
    try:
        data = engagement.report(actor=_me(), roadshow_id=roadshow_id)
    except PermissionDenied:
        abort(403)
    response = Response(engagement.report_csv(data), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="roadshow-{roadshow_id}-report.csv"'
    return response


@bp.route("/roadshows/<int:roadshow_id>/transcript")
def transcript(roadshow_id):
    """After (or during) the event: the chat and Q&A as a readable record."""
    user = _me()
    roadshow = services.get_roadshow(roadshow_id)
    if not access.can_watch(user, roadshow):
        abort(401 if user is None else 403)
    messages = queries.messages_after(roadshow.id, 0, limit=5000)
    questions = queries.questions_for(user, roadshow)
    return render_template("roadshows/transcript.html", roadshow=roadshow, messages=messages, questions=questions,
                           is_moderator=access.is_moderator(user, roadshow))


@bp.cli.command("remind")
@click.option("--lead", default=services.REMINDER_LEAD, show_default=True, type=int,
              help="Remind people of roadshows starting within this many minutes.")
def remind_command(lead: int) -> None:
    """Send the due reminders to registered people (run it every few minutes, e.g. from cron)."""
    click.echo(f"Sent {services.send_reminders(lead_minutes=lead)} reminder(s).")


@bp.route("/roadshows/pitches/<int:pitch_id>/scores", methods=["POST"])
@login_required
def score(pitch_id):
    """A judge's scores from the detail page: one whole number from 0 to 10 per criterion (empty: not scored);
    refused, the page again with what was typed and the reasons next to the numbers."""
    pitch = services.get_pitch(pitch_id)
    form = forms.ScoreForm.for_criteria(pitch.roadshow.criteria)
    if form.validate_on_submit():
        try:
            engagement.score_pitch(judge=_me(), pitch_id=pitch.id, scores=form.scores())
        except AppError as error:
            flash(" ".join([str(error.message), *(str(m) for ms in (error.details or {}).values()
                                                   if isinstance(ms, list) for m in ms)]), "error")
        else:
            flash(_("Your scores for %(title)s are saved.", title=pitch.title), "success")
            return redirect(url_for("roadshows.detail", roadshow_id=pitch.roadshow_id))
    return detail(pitch.roadshow_id, score_forms={pitch.id: form}), 422
