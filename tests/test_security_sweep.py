"""Sweeps over every route in app.url_map: ownership (404 for another user's ids), CSRF on every
state change, login on every page, security headers, and error pages in the site's layout.

New routes are covered automatically; a route with a new kind of id fails the sweep until the id is
added to `_owned_ids`, so that nobody can forget the ownership check.
"""

import re
from datetime import date
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from app import clock, create_app
from app.access import personal_ledger
from app.extensions import db
from app.ledgers.invitations import create_invitation
from app.ledgers.services import create_ledger
from app.models import (
    EDITOR,
    Attachment,
    CategoryRule,
    ImportBatch,
    LedgerInvitation,
    RecurringRule,
    RuleRun,
    User,
    UserSession,
)
from app.transfer.csv_import import create_draft
from tests.conftest import (
    AuthActions,
    add_expense,
    api_token_id,
    category_id,
    csrf_token,
    make_token,
    post_form,
)
from tests.two_factor_support import enrol

# The theme switch is for everyone: it only sets a presentational cookie (CSRF still applies). The
# login's two-factor step answers only a browser whose password was right (else back to login).
# What installs the app (manifest, service worker, offline page) holds no one's data and is fetched
# without cookies.
PUBLIC_ENDPOINTS = {
    "auth.login",
    "auth.login_code",
    "auth.register",
    "static",
    "health.healthz",
    "theme.set_theme",
    "api-docs.openapi_json",
    "api_reference.docs",
    "pwa.manifest",
    "pwa.service_worker",
    "pwa.offline",
}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_REFUSED = "This form has expired or did not come from this site."

# Form data that would be valid for any of the forms, so a 404 cannot come from a refused form.
ANY_FORM = {
    "amount": "1.00",
    "description": "Hijacked",
    "spent_on": "2026-01-01",
    "name": "Hijacked",
    "color": "#000000",
    "fate": "delete",
    "limit": "1.00",
    "rollover": "y",
}


def is_api_operation(rule) -> bool:
    """The JSON API authenticates by token, never by the session: tests/test_api_sweep.py sweeps it."""
    return rule.rule.startswith("/api/v1/") and rule.endpoint not in PUBLIC_ENDPOINTS


def _rules(app, methods=None, api=False):
    """The site's routes (api=False) or the API's operations (api=True), allowing any of `methods`."""
    rules = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        allowed = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        if (methods is None or allowed & methods) and is_api_operation(rule) == api:
            rules.append(rule)
    return rules


def _int_arguments(rule):
    """Names of the rule's <int:...> arguments."""
    return sorted(re.findall(r"<int(?:\([^)]*\))?:(\w+)>", rule.rule))


def _url(rule, ids):
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(ids[name]), path)
    return path


def _user_id(app, email):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def stored_rule(ledger_id: int, category_id: int) -> RecurringRule:
    """A monthly rule whose first date is far ahead, so that no page view posts anything for it."""
    return RecurringRule(
        ledger_id=ledger_id,
        category_id=category_id,
        description="Rent",
        amount_cents=100_000,
        start_on=date(2099, 1, 1),
        unit="month",
        every=1,
        next_due=date(2099, 1, 1),
        paused=False,
    )


def stored_category_rule(ledger_id: int, category_id: int) -> CategoryRule:
    """A filing rule ("contains Rent" -> the category), for URLs that name one."""
    return CategoryRule(
        ledger_id=ledger_id, position=1, enabled=True, description_op="contains", description_value="Rent",
        category_id=category_id,
    )  # fmt: skip


def stored_rule_run(ledger_id: int) -> RuleRun:
    """An "apply rules to existing expenses" that changed nothing, for the undo URL."""
    return RuleRun(ledger_id=ledger_id, row_count=0)


def stored_receipt(ledger_id: int, expense_id: int) -> Attachment:
    """A receipt row kept in the database (a few bytes stand in for the image), for URLs that name one."""
    return Attachment(
        ledger_id=ledger_id,
        expense_id=expense_id,
        file_name="receipt.png",
        content_type="image/png",
        byte_size=4,
        sha256="0" * 64,
        content=b"\x89PNG",
        thumbnail=b"\xff\xd8\xff",
        has_thumbnail=True,
    )


