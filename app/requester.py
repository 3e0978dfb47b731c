"""Who is asking in this request: on the API, the account of the request's token (set by
app.api.base.authenticate); on the site's pages, the signed-in account. An API request never looks
at the session cookie, even when a browser sends one along."""

from flask import g, has_request_context
from flask_login import current_user

from .problems import is_api_request


def asking_account():
    """The account this request acts for; None when anonymous, before an API token is checked, or
    outside a request."""
    if not has_request_context():
        return None
    if is_api_request():
        return g.get("api_user")
    return current_user if current_user.is_authenticated else None
