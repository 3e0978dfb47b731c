from flask import Blueprint

bp = Blueprint("expenses", __name__)

from . import quick_add, receipts, routes  # noqa: E402,F401  (routes attach themselves to bp)
