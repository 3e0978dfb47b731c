"""Helpers for tests of two-factor sign-in: codes computed with pyotp from the secret the page
shows, the way an authenticator app does."""

import re
from datetime import datetime, timedelta

import pyotp

from tests.conftest import PASSWORD, post_form


def code_at(secret: str, moment: datetime, steps: int = 0) -> str:
    """The authenticator's code at `moment`, or `steps` time steps (30 s each) from it."""
    return pyotp.TOTP(secret).at(moment + timedelta(seconds=30 * steps))


def secret_on_page(html: str) -> str:
    match = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', html)
    assert match, "no secret on the page"
    return match.group(1).replace(" ", "")


def recovery_codes_on_page(html: str) -> list[str]:
    return re.findall(r'<span class="d-block border rounded text-center text-nowrap py-1">([a-z0-9-]+)</span>', html)


def enrol(client, moment: datetime) -> tuple[str, list[str]]:
    """Turn on two-factor for the signed-in account of `client` with the code of `moment`; returns
    (secret, recovery codes)."""
    secret = secret_on_page(client.get("/account/two-factor").get_data(as_text=True))
    response = post_form(client, "/account/two-factor", {"code": code_at(secret, moment), "password": PASSWORD})
    assert response.status_code == 200, response.get_data(as_text=True)
    codes = recovery_codes_on_page(response.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes
