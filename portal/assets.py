"""Front-end files: GOV.UK Frontend from the npm package, and our compiled stylesheet.

Nothing from npm is copied into the repository: ``bin/setup`` installs the
package and compiles ``portal/assets/portal.scss`` into ``portal/static/build``.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory

bp = Blueprint("assets", __name__)

BUILD_DIR = Path(__file__).resolve().parent / "static" / "build"


def _govuk_dist() -> Path:
    return Path(current_app.config["ASSETS_DIR"]) / "govuk-frontend" / "dist" / "govuk"


@bp.route("/assets/govuk/<path:filename>")
def govuk_asset(filename: str):
    return send_from_directory(_govuk_dist() / "assets", filename, max_age=86400)


@bp.route("/assets/govuk-frontend.min.js")
def govuk_script():
    return send_from_directory(_govuk_dist(), "govuk-frontend.min.js", max_age=3600)


@bp.route("/assets/build/<path:filename>")
def built_asset(filename: str):
    if not (BUILD_DIR / filename).is_file():
        abort(404, description="Front-end assets are not built: run bin/setup")
    return send_from_directory(BUILD_DIR, filename, max_age=3600)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
