"""GET /api/v1/me: the account and the token a request comes with; a first request to try a token."""

from .base import api_blueprint, api_token, api_user, documents
from .schemas import MeSchema

blp = api_blueprint("api_account", __name__, "The account of the token.")


@blp.get("/me")
@blp.response(200, MeSchema)
@documents(blp)
def me():
    """The account and the token of this request"""
    user = api_user()
    return {
        "id": user.id,
        "email": user.email,
        "time_zone": user.time_zone,
        "locale": user.locale,
        "token": api_token(),
    }
