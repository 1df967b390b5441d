"""The browsable API docs at /api/docs, with Swagger UI served from the installed package (no CDN)."""
from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, abort, render_template, send_from_directory

bp = Blueprint("docs", __name__)
SWAGGER_DIST = Path(flask_swagger_ui.__file__).parent / "dist"
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png",
          "favicon-16x16.png"}


@bp.route("/api/docs")
@bp.route("/api/docs/")
def api_docs():
    return render_template("docs/api.html")


@bp.route("/api/docs/assets/<path:filename>")
def api_docs_asset(filename: str):
    if filename not in ASSETS:
        abort(404)
    return send_from_directory(SWAGGER_DIST, filename, max_age=86400)
