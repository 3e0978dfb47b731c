"""Your data in and out: the CSV import wizard (with undo), and backup and restore as JSON."""

from flask import Blueprint

bp = Blueprint("transfer", __name__)

from . import rates_routes, routes  # noqa: E402,F401  (routes attach themselves to bp)
