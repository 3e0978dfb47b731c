"""Number and date formats in a real browser: a German browser types "1.234,50" and reads German
figures, the setting switches to Indian grouping, and chart axes follow the server's locale even
where the browser's own language (navigator.language, en-US here) differs."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, add_expense

pytestmark = pytest.mark.e2e

NBSP = "\xa0"


# The register form's words in the interface languages these tests browse in.
REGISTER_WORDS = {
    "en": ("Email", "Password", "Repeat password", "Create account"),
    "de": ("E-Mail", "Passwort", "Passwort wiederholen", "Konto erstellen"),
    "fr": ("E-mail", "Mot de passe", "Répétez le mot de passe", "Créer le compte"),
}
# The start of each expense row's delete link ("Delete Rent, Dec 5, 2026"; German puts the verb last).
DELETE_LINKS = {"en-US": re.compile("^Delete"), "de-DE": re.compile(" löschen$"), "fr-FR": re.compile("^Supprimer")}


def _register(page: Page, language: str = "en") -> None:
    email, password, repeat, create = REGISTER_WORDS.get(language, REGISTER_WORDS["en"])
    page.goto("/register")
    page.get_by_label(email).fill("locale@example.com")
    page.get_by_label(password, exact=True).fill(PASSWORD)
    page.get_by_label(repeat).fill(PASSWORD)
    page.get_by_role("button", name=create).click()
    page.wait_for_url("**/")


def _axis_labels(page: Page, chart: str, axis: str) -> list[str]:
    page.wait_for_function(f"() => window.expenseCharts && window.expenseCharts.{chart}")
    return page.evaluate(f"() => window.expenseCharts.{chart}.scales.{axis}.ticks.map(tick => tick.label)")


def test_a_german_browser_then_the_indian_setting(page: Page):
    page.set_extra_http_headers({"Accept-Language": "de-DE,de;q=0.9"})
    assert page.evaluate("() => navigator.language") == "en-US"
    _register(page, "de")

    today = date.today()
    page.goto("/expenses/new")
    page.get_by_label("Betrag").fill("1.234,50")
    page.get_by_label("Beschreibung", exact=True).fill("Miete")
    page.get_by_label("Kategorie").select_option(label="Wohnen")  # the starter categories are German too
    page.get_by_role("button", name="Ausgabe hinzufügen", exact=True).click()
    page.goto("/expenses")
    row = page.locator("#expense-table tbody tr").first
    expect(row.locator("td").nth(0)).to_have_text(f"{today:%d.%m.%Y}")
    expect(row.locator("td").nth(3)).to_have_text(f"1.234,50{NBSP}₹")
    expect(page.locator("#list-total")).to_have_text(f"1.234,50{NBSP}₹")

    # The chart's axis numbers are German too, although the browser itself is en-US.
    page.goto("/reports")
    assert "1.200" in _axis_labels(page, "monthly", "y")

    page.goto("/account/settings")
    select = page.get_by_label("Zahlen- und Datumsformat")
    expect(select.locator("option:checked")).to_have_text("Browser-Standard · Deutsch (Deutschland)")
    select.select_option("en_IN")
    page.get_by_role("button", name="Einstellungen speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Settings saved.")
    expect(page.locator("#locale-help")).to_contain_text(f"Now: ₹1,234.56 · {today.day} {today:%b} {today.year}.")

    page.goto("/expenses")
    expect(page.locator("#list-total")).to_have_text("₹1,234.50")
    page.goto("/reports")
    assert "1,200" in _axis_labels(page, "monthly", "y")


LINES = """(selector) => {
  const range = document.createRange();
  range.selectNodeContents(document.querySelector(selector));
  return range.getClientRects().length;
}"""


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}], ids=["390px"])
@pytest.mark.parametrize("language", ["en-US", "de-DE", "fr-FR"])
def test_long_formats_fit_a_phone(page: Page, app, viewport, language):
    page.set_extra_http_headers({"Accept-Language": language})
    _register(page, language[:2])
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == "locale@example.com"))
    food = {"en": "Food & groceries", "de": "Lebensmittel", "fr": "Alimentation et courses"}[language[:2]]
    add_expense(app, user_id, food, 5_607_766, date.today(), "Groceries at the supermarket")

    # The navbar's brand and buttons share one line; each of the dashboard's figures is one line.
    page.goto("/")
    brand, buttons = page.locator(".navbar-brand"), page.locator("#quick-add-button")
    assert brand.bounding_box()["y"] < buttons.bounding_box()["y"] + buttons.bounding_box()["height"]
    for figure in ("#card-total", "#card-left"):
        assert page.evaluate(LINES, figure) == 1, figure

    # The expense list shows its buttons without scrolling sideways; a date wraps at most once.
    page.goto("/expenses")
    scroll_width, client_width = page.evaluate(
        "() => { const box = document.querySelector('#expense-table').parentElement; "
        "return [box.scrollWidth, box.clientWidth]; }"
    )
    assert scroll_width <= client_width
    row = page.locator("#expense-table tbody tr").first
    expect(row.get_by_role("link", name=DELETE_LINKS[language])).to_be_in_viewport(ratio=1)
    assert page.evaluate(LINES, "#expense-table tbody tr time") <= 2
