"""Issue 16 (Medium and Low): what an attack on a running server found, one reproduction each.

Every test here failed on the code before its fix: it sends what the attacker sent and asserts the
exact answer a careful server gives instead.
"""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Expense, ImportBatch, UserSession
from tests.conftest import PASSWORD, count_rows, post_form
from tests.test_import import DUPLICATES, do_import, upload_ok

NEW_PASSWORD = "a brand new passphrase"

# CR/LF and other control characters in `next`


def test_a_line_break_in_next_after_login_redirects_to_the_dashboard(client, auth, user):
    auth.logout()
    assert client.get("/login?next=/%0d%0aSet-Cookie:x=1").status_code == 200
    response = auth.login(next_url="/%0d%0aSet-Cookie:x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "x=1" not in response.headers.getlist("Set-Cookie")


@pytest.mark.parametrize("control", ["\r", "\n", "\t", "\x00", "\x1b", "\x7f"])
def test_control_characters_in_next_are_refused(client, control):
    response = post_form(client, "/theme", {"theme": "dark", "next": f"/expenses{control}Set-Cookie:x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_is_rebuilt_from_its_parts(client, auth, user):
    response = post_form(client, "/theme", {"theme": "dark", "next": "/expenses?page=2#top"})
    assert response.headers["Location"] == "/expenses?page=2#top"
    auth.logout()
    assert auth.login(next_url="/reports").headers["Location"] == "/reports"


# The import's expected row count


@pytest.mark.parametrize("shown", ["²", "١٢", "4" * 5000, "-1", "1e3", " 4", "4\n", ""])
def test_an_odd_expected_row_count_is_a_clear_400(app, client, user, shown):
    draft_id = upload_ok(client, DUPLICATES)
    response = do_import(client, draft_id, {"default_category": "Other"}, expected=shown)
    assert response.status_code == 400
    assert "This import form is incomplete or was changed." in response.get_data(as_text=True)
    assert count_rows(app, ImportBatch) == 0
    assert count_rows(app, Expense) == 0


def test_the_expected_row_count_the_page_wrote_still_imports(app, client, user):
    draft_id = upload_ok(client, DUPLICATES)
    response = do_import(client, draft_id, {"default_category": "Other"}, expected="4")
    assert response.headers["Location"] == "/imports"
    assert count_rows(app, Expense) == 4


# The CSRF secret changes at every privilege change


def _page_token(client, url="/") -> str:
    html = client.get(url, follow_redirects=True).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)


def test_a_csrf_token_from_before_login_does_not_work_after_it(client, auth, user):
    auth.logout()
    before = _page_token(client, "/login")
    response = client.post("/login", data={"email": "alice@example.com", "password": PASSWORD, "csrf_token": before})
    assert response.status_code == 302
    refused = client.post("/theme", data={"theme": "dark", "csrf_token": before})
    assert refused.status_code == 400
    assert "This form has expired" in refused.get_data(as_text=True)
    assert post_form(client, "/theme", {"theme": "dark"}).status_code == 302


def test_a_csrf_token_from_before_registration_does_not_work_after_it(client):
    before = _page_token(client, "/register")
    data = {"email": "bob@example.com", "password": PASSWORD, "confirm": PASSWORD, "csrf_token": before}
    assert client.post("/register", data=data).status_code == 302
    assert client.post("/theme", data={"theme": "dark", "csrf_token": before}).status_code == 400


def test_a_csrf_token_from_before_logout_does_not_work_after_it(client, auth, user):
    before = _page_token(client)
    assert client.post("/logout", data={"csrf_token": before}).status_code == 302
    data = {"email": "alice@example.com", "password": PASSWORD, "csrf_token": before}
    assert client.post("/login", data=data).status_code == 400
    assert auth.login().status_code == 302


def _change_password(client, token=None):
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    if token:
        return client.post("/account/password", data={**data, "csrf_token": token})
    return post_form(client, "/account/password", data)


def test_a_csrf_token_from_before_a_password_change_does_not_work_after_it(client, user):
    before = _page_token(client, "/account/password")
    assert _change_password(client, before).status_code == 302
    assert client.post("/theme", data={"theme": "dark", "csrf_token": before}).status_code == 400
    assert post_form(client, "/theme", {"theme": "dark"}).status_code == 302


# A password change gives this browser a new session token too


def _sessions(app):
    with app.app_context():
        return [(row.token_hash, row.remember) for row in db.session.scalars(select(UserSession))]


@pytest.mark.parametrize("remember", [False, True])
def test_a_password_change_gives_the_changing_session_a_new_token(app, client, auth, user, remember):
    auth.logout()
    assert auth.login(remember=remember).status_code == 302
    old_cookie = client.get_cookie("session").value
    old_remember = client.get_cookie("remember_token")
    [(old_hash, _)] = _sessions(app)

    assert _change_password(client).status_code == 302
    [(new_hash, kept_remember)] = _sessions(app)
    assert new_hash != old_hash
    assert kept_remember is remember
    assert client.get("/").status_code == 200  # this browser stays signed in

    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert replay.get("/").headers["Location"].startswith("/login")
    if remember:
        stale = app.test_client()
        stale.set_cookie("remember_token", old_remember.value)
        assert stale.get("/").status_code == 302
        fresh = app.test_client()
        fresh.set_cookie("remember_token", client.get_cookie("remember_token").value)
        assert fresh.get("/").status_code == 200
