"""Two-factor sign-in: enrolment, the login's second step, single use of codes, recovery codes,
limits, turning it off, and the operator's reset. The clock is frozen; codes come from pyotp."""

import hashlib
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from app import clock, two_factor
from app.extensions import db
from app.models import RecoveryCode, TwoFactor, User, UserSession
from tests.conftest import PASSWORD, AuthActions, count_rows, post_form
from tests.test_races import at_once, held_at_first_statement
from tests.test_security_sweep import _assert_security_headers
from tests.two_factor_support import code_at, enrol, recovery_codes_on_page, secret_on_page

NOW = datetime(2026, 12, 5, 9, 0, 10, tzinfo=UTC)
WRONG_CODE = "That code is not right, or it was used already."


class FrozenClock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def frozen(monkeypatch):
    frozen_clock = FrozenClock(NOW)
    monkeypatch.setattr(clock, "utcnow", frozen_clock)
    return frozen_clock


@pytest.fixture
def enrolled(app, client, user, frozen):
    """Alice with two-factor on (enrolled at NOW), signed out; returns (secret, recovery codes)."""
    secret, codes = enrol(client, frozen.moment)
    AuthActions(client).logout()
    return secret, codes


def _page(response) -> str:
    return response.get_data(as_text=True)


def _rows(app) -> tuple[list, list]:
    with app.app_context():
        factors = [(t.user_id, t.secret, t.last_used_step) for t in db.session.scalars(select(TwoFactor))]
        hashes = sorted(db.session.scalars(select(RecoveryCode.code_hash)))
    return factors, hashes


def _session_count(app) -> int:
    return count_rows(app, UserSession)


def _second_step(client, code: str, recovery: bool = False):
    return post_form(client, "/login/code" + ("?recovery=1" if recovery else ""), {"code": code})


# Enrolment


def test_the_setup_page_shows_a_qr_code_and_the_secret_and_writes_nothing(app, client, user, frozen):
    response = client.get("/account/two-factor")
    assert response.status_code == 200
    page = _page(response)
    secret = secret_on_page(page)
    assert len(secret) == 32
    assert '<svg viewBox="0 0 53 53" class="qr-code"><title>QR code</title>' in page
    assert 'aria-current="page" href="/account/two-factor">Two-factor</a>' in page
    # The same secret until it is confirmed (a reload must not break the app's entry).
    assert secret_on_page(_page(client.get("/account/two-factor"))) == secret
    assert _rows(app) == ([], [])
    _assert_security_headers(response, "two-factor setup")


def test_the_qr_code_carries_the_standard_otpauth_uri():
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    assert two_factor.provisioning_uri(secret, "alice@example.com") == (
        f"otpauth://totp/Expense%20Tracker:alice%40example.com?secret={secret}&issuer=Expense%20Tracker"
    )
    # RFC 6238's test vector (SHA-1, 8 digits at 59 s) through the same library.
    rfc_secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert pyotp.TOTP(rfc_secret, digits=8).at(59) == "94287082"


@pytest.mark.parametrize(
    ("code", "password", "field_error"),
    [
        ("000000", PASSWORD, WRONG_CODE),
        ("12345", PASSWORD, WRONG_CODE),
        ("", PASSWORD, "Enter the code your app shows."),
        (None, "wrong password!", "That is not your password."),
    ],
)
def test_setup_refuses_a_wrong_code_or_password_and_writes_nothing(
    app, client, user, frozen, code, password, field_error
):
    secret = secret_on_page(_page(client.get("/account/two-factor")))
    if code is None:
        code = code_at(secret, NOW)
    response = post_form(client, "/account/two-factor", {"code": code, "password": password})
    assert response.status_code == 422
    page = _page(response)
    assert field_error in page
    # The same secret is offered again, so the app's entry still works.
    assert secret_on_page(page) == secret
    assert _rows(app) == ([], [])


