"""Roadshow list, detail and live room pages."""
from flask import Blueprint

bp = Blueprint("roadshows", __name__)
