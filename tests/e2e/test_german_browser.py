"""The interface in German (issue 23): a browser asking for German gets every page in German, with
German amounts and dates beside the German words, and axe finds nothing on the demo's pages in
German at 390px, where German's longer words must still fit."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.e2e import test_accessibility as accessibility
from tests.e2e.test_accessibility import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    PHONE,
    AxeRun,
    new_context,
    other_signed_in_pages,
    signed_in_pages,
    visit,
)

pytestmark = pytest.mark.e2e

# The demo account with its imports, as the English sweep sets it up.
demo_ids = accessibility.demo_ids

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
NBSP = "\xa0"


def _row(page: Page, description: str):
    return page.locator("#expense-table tbody tr").filter(has_text=description)


def test_a_german_reader_registers_keeps_books_and_leaves_in_german(page: Page, page_errors):
    page.set_extra_http_headers(GERMAN)
    today = date.today()
    page.goto("/register")
    expect(page.locator("html")).to_have_attribute("lang", "de-DE")
    expect(page).to_have_title("Konto erstellen · Expense Tracker")
    page.get_by_label("E-Mail").fill("leserin@example.com")
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(PASSWORD)
    page.get_by_role("button", name="Konto erstellen").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Willkommen! Ihr Konto ist bereit. Erfassen Sie unten Ihre erste Ausgabe."
    )
    expect(page.locator("#card-left")).to_have_text(f"80.000,00{NBSP}₹")

    # A category of one's own, from the German menu.
    page.get_by_role("link", name="Kategorien", exact=True).click()
    expect(page.get_by_role("heading", name="Kategorien", exact=True)).to_be_visible()
    page.get_by_label("Name").fill("Bücher")
    page.get_by_role("button", name="Kategorie anlegen").click()
    expect(page.get_by_role("status")).to_contain_text("Kategorie Bücher angelegt.")

    # Two expenses through the full form, with German amounts; plurals on the list.
    for amount, description, category in (("1.234,50", "Miete", "Wohnen"), ("12,90", "Roman", "Bücher")):
        page.goto("/expenses/new")
        expect(page.get_by_role("heading", name="Ausgabe hinzufügen")).to_be_visible()
        page.get_by_label("Betrag").fill(amount)
        page.get_by_label("Beschreibung", exact=True).fill(description)
        page.get_by_label("Kategorie").select_option(label=category)
        page.get_by_role("button", name="Ausgabe hinzufügen", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text(f"{description} ({amount}{NBSP}₹) hinzugefügt.")
    expect(page.locator("#list-count")).to_have_text("2 Ausgaben")
    expect(page.locator("#list-total")).to_have_text(f"1.247,40{NBSP}₹")
    expect(_row(page, "Miete").locator("td").nth(0)).to_have_text(f"{today:%d.%m.%Y}")

    # Filtering by a German category name narrows the list to one expense: the singular.
    page.get_by_label("Beschreibung enthält").fill("Roman")
    page.get_by_role("button", name="Filter anwenden").click()
    expect(page.locator("#list-count")).to_have_text("1 Ausgabe")
    page.get_by_role("link", name="Filter zurücksetzen").first.click()

    # Deleting, through the German confirmation page.
    _row(page, "Roman").get_by_role("link", name=re.compile(" löschen$")).click()
    expect(page.get_by_role("heading", name="Diese Ausgabe löschen?")).to_be_visible()
    page.get_by_role("button", name="Ausgabe löschen").click()
    expect(page.get_by_role("status")).to_contain_text("Roman gelöscht.")
    expect(page.locator("#list-count")).to_have_text("1 Ausgabe")

    # A form's errors, the budgets, the reports and an error page are German too.
    page.goto("/expenses/new")
    page.get_by_role("button", name="Ausgabe hinzufügen", exact=True).click()
    expect(page.locator("#form-errors")).to_contain_text("Bitte korrigieren Sie die Probleme unten.")
    expect(page.get_by_text("Geben Sie einen Betrag ein.")).to_be_visible()
    page.get_by_role("link", name="Budgets", exact=True).click()
    expect(page.get_by_role("heading", name="Budgets", exact=True)).to_be_visible()
    page.get_by_role("link", name="Auswertungen", exact=True).click()
    expect(page.get_by_role("heading", name="Ausgaben pro Monat")).to_be_visible()
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Seite nicht gefunden")).to_be_visible()

    # The account's own setting wins over the browser: English (UK) from now on, and back.
    page.goto("/account/settings")
    page.get_by_label("Zahlen- und Datumsformat").select_option("en_GB")
    page.get_by_role("button", name="Einstellungen speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Settings saved.")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    page.get_by_label("Number and date format").select_option("")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("Einstellungen gespeichert.")

    page.get_by_role("button", name="Abmelden").first.click()
    expect(page.get_by_role("status")).to_contain_text("Sie wurden abgemeldet.")
    # The refused form (422) and the missing page (404) answer so on purpose.
    accessibility.ignore_failed_requests(page, page_errors, ["/expenses/new", "/no-such-page"])


@pytest.mark.parametrize("viewport", [PHONE], ids=["390px"])
def test_the_demo_pages_pass_axe_in_german_on_a_phone(browser, app, live_server, demo_ids, page_errors, viewport):
    pages = signed_in_pages(app, demo_ids)
    axe = AxeRun("390px, German")
    context = new_context(browser, live_server.url, "light", viewport, page_errors)
    context.set_extra_http_headers(GERMAN)
    page = context.new_page()
    for path in ("/login", "/register"):
        visit(page, path)
        expect(page.locator("html")).to_have_attribute("lang", "de-DE")
        axe.check(page, path)
    page.goto("/login")
    page.get_by_label("E-Mail").fill(DEMO_EMAIL)
    page.get_by_label("Passwort", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page).to_have_url(re.compile(r"/$"))
    for _endpoint, path in sorted(pages.items(), key=lambda item: item[1]):
        visit(page, path)
        expect(page.locator("html")).to_have_attribute("lang", "de-DE")
        axe.check(page, path)
        # Nothing sideways on a phone: German's long words wrap or fit.
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px in German"
    for what, (path, status) in other_signed_in_pages(demo_ids).items():
        visit(page, path, status)
        axe.check(page, f"{path} ({what})")
    accessibility.ignore_failed_requests(page, page_errors, ["/no-such-page"])
    context.close()
    axe.assert_clean()
