"""Notification pages."""
from flask import Blueprint, render_template

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
def index():
    return render_template("main/home.html")


@bp.app_context_processor
def notification_helpers():
    return {"unread_notifications": lambda: 0}