def _owned_ids(app, user_id):
    """Ids of one object of each kind that `user_id` owns, by URL argument name."""
    expense = add_expense(app, user_id, "Housing", 12_345, date(2026, 1, 2), "Rent")
    with app.app_context():
        session_id = db.session.scalar(
            select(UserSession.id).where(UserSession.user_id == user_id).order_by(UserSession.id.desc())
        )
    assert session_id is not None
    with app.app_context():
        user = db.session.get(User, user_id)
        ledger = personal_ledger(user)
        draft_id = create_draft(ledger, "bank.csv", b"date,description,amount\n2026-01-02,Tea,3.50\n").id
        batch = ImportBatch(ledger_id=ledger.id, file_name="old.csv", row_count=0)
        db.session.add(batch)
        receipt = stored_receipt(ledger.id, expense)
        rule = stored_rule(ledger.id, category_id(app, user_id, "Housing"))
        category_rule = stored_category_rule(ledger.id, category_id(app, user_id, "Housing"))
        rule_run = stored_rule_run(ledger.id)
        db.session.add_all([receipt, rule, category_rule, rule_run])
        db.session.commit()
        batch_id, attachment_id, rule_id = batch.id, receipt.id, rule.id
        category_rule_id, rule_run_id = category_rule.id, rule_run.id
    token_id = api_token_id(app, make_token(app, user_id))
    return {
        "token_id": token_id,
        "expense_id": expense,
        "category_id": category_id(app, user_id, "Housing"),
        "session_id": session_id,
        "draft_id": draft_id,
        "batch_id": batch_id,
        **_sharing_ids(app, user_id),
        "attachment_id": attachment_id,
        "rule_id": rule_id,
        "category_rule_id": category_rule_id,
        "rule_run_id": rule_run_id,
    }


def _sharing_ids(app, user_id):
    """A shared ledger the user owns, an invitation to it (id and the link's token), and the user
    as a member. The user's browser keeps showing its personal ledger."""
    with app.app_context():
        user = db.session.get(User, user_id)
        ledger = create_ledger(user, "Shared", "EUR", 0)
        token = create_invitation(ledger, user, EDITOR, 7)
        db.session.commit()
        invitation_id = db.session.scalar(select(LedgerInvitation.id).where(LedgerInvitation.ledger_id == ledger.id))
        return {"ledger_id": ledger.id, "invitation_id": invitation_id, "member_id": user_id, "token": token}


def _snapshot(app):
    """Every row of every table: nothing a refused request does may show up here."""
    with app.app_context():
        return {
            table.name: sorted(tuple(str(value) for value in row) for row in db.session.execute(table.select()))
            for table in db.metadata.sorted_tables
        }


@pytest.fixture
def bob(app):
    """Bob, signed in on his own browser, with an expense; returns (client, ids of his objects)."""
    bob_client = app.test_client()
    assert AuthActions(bob_client).register(email="bob@example.com").status_code == 302
    return bob_client, _owned_ids(app, _user_id(app, "bob@example.com"))


def test_every_id_in_a_url_is_known_to_the_sweep(app):
    known = {
        "expense_id",
        "category_id",
        "session_id",
        "draft_id",
        "batch_id",
        "ledger_id",
        "member_id",
        "invitation_id",
        "token_id",
        "attachment_id",
        "rule_id",
        "category_rule_id",
        "rule_run_id",
    }
    for rule in _rules(app) + _rules(app, api=True):
        assert set(_int_arguments(rule)) <= known, f"{rule.rule}: add its id to _owned_ids"
        assert set(rule.arguments) - set(_int_arguments(rule)) <= {"filename", "token"}, rule.rule


def test_another_users_ids_are_not_found_on_every_route(app, client, user, bob):
    bob_client, bob_ids = bob
    alice_category = category_id(app, user.id, "Other")
    before = _snapshot(app)
    checked = []
    for rule in _rules(app):
        if not _int_arguments(rule):
            continue
        url = _url(rule, bob_ids)
        if "GET" in rule.methods:
            response = client.get(url)
            assert response.status_code == 404, f"GET {url}"
            checked.append(f"GET {rule.rule}")
        if "POST" in rule.methods:
            response = post_form(client, url, {**ANY_FORM, "category_id": str(alice_category), "move_to": ""})
            assert response.status_code == 404, f"POST {url}"
            checked.append(f"POST {rule.rule}")
    assert _snapshot(app) == before
    assert bob_client.get("/").status_code == 200
    assert {
        "GET /expenses/<int:expense_id>/edit",
        "POST /expenses/<int:expense_id>/edit",
        "GET /expenses/<int:expense_id>/delete",
        "POST /expenses/<int:expense_id>/delete",
        "GET /categories/<int:category_id>/edit",
        "POST /categories/<int:category_id>/edit",
        "GET /categories/<int:category_id>/delete",
        "POST /categories/<int:category_id>/delete",
        "POST /account/sessions/<int:session_id>/end",
        "POST /ledgers/<int:ledger_id>/switch",
        "POST /ledger/members/<int:member_id>/role",
        "POST /ledger/members/<int:member_id>/hand-over",
        "POST /ledger/members/<int:member_id>/remove",
        "POST /ledger/invitations/<int:invitation_id>/revoke",
        "POST /account/tokens/<int:token_id>/revoke",
        "GET /receipts/<int:attachment_id>",
        "GET /receipts/<int:attachment_id>/thumbnail.jpg",
        "POST /receipts/<int:attachment_id>/delete",
        "GET /expenses/from-receipt/<int:attachment_id>",
        "POST /expenses/from-receipt/<int:attachment_id>",
    } <= set(checked)


