from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import routes, sessions  # noqa: E402,F401  (attach routes to bp, the user loader to login_manager)
