"""JSON API for startups (filled in by the organisations work)."""
from flask_smorest import Blueprint

blp = Blueprint("startups_api", __name__, url_prefix="/api", description="Startups")
