"""Roles in a shared ledger, swept over every route of app.url_map (issue 17): a viewer cannot
write, an editor cannot manage the ledger or its members, and a member removed, or an account that
never was one, gets 404 on the next request for any of the ledger's pages.

Every route is in ROLE_NEEDED (the least role each method needs) or in ACCOUNT_PAGES (pages about
the account, not a ledger); a new route fails the sweep until it is put in one of them.
"""

import contextlib
import re

import pytest
from sqlalchemy import select, update
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from app.access import may
from app.extensions import db
from app.ledgers.invitations import create_invitation
from app.models import (
    EDITOR,
    OWNER,
    VIEWER,
    Category,
    Expense,
    ImportBatch,
    Ledger,
    LedgerInvitation,
    User,
    UserSession,
)
from app.transfer.csv_import import create_draft
from tests.conftest import post_form
from tests.ledger_helpers import browser_of, create_shared, join, user_id
from tests.test_security_sweep import (
    ANY_FORM,
    PUBLIC_ENDPOINTS,
    _rules,
    _snapshot,
    _url,
    stored_category_rule,
    stored_receipt,
    stored_rule,
    stored_rule_run,
)

OWNER_EMAIL, EDITOR_EMAIL, VIEWER_EMAIL, GONE_EMAIL, STRANGER_EMAIL = (
    "owner@example.com",
    "editor@example.com",
    "viewer@example.com",
    "removed@example.com",
    "stranger@example.com",
)

# The least role each method of a ledger's page needs.
_READ = {"GET": VIEWER}
_EDIT = {"GET": EDITOR, "POST": EDITOR}
_READ_EDIT = {"GET": VIEWER, "POST": EDITOR}
_MANAGE = {"GET": OWNER, "POST": OWNER}
ROLE_NEEDED = {
    "expenses.dashboard": _READ,
    "expenses.list_expenses": _READ,
    "expenses.export_csv": _READ,
    "expenses.export_filtered_csv": _READ,
    "expenses.quick_add_options": {"GET": EDITOR},  # what the quick-add dialog offers: for adding
    "expenses.receipt_file": _READ,
    "expenses.receipt_thumbnail": _READ,
    "reports.index": _READ,
    "transfer.imports": _READ,
    "transfer.download_backup": _READ,
    "transfer.download_backup_zip": _READ,
    "ledgers.members": _READ,
    "recurring.index": _READ,
    "recurring.new_rule": _EDIT,
    "recurring.edit_rule": _EDIT,
    "recurring.delete_rule": _EDIT,
    "recurring.pause": {"POST": EDITOR},
    "recurring.resume": {"POST": EDITOR},
    "recurring.skip": {"POST": EDITOR},
    "recurring.accept_suggestion": {"POST": EDITOR},
    "rules.index": _READ,
    "rules.new_rule": _EDIT,
    "rules.edit_rule": _EDIT,
    "rules.delete_rule": {"POST": EDITOR},
    "rules.move": {"POST": EDITOR},
    "rules.switch": {"POST": EDITOR},
    "rules.always_file": {"POST": EDITOR},
    "rules.apply": _EDIT,
    "rules.undo": {"POST": EDITOR},
    "expenses.understand": {"GET": EDITOR},  # reads quick add's one line: for adding
    "expenses.categories": _READ_EDIT,
    "budgets.index": _READ_EDIT,
    "expenses.new_expense": _EDIT,
    "expenses.edit_expense": _EDIT,
    "expenses.delete_expense": _EDIT,
    "expenses.quick_add": _EDIT,
    "expenses.new_from_receipt": _EDIT,
    "expenses.expense_from_receipt": _EDIT,
    "expenses.delete_receipt": _EDIT,
    "expenses.edit_category": _EDIT,
    "expenses.delete_category": _EDIT,
    "budgets.edit": _EDIT,
    "transfer.upload": _EDIT,
    "transfer.columns": _EDIT,
    "transfer.formats": _EDIT,
    "transfer.preview": _EDIT,
    "transfer.cancel": _EDIT,
    "transfer.undo_import": _EDIT,
    # Any member sees which exchange rates are stored; uploading and deleting them is an editor's.
    "transfer.exchange_rates": _READ_EDIT,
    "transfer.forget_exchange_rates": {"POST": EDITOR},
    # Restoring replaces the whole ledger: its owner's to do; any member may download a backup.
    "transfer.backup": {"GET": VIEWER, "POST": OWNER},
    "ledgers.settings": _MANAGE,
    "ledgers.change_currency": _MANAGE,
    "ledgers.undo_currency_change": {"POST": OWNER},
    "ledgers.invitations_page": _MANAGE,
    "ledgers.revoke_invitation": _MANAGE,
    "ledgers.change_role": _MANAGE,
    "ledgers.hand_over": _MANAGE,
    "ledgers.remove_member": _MANAGE,
    "ledgers.delete_ledger": _MANAGE,
    # Any member may leave (an owner only once another owner remains).
    "ledgers.leave": {"POST": VIEWER},
}
# About the signed-in account, whichever ledger it shows: its settings, sessions, tokens and
# two-factor sign-in, creating and switching ledgers, and opening an invitation.
ACCOUNT_PAGES = {
    "auth.logout",
    "ledgers.new_ledger",
    "ledgers.switch",
    "ledgers.invitation",
} | {
    "account." + name
    for name in (
        "active_sessions",
        "api_tokens_page",
        "change_password",
        "create_api_token",
        "delete_account",
        "disable_two_factor",
        "enable_two_factor",
        "end_all_sessions",
        "end_other_sessions",
        "end_session",
        "regenerate_recovery_codes",
        "revoke_api_token",
        "settings",
        "two_factor_settings",
    )
}


