"""Personal access tokens: made on the Settings page (shown once, stored hashed, listed, revoked at
once), and how the API authenticates with them: Bearer only, never the session cookie."""

import hashlib
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import ApiToken, User
from tests.conftest import AuthActions, api_token_id, bearer, make_token, post_form

PROBLEM = "application/problem+json"


def _create(client, name="Phone shortcut", scope="write", lifetime="30"):
    return post_form(client, "/account/tokens", {"name": name, "scope": scope, "lifetime": lifetime})


def _shown_token(response) -> str:
    match = re.search(r'id="new-token-value"[^>]*>(et_[^<]+)</textarea>', response.get_data(as_text=True))
    assert match, "the new token is not on the page"
    return match.group(1)


def test_a_token_is_shown_once_stored_hashed_and_works(app, client, user, monkeypatch):
    moment = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "utcnow", lambda: moment)
    response = _create(client)
    assert response.status_code == 200
    token = _shown_token(response)
    assert re.fullmatch(r"et_[A-Za-z0-9_-]{43}", token)
    with app.app_context():
        row = db.session.scalars(select(ApiToken)).one()
        assert (row.user_id, row.name, row.scope, row.prefix) == (user.id, "Phone shortcut", "write", token[:10])
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert (row.created_at, row.expires_at, row.last_used_at) == (
            datetime(2026, 12, 5, 9, 0),
            datetime(2027, 1, 4, 9, 0),
            None,
        )
    # Never shown again: the list has its prefix only.
    page = client.get("/account/tokens").get_data(as_text=True)
    assert token not in page
    assert f"<code>{token[:10]}…</code>" in page
    assert "never used" in page
    assert "Read and write" in page

    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json() == {
        "id": user.id,
        "email": "alice@example.com",
        "time_zone": "UTC",
        "locale": None,
        "token": {
            "name": "Phone shortcut",
            "scope": "write",
            "created_at": "2026-12-05T09:00:00Z",
            "expires_at": "2027-01-04T09:00:00Z",
        },
    }
    assert "Set-Cookie" not in response.headers
    with app.app_context():
        assert db.session.scalars(select(ApiToken.last_used_at)).one() == datetime(2026, 12, 5, 9, 0)
    assert "last used" in client.get("/account/tokens").get_data(as_text=True)


def test_a_token_needs_a_name_and_a_known_scope_and_lifetime(app, client, user):
    response = _create(client, name="  ")
    assert response.status_code == 422
    assert "Give the token a name." in response.get_data(as_text=True)
    assert _create(client, scope="admin").status_code == 422
    assert _create(client, lifetime="1000").status_code == 422
    assert _create(client, name="x" * 61).status_code == 422
    with app.app_context():
        assert db.session.scalars(select(ApiToken)).all() == []


def test_a_revoked_token_is_refused_on_the_very_next_request(app, client, user):
    token = make_token(app, user.id)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    response = post_form(client, f"/account/tokens/{api_token_id(app, token)}/revoke")
    assert response.status_code == 302
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "You have no tokens yet." in client.get("/account/tokens").get_data(as_text=True)


def test_an_expired_token_is_refused_from_the_moment_it_expires(app, client, auth, user, monkeypatch):
    start = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "utcnow", lambda: start)
    token = make_token(app, user.id, lifetime=timedelta(days=7))
    monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(days=7, seconds=-1))
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(days=7))
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    auth.login()  # a week later, the browser's session has ended too
    assert "Expired" in client.get("/account/tokens").get_data(as_text=True)


def test_the_api_never_signs_in_with_the_session_cookie(app, client, user):
    # The client is signed in to the site: its cookies alone get nothing from the API.
    assert client.get("/").status_code == 200
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["title"] == "Unauthorized"
    assert "Set-Cookie" not in response.headers


def test_malformed_authorization_headers_are_401(app, client, user):
    token = make_token(app, user.id)
    for header in (token, f"Basic {token}", "Bearer", "Bearer ", f"Bearer {token}x", f"Bearer {'et_' + 'a' * 200}"):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
    assert client.get("/api/v1/me", headers={"Authorization": f"bearer  {token}"}).status_code == 200


def test_someone_elses_token_cannot_be_revoked(app, client, user):
    AuthActions(app.test_client()).register(email="bob@example.com")
    with app.app_context():
        bob_id = db.session.scalar(select(User.id).where(User.email == "bob@example.com"))
    bob_token = make_token(app, bob_id)
    assert post_form(client, f"/account/tokens/{api_token_id(app, bob_token)}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=bearer(bob_token)).get_json()["email"] == "bob@example.com"


def test_deleting_the_account_deletes_its_tokens(app, client, user):
    make_token(app, user.id)
    response = post_form(client, "/account/delete", {"password": "correct horse battery staple", "understood": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(ApiToken)).all() == []
