"""Registration, login, logout, `next` redirects, pages behind login, password rehashing."""

import re
from urllib.parse import quote

import pytest
from argon2 import PasswordHasher

from app.extensions import db
from app.models import Category, Ledger, User
from tests.conftest import PASSWORD, AuthActions, count_rows, ledger_of, post_form
from tests.pages import field_errors, flashes, input_value

LOGIN_FAILED = "That email and password do not match an account."


def _user(app, email):
    with app.app_context():
        return db.session.scalar(db.select(User).where(User.email == email))


def _signed_in(client):
    return client.get("/").status_code == 200


def test_register_creates_the_account_and_signs_in(app, client, auth):
    response = auth.register(email="  Alice.Smith@Example.COM ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    user = _user(app, "alice.smith@example.com")
    assert user is not None
    assert user.email == "alice.smith@example.com"
    with app.app_context():
        ledger = db.session.scalar(db.select(Ledger).where(Ledger.personal_user_id == user.id))
        assert (ledger.currency, ledger.monthly_budget_cents) == ("INR", 8_000_000)
    assert user.password_hash.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert PasswordHasher().verify(user.password_hash, PASSWORD)
    assert PASSWORD not in user.password_hash

    with app.app_context():
        categories = db.session.execute(
            db.select(Category.name, Category.name_key, Category.color)
            .where(Category.ledger_id == ledger_of(user.id))
            .order_by(Category.id)
        ).all()
    assert [tuple(row) for row in categories] == [
        ("Food & groceries", "food & groceries", "#2e7d32"),
        ("Transport", "transport", "#1565c0"),
        ("Housing", "housing", "#6a1b9a"),
        ("Utilities", "utilities", "#00838f"),
        ("Health", "health", "#c62828"),
        ("Entertainment", "entertainment", "#ef6c00"),
        ("Shopping", "shopping", "#ad1457"),
        ("Other", "other", "#546e7a"),
    ]

    page = client.get("/").get_data(as_text=True)
    assert flashes(page) == ["Welcome! Your account is ready. Add your first expense below."]
    assert "alice.smith@example.com" in page


def test_register_with_an_existing_email_in_another_case_is_refused(app, user):
    other = app.test_client()
    response = AuthActions(other).register(email="ALICE@Example.com")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_errors(page).get("email") == "An account with this email already exists. Log in instead."
    assert input_value(page, "email") == "ALICE@Example.com"
    assert count_rows(app, User) == 1
    assert count_rows(app, Category) == 8
    assert not _signed_in(other)


@pytest.mark.parametrize(
    ("password", "confirm", "errors"),
    [
        ("short", "short", {"password": "Use between 8 and 256 characters."}),
        ("x" * 257, "x" * 257, {"password": "Use between 8 and 256 characters."}),
        ("", "", {"password": "Choose a password.", "confirm": "Repeat your password."}),
        (PASSWORD, PASSWORD + "!", {"confirm": "The two passwords do not match."}),
        (PASSWORD, "", {"confirm": "Repeat your password."}),
    ],
)
def test_weak_or_mismatched_password_is_refused_and_nothing_is_written(app, client, auth, password, confirm, errors):
    response = auth.register(email="bob@example.com", password=password, confirm=confirm)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_errors(page) == errors
    assert input_value(page, "email") == "bob@example.com"
    # Passwords are never sent back in the page.
    if password:
        assert password not in page
    assert count_rows(app, User) == 0
    assert count_rows(app, Category) == 0


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address."),
        ("not-an-email", "Enter a valid email address, like name@example.com."),
        ("a@b", "Enter a valid email address, like name@example.com."),
        (
            "x" * 250 + "@example.com",
            "That email address is too long. Enter a valid email address, like name@example.com.",
        ),
    ],
)
def test_bad_email_is_refused(app, auth, email, message):
    response = auth.register(email=email)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)).get("email") == message
    assert count_rows(app, User) == 0


def test_login_with_the_right_password(app, user):
    browser = app.test_client()
    response = AuthActions(browser).login(email="Alice@Example.com")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert _signed_in(browser)
    assert browser.get_cookie("remember_token") is None


