"""Errors of the JSON API as `application/problem+json` (RFC 9457): a title and status for every
HTTP error, and for an invalid request the fields at fault, each named by a JSON pointer into the
body (`#/amount/amount`) or by the query parameter or header.

app/errors.py sends every error under /api/ here, so that routing errors (404, 405), rate limits
(429) and crashes (500) answer an API client in the same shape as the views' own errors.
"""

from collections.abc import Mapping

from flask import Response, json, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"

DETAILS = {
    401: _l("Send a valid personal access token as `Authorization: Bearer <token>`."),
    403: _l("This token or your role in the ledger does not allow that."),
    404: _l("There is nothing here, or this token may not see it."),
    409: _l("Something else changed the same data at the same moment; nothing was saved. Try again."),
    422: _l("The request is not valid; see `errors` for the fields at fault."),
    429: _l("Too many requests with this token. Wait for the number of seconds in Retry-After."),
    500: _l("An unexpected error happened and nothing was saved."),
    503: _l("The database cannot be reached right now. Try again in a moment."),
}


class Invalid(Exception):
    """A request the schema accepted but the rules refuse (an amount with too many decimals, another
    ledger's category): 422 with the field at fault."""

    def __init__(self, pointer: str, detail: str):
        super().__init__(detail)
        self.errors = [{"pointer": pointer, "detail": detail}]


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def problem(status: int, detail: str | None = None, *, errors: list | None = None, headers=None) -> Response:
    body = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": str(detail or DETAILS.get(status, HTTP_STATUS_CODES.get(status, "Error"))),
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON, headers=headers)
    return response


def field_errors(messages: Mapping) -> list[dict]:
    """webargs' nested messages ({"json": {"amount": {"amount": ["..."]}}}) as one entry per field."""
    errors = []
    for location, fields in messages.items():
        for path, detail in _flatten(fields, ()):
            if location == "json":
                errors.append({"pointer": "#/" + "/".join(path), "detail": detail})
            else:
                errors.append({"parameter": ".".join(path) or location, "in": location, "detail": detail})
    return errors


def _flatten(node, path: tuple) -> list[tuple[tuple, str]]:
    if isinstance(node, Mapping):
        found = []
        for key, value in node.items():
            # Marshmallow files errors of the body as a whole under "_schema".
            found += _flatten(value, path if key == "_schema" else (*path, str(key)))
        return found
    if isinstance(node, list | tuple) and node and all(isinstance(item, str) for item in node):
        return [(path, " ".join(node))]
    if isinstance(node, list | tuple):
        return [item for value in node for item in _flatten(value, path)]
    return [(path, str(node))]


def from_http_exception(error: HTTPException) -> Response:
    """The problem document for an HTTP error, keeping the headers it carries (Allow, Retry-After,
    WWW-Authenticate)."""
    data = getattr(error, "data", None) or {}
    errors = field_errors(data["messages"]) if "messages" in data else data.get("errors")
    carried = error.get_response().headers
    headers = {name: value for name, value in carried.items() if name.lower() not in ("content-type", "content-length")}
    headers.update(data.get("headers") or {})
    detail = data.get("message") or DETAILS.get(error.code) or error.description
    return problem(error.code, detail, errors=errors, headers=headers)
