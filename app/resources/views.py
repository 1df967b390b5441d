"""Provider organisation pages."""
from flask import Blueprint, render_template

bp = Blueprint("providers", __name__)


@bp.route("/providers/mine")
def mine():
    return render_template("main/home.html")
