"""JSON API for roadshows and pitches."""
from flask_smorest import Blueprint

blp = Blueprint("roadshows_api", __name__, url_prefix="/api", description="Roadshows and pitches")