@pytest.mark.parametrize("object_id", [0, 2**31, 2**63, 10**30])
def test_ids_that_cannot_exist_are_not_found(app, client, user, object_id):
    """Ids past the 32-bit columns must be a 404, not a database error (PostgreSQL: "integer out of
    range"; SQLite: OverflowError past 64 bits)."""
    for rule in _rules(app):
        names = _int_arguments(rule)
        if not names:
            continue
        url = _url(rule, dict.fromkeys(names, object_id))
        if "GET" in rule.methods:
            assert client.get(url).status_code == 404, f"GET {url}"
        if "POST" in rule.methods:
            assert post_form(client, url, ANY_FORM).status_code == 404, f"POST {url}"


@pytest.mark.parametrize("token", [None, "", "not-a-token", "BOB"])
def test_every_state_changing_route_refuses_a_post_without_a_valid_csrf_token(app, client, user, bob, token):
    bob_client, _ = bob
    if token == "BOB":
        # A real token, but for another browser's session.
        token = csrf_token(bob_client)
    own_ids = _owned_ids(app, user.id)
    before = _snapshot(app)
    swept = []
    for rule in _rules(app, STATE_CHANGING):
        url = _url(rule, own_ids)
        data = dict(ANY_FORM)
        if token is not None:
            data["csrf_token"] = token
        for method in sorted(rule.methods & STATE_CHANGING):
            response = client.open(url, method=method, data=data)
            assert response.status_code == 400, f"{method} {url}"
            assert CSRF_REFUSED in response.get_data(as_text=True), f"{method} {url}"
            swept.append(rule.endpoint)
    assert _snapshot(app) == before
    assert client.get("/").status_code == 200
    assert {
        "auth.logout",
        "auth.login",
        "auth.login_code",
        "expenses.delete_expense",
        "expenses.delete_receipt",
        "expenses.new_from_receipt",
        "expenses.expense_from_receipt",
        "account.end_all_sessions",
        "account.enable_two_factor",
        "account.regenerate_recovery_codes",
        "account.disable_two_factor",
        "ledgers.new_ledger",
        "ledgers.settings",
        "ledgers.switch",
        "ledgers.invitation",
        "ledgers.invitations_page",
        "ledgers.remove_member",
        "ledgers.leave",
        "ledgers.delete_ledger",
    } <= set(swept)


def test_login_and_register_refuse_a_post_without_csrf_token_too(app, user):
    anonymous = app.test_client()
    form = {"email": "alice@example.com", "password": "correct horse battery staple", "confirm": "x"}
    for path in ("/login", "/register"):
        response = anonymous.post(path, data=form)
        assert response.status_code == 400
        assert CSRF_REFUSED in response.get_data(as_text=True)
    assert anonymous.get("/").status_code == 302


