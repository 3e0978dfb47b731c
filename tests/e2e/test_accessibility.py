"""axe-core over every page, light and dark, at 1280px and 390px, signed out and signed in.

The signed-in pages show the demo account (`flask seed`): categories, three months of expenses,
budgets with limits, a finished import and a draft one; also a filtered and an empty expense list,
an error page, and the pages of a new account with nothing in it yet. Every form is also checked in
its error state after a bad submit, and the open states of the phone menu, the quick-add dialog and
folded tables.

Each page is loaded once per width, in the theme its `theme` cookie asks for (light at 1280px, dark
at 390px), and checked with every rule; then it is switched to the other theme, as the theme menu
does, and checked again with the colour rules, the only ones whose results a theme can change.

The pages come from app.url_map: a GET route that is neither visited nor skipped below with a reason
fails the test, so a new page cannot be forgotten.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from flask import Flask, url_for
from playwright.sync_api import Browser, BrowserContext, Page, expect

from app.cli import load_sample
from app.extensions import db
from app.models import Category, CategoryRule, Expense, ImportBatch, ImportDraft, Ledger, RecurringRule, User
from app.transactions import run_and_commit
from tests.conftest import PASSWORD, AuthActions, ledger_of, post_form
from tests.e2e.conftest import DESKTOP, wait_until_open
from tests.ledger_helpers import share_demo

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DEMO_JSON = ROOT / "sample_data" / "demo.json"
STATEMENT = ROOT / "sample_data" / "bank-statement.csv"
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - the published demo account
PHONE = {"width": 390, "height": 844}

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],  # passes are not needed: this keeps each run short
}

# GET routes that are not HTML pages. Every other GET route is visited: signed out for the pages of
# SIGNED_OUT_FORMS below, signed in for all the rest.
SKIPPED = {
    "expenses.receipt_file": "a receipt file (an image or PDF), not a page",
    "expenses.receipt_thumbnail": "a thumbnail image, not a page",
    "expenses.expense_from_receipt": "the expense form again, with a receipt read",
    "static": "static files, not pages",
    "health.healthz": "a JSON status for load balancers",
    "expenses.export_csv": "a CSV download",
    "expenses.export_filtered_csv": "a CSV download",
    "transfer.download_backup": "a JSON download",
    "transfer.download_backup_zip": "a ZIP download",
    "expenses.quick_add_options": "JSON for the quick-add dialog (the dialog is checked open on the dashboard)",
    "expenses.understand": "JSON: quick add's one line read (checked in test_autocat_browser)",
    "pwa.manifest": "the web app manifest (JSON)",
    "pwa.service_worker": "the service worker's script",
    "auth.login_code": "only shown between the two steps of a login; checked in test_two_factor_browser",
}

# What the other theme can change: colours. The structure of the page stays the same.
COLOUR_OPTIONS = {**AXE_OPTIONS, "runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}}
OTHER_THEME = {"light": "dark", "dark": "light"}

# Error pages share one template: two codes cover it.
ERROR_PAGES = {"/no-such-page": 404, "/logout": 405}

# A new account: the empty states of the pages that show expenses.
EMPTY_ACCOUNT_PAGES = ["/", "/expenses", "/budgets", "/reports", "/imports"]


@dataclass(frozen=True)
class BadSubmit:
    """How to get a form into its error state: change it (`spoil`), then press `button`."""

    endpoint: str
    button: str
    spoil: Callable[[Page], None]


def _fill(label: str, value: str) -> Callable[[Page], None]:
    return lambda page: page.locator("main").get_by_label(label, exact=True).fill(value)


def _nothing(_page: Page) -> None:
    """Submit the form as it is: empty fields are the mistake."""


def _no_date_format(page: Page) -> None:
    # Radios cannot be unticked by a user; a request without one is what a stale page sends.
    page.evaluate("() => document.querySelectorAll('input[name=date_format]').forEach(r => { r.checked = false; })")


def _unknown_default_category(page: Page) -> None:
    # The select offers only valid choices; a category deleted meanwhile is how it goes wrong.
    page.evaluate(
        """() => {
            const select = document.querySelector('select[name=default_category]');
            select.add(new Option('Deleted meanwhile', 'Deleted meanwhile'));
            select.value = 'Deleted meanwhile';
        }"""
    )


SIGNED_OUT_FORMS = {
    form.endpoint: form
    for form in [
        BadSubmit("auth.login", "Log in", _nothing),
        BadSubmit("auth.register", "Create account", _fill("Email", "not an email")),
    ]
}

SIGNED_IN_FORMS = {
    form.endpoint: form
    for form in [
        BadSubmit("expenses.new_expense", "Add expense", _nothing),
        BadSubmit("expenses.edit_expense", "Save changes", _fill("Amount", "12.345")),
        BadSubmit("expenses.categories", "Create category", _nothing),
        BadSubmit("expenses.edit_category", "Save category", _fill("Name", "")),
        BadSubmit("budgets.index", "Save budgets", lambda page: page.locator(".budget-input").first.fill("lots")),
        BadSubmit("budgets.edit", "Save budget", _fill("Limit per period (INR)", "-5")),
        BadSubmit("ledgers.settings", "Save ledger settings", _fill("Budget per period", "abc")),
        BadSubmit("account.change_password", "Change password", _nothing),
        BadSubmit("account.two_factor_settings", "Turn on two-factor sign-in", _nothing),
        BadSubmit("account.delete_account", "Delete my account", _nothing),
        BadSubmit("transfer.upload", "Upload and continue", _nothing),
        BadSubmit("transfer.backup", "Restore backup", _nothing),
        BadSubmit(
            "transfer.columns",
            "Continue",
            lambda page: page.locator("main").get_by_label("Date", exact=True).select_option(""),
        ),
        BadSubmit("transfer.formats", "Continue to preview", _no_date_format),
        BadSubmit("transfer.preview", "Update preview", _unknown_default_category),
    ]
}


def _upload_statement(client) -> int:
    response = post_form(client, "/import", {"csv_file": (io.BytesIO(STATEMENT.read_bytes()), "bank-statement.csv")})
    assert response.status_code == 302, response.get_data(as_text=True)
    draft_id = int(re.fullmatch(r"/import/(\d+)/columns", response.headers["Location"]).group(1))
    columns = {"date_column": "0", "description_column": "1", "category_column": "3", "amount_column": "4"}
    assert post_form(client, f"/import/{draft_id}/columns", columns).status_code == 302
    formats = {"date_format": "DD.MM.YYYY", "decimal_mark": ",", "spending_sign": "negative"}
    assert post_form(client, f"/import/{draft_id}/formats", formats).status_code == 302
    return draft_id


@pytest.fixture
def demo_ids(app: Flask, live_server) -> dict[str, int | str]:
    """The demo account with one finished import and one at its preview step; the ids the pages need."""
    with app.app_context():
        run_and_commit(load_sample, DEMO_JSON, date.today())
    client = app.test_client()
    assert AuthActions(client).login(DEMO_EMAIL, DEMO_PASSWORD).status_code == 302
    finished = _upload_statement(client)
    html = client.get(f"/import/{finished}/preview").get_data(as_text=True)
    expected = dict(re.findall(r'name="(expected_rows|expected_with_duplicates)" type="hidden" value="(\d+)"', html))
    response = post_form(client, f"/import/{finished}/preview", {"default_category": "", "submit": "1", **expected})
    assert response.status_code == 302, response.get_data(as_text=True)
    draft_id = _upload_statement(client)
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == DEMO_EMAIL))
        assert (
            db.session.scalar(
                db.select(db.func.count(ImportBatch.id)).where(ImportBatch.ledger_id == ledger_of(user_id))
            )
            == 1
        )
        assert db.session.get(ImportDraft, draft_id) is not None
        food = db.session.scalar(
            db.select(Category.id).where(Category.ledger_id == ledger_of(user_id), Category.name == "Food & groceries")
        )
        expense_id = db.session.scalar(
            db.select(Expense.id)
            .where(Expense.ledger_id == ledger_of(user_id))
            .order_by(Expense.spent_on.desc())
            .limit(1)
        )
        rule_id = db.session.scalar(db.select(RecurringRule.id).where(RecurringRule.ledger_id == ledger_of(user_id)))
        filing_rule = CategoryRule(
            ledger_id=db.session.scalar(db.select(Ledger.id).where(Ledger.personal_user_id == user_id)),
            position=1,
            enabled=True,
            description_op="contains",
            description_value="TESCO",
            category_id=food,
            rewrite_description="Tesco",
        )
        db.session.add(filing_rule)
        db.session.commit()
        category_rule_id = filing_rule.id
    return {
        "category_rule_id": category_rule_id,
        "expense_id": expense_id,
        "category_id": food,
        "draft_id": draft_id,
        "rule_id": rule_id,
        "token": share_demo(app, DEMO_EMAIL),
    }


def other_signed_in_pages(ids: dict[str, int]) -> dict[str, tuple[str, int]]:
    """What the URL map does not list: the expense list filtered (with an amount it ignores, which it
    says), the same with nothing found, and an error page in the signed-in layout. what -> (path, status)"""
    filtered = f"/expenses?category={ids['category_id']}&range=last-12-months&min=lots&sort=amount&dir=asc"
    return {
        "filtered list": (filtered, 200),
        "empty list": ("/expenses?q=no+such+expense", 200),
        "404 signed in": ("/no-such-page", 404),
    }


def signed_in_pages(app: Flask, ids: dict[str, int]) -> dict[str, str]:
    """endpoint -> path of every GET page in the URL map for a signed-in user, with ids filled in; fails
    on a route that needs an id this test does not have."""
    pages, unknown = {}, []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in SKIPPED or rule.endpoint in SIGNED_OUT_FORMS:
                continue
            if rule.rule.startswith("/api/"):
                continue  # the JSON API and its OpenAPI document (its reference page, /docs/api, is visited)
            if not rule.arguments <= ids.keys():
                unknown.append(f"{rule.rule} ({rule.endpoint})")
                continue
            pages[rule.endpoint] = url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments})
    assert not unknown, (
        "GET routes neither visited nor skipped by the accessibility test (add their ids to demo_ids or a "
        "reason to SKIPPED): " + ", ".join(unknown)
    )
    return pages


class AxeRun:
    """Runs axe-core in pages and collects what it finds, page by page, for one readable failure."""

    def __init__(self, label: str):
        self.label = label
        self.source = AXE_SOURCE.read_text(encoding="utf-8")
        self.found: list[str] = []

    def check(self, page: Page, what: str) -> None:
        """Every rule in the page's theme, then the colour rules in the other theme."""
        theme = page.evaluate("() => document.documentElement.getAttribute('data-bs-theme')")
        assert theme in OTHER_THEME, f"{page.url} has no colour theme (data-bs-theme={theme!r})"
        self.run(page, f"{what} ({theme})", AXE_OPTIONS)
        switch_theme(page, OTHER_THEME[theme])
        self.run(page, f"{what} ({OTHER_THEME[theme]})", COLOUR_OPTIONS)
        switch_theme(page, theme)

    def run(self, page: Page, what: str, options: dict) -> None:
        # Evaluated through the DevTools protocol, not added as a <script>: the CSP forbids inline scripts.
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self.source)
        violations = page.evaluate(
            """async (options) => {
                const results = await axe.run(document, options);
                return results.violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map((node) => node.target.join(" ")),
                    detail: [...v.nodes[0].any, ...v.nodes[0].all, ...v.nodes[0].none].map((c) => c.message).join(" "),
                }));
            }""",
            options,
        )
        for v in violations:
            targets = ", ".join(v["targets"][:6]) + (
                f" (+{len(v['targets']) - 6} more)" if len(v["targets"]) > 6 else ""
            )
            self.found.append(
                f"[{self.label}] {what}: {v['id']} ({v['impact']}) {v['help']}: {targets}\n    {v['detail'][:200]}"
            )

    def assert_clean(self) -> None:
        assert not self.found, f"axe found {len(self.found)} violation(s):\n" + "\n".join(self.found)


