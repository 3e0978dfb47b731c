from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from . import routes, token_routes, two_factor_routes  # noqa: E402,F401  (routes attach themselves to bp)
