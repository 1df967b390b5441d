"""Site-wide pages: home, language switch, health check."""
from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    return render_template("main/home.html")


@bp.route("/language/<lang>", methods=["POST"])
def set_language(lang: str):
    """The switcher: remembered in the session, and on the account when signed in."""
    from flask import current_app
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            from app.accounts import services
            services.update_profile(user=current_user, locale=lang)
    target = request.form.get("next") or request.referrer or url_for("main.home")
    if not target.startswith("/") or target.startswith("//"):
        from urllib.parse import urlsplit
        parts = urlsplit(target)
        target = parts.path + (f"?{parts.query}" if parts.query else "") if parts.netloc == request.host else "/"
    return redirect(target or "/")


@bp.route("/healthz")
def healthz():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
