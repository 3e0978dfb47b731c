"""Sessions that really end: logout, replayed cookies, remember-me, active sessions, password change."""

import hashlib
from datetime import timedelta

from app.extensions import db
from app.models import Category, Expense, Ledger, User, UserSession, utcnow
from tests.conftest import PASSWORD, AuthActions, add_expense, count_rows, personal_ledger_id, post_form

CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _sessions(app):
    with app.app_context():
        return list(db.session.scalars(db.select(UserSession).order_by(UserSession.id)))


def test_login_creates_a_session_row_holding_only_the_token_hash(client, app, user):
    rows = _sessions(app)
    assert len(rows) == 1
    assert len(rows[0].token_hash) == 64
    # The cookie never carries the stored value itself.
    assert rows[0].token_hash not in (_cookie(client, "session") or "")


def test_logout_deletes_the_row_and_a_replayed_session_cookie_is_signed_out(app, client, auth, user):
    stolen = _cookie(client, "session")
    assert client.get("/").status_code == 200
    assert auth.logout().status_code == 302
    assert count_rows(app, UserSession) == 0

    attacker = app.test_client()
    attacker.set_cookie("session", stolen)
    response = attacker.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_remember_me_cookie_replayed_after_logout_is_refused(app, client, auth):
    auth.register()
    auth.logout()
    response = auth.login(remember=True)
    assert response.status_code == 302
    remember = _cookie(client, "remember_token")
    assert remember
    rows = _sessions(app)
    assert [r.remember for r in rows] == [True]
    assert rows[0].expires_at - rows[0].created_at == timedelta(days=30)

    # The remember cookie alone signs a fresh browser in while the session lives ...
    other = app.test_client()
    other.set_cookie("remember_token", remember)
    assert other.get("/").status_code == 200

    # ... and not after logout.
    auth.logout()
    replay = app.test_client()
    replay.set_cookie("remember_token", remember)
    assert replay.get("/").status_code == 302


def test_expired_session_is_signed_out_and_removed(app, client, user):
    with app.app_context():
        db.session.execute(db.update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = client.get("/")
    assert response.status_code == 302
    assert count_rows(app, UserSession) == 0


def test_active_sessions_page_lists_each_browser_and_marks_this_one(app, client, auth, user):
    phone = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = CHROME_UA.replace("X11; Linux x86_64", "Linux; Android 14")
    AuthActions(phone).login()
    html = client.get("/account/sessions").get_data(as_text=True)
    # Counted inside the sessions list: the quick-add outbox on every page is a list group too.
    sessions = html.split('id="session-list"', 1)[1].split("</ul>", 1)[0]
    assert sessions.count('class="list-group-item') == 2
    assert html.count("This device") == 1
    assert "Chrome on Android" in html


def test_ending_another_session_signs_that_browser_out(app, client, user):
    other = app.test_client()
    AuthActions(other).login()
    mine, theirs = _sessions(app)
    response = post_form(client, f"/account/sessions/{theirs.id}/end")
    assert response.status_code == 302
    assert [s.id for s in _sessions(app)] == [mine.id]
    assert other.get("/").status_code == 302
    assert client.get("/").status_code == 200


def test_someone_elses_session_cannot_be_ended(app, client, auth, user):
    bob = app.test_client()
    AuthActions(bob).register(email="bob@example.com")
    bob_session = _sessions(app)[-1]
    response = post_form(client, f"/account/sessions/{bob_session.id}/end")
    assert response.status_code == 404
    assert bob.get("/").status_code == 200


def test_sign_out_everywhere_ends_every_session_including_this_one(app, client, user):
    other = app.test_client()
    AuthActions(other).login()
    response = post_form(client, "/account/sessions/end-all")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert count_rows(app, UserSession) == 0
    assert client.get("/").status_code == 302
    assert other.get("/").status_code == 302


def test_change_password_needs_the_current_one_and_ends_other_sessions(app, client, user):
    other = app.test_client()
    AuthActions(other).login()

    wrong = post_form(
        client,
        "/account/password",
        {
            "current_password": "not it at all",
            "new_password": "a new long password",
            "confirm": "a new long password",
        },
    )
    assert wrong.status_code == 422
    assert "That is not your current password." in wrong.get_data(as_text=True)
    assert len(_sessions(app)) == 2

    response = post_form(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a new long password",
            "confirm": "a new long password",
        },
    )
    assert response.status_code == 302
    assert len(_sessions(app)) == 1
    assert other.get("/").status_code == 302
    assert client.get("/").status_code == 200
    assert AuthActions(app.test_client()).login(password=PASSWORD).status_code == 422
    assert AuthActions(app.test_client()).login(password="a new long password").status_code == 302


def test_delete_account_needs_the_password_and_removes_everything(app, client, auth, user):
    add_expense(app, user.id, "Transport", 500)
    bob = app.test_client()
    AuthActions(bob).register(email="bob@example.com")
    with app.app_context():
        bob_id = db.session.scalar(db.select(User.id).where(User.email == "bob@example.com"))
    add_expense(app, bob_id, "Transport", 700)

    refused = post_form(client, "/account/delete", {"password": "wrong password", "understood": "y"})
    assert refused.status_code == 422
    unticked = post_form(client, "/account/delete", {"password": PASSWORD})
    assert unticked.status_code == 422
    assert "Tick the box to confirm." in unticked.get_data(as_text=True)

    bob_ledger = personal_ledger_id(app, bob_id)
    response = post_form(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(db.select(User.email)).all() == ["bob@example.com"]
        assert {e.ledger_id for e in db.session.scalars(db.select(Expense))} == {bob_ledger}
        assert {c.ledger_id for c in db.session.scalars(db.select(Category))} == {bob_ledger}
        assert db.session.scalars(db.select(Ledger.personal_user_id)).all() == [bob_id]
        assert {s.user_id for s in db.session.scalars(db.select(UserSession))} == {bob_id}
    assert client.get("/").status_code == 302
    assert bob.get("/").status_code == 200


def test_reset_password_command_sets_the_password_and_ends_sessions(app, client, user):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reset-password", "ALICE@example.com", "--password", "brand new secret"])
    assert result.exit_code == 0, result.output
    assert result.output == "Password changed for alice@example.com; ended 1 session(s).\n"
    assert client.get("/").status_code == 302
    assert AuthActions(app.test_client()).login(password="brand new secret").status_code == 302

    missing = runner.invoke(args=["reset-password", "nobody@example.com", "--password", "brand new secret"])
    assert missing.exit_code == 1
    assert "no account for nobody@example.com" in missing.output


def test_login_is_case_insensitive_and_token_is_not_the_user_id(app, client, auth):
    auth.register(email="Carol@Example.com")
    auth.logout()
    assert auth.login(email="CAROL@EXAMPLE.COM").status_code == 302
    with client.session_transaction() as session:
        token = session["_user_id"]
    row = _sessions(app)[0]
    assert hashlib.sha256(token.encode()).hexdigest() == row.token_hash
    assert not token.isdigit()