def _ledger_routes(app):
    """(rule, method, least role) for every method of every ledger page."""
    found = []
    for rule in _rules(app):
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint in ACCOUNT_PAGES:
            continue
        needs = ROLE_NEEDED[rule.endpoint]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule, method, needs[method]))
    return found


@pytest.fixture
def flat(app):
    """ "Flat 3B" with something of every kind in it; an owner, an editor, a viewer, a member about
    to be removed and a stranger, each in a browser showing the flat. Returns (browsers, ids)."""
    owner = browser_of(app, OWNER_EMAIL)
    ledger_id = create_shared(owner)
    browsers = {
        "owner": owner,
        "editor": join(app, owner, EDITOR_EMAIL, EDITOR),
        "viewer": join(app, owner, VIEWER_EMAIL, VIEWER),
        "removed": join(app, owner, GONE_EMAIL, VIEWER),
        "stranger": browser_of(app, STRANGER_EMAIL),
    }
    with app.app_context():
        ledger = db.session.get(Ledger, ledger_id)
        category = Category(ledger_id=ledger_id, name="Groceries", name_key="groceries", color="#2e7d32")
        batch = ImportBatch(ledger_id=ledger_id, file_name="old.csv", row_count=0)
        db.session.add_all([category, batch])
        db.session.flush()
        expense = Expense(
            ledger_id=ledger_id,
            category_id=category.id,
            spent_on=ledger.created_at.date(),
            description="Bread",
            amount_cents=250,
            created_by_id=user_id(app, OWNER_EMAIL),
        )
        db.session.add(expense)
        db.session.flush()
        receipt = stored_receipt(ledger_id, expense.id)
        rule = stored_rule(ledger_id, category.id)
        category_rule = stored_category_rule(ledger_id, category.id)
        rule_run = stored_rule_run(ledger_id)
        db.session.add_all([receipt, rule, category_rule, rule_run])
        draft = create_draft(ledger, "bank.csv", b"date,description,amount\n2026-01-02,Tea,3.50\n")
        db.session.flush()
        ids = {
            "category_id": category.id,
            "expense_id": expense.id,
            "attachment_id": receipt.id,
            "rule_id": rule.id,
            "category_rule_id": category_rule.id,
            "rule_run_id": rule_run.id,
            "draft_id": draft.id,
            "batch_id": batch.id,
            "member_id": user_id(app, EDITOR_EMAIL),
        }
        db.session.commit()
    with app.app_context():
        creator = db.session.get(User, user_id(app, OWNER_EMAIL))
        create_invitation(db.session.get(Ledger, ledger_id), creator, VIEWER, 7)
        db.session.commit()
        ids["invitation_id"] = db.session.scalar(select(LedgerInvitation.id).order_by(LedgerInvitation.id.desc()))
        # The stranger's browser claims to show the flat: a stale or forged session.
        db.session.execute(
            update(UserSession).where(UserSession.user_id == user_id(app, STRANGER_EMAIL)).values(ledger_id=ledger_id)
        )
        db.session.commit()
    ids["ledger"] = ledger_id
    return browsers, ids


