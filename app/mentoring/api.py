"""JSON API for mentors and bookings."""
from flask_smorest import Blueprint

blp = Blueprint("mentoring_api", __name__, url_prefix="/api", description="Mentors and bookings")
