"""Colour theme: the `theme` cookie, the page's data-bs-theme, and the POST /theme switch."""

import re

import pytest

from tests.conftest import csrf_token, post_form

CSRF_REFUSED = "This form has expired or did not come from this site."


def _html_tag(page: str) -> str:
    match = re.search(r"<html\b[^>]*>", page)
    assert match
    return match.group(0)


def _theme_cookie(response) -> str | None:
    """The Set-Cookie header for `theme`, or None when the response sets none."""
    headers = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("theme=")]
    assert len(headers) <= 1
    return headers[0] if headers else None


def _pressed(page: str) -> list[tuple[str, str]]:
    """(value, aria-pressed) of each choice in the theme menu."""
    return re.findall(
        r'<button type="submit" name="theme" value="(\w+)"\s+class="dropdown-item[^"]*"\s+aria-pressed="(\w+)"', page
    )


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize(
    ("cookie", "html"),
    [
        (None, '<html lang="en-US" data-theme-choice="auto">'),
        ("auto", '<html lang="en-US" data-theme-choice="auto">'),
        ("light", '<html lang="en-US" data-theme-choice="light" data-bs-theme="light">'),
        ("dark", '<html lang="en-US" data-theme-choice="dark" data-bs-theme="dark">'),
        ('"><script>', '<html lang="en-US" data-theme-choice="auto">'),
        ("purple", '<html lang="en-US" data-theme-choice="auto">'),
    ],
)
def test_the_page_is_rendered_in_the_theme_of_the_cookie(client, auth, signed_in, cookie, html):
    if signed_in:
        auth.register()
    if cookie is not None:
        client.set_cookie("theme", cookie)
    page = client.get("/" if signed_in else "/login").get_data(as_text=True)
    assert _html_tag(page) == html
    chosen = cookie if cookie in ("light", "dark") else "auto"
    assert _pressed(page) == [(value, "true" if value == chosen else "false") for value in ("light", "dark", "auto")]
    # The navbar stays dark whatever the page's theme.
    assert '<nav class="navbar navbar-expand-xl bg-dark border-bottom" data-bs-theme="dark" aria-label="Main">' in page


def test_the_switch_is_labelled_with_the_current_choice_and_cycles_without_scripts(client):
    client.set_cookie("theme", "dark")
    page = client.get("/login").get_data(as_text=True)
    toggle = re.search(r'<button type="submit" name="theme" value="(\w+)" id="theme-toggle"[^>]*>', page, re.S).group(0)
    assert 'value="auto"' in toggle  # dark -> auto when the button itself is pressed
    assert 'aria-label="Colour theme: Dark"' in toggle
    assert '<input type="hidden" name="next" value="/login">' in page


@pytest.mark.parametrize("choice", ["light", "dark", "auto"])
def test_choosing_a_theme_sets_the_cookie_for_a_year_and_goes_back(client, choice):
    response = post_form(client, "/theme", {"theme": choice, "next": "/register?x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/register?x=1"
    assert (
        _theme_cookie(response)
        == f"theme={choice}; Expires={_expires(response)}; Max-Age=31536000; Path=/; SameSite=Lax"
    )
    page = client.get("/login").get_data(as_text=True)
    assert 'data-theme-choice="' + choice + '"' in _html_tag(page)


def _expires(response) -> str:
    return re.search(r"Expires=([^;]+)", _theme_cookie(response)).group(1)


def test_the_theme_cookie_is_secure_over_https(client):
    token = csrf_token(client)
    response = client.post(
        "/theme",
        data={"theme": "dark", "next": "/login", "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},
    )
    assert response.status_code == 302
    assert (
        _theme_cookie(response)
        == f"theme=dark; Expires={_expires(response)}; Max-Age=31536000; Secure; Path=/; SameSite=Lax"
    )


def test_signed_in_the_switch_works_too(client, auth):
    auth.register()
    response = post_form(client, "/theme", {"theme": "dark", "next": "/expenses?q=tea"})
    assert response.headers["Location"] == "/expenses?q=tea"
    assert 'data-bs-theme="dark"' in _html_tag(client.get("/expenses").get_data(as_text=True))


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "", None],
)
def test_the_switch_only_goes_back_to_a_page_of_this_site(client, next_url):
    data = {"theme": "dark"}
    if next_url is not None:
        data["next"] = next_url
    response = post_form(client, "/theme", data)
    assert response.status_code == 302
    # The dashboard, which sends a visitor who is not signed in on to the login page.
    assert response.headers["Location"] == "/"
    assert _theme_cookie(response).startswith("theme=dark;")


@pytest.mark.parametrize("value", ["purple", "", "dark; Path=/x", "DARK"])
def test_an_unknown_theme_is_ignored(client, value):
    client.set_cookie("theme", "light")
    response = post_form(client, "/theme", {"theme": value, "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert _theme_cookie(response) is None
    assert 'data-bs-theme="light"' in _html_tag(client.get("/login").get_data(as_text=True))


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_the_switch_refuses_a_post_without_a_valid_csrf_token(client, token):
    data = {"theme": "dark", "next": "/login"}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/theme", data=data)
    assert response.status_code == 400
    assert CSRF_REFUSED in response.get_data(as_text=True)
    assert _theme_cookie(response) is None


def test_the_switch_is_post_only(client):
    assert client.get("/theme").status_code == 405
