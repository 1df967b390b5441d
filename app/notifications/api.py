"""JSON API for notifications: list, unread count, mark read."""
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from app.core.pagination import page_schema, paginate
from app.notifications import schemas, services

blp = Blueprint("notifications_api", __name__, url_prefix="/api", description="Notifications")


@blp.route("/notifications", methods=["GET"])
@blp.arguments(schemas.NotificationListArgsSchema, location="query", as_kwargs=True)
@blp.response(200, page_schema(schemas.NotificationSchema))
@blp.alt_response(401, response="DEFAULT_ERROR")
@login_required
def list_notifications(unread, page, per_page):
    """Your notifications, newest first (`?unread=true` for the unread ones only)."""
    return paginate(services.list_notifications(user=current_user, unread=unread), page=page, per_page=per_page)


@blp.route("/notifications/unread-count", methods=["GET"])
@blp.response(200, schemas.UnreadCountSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@login_required
def unread_count():
    """How many of your notifications are unread (the badge)."""
    return {"unread_count": services.unread_count(user=current_user)}


@blp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@blp.response(200, schemas.NotificationSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def mark_read(notification_id):
    """Mark one of your notifications read; your other tabs get `notification:read`."""
    return services.mark_read(user=current_user, notification_id=notification_id)


@blp.route("/notifications/read-all", methods=["POST"])
@blp.response(200, schemas.ReadAllResultSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@login_required
def mark_all_read():
    """Mark all your notifications read."""
    marked = services.mark_all_read(user=current_user)
    return {"marked": marked, "unread_count": services.unread_count(user=current_user)}
