"""Dark mode in a real browser: the system setting at first paint, the switch, and the charts."""

import re

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, add_expense
from tests.e2e.conftest import DESKTOP

pytestmark = pytest.mark.e2e

# The page background (Bootstrap's --bs-tertiary-bg on <body>) in each theme.
LIGHT_BACKGROUND = "rgb(248, 249, 250)"
DARK_BACKGROUND = "rgb(43, 48, 53)"
THEMES = ("light", "dark", "auto")


def _theme(page: Page) -> str | None:
    return page.evaluate("() => document.documentElement.dataset.bsTheme ?? null")


def _background(page: Page) -> str:
    return page.evaluate("() => getComputedStyle(document.body).backgroundColor")


def _theme_cookie(page: Page) -> str | None:
    values = [cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "theme"]
    return values[0] if values else None


def _choose(page: Page, label: str) -> None:
    page.locator("#theme-toggle").click()
    expect(page.locator("#theme-menu")).to_be_visible()
    page.locator("#theme-menu").get_by_role("button", name=label).click()


@pytest.fixture
def dark_system(browser, live_server, page_errors):
    """A page whose system setting is dark, with no theme chosen yet."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, color_scheme="dark")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and page_errors.append(f"console error: {m.text}"))
    page.on("pageerror", lambda error: page_errors.append(f"uncaught exception: {error}"))
    yield page
    context.close()


def test_auto_follows_the_system_from_the_first_paint(dark_system: Page):
    page = dark_system
    # The theme as the <body> element first appears, before anything can be painted.
    page.add_init_script(
        """new MutationObserver((records, observer) => {
             if (document.body) {
               window.themeAtFirstBody = document.documentElement.dataset.bsTheme ?? null;
               observer.disconnect();
             }
           }).observe(document, {childList: true, subtree: true});"""
    )
    page.goto("/login")
    assert page.evaluate("() => window.themeAtFirstBody") == "dark"
    assert _theme(page) == "dark"
    assert page.evaluate("() => document.documentElement.dataset.themeChoice") == "auto"
    assert _background(page) == DARK_BACKGROUND
    # The system setting changes while the page is open: the page follows it.
    page.emulate_media(color_scheme="light")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")
    assert _background(page) == LIGHT_BACKGROUND
    assert _theme_cookie(page) is None


def test_the_switch_changes_the_theme_at_once_and_remembers_it(dark_system: Page):
    page = dark_system
    page.goto("/register")
    toggle = page.locator("#theme-toggle")
    expect(toggle).to_have_accessible_name("Colour theme: Auto")
    expect(page.locator('#theme-menu button[value="auto"]')).to_have_attribute("aria-pressed", "true")

    _choose(page, "Light")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")
    assert _background(page) == LIGHT_BACKGROUND
    expect(toggle).to_have_accessible_name("Colour theme: Light")
    expect(toggle).to_be_focused()
    expect(toggle.locator("use")).to_have_attribute("href", "#bi-sun-fill")
    expect(page.locator("#theme-menu")).to_be_hidden()
    pressed = [page.locator(f'#theme-menu button[value="{value}"]').get_attribute("aria-pressed") for value in THEMES]
    assert pressed == ["true", "false", "false"]
    assert _theme_cookie(page) == "light"

    # Remembered: the server renders it, whatever the system says.
    page.reload()
    assert _theme(page) == "light"
    assert page.evaluate("() => document.documentElement.dataset.themeChoice") == "light"
    expect(toggle).to_have_accessible_name("Colour theme: Light")

    _choose(page, "Dark")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    assert _background(page) == DARK_BACKGROUND
    expect(toggle.locator("use")).to_have_attribute("href", "#bi-moon-stars-fill")
    page.goto("/login")
    assert _theme(page) == "dark"
    assert _theme_cookie(page) == "dark"


def test_the_switch_works_with_the_keyboard(page: Page):
    page.goto("/login")
    page.locator("#theme-toggle").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#theme-menu")).to_be_visible()
    page.keyboard.press("ArrowDown")  # Light
    page.keyboard.press("ArrowDown")  # Dark
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    expect(page.locator("#theme-toggle")).to_be_focused()


def test_charts_take_the_colours_of_the_theme(page: Page, app):
    page.goto("/register")
    page.get_by_label("Email").fill("charts@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/$"))
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == "charts@example.com"))
    add_expense(app, user_id, "Transport", 1250)
    add_expense(app, user_id, "Housing", 50000)

    _choose(page, "Light")
    page.goto("/")
    expect(page.locator('#category-chart[data-rendered="true"]')).to_be_attached()
    # Legend text in the theme's text colour; slice borders in its background colour (once the
    # colour change has finished animating).
    colours = """([text, border]) => {
      const chart = window.expenseCharts.category;
      const slice = chart.getDatasetMeta(0).data[0];
      return chart.legend.options.labels.color === text && slice.options.borderColor === border;
    }"""
    page.wait_for_function(colours, arg=["#212529", "#fff"])

    _choose(page, "Dark")
    page.wait_for_function(colours, arg=["#dee2e6", "#212529"])

    _choose(page, "Light")
    page.wait_for_function(colours, arg=["#212529", "#fff"])

    # The reports' bar charts: axis labels and grid lines too.
    page.goto("/reports")
    expect(page.locator('#monthly-chart[data-rendered="true"]')).to_be_attached()
    axes = """([text, grid]) => {
      const y = window.expenseCharts.monthly.scales.y.options;
      return y.ticks.color === text && y.grid.color === grid;
    }"""
    page.wait_for_function(axes, arg=["#212529", "rgba(0, 0, 0, 0.175)"])
    _choose(page, "Dark")
    page.wait_for_function(axes, arg=["#dee2e6", "rgba(255, 255, 255, 0.15)"])


def test_without_javascript_the_switch_is_a_form_that_cycles(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto("/login?next=/expenses")
    assert page.locator("html").get_attribute("data-bs-theme") is None
    page.locator("#theme-toggle").click()  # auto -> light
    expect(page).to_have_url(re.compile(r"/login\?next=/expenses$"))
    assert page.locator("html").get_attribute("data-bs-theme") == "light"
    page.locator("#theme-toggle").click()  # light -> dark
    assert page.locator("html").get_attribute("data-bs-theme") == "dark"
    assert [c["value"] for c in context.cookies() if c["name"] == "theme"] == ["dark"]
    context.close()
