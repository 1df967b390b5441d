"""Startup pages and the public showcase."""
from flask import Blueprint, render_template

bp = Blueprint("startups", __name__)


@bp.route("/showcase")
def showcase():
    return render_template("main/home.html")


@bp.route("/startups/mine")
def mine():
    return render_template("main/home.html")
