"""What every API blueprint shares: the /api/v1 prefix, Bearer authentication before each view,
no CSRF (the API never reads cookies, so a browser cannot be tricked into sending its credentials),
the per-token rate limits, and the problem responses each operation documents."""

import json
from collections.abc import Callable, Mapping

from flask import g, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from werkzeug.datastructures import MultiDict

from .. import access, api_tokens, idempotency, rate_limits
from .. import recurring_posting as posting
from ..extensions import csrf
from ..models import VIEWER, ApiToken, Ledger, User
from ..problems import PROBLEM_JSON, Invalid, problem
from ..transactions import run_and_commit
from .schemas import Money, ProblemSchema

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
    blueprint.register_error_handler(Invalid, lambda error: problem(422, errors=error.errors))
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


def ledger_for(ledger_id: int, need: str = VIEWER) -> Ledger:
    """The ledger named in the URL if the token's account may do what needs `need` in it (404 for a
    non-member, 403 for a weaker role: app.access decides). Like a page of the site, it first posts
    the ledger's recurring expenses that have come due, so that figures read here include them."""
    account = api_user()
    ledger, _role = access.ledger_and_role(account, ledger_id, need)
    if posting.is_due(ledger, account):
        run_and_commit(posting.post_ledger, ledger, account)
    return ledger


def money_of(ledger: Ledger, minor: int | None) -> Money | None:
    return None if minor is None else Money(minor, ledger.currency)


def check_currency(ledger: Ledger, amount: Mapping, pointer: str) -> None:
    if amount["currency"] != ledger.currency:
        raise Invalid(f"{pointer}/currency", _("Use the ledger's currency, %(code)s.", code=ledger.currency))


def validate_form(form_class, values: Mapping, pointers: Mapping[str, str], *args, currency: str, **kwargs):
    """The site's own form, validated with `values` (a body its schema has checked, as form fields), so
    that the API keeps the pages' rules; raises Invalid naming each field at fault by its JSON pointer
    (`pointers` maps form field names to body fields where they differ)."""
    formdata = MultiDict({name: "" if value is None else str(value) for name, value in values.items()})
    form = form_class(*args, formdata=formdata, meta={"csrf": False}, **kwargs)
    form.currency_code = currency
    if form.validate():
        return form
    errors = [
        {"pointer": pointers.get(name, f"#/{name}"), "detail": " ".join(str(message) for message in messages)}
        for name, messages in form.errors.items()
        if messages
    ]
    invalid = Invalid(errors[0]["pointer"], errors[0]["detail"])
    invalid.errors = errors
    raise invalid


KEY_REUSED = _l("This Idempotency-Key was sent before with another request; nothing was done.")


def create_once(work: Callable[[], idempotency.Answer], idempotency_key: str | None):
    """Run `work` (which flushes and answers) and commit, once per Idempotency-Key: the same request
    sent again with the key gets the first answer back (with Idempotent-Replayed: true) and does
    nothing; the key sent with another request is a 422."""
    if idempotency_key is None:
        return _respond(run_and_commit(work))
    body = json.dumps(request.get_json(silent=True), sort_keys=True)
    request_fingerprint = idempotency.fingerprint(request.method, request.path, body)
    try:
        answer = run_and_commit(idempotency.answer_once, api_user().id, idempotency_key, request_fingerprint, work)
    except idempotency.KeyReused:
        return problem(422, errors=[{"parameter": idempotency.HEADER, "in": "headers", "detail": str(KEY_REUSED)}])
    return _respond(answer)


def _respond(answer: idempotency.Answer):
    response = jsonify(answer.body)
    response.status_code = answer.status_code
    if answer.location:
        response.headers["Location"] = answer.location
    if answer.replayed:
        response.headers[idempotency.REPLAYED_HEADER] = "true"
    return response
