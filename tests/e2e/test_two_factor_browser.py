"""Two-factor sign-in in a real browser: set it up from Settings with the key the page shows (as
an authenticator app would read it), log out, log in with the password and a code, and land on the
dashboard. The live server runs on the real clock, so codes are computed for the real time."""

import re
import time
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import register
from tests.e2e.test_accessibility import AXE_OPTIONS, AxeRun

pytestmark = pytest.mark.e2e

EMAIL = "twofactor@example.com"


def test_set_up_log_out_and_log_in_with_a_code(page: Page):
    register(page, EMAIL)
    page.goto("/account/settings")
    page.get_by_role("link", name="Two-factor").click()
    expect(page).to_have_url(re.compile(r"/account/two-factor$"))
    expect(page.locator("svg.qr-code")).to_be_visible()
    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    totp = pyotp.TOTP(secret)

    page.get_by_label("6-digit code from the app").fill(totp.now())
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Save your recovery codes now")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    codes = page.locator("#recovery-codes li").all_inner_texts()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a text file").click()
    assert download.value.suggested_filename == "expense-tracker-recovery-codes.txt"
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert (
        saved
        == f"Expense Tracker recovery codes for {EMAIL}\nEach code signs you in once.\n\n" + "\n".join(codes) + "\n"
    )
    page.get_by_role("link", name="I have saved them").click()
    expect(page.locator("#recovery-codes-left")).to_contain_text("10 of 10")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/login/code$"))
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    # Not signed in between the steps.
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)

    # The setup's code is spent; the next step's code is within the allowed drift and new.
    page.get_by_label("Code from your authenticator app").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Dashboard"))


def test_two_factor_pages_pass_axe(page: Page):
    axe = AxeRun("two-factor")
    register(page, EMAIL)
    page.goto("/account/two-factor")
    axe.run(page, "setup", AXE_OPTIONS)
    totp = pyotp.TOTP(page.locator("#two-factor-secret").inner_text().replace(" ", ""))
    page.get_by_label("6-digit code from the app").fill(totp.now())
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    axe.run(page, "recovery codes", AXE_OPTIONS)
    page.get_by_role("link", name="I have saved them").click()
    axe.run(page, "status", AXE_OPTIONS)
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/login/code$"))
    axe.run(page, "login code", AXE_OPTIONS)
    page.get_by_role("link", name="Use a recovery code").click()
    axe.run(page, "login recovery code", AXE_OPTIONS)
    axe.assert_clean()