def new_context(browser: Browser, base_url: str, theme: str, viewport: dict, errors: list[str]) -> BrowserContext:
    """A browser context in the given colour theme (cookie and system setting) that records page errors."""
    # Reduced motion: Bootstrap then skips its transitions, so nothing has to be waited for.
    context = browser.new_context(base_url=base_url, viewport=viewport, color_scheme=theme, reduced_motion="reduce")
    context.add_cookies([{"name": "theme", "value": theme, "url": base_url}])
    context.set_default_timeout(10_000)

    def watch(page: Page) -> None:
        page.on("console", lambda m: m.type == "error" and errors.append(f"console error on {page.url}: {m.text}"))
        page.on("pageerror", lambda error: errors.append(f"uncaught exception on {page.url}: {error}"))

    context.on("page", watch)
    return context


def settle(page: Page) -> None:
    """Charts drawn and CSS transitions (Bootstrap's fades) finished: colours measured as a user sees them."""
    for canvas in page.locator("canvas[id$='-chart']").all():
        if canvas.is_visible():
            expect(canvas).to_have_attribute("data-rendered", "true")
    page.wait_for_function(
        "() => !document.querySelector('.collapsing') && document.getAnimations().every(a => a.playState !== 'running')"
    )


def switch_theme(page: Page, theme: str) -> None:
    """What choosing a theme in the menu does to an open page (static/theme.js); then wait for the
    charts to take the new colours and anything still moving to stop."""
    page.evaluate("(theme) => document.documentElement.setAttribute('data-bs-theme', theme)", theme)
    settle(page)


