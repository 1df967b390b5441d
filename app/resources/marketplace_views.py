"""Resource marketplace pages: browse, listing, requests, agreements."""
from flask import Blueprint

bp = Blueprint("marketplace", __name__)
