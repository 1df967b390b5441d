"""Mentor directory, profiles, booking and session pages."""
from flask import Blueprint

bp = Blueprint("mentoring", __name__)
