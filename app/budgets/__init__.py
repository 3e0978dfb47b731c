from flask import Blueprint

bp = Blueprint("budgets", __name__, url_prefix="/budgets")

from . import routes  # noqa: E402,F401  (routes attach themselves to bp)