def visit(page: Page, path: str, status: int = 200) -> None:
    """Open `path` and check that it is the page itself (no redirect, to the login page say), in the
    theme its cookie asks for."""
    response = page.goto(path)
    assert response is not None and response.status == status, f"{path} answered {response and response.status}"
    assert response.request.redirected_from is None, f"{path} redirected to {page.url}"
    theme = next(c["value"] for c in page.context.cookies() if c["name"] == "theme")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", theme)
    settle(page)


def ignore_failed_requests(page: Page, errors: list[str], paths) -> None:
    """The browser logs a 4xx answer as a failed request; drop those for pages that answer one on purpose."""
    page.evaluate("0")  # deliver the console events sent so far
    errors[:] = [e for e in errors if not any(path in e for path in paths)]


# Fields marked aria-invalid whose aria-describedby does not lead to a visible message.
UNTIED_ERRORS = """() => [...document.querySelectorAll("main [aria-invalid='true']")]
    .filter((field) => !(field.getAttribute("aria-describedby") || "").split(" ").some((id) => {
        const message = id && document.getElementById(id);
        return message && message.checkVisibility() && message.textContent.trim() !== "";
    }))
    .map((field) => field.id || field.name)"""


def check_page(page: Page, endpoint: str, path: str, forms: dict[str, BadSubmit], axe: AxeRun, errors) -> None:
    """The page as it opens, then its form (if it has one) sent back with errors."""
    visit(page, path)
    axe.check(page, path)
    form = forms.get(endpoint)
    if form is None:
        return
    form.spoil(page)
    page.locator("main").get_by_role("button", name=form.button, exact=True).click()
    page.wait_for_load_state()
    # The form comes back with 422, which the browser logs as a failed request: expected here.
    ignore_failed_requests(page, errors, ["status of 422"])
    invalid = page.locator("main [aria-invalid='true']")
    assert invalid.count() > 0, f"a bad submit on {path} ({endpoint}) marked no field aria-invalid"
    # Focus on the first field in error (static/app.js), and every such field says why in words.
    expect(invalid.first).to_be_focused()
    untied = page.evaluate(UNTIED_ERRORS)
    assert not untied, f"after a bad submit on {path}, fields in error without a message: {untied}"
    settle(page)
    axe.check(page, f"{path} after a bad submit")