def _get(client, url: str):
    """GET a page and read it to the end, so that what a streamed download holds open is closed."""
    if url.endswith("/quick-add/understand.json"):
        url += "?say=tea+3"  # a line it can read: without one it answers 422
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _request(client, rule, method, ids):
    url = _url(rule, ids)
    if method == "GET":
        return _get(client, url)
    return post_form(client, url, {**ANY_FORM, "ledger": ids["ledger"], "role": "owner", "confirm_name": "Flat 3B"})


def test_every_route_is_a_ledger_page_or_an_account_page(app):
    unclassified = [
        rule.endpoint
        for rule in _rules(app)
        if rule.endpoint not in PUBLIC_ENDPOINTS | ACCOUNT_PAGES and rule.endpoint not in ROLE_NEEDED
    ]
    assert unclassified == []
    assert set(ROLE_NEEDED) <= {rule.endpoint for rule in _rules(app)}


@pytest.mark.parametrize("role", [VIEWER, EDITOR])
def test_a_weaker_role_is_refused_everything_above_it_and_nothing_changes(app, flat, role):
    browsers, ids = flat
    client = browsers[role]
    before = _snapshot(app)
    refused, reached = [], []
    for rule, method, need in _ledger_routes(app):
        if may(role, need):
            if method == "GET":
                reached.append((rule.endpoint, _get(client, _url(rule, ids)).status_code))
            continue
        refused.append((rule.endpoint, method, _request(client, rule, method, ids).status_code))
    assert [r for r in refused if r[2] != 403] == []
    assert [r for r in reached if r[1] in (403, 404, 409)] == []
    assert _snapshot(app) == before
    assert len(refused) == {VIEWER: 69, EDITOR: 14}[role]


def test_the_owner_reaches_every_page_of_the_ledger(app, flat):
    browsers, ids = flat
    statuses = [
        (rule.endpoint, _get(browsers["owner"], _url(rule, ids)).status_code)
        for rule, method, _need in _ledger_routes(app)
        if method == "GET"
    ]
    assert [s for s in statuses if s[1] not in (200, 302)] == []


@pytest.mark.parametrize("who", ["removed", "stranger"])
def test_a_removed_member_or_a_stranger_gets_404_on_every_ledger_page(app, flat, who):
    browsers, ids = flat
    client = browsers[who]
    if who == "removed":
        assert client.get("/expenses").status_code == 200  # a member until now
        gone = user_id(app, GONE_EMAIL)
        assert (
            post_form(browsers["owner"], f"/ledger/members/{gone}/remove", {"ledger": ids["ledger"]}).status_code == 302
        )
    before = _snapshot(app)
    statuses = [
        (rule.endpoint, method, _request(client, rule, method, ids).status_code)
        for rule, method, _ in _ledger_routes(app)
    ]
    assert [s for s in statuses if s[2] != 404] == []
    assert _snapshot(app) == before
    # Their own account's pages still work, and switching back to their own ledger mends the browser.
    assert client.get("/account/settings").status_code == 200


def _targets(app, page: str, here: str) -> set[tuple[str, str]]:
    """(endpoint, method) of every link and form on a page that leads to this site's routes."""
    adapter = app.url_map.bind("localhost")
    found = set()
    for href in re.findall(r'<a\b[^>]*\bhref="(/[^"#?]*)', page):
        with contextlib.suppress(NotFound, MethodNotAllowed, RequestRedirect):
            found.add((adapter.match(href, "GET")[0], "GET"))
    for form in re.findall(r"<form\b[^>]*>", page):
        method = "POST" if re.search(r'method="post"', form, re.I) else "GET"
        action = re.search(r'action="([^"]*)"', form)
        path = (action.group(1) if action and action.group(1) else here).split("?")[0]
        with contextlib.suppress(NotFound, MethodNotAllowed, RequestRedirect):
            found.add((adapter.match(path, method)[0], method))
    return found


def test_a_viewer_is_shown_no_button_or_form_it_may_not_use(app, flat):
    browsers, ids = flat
    shown = set()
    for rule, method, need in _ledger_routes(app):
        if method == "GET" and may(VIEWER, need):
            response = _get(browsers["viewer"], _url(rule, ids))
            if response.mimetype == "text/html":
                shown |= _targets(app, response.get_data(as_text=True), _url(rule, ids))
    beyond = sorted(
        (endpoint, method)
        for endpoint, method in shown
        if endpoint in ROLE_NEEDED and not may(VIEWER, ROLE_NEEDED[endpoint].get(method, OWNER))
    )
    assert beyond == []
    # What the viewer may do is still offered: reading, exporting and leaving.
    assert {("expenses.list_expenses", "GET"), ("expenses.export_csv", "GET"), ("ledgers.leave", "POST")} <= shown
