"""What every API blueprint shares: the /api/v1 prefix, Bearer authentication before each view,
no CSRF (the API never reads cookies, so a browser cannot be tricked into sending its credentials),
the per-token rate limits, and the problem responses each operation documents."""

from collections.abc import Callable

from flask import g, request
from flask_babel import gettext as _
from flask_smorest import Blueprint

from .. import api_tokens, rate_limits
from ..extensions import csrf
from ..models import ApiToken, User
from ..problems import PROBLEM_JSON, problem
from .schemas import ProblemSchema

URL_PREFIX = "/api/v1"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PROBLEMS = {
    400: "The body is not JSON.",
    401: "No token, or one that is unknown, revoked or expired.",
    403: "A read-only token tried to write, or your role in the ledger is too weak.",
    404: "Not found, or not visible to this token.",
    409: "A concurrent change clashed with this one; nothing was saved.",
    422: "Invalid parameters or body; `errors` names the fields.",
    429: "Rate limit reached; see Retry-After.",
}


def api_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    blueprint = Blueprint(name, import_name, url_prefix=URL_PREFIX, description=description)
    blueprint.before_request(authenticate)
    csrf.exempt(blueprint)
    rate_limits.api_per_token(blueprint)
    rate_limits.api_per_address(blueprint)
    return blueprint


def authenticate():
    """Bearer token or 401; a read token may not write (403). Never looks at cookies."""
    if request.method == "OPTIONS":
        return None  # a CORS preflight carries no credentials
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    found = api_tokens.authenticate(token.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        return problem(401, headers={"WWW-Authenticate": 'Bearer realm="api"'})
    g.api_token, g.api_user = found
    if request.method not in SAFE_METHODS and not api_tokens.can_write(g.api_token):
        return problem(
            403,
            _("This token is read-only. Create a read and write token to change data."),
            headers={"WWW-Authenticate": 'Bearer realm="api", error="insufficient_scope"'},
        )
    return None


def api_user() -> User:
    """The account of this request's token (the API's only notion of who is asking)."""
    return g.api_user


def api_token() -> ApiToken:
    return g.api_token


def documents(blueprint: Blueprint, *codes: int) -> Callable:
    """Documents the problem responses an operation can give, besides 401 and 429 (all of them)."""

    def decorate(view):
        for code in sorted({401, 429, *codes}, reverse=True):
            view = blueprint.alt_response(
                code, schema=ProblemSchema, content_type=PROBLEM_JSON, description=PROBLEMS[code]
            )(view)
        return view

    return decorate