def test_wrong_password_and_unknown_email_give_the_same_error(app, user):
    browser = app.test_client()
    wrong_password = AuthActions(browser).login(password="not the password")
    unknown_email = AuthActions(browser).login(email="nobody@example.com")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert field_errors(page).get("password") == LOGIN_FAILED
        assert field_errors(page).get("email") is None
    # Apart from the email typed in, the two pages are the same.
    first = wrong_password.get_data(as_text=True).replace("alice@example.com", "EMAIL")
    second = unknown_email.get_data(as_text=True).replace("nobody@example.com", "EMAIL")
    assert re.sub(r'content="[^"]+"|value="[^"]*"', "", first) == re.sub(r'content="[^"]+"|value="[^"]*"', "", second)
    assert not _signed_in(browser)


def test_remember_me_sets_a_remember_cookie(app, user):
    browser = app.test_client()
    response = AuthActions(browser).login(remember=True)
    assert response.status_code == 302
    cookie = browser.get_cookie("remember_token")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


@pytest.mark.parametrize(
    ("next_url", "location"),
    [
        ("/expenses", "/expenses"),
        ("/expenses?page=2", "/expenses?page=2"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("http:/evil.example", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("expenses", "/"),
        ("", "/"),
    ],
)
def test_next_is_followed_only_to_a_local_path(app, user, next_url, location):
    browser = app.test_client()
    response = AuthActions(browser).login(next_url=quote(next_url, safe=""))
    assert response.status_code == 302
    assert response.headers["Location"] == location


def test_logout_is_post_only_and_needs_the_csrf_token(app, client, auth, user):
    assert client.get("/logout").status_code == 405
    assert _signed_in(client)

    response = client.post("/logout")
    assert response.status_code == 400
    assert _signed_in(client)

    response = client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert _signed_in(client)

    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert flashes(client.get("/login").get_data(as_text=True)) == ["You have been logged out."]
    assert not _signed_in(client)


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/", "/login?next=%2F"),
        ("/expenses", "/login?next=%2Fexpenses"),
        ("/expenses/new", "/login?next=%2Fexpenses%2Fnew"),
        ("/expenses/1/edit", "/login?next=%2Fexpenses%2F1%2Fedit"),
        ("/expenses/1/delete", "/login?next=%2Fexpenses%2F1%2Fdelete"),
        ("/categories", "/login?next=%2Fcategories"),
        ("/categories/1/edit", "/login?next=%2Fcategories%2F1%2Fedit"),
        ("/export.csv", "/login?next=%2Fexport.csv"),
        ("/account/settings", "/login?next=%2Faccount%2Fsettings"),
    ],
)
def test_pages_require_login(client, path, location):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == location


def test_login_then_lands_on_the_page_asked_for(app, user):
    browser = app.test_client()
    location = browser.get("/categories").headers["Location"]
    assert location == "/login?next=%2Fcategories"
    response = post_form(browser, location, {"email": "alice@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/categories"


def test_login_and_register_pages_redirect_a_signed_in_user(client, user):
    for path in ("/login", "/register"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == "/"


def test_password_is_rehashed_on_login_when_the_parameters_change(app, user):
    old_hash = _user(app, "alice@example.com").password_hash
    assert old_hash.startswith("$argon2id$v=19$m=1024,t=1,p=1$")

    app.config["ARGON2_TIME_COST"] = 2
    browser = app.test_client()
    # A wrong password changes nothing.
    assert AuthActions(browser).login(password="not the password").status_code == 422
    assert _user(app, "alice@example.com").password_hash == old_hash

    assert AuthActions(browser).login().status_code == 302
    new_hash = _user(app, "alice@example.com").password_hash
    assert new_hash != old_hash
    assert new_hash.startswith("$argon2id$v=19$m=1024,t=2,p=1$")
    assert PasswordHasher().verify(new_hash, PASSWORD)

    # The new hash still lets Alice in, and is not rehashed again.
    again = app.test_client()
    assert AuthActions(again).login().status_code == 302
    assert _user(app, "alice@example.com").password_hash == new_hash
