"""A ledger's own pages: creating, switching, settings, members and invitations."""

from flask import Blueprint

bp = Blueprint("ledgers", __name__)

from . import currency_routes, sharing_routes  # noqa: E402, F401  (registers the routes on bp)