def test_every_page_except_the_public_ones_requires_login(app, user, bob):
    _, bob_ids = bob
    anonymous = app.test_client()
    before = _snapshot(app)
    for rule in _rules(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        path = _url(rule, bob_ids)
        expected = "/login?" + urlencode({"next": path})
        # Pages are fetched; POST-only actions are sent like the browser would, token and all.
        response = anonymous.get(path) if "GET" in rule.methods else post_form(anonymous, path, ANY_FORM)
        assert response.status_code == 302, path
        assert response.headers["Location"] == expected, path
    assert _snapshot(app) == before


def test_public_pages_answer_without_login(client):
    assert client.get("/login").status_code == 200
    assert client.get("/register").status_code == 200
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    response = client.get("/static/app.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    response.close()


def _assert_security_headers(response, where):
    headers = response.headers
    policy = headers.get("Content-Security-Policy")
    assert policy, f"{where}: no CSP"
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    assert directives["default-src"] == ["'self'"], where
    assert directives["object-src"] == ["'none'"], where
    assert directives["base-uri"] == ["'none'"], where
    assert directives["frame-ancestors"] == ["'none'"], where
    assert directives["form-action"] == ["'self'"], where
    assert "'unsafe-inline'" not in policy, where
    assert "'unsafe-eval'" not in policy, where
    for name, values in directives.items():
        # Everything comes from this site: no CDN, no wildcard.
        assert all(v in ("'self'", "'none'", "data:") for v in values), f"{where}: {name} {values}"
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    # Same-origin requests keep their full referrer (Flask-WTF's HTTPS referrer check needs it).
    assert headers.get("Referrer-Policy") in ("same-origin", "strict-origin-when-cross-origin"), where


def _waiting_for_code(app):
    """A browser between the two steps of logging in to an account with two-factor sign-in."""
    browser = app.test_client()
    actions = AuthActions(browser)
    actions.register(email="carol@example.com")
    enrol(browser, clock.utcnow())
    actions.logout()
    assert actions.login(email="carol@example.com").headers["Location"] == "/login/code"
    return browser


def test_security_headers_on_every_page(app, client, user):
    own_ids = _owned_ids(app, user.id)
    seen = 0
    for rule in _rules(app, {"GET"}):
        if rule.endpoint == "static":
            continue
        if rule.endpoint in ("auth.login", "auth.register"):
            response = app.test_client().get(rule.rule)
        elif rule.endpoint == "auth.login_code":
            response = _waiting_for_code(app).get(rule.rule)
        elif rule.endpoint == "expenses.expense_from_receipt":
            # The receipt is the expense's already: the page sends the browser to that expense.
            response = client.get(_url(rule, own_ids), follow_redirects=True)
        elif rule.endpoint == "expenses.understand":
            response = client.get(rule.rule, query_string={"say": "tea 3"})  # without a line: 422
        else:
            response = client.get(_url(rule, own_ids))
        # Closed as a server closes it: a download streamed from a file lets go of the file then.
        with response:
            assert response.status_code == 200, rule.rule
            if rule.endpoint in ("expenses.receipt_file", "expenses.receipt_thumbnail"):
                _assert_receipt_headers(response, rule.rule)
                seen += 1
                continue
            _assert_security_headers(response, rule.rule)
            if response.mimetype == "text/html":
                page = response.get_data(as_text=True)
                # No inline scripts or styles, and nothing loaded from another host.
                assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", page) == [], rule.rule
                assert " style=" not in page, rule.rule
                assert re.findall(r'(?:src|href|action)="(?:https?:)?//', page) == [], rule.rule
            seen += 1
    assert seen >= 10
    static = client.get("/static/app.js")
    _assert_security_headers(static, "/static/app.js")
    static.close()
    _assert_security_headers(client.get("/no-such-page"), "404 page")


def _assert_receipt_headers(response, where):
    """A receipt may do nothing in the browser: its own CSP allows no scripts, styles, frames or
    forms and sandboxes it; it is never sniffed into HTML, and it says how to save it."""
    policy = response.headers["Content-Security-Policy"]
    directives = {name: values for name, *values in (part.split() for part in policy.split(";"))}
    assert directives["default-src"] == ["'none'"], where
    assert directives["frame-ancestors"] == ["'none'"], where
    assert "sandbox" in directives, where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["Content-Disposition"].startswith(("inline; filename=", "attachment; filename=")), where
    assert response.mimetype in ("image/jpeg", "image/png", "application/pdf"), where


def _assert_error_page(response, code, title):
    assert response.status_code == code
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Expense Tracker" in page
    assert 'class="navbar-brand' in page
    assert f"<title>{title} · Expense Tracker</title>" in page
    assert f'<p class="display-4 text-body-secondary mb-2">{code}</p>' in page
    for leak in ("Traceback", 'File "', "werkzeug", "sqlalchemy", "jinja2"):
        assert leak not in page
    _assert_security_headers(response, f"{code} page")


@pytest.mark.parametrize("signed_in", [False, True])
def test_error_pages_render_in_the_layout(app, client, auth, signed_in):
    if signed_in:
        auth.register()
    _assert_error_page(client.get("/no-such-page"), 404, "Page not found")
    response = client.get("/logout")
    _assert_error_page(response, 405, "Not allowed")
    assert {method.strip() for method in response.headers["Allow"].split(",")} == {"OPTIONS", "POST"}
    _assert_error_page(client.post("/login", data={}), 400, "Bad request")
    if signed_in:
        _assert_error_page(client.get("/expenses/999999/edit"), 404, "Page not found")


def test_an_unexpected_error_is_a_500_page_without_a_traceback(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    _assert_error_page(response, 500, "Something went wrong")
    assert "secret internals" not in response.get_data(as_text=True)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
