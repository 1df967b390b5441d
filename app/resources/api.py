"""JSON API for provider organisations."""
from flask_smorest import Blueprint

blp = Blueprint("providers_api", __name__, url_prefix="/api", description="Service provider organisations")
