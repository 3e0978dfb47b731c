"""Register, add an expense and find it in the list with the keyboard alone: no click anywhere.

At every stop the focused element must show that it has focus (an outline or a box-shadow), and
the first Tab on a page must reach the skip link, which moves focus to the main content.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

EMAIL = "keys@example.com"
MAX_TABS = 40

# The focused element, and whether the browser draws a focus indicator on it. Bootstrap animates
# box-shadows, so the caller waits for this to become true rather than reading it once.
FOCUS_SHOWN = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return false;
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
    return outline || shadow;
}"""

DESCRIBE_FOCUS = """() => {
    const e = document.activeElement;
    if (!e) return "nothing";
    const s = getComputedStyle(e);
    return `<${e.tagName.toLowerCase()} id="${e.id}" name="${e.getAttribute("name") || ""}">`
        + ` "${(e.innerText || e.value || "").trim().slice(0, 40)}" outline: ${s.outlineStyle} ${s.outlineWidth},`
        + ` box-shadow: ${s.boxShadow}`;
}"""


def focused(page: Page) -> str:
    return page.evaluate(DESCRIBE_FOCUS)


def assert_focus_visible(page: Page) -> None:
    try:
        page.wait_for_function(FOCUS_SHOWN, timeout=2000)
    except Exception as error:  # Playwright's timeout: say which element hides its focus
        raise AssertionError(f"no visible focus indicator on {focused(page)} at {page.url}") from error


def is_focused(page: Page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector)


def tab_to(page: Page, selector: str, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until `selector` has focus, checking the focus indicator at every stop."""
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        assert_focus_visible(page)
        if is_focused(page, selector):
            return
    raise AssertionError(f"{selector} not reached in {MAX_TABS} presses of {key}; focus is on {focused(page)}")


def skip_to_main(page: Page) -> None:
    """The first Tab stop is the skip link; Enter on it moves focus to <main>."""
    # Until the page has loaded, Chromium goes back to a #fragment target each time the layout
    # changes, which would take focus back to <main> after the next Tab (seen under load).
    page.wait_for_load_state("load")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_register_add_an_expense_and_see_it_with_the_keyboard_only(page: Page):
    page.goto("/register")
    # The form has focus on arrival; backwards from it, the skip link is the page's first stop.
    expect(page.locator("#email")).to_be_focused()
    assert_focus_visible(page)
    tab_to(page, ".skip-link", key="Shift+Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_visible()

    # Forward again: email, password, then the button; one step back to the field skipped over.
    tab_to(page, "#email")
    page.keyboard.type(EMAIL)
    tab_to(page, "#password")
    page.keyboard.type(PASSWORD)
    tab_to(page, "main button[type=submit]")
    tab_to(page, "#confirm", key="Shift+Tab")
    page.keyboard.type(PASSWORD)
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text("Your account is ready")

    # The dashboard: the skip link is the first Tab stop; from <main>, on to its "Add expense".
    skip_to_main(page)
    tab_to(page, "main a[href='/expenses/new']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Add expense")).to_be_visible()

    # The amount field has focus on arrival.
    expect(page.locator("#amount")).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.type("12.50")
    tab_to(page, "#description")
    page.keyboard.type("Lunch by keyboard")
    tab_to(page, "#category_id")
    page.keyboard.type("Transport")  # type-ahead picks the option
    expect(page.locator("#category_id option:checked")).to_have_text("Transport")
    tab_to(page, "main form[method=post] button[type=submit]:not([name])")  # not the one-line form above it
    page.keyboard.press("Space")

    expect(page).to_have_url(re.compile(r"/expenses$"))
    expect(page.get_by_role("status")).to_contain_text("Added Lunch by keyboard")
    row = page.locator("#expense-table tbody tr").filter(has_text="Lunch by keyboard")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(2)).to_contain_text("Transport")
    expect(row.locator("td").nth(3)).to_have_text("₹12.50")

    # And the row's edit link is reachable from the keyboard too.
    skip_to_main(page)
    tab_to(page, "#expense-table tbody tr a[href$='/edit']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Edit expense")).to_be_visible()
    expect(page.locator("#amount")).to_have_value("12.50")


def test_a_failed_submit_moves_focus_to_the_first_field_in_error(page: Page, page_errors):
    page.goto("/register")
    expect(page.locator("#email")).to_be_focused()
    page.keyboard.type("not an email")
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#form-errors")).to_be_visible()
    email = page.locator("#email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", "email-error")
    expect(email).to_be_focused()
    assert_focus_visible(page)
    # A form sent back with errors answers 422, which the browser logs as a failed request.
    page.evaluate("0")
    page_errors[:] = [e for e in page_errors if "status of 422" not in e]