def check_theme_menu(page: Page, axe: AxeRun, path: str) -> None:
    """The colour theme menu of the navbar, opened."""
    toggle = page.locator("#theme-toggle")
    if toggle.count():
        toggle.click()
        expect(page.locator("#theme-menu")).to_be_visible()
        axe.check(page, f"{path} with the theme menu open")
        page.keyboard.press("Escape")
        expect(page.locator("#theme-menu")).to_be_hidden()


def open_states(page: Page, pages: dict[str, str], axe: AxeRun, phone: bool) -> None:
    """What is folded away until asked for: the phone menu, the quick-add dialog, the reports' tables."""
    visit(page, pages["expenses.dashboard"])
    check_theme_menu(page, axe, "/")
    if phone:
        page.get_by_role("button", name="Show menu").click()
        wait_until_open(page, "#nav-main")
        axe.check(page, "/ with the menu open")
        page.get_by_role("button", name="Show menu").click()
        expect(page.locator("#nav-main")).not_to_have_class(re.compile(r"\bshow\b"))
    if page.locator("#quick-add-button").count():
        page.keyboard.press("n")
        expect(page.locator("#quick-add")).to_be_visible()
        settle(page)
        axe.check(page, "/ with the quick-add dialog open")
        page.keyboard.press("Escape")
    visit(page, pages["reports.index"])
    page.locator("[aria-controls='monthly-table-box']").click()
    wait_until_open(page, "#monthly-table-box")
    axe.check(page, "/reports with the monthly table open")
    visit(page, pages["expenses.list_expenses"])
    if phone:
        page.get_by_role("button", name=re.compile("^Filters")).click()
        wait_until_open(page, "#filter-panel")
        axe.check(page, "/expenses with the filters open")
    check_shared_ledger(page, pages, axe)


