"""JSON API for resource listings, requests, negotiation, settlement and vouchers."""
from flask_smorest import Blueprint

blp = Blueprint("marketplace_api", __name__, url_prefix="/api", description="Resource marketplace")
