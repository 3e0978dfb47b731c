"""Filing rules (issue 20): the Rules page, linked from Categories, and its actions."""

from flask import Blueprint

bp = Blueprint("rules", __name__, url_prefix="/rules")

from . import routes  # noqa: E402,F401  (the routes register themselves on bp)