def check_shared_ledger(page: Page, pages: dict[str, str], axe: AxeRun) -> None:
    """The ledger menu open, then the members and invitations pages of a shared ledger the demo owns
    (those of its personal ledger only say it cannot be shared); then back to the personal one."""
    page.get_by_role("button", name=re.compile("^Ledger: Personal")).click()
    expect(page.locator(".ledger-switcher .dropdown-menu")).to_be_visible()
    axe.check(page, "the ledger menu open")
    page.get_by_role("button", name=re.compile("^Flat 3B")).click()
    expect(page.get_by_role("button", name=re.compile("^Ledger: Flat 3B"))).to_be_visible()
    for endpoint in ("ledgers.members", "ledgers.invitations_page", "ledgers.delete_ledger"):
        visit(page, pages[endpoint])
        axe.check(page, f"{pages[endpoint]} of a shared ledger")
    page.get_by_role("button", name=re.compile("^Ledger: Flat 3B")).click()
    page.get_by_role("button", name=re.compile("^Personal")).click()
    expect(page.get_by_role("button", name=re.compile("^Ledger: Personal"))).to_be_visible()


@pytest.mark.parametrize(("viewport", "theme"), [(DESKTOP, "light"), (PHONE, "dark")], ids=["1280px", "390px"])
def test_every_page_passes_axe(browser, app, live_server, demo_ids, page_errors, viewport, theme):
    pages = signed_in_pages(app, demo_ids)
    phone = viewport["width"] < 576
    axe = AxeRun(f"{viewport['width']}px")

    signed_out = new_context(browser, live_server.url, theme, viewport, page_errors)
    page = signed_out.new_page()
    with app.test_request_context():
        signed_out_pages = {endpoint: url_for(endpoint) for endpoint in SIGNED_OUT_FORMS}
    for endpoint, path in signed_out_pages.items():
        check_page(page, endpoint, path, SIGNED_OUT_FORMS, axe, page_errors)
    check_theme_menu(page, axe, "/register")
    for path, status in ERROR_PAGES.items():
        visit(page, path, status)
        axe.check(page, path)
    ignore_failed_requests(page, page_errors, ERROR_PAGES)

    # A new account, signed in from the same context: the pages with nothing to show yet.
    page.goto("/register")
    page.get_by_label("Email").fill(f"new-{viewport['width']}@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/$"))
    for path in EMPTY_ACCOUNT_PAGES:
        visit(page, path)
        axe.check(page, f"{path} of a new account")
    page.evaluate("0")  # deliver the last console events before closing
    signed_out.close()

    signed_in = new_context(browser, live_server.url, theme, viewport, page_errors)
    page = signed_in.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    for endpoint, path in sorted(pages.items(), key=lambda item: item[1]):
        check_page(page, endpoint, path, SIGNED_IN_FORMS, axe, page_errors)
    for what, (path, status) in other_signed_in_pages(demo_ids).items():
        visit(page, path, status)
        axe.check(page, f"{path} ({what})")
    ignore_failed_requests(page, page_errors, ["/no-such-page"])
    open_states(page, pages, axe, phone)
    page.evaluate("0")  # deliver the last console events before closing
    signed_in.close()

    axe.assert_clean()
