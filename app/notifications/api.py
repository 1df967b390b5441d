"""JSON API for notifications."""
from flask_smorest import Blueprint

blp = Blueprint("notifications_api", __name__, url_prefix="/api", description="Notifications")
