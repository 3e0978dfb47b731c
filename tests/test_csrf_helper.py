"""The tests' own CSRF helper: a client reads its token from a page once, and again only after its
CSRF secret changed (login, logout and a password change rotate it), not before every POST."""

from tests.conftest import csrf_token, post_form


def _count_gets(client) -> list[str]:
    gets = []
    get = client.get
    client.get = lambda path, *args, **kwargs: (gets.append(path), get(path, *args, **kwargs))[1]
    return gets


def test_a_token_is_read_once_and_again_after_login(client, auth, user):
    before = csrf_token(client)
    gets = _count_gets(client)
    assert post_form(client, "/theme", {"theme": "dark"}).status_code == 302
    assert post_form(client, "/theme", {"theme": "light"}).status_code == 302
    assert auth.logout().status_code == 302
    assert gets == []
    assert auth.login().status_code == 302  # logging out dropped the secret: read a new one
    assert gets == ["/"]
    assert post_form(client, "/theme", {"theme": "dark"}).status_code == 302  # and so did logging in
    assert gets == ["/", "/"]
    assert csrf_token(client) != before
    assert gets == ["/", "/"]
