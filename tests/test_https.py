"""Behind a TLS-terminating proxy: HSTS, Secure cookies and the client's real address."""

import re

from app import create_app
from app.extensions import db
from app.models import UserSession
from tests.conftest import PASSWORD, AuthActions


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_proxy_fix_trusts_forwarded_headers_only_when_configured(app, database_url):
    # `app` is only here for its teardown, which empties the tables this test writes to.
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    direct = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    assert "Strict-Transport-Security" not in direct.test_client().get("/login", headers=forwarded).headers

    proxied = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, PROXY_FIX_HOPS=1)
    client = proxied.test_client()
    assert client.get("/login", headers=forwarded).headers["Strict-Transport-Security"].startswith("max-age=")

    client.environ_base.update({"HTTP_X_FORWARDED_FOR": "203.0.113.7", "HTTP_X_FORWARDED_PROTO": "https"})
    # Over HTTPS Flask-WTF also wants a same-origin Referer, which the Referrer-Policy keeps sending.
    assert AuthActions(client).register(email="proxied@example.com").status_code == 400
    client.environ_base["HTTP_REFERER"] = "https://localhost/register"
    assert AuthActions(client).register(email="proxied@example.com").status_code == 302
    with proxied.app_context():
        assert db.session.scalars(db.select(UserSession.ip_address)).all() == ["203.0.113.7"]
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    with direct.app_context():
        for engine in db.engines.values():
            engine.dispose()


def test_production_cookies_are_secure_httponly_and_lax(database_url):
    app = create_app("production", SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="s" * 40)
    response = app.test_client().get("/login", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


def test_production_session_and_remember_cookies_use_the_host_prefix(app, database_url):
    # `app` is only here for its teardown, which empties the tables this test writes to.
    production = create_app("production", SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="s" * 40)
    client = production.test_client()
    https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/register"}}
    html = client.get("/register", **https).get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)
    form = {"email": "host@example.com", "password": PASSWORD, "confirm": PASSWORD, "csrf_token": token}
    assert client.post("/register", data=form, **https).status_code == 302
    html = client.get("/", **https).get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)
    assert client.post("/logout", data={"csrf_token": token}, **https).status_code == 302
    html = client.get("/login", **https).get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)
    form = {"email": "host@example.com", "password": PASSWORD, "remember": "y", "csrf_token": token}
    response = client.post("/login", data=form, **https)
    assert response.status_code == 302
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    assert set(cookies) == {"__Host-session", "__Host-remember_token", "__Host-device"}
    for header in cookies.values():
        attributes = [part.strip() for part in header.split(";")[1:]]
        assert "Secure" in attributes and "HttpOnly" in attributes and "Path=/" in attributes
        assert "SameSite=Lax" in attributes
        assert not any(part.lower().startswith("domain=") for part in attributes)
    # The prefixed cookie is the one that signs the browser in.
    assert client.get("/", base_url="https://localhost").status_code == 200
    with production.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
