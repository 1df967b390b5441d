"""Pages: sign up, sign in, sign out, profile and settings, API tokens."""
from urllib.parse import urlsplit

import click
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.accounts import auth, forms, limits, password_reset, services, sessions
from app.accounts.devices import describe_device
from app.accounts.models import initials_of
from app.accounts.passwords import MIN_LENGTH
from app.core.errors import AppError
from app.core.i18n import current_language, timezone_choices
from app.core.security import no_store

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


def _show_errors(form, error: AppError, *, default: str) -> None:
    """Put a service's field errors on the form's fields (the rest on `default`)."""
    shown = False
    for name, messages in error.details.items():
        field = getattr(form, name, None)
        if field is not None and isinstance(messages, list):
            field.errors = [*field.errors, *messages]
            shown = True
    if not shown:
        getattr(form, default).errors.append(error.message)


@bp.route("/register", methods=["GET", "POST"])
@limits.register
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = forms.RegisterForm()
    if request.method == "GET" and request.args.get("role") in {c.value for c in forms.ROLE_CHOICES}:
        form.role.data = request.args["role"]
    if form.validate_on_submit():
        try:
            user = services.register_user(email=form.email.data, password=form.password.data, name=form.name.data,
                                          role=form.role.data, timezone=form.timezone.data or None,
                                          locale=current_language())  # the switcher's, else the browser's
        except AppError as error:
            _show_errors(form, error, default="email")
        else:
            auth.sign_in(user)
            flash(_("Welcome to Fuhua, %(name)s!", name=user.name), "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/register.html", form=form, timezones=timezone_choices())


@bp.route("/login", methods=["GET", "POST"])
@limits.sign_in
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = forms.LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(email=form.email.data, password=form.password.data)
        except AppError as error:  # this account's failed sign-ins are over the limit
            form.password.errors.append(error.message)
            return render_template("accounts/login.html", form=form), error.status_code
        if user is None:
            form.password.errors.append(_("Wrong email or password."))
        else:
            auth.sign_in(user, remember=form.remember.data)
            services.record_login(user)
            flash(_("Signed in. Welcome back, %(name)s.", name=user.name), "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limits.password_reset
def forgot_password():
    """Ask for a reset link. The answer is the same whether or not an account uses the address."""
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        password_reset.request_reset(email=form.email.data, ip_address=request.remote_addr)
        flash(_("If an account uses %(email)s, we have emailed it a link to set a new password. Check your inbox.",
                email=form.email.data.strip()), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@no_store
def reset_password(token: str):
    """The emailed link: set a new password (with the password rule), then sign in again everywhere."""
    try:
        account = password_reset.user_for_token(token)
    except AppError as error:
        return _no_referrer(render_template("accounts/reset_password.html", form=None, problem=error.message),
                            error.status_code)
    form = forms.ResetPasswordForm()
    status = 200
    if form.validate_on_submit():
        signed_in_here = current_user.is_authenticated and current_user.id == account.id
        try:
            password_reset.reset_password(token=token, new_password=form.password.data)
        except AppError as error:
            _show_errors(form, error, default="password")
        else:
            if signed_in_here:  # that session has ended with the others: drop its cookies too
                auth.sign_out()
            flash(_("Your password is changed and every session signed out. Sign in with the new password."),
                  "success")
            return redirect(url_for("accounts.login"))
    if form.errors:
        status = 422
    return _no_referrer(render_template("accounts/reset_password.html", form=form, account=account,
                                        min_length=MIN_LENGTH), status)


def _no_referrer(body: str, status: int):
    """The reset token is in this page's address: no link on it may send that address anywhere."""
    return body, status, {"Referrer-Policy": "no-referrer"}


@bp.route("/logout", methods=["POST"])
def logout():
    auth.sign_out()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = forms.ProfileForm(obj=current_user if request.method == "GET" else None)
    if request.method == "GET":
        form.locale.data = current_user.locale or ""
    password_form = forms.PasswordForm(prefix="pw")
    if form.submit.data and form.validate_on_submit():
        services.update_profile(user=current_user, name=form.name.data, locale=form.locale.data or None,
                                timezone=form.timezone.data)
        flash(_("Profile saved."), "success")
        return redirect(url_for("accounts.settings"))
    return render_template("accounts/settings.html", form=form, password_form=password_form,
                           timezones=timezone_choices())


@bp.route("/settings/password", methods=["POST"])
@login_required
def change_password():
    form = forms.ProfileForm(obj=current_user)
    form.locale.data = current_user.locale or ""
    password_form = forms.PasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        try:
            services.change_password(user=current_user, current_password=password_form.current_password.data,
                                     new_password=password_form.new_password.data,
                                     keep_session_id=auth.current_session_id())
        except AppError as error:
            _show_errors(password_form, error, default="current_password")
        else:
            flash(_("Password changed."), "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/settings.html", form=form, password_form=password_form,
                           timezones=timezone_choices()), 422


@bp.route("/settings/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = forms.TokenForm()
    new_secret = None
    if form.validate_on_submit():
        _token, new_secret = services.create_token(user=current_user, name=form.name.data)
        flash(_("Token created. Copy it now: it will not be shown again."), "success")
    return render_template("accounts/tokens.html", form=form, tokens=services.list_tokens(user=current_user),
                           new_secret=new_secret)


@bp.route("/settings/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    services.revoke_token(user=current_user, token_id=token_id)
    flash(_("Token revoked."), "info")
    return redirect(url_for("accounts.tokens"))


@bp.route("/settings/sessions", methods=["GET"])
@login_required
def sessions_page():
    return render_template("accounts/sessions.html", sessions=sessions.list_sessions(user=current_user),
                           current_session_id=auth.current_session_id())


@bp.route("/settings/sessions/<int:session_id>/revoke", methods=["POST"])
@login_required
def revoke_session(session_id: int):
    sessions.revoke_session(user=current_user, session_id=session_id)
    flash(_("That session is signed out."), "info")
    return redirect(url_for("accounts.sessions_page"))


@bp.route("/settings/sessions/revoke-others", methods=["POST"])
@login_required
def revoke_other_sessions():
    count = sessions.end_other_sessions(user=current_user, keep_session_id=auth.current_session_id())
    flash(ngettext("%(num)d other session signed out.", "%(num)d other sessions signed out.", count), "info")
    return redirect(url_for("accounts.sessions_page"))


@bp.cli.command("purge-sessions")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Delete what ended more than this many days ago (default: SESSION_PURGE_DAYS, 30).")
def purge_sessions_command(days: int | None):
    """Delete ended sign-in sessions and dead password-reset links (run daily from cron or a timer)."""
    days = current_app.config["SESSION_PURGE_DAYS"] if days is None else days
    ended, resets = sessions.purge_ended(older_than_days=days)
    click.echo(f"Deleted {ended} ended session(s) and {resets} dead reset link(s) older than {days} day(s).")


ROLE_LABELS = {"founder": _l("Founder"), "mentor": _l("Mentor"), "provider": _l("Service provider"),
               "investor": _l("Investor")}


@bp.app_context_processor
def account_helpers():
    return {"role_label": lambda role: str(ROLE_LABELS.get(role, role))}


bp.add_app_template_global(describe_device)
bp.add_app_template_global(initials_of)  # a global, so imported macros see it too
