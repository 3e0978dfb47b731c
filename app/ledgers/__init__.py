"""A ledger's own pages: creating, switching, settings, members and invitations."""

from flask import Blueprint

bp = Blueprint("ledgers", __name__)