def test_setup_with_the_right_code_turns_it_on_and_shows_the_recovery_codes_once(app, client, user, frozen):
    secret, codes = enrol(client, NOW)
    factors, hashes = _rows(app)
    assert factors == [(user.id, secret, int(NOW.timestamp()) // 30)]
    # Stored hashed only.
    assert hashes == sorted(hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes)
    assert len(set(codes)) == 10
    assert all(len(code) == 14 for code in codes)
    page = _page(client.get("/account/two-factor"))
    assert "10 of 10</strong> recovery codes left" in page
    assert recovery_codes_on_page(page) == []
    assert not any(code in page for code in codes)
    assert "two-factor-secret" not in page
    # Still signed in: turning it on does not end the session.
    assert client.get("/").status_code == 200


def test_a_setup_posted_without_a_secret_shown_first_writes_nothing(app, client, user, frozen):
    response = post_form(client, "/account/two-factor", {"code": "123456", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/two-factor"
    assert _rows(app) == ([], [])
    assert "The setup expired" in _page(client.get("/account/two-factor"))


# The login's second step


def test_login_asks_for_the_code_before_signing_in(app, client, auth, enrolled, frozen):
    secret, _ = enrolled
    assert _session_count(app) == 0
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/code"
    # Between the steps nobody is signed in: no session row, and pages send the browser to log in.
    assert _session_count(app) == 0
    between = client.get("/")
    assert between.status_code == 302
    assert between.headers["Location"] == "/login?next=%2F"
    step = client.get("/login/code")
    assert step.status_code == 200
    assert "Open your authenticator app" in _page(step)
    _assert_security_headers(step, "login code")

    frozen.advance(seconds=30)
    response = _second_step(client, code_at(secret, frozen.moment))
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert _session_count(app) == 1
    assert client.get("/").status_code == 200
    # The pending sign-in is gone with it.
    assert client.get("/login/code").headers["Location"] == "/"


def test_a_wrong_code_is_refused_and_nobody_is_signed_in(app, client, auth, enrolled, frozen):
    auth.login()
    response = _second_step(client, "000000")
    assert response.status_code == 422
    assert WRONG_CODE in _page(response)
    assert _session_count(app) == 0
    assert client.get("/").status_code == 302


def test_a_code_works_only_once(app, client, auth, enrolled, frozen):
    secret, _ = enrolled
    auth.login()
    # The code that confirmed the setup is spent already.
    assert _second_step(client, code_at(secret, NOW)).status_code == 422
    frozen.advance(seconds=30)
    code = code_at(secret, frozen.moment)
    assert _second_step(client, code).status_code == 302
    auth.logout()
    auth.login()
    assert _second_step(client, code).status_code == 422
    # An older code (still inside the drift window) is refused too.
    assert _second_step(client, code_at(secret, frozen.moment, -1)).status_code == 422
    assert _session_count(app) == 0


def test_the_same_code_sent_twice_at_once_signs_in_only_one_browser(app, client, auth, enrolled, frozen):
    """Both requests have checked the code before either records it: the conditional UPDATE lets
    one through (PostgreSQL re-reads the row once the other commits; SQLite serialises writes)."""
    secret, _ = enrolled
    other = app.test_client()
    AuthActions(other).login()
    auth.login()
    frozen.advance(seconds=30)
    code = code_at(secret, frozen.moment)
    with held_at_first_statement(app, "UPDATE two_factor ") as met:
        results = at_once(*(lambda browser=browser: _second_step(browser, code) for browser in (client, other)))
    assert met == [True, True]
    assert sorted(status for status, _ in results) == [302, 422]
    assert _session_count(app) == 1


@pytest.mark.parametrize(("steps", "status"), [(-2, 422), (-1, 302), (0, 302), (1, 302), (2, 422)])
def test_clock_drift_of_one_step_either_way_is_allowed(app, client, auth, enrolled, frozen, steps, status):
    secret, _ = enrolled
    frozen.advance(minutes=10)
    auth.login()
    assert _second_step(client, code_at(secret, frozen.moment, steps)).status_code == status
    assert _session_count(app) == (1 if status == 302 else 0)


def test_spaces_in_a_code_do_not_matter(app, client, auth, enrolled, frozen):
    secret, _ = enrolled
    frozen.advance(seconds=30)
    code = code_at(secret, frozen.moment)
    auth.login()
    assert _second_step(client, f" {code[:3]} {code[3:]} ").status_code == 302


def test_a_recovery_code_signs_in_once(app, client, auth, enrolled, frozen):
    _, codes = enrolled
    auth.login()
    page = _page(client.get("/login/code?recovery=1"))
    assert 'for="code">Recovery code</label>' in page
    # Any case, with or without the dashes.
    response = _second_step(client, codes[3].upper().replace("-", " "), recovery=True)
    assert response.status_code == 302
    assert "You signed in with a recovery code; 9 of them left." in _page(client.get("/"))
    assert count_rows(app, RecoveryCode) == 9
    auth.logout()
    auth.login()
    response = _second_step(client, codes[3], recovery=True)
    assert response.status_code == 422
    assert "That recovery code is not right, or it was used already." in _page(response)
    # The authenticator form takes one as well.
    assert _second_step(client, codes[4]).status_code == 302
    assert count_rows(app, RecoveryCode) == 8


def test_remember_and_next_survive_the_second_step(app, client, auth, enrolled, frozen):
    secret, _ = enrolled
    response = auth.login(remember=True, next_url="/expenses?page=2")
    assert response.headers["Location"] == "/login/code"
    frozen.advance(seconds=30)
    response = _second_step(client, code_at(secret, frozen.moment))
    assert response.headers["Location"] == "/expenses?page=2"
    assert client.get_cookie("remember_token") is not None
    with app.app_context():
        assert db.session.scalars(select(UserSession.remember)).all() == [True]


def test_an_unsafe_next_ends_on_the_dashboard(app, client, auth, enrolled, frozen):
    secret, _ = enrolled
    auth.login(next_url="//evil.example/")
    frozen.advance(seconds=30)
    assert _second_step(client, code_at(secret, frozen.moment)).headers["Location"] == "/"
    assert client.get_cookie("remember_token") is None


def test_the_second_step_expires_after_five_minutes(app, client, auth, enrolled, frozen):
    secret, _ = enrolled
    auth.login()
    frozen.advance(minutes=5)
    response = _second_step(client, code_at(secret, frozen.moment))
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert _session_count(app) == 0
    assert "Your sign-in timed out before the code was entered." in _page(client.get("/login"))
    assert client.get("/login/code").headers["Location"] == "/login"


def test_the_second_step_waits_just_under_five_minutes(app, client, auth, enrolled, frozen):
    secret, _ = enrolled
    auth.login()
    frozen.advance(minutes=4, seconds=59)
    assert _second_step(client, code_at(secret, frozen.moment)).headers["Location"] == "/"


def test_the_second_step_without_a_password_first_goes_to_login(app, client, enrolled, frozen):
    assert client.get("/login/code").headers["Location"] == "/login"
    response = _second_step(client, "123456")
    assert response.headers["Location"] == "/login"
    assert _session_count(app) == 0


def test_an_account_without_two_factor_signs_in_with_the_password(app, client, auth, user):
    auth.logout()
    response = auth.login()
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


# Limits


@pytest.fixture
def tight_limits(app):
    app.config.update(TWO_FACTOR_LIMIT_PER_ACCOUNT="3 per minute", TWO_FACTOR_LIMIT_PER_IP="5 per minute")


def test_wrong_codes_are_limited_per_account_across_browsers(app, client, auth, enrolled, frozen, tight_limits):
    secret, _ = enrolled
    other = app.test_client()
    AuthActions(other).login()
    auth.login()
    statuses = [_second_step(browser, "000000").status_code for browser in (client, other, client)]
    assert statuses == [422, 422, 422]
    frozen.advance(seconds=30)
    response = _second_step(other, code_at(secret, frozen.moment))
    assert response.status_code == 429
    assert "Too many attempts" in _page(response)
    assert int(response.headers["Retry-After"]) > 0
    assert _session_count(app) == 0


def test_right_codes_do_not_count_against_the_account(app, client, auth, enrolled, frozen, tight_limits):
    secret, _ = enrolled
    for _ in range(4):
        frozen.advance(seconds=30)
        auth.login()
        assert _second_step(client, code_at(secret, frozen.moment)).status_code == 302
        auth.logout()


def test_code_attempts_are_limited_per_address(app, client, auth, enrolled, frozen, tight_limits):
    app.config["TWO_FACTOR_LIMIT_PER_ACCOUNT"] = "10 per minute"
    bob = app.test_client()
    AuthActions(bob).register(email="bob@example.com")
    enrol(bob, NOW)
    AuthActions(bob).logout()
    AuthActions(bob).login(email="bob@example.com")
    auth.login()
    statuses = [_second_step(browser, "000000").status_code for browser in (client, bob, client, bob, bob, client)]
    assert statuses == [422, 422, 422, 422, 422, 429]


def test_wrong_codes_on_the_settings_page_count_too(app, client, user, frozen, tight_limits):
    enrol(client, NOW)
    data = {"disable-password": PASSWORD, "disable-code": "000000"}
    statuses = [post_form(client, "/account/two-factor/disable", data).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


# Turning it off, new recovery codes, the operator's reset


def test_turning_it_off_needs_the_password_and_a_code(app, client, user, frozen):
    secret, _ = enrol(client, NOW)
    before = _rows(app)
    frozen.advance(seconds=30)
    code = code_at(secret, frozen.moment)
    response = post_form(
        client, "/account/two-factor/disable", {"disable-password": "wrong password!", "disable-code": code}
    )
    assert response.status_code == 422
    assert "That is not your password." in _page(response)
    response = post_form(
        client, "/account/two-factor/disable", {"disable-password": PASSWORD, "disable-code": "000000"}
    )
    assert response.status_code == 422
    assert WRONG_CODE in _page(response)
    response = post_form(client, "/account/two-factor/disable", {"disable-password": PASSWORD, "disable-code": ""})
    assert response.status_code == 422
    assert "Enter a code." in _page(response)
    assert _rows(app) == before

    response = post_form(client, "/account/two-factor/disable", {"disable-password": PASSWORD, "disable-code": code})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/two-factor"
    assert _rows(app) == ([], [])
    assert "Two-factor sign-in is off." in _page(client.get("/account/two-factor"))
    AuthActions(client).logout()
    assert AuthActions(client).login().headers["Location"] == "/"


def test_a_recovery_code_can_turn_it_off(app, client, user, frozen):
    _, codes = enrol(client, NOW)
    response = post_form(
        client, "/account/two-factor/disable", {"disable-password": PASSWORD, "disable-code": codes[0]}
    )
    assert response.status_code == 302
    assert _rows(app) == ([], [])


def test_new_recovery_codes_replace_the_old_ones(app, client, auth, user, frozen):
    secret, old_codes = enrol(client, NOW)
    data = {"regenerate-password": PASSWORD, "regenerate-code": code_at(secret, NOW)}
    # The setup's code is spent: nothing changes.
    assert post_form(client, "/account/two-factor/recovery-codes", data).status_code == 422
    _, before = _rows(app)
    frozen.advance(seconds=30)
    data["regenerate-code"] = code_at(secret, frozen.moment)
    response = post_form(client, "/account/two-factor/recovery-codes", data)
    assert response.status_code == 200
    new_codes = recovery_codes_on_page(_page(response))
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    _, after = _rows(app)
    assert len(after) == 10
    assert not set(after) & set(before)
    auth.logout()
    auth.login()
    assert _second_step(client, old_codes[0]).status_code == 422
    assert _second_step(client, new_codes[0]).status_code == 302


def test_the_status_pages_hold_the_security_rules(app, client, user, frozen):
    enrol(client, NOW)
    response = post_form(client, "/account/two-factor/disable", {"disable-password": "x", "disable-code": "1"})
    assert response.status_code == 422
    # The tab stays marked when a form of the section was posted elsewhere.
    assert 'aria-current="page" href="/account/two-factor">Two-factor</a>' in _page(response)
    for page in (client.get("/account/two-factor"), response):
        _assert_security_headers(page, "two-factor status")
        assert " style=" not in _page(page)


def test_reset_password_turns_two_factor_off(app, client, enrolled, frozen):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reset-password", "alice@example.com", "--password", "brand new secret"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Password changed for alice@example.com; ended 0 session(s).\n"
        "Two-factor sign-in was on and is now off; they can turn it on again in Settings.\n"
    )
    assert _rows(app) == ([], [])
    response = AuthActions(client).login(password="brand new secret")
    assert response.headers["Location"] == "/"


def test_deleting_the_account_deletes_its_two_factor_rows(app, client, user, frozen):
    enrol(client, NOW)
    response = post_form(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    assert _rows(app) == ([], [])
    with app.app_context():
        assert db.session.scalars(select(User)).all() == []
