"""Issue 16 (Medium and Low): what an attack on a running server found, one reproduction each.

Every test here failed on the code before its fix: it sends what the attacker sent and asserts the
exact answer a careful server gives instead.
"""

import json
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from app.auth import services as auth_services
from app.extensions import db
from app.models import (
    MAX_CATEGORIES,
    MAX_IMPORT_MAPPINGS,
    Category,
    Expense,
    ImportBatch,
    ImportMapping,
    User,
    UserSession,
)
from app.periods import period_containing
from app.reports.services import REPORT_CATEGORIES
from app.transfer.analysis import UNKNOWN_CATEGORIES_SHOWN
from app.transfer.forms import category_field_name
from app.transfer.layout import EXISTING
from app.validators import is_unicode_text
from tests.conftest import (
    PASSWORD,
    AuthActions,
    add_expense,
    category_id,
    count_rows,
    csrf_token,
    ledger_of,
    personal_ledger_id,
    post_form,
)
from tests.pages import element_text, json_block, table_rows
from tests.test_backup import normalised, restore
from tests.test_import import DUPLICATES, counts, do_import, expenses, page, upload, upload_ok

NEW_PASSWORD = "a brand new passphrase"

# CR/LF and other control characters in `next`


def test_a_line_break_in_next_after_login_redirects_to_the_dashboard(client, auth, user):
    auth.logout()
    assert client.get("/login?next=/%0d%0aSet-Cookie:x=1").status_code == 200
    response = auth.login(next_url="/%0d%0aSet-Cookie:x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "x=1" not in response.headers.getlist("Set-Cookie")


@pytest.mark.parametrize("control", ["\r", "\n", "\t", "\x00", "\x1b", "\x7f"])
def test_control_characters_in_next_are_refused(client, control):
    response = post_form(client, "/theme", {"theme": "dark", "next": f"/expenses{control}Set-Cookie:x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_is_rebuilt_from_its_parts(client, auth, user):
    response = post_form(client, "/theme", {"theme": "dark", "next": "/expenses?page=2#top"})
    assert response.headers["Location"] == "/expenses?page=2#top"
    auth.logout()
    assert auth.login(next_url="/reports").headers["Location"] == "/reports"


# The import's expected row count


@pytest.mark.parametrize("shown", ["²", "١٢", "4" * 5000, "-1", "1e3", " 4", "4\n", ""])
def test_an_odd_expected_row_count_is_a_clear_400(app, client, user, shown):
    draft_id = upload_ok(client, DUPLICATES)
    response = do_import(client, draft_id, {"default_category": "Other"}, expected=shown)
    assert response.status_code == 400
    assert "This import form is incomplete or was changed." in response.get_data(as_text=True)
    assert count_rows(app, ImportBatch) == 0
    assert count_rows(app, Expense) == 0


def test_the_expected_row_count_the_page_wrote_still_imports(app, client, user):
    draft_id = upload_ok(client, DUPLICATES)
    response = do_import(client, draft_id, {"default_category": "Other"}, expected="4")
    assert response.headers["Location"] == "/imports"
    assert count_rows(app, Expense) == 4


# The CSRF secret changes at every privilege change


def _page_token(client, url="/") -> str:
    html = client.get(url, follow_redirects=True).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)


def test_a_csrf_token_from_before_login_does_not_work_after_it(client, auth, user):
    auth.logout()
    before = _page_token(client, "/login")
    response = client.post("/login", data={"email": "alice@example.com", "password": PASSWORD, "csrf_token": before})
    assert response.status_code == 302
    refused = client.post("/theme", data={"theme": "dark", "csrf_token": before})
    assert refused.status_code == 400
    assert "This form has expired" in refused.get_data(as_text=True)
    assert post_form(client, "/theme", {"theme": "dark"}).status_code == 302


def test_a_csrf_token_from_before_registration_does_not_work_after_it(client):
    before = _page_token(client, "/register")
    data = {"email": "bob@example.com", "password": PASSWORD, "confirm": PASSWORD, "csrf_token": before}
    assert client.post("/register", data=data).status_code == 302
    assert client.post("/theme", data={"theme": "dark", "csrf_token": before}).status_code == 400


def test_a_csrf_token_from_before_logout_does_not_work_after_it(client, auth, user):
    before = _page_token(client)
    assert client.post("/logout", data={"csrf_token": before}).status_code == 302
    data = {"email": "alice@example.com", "password": PASSWORD, "csrf_token": before}
    assert client.post("/login", data=data).status_code == 400
    assert auth.login().status_code == 302


def _change_password(client, token=None):
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    if token:
        return client.post("/account/password", data={**data, "csrf_token": token})
    return post_form(client, "/account/password", data)


def test_a_csrf_token_from_before_a_password_change_does_not_work_after_it(client, user):
    before = _page_token(client, "/account/password")
    assert _change_password(client, before).status_code == 302
    assert client.post("/theme", data={"theme": "dark", "csrf_token": before}).status_code == 400
    assert post_form(client, "/theme", {"theme": "dark"}).status_code == 302


# A password change gives this browser a new session token too


def _sessions(app):
    with app.app_context():
        return [(row.token_hash, row.remember) for row in db.session.scalars(select(UserSession))]


@pytest.mark.parametrize("remember", [False, True])
def test_a_password_change_gives_the_changing_session_a_new_token(app, client, auth, user, remember):
    auth.logout()
    assert auth.login(remember=remember).status_code == 302
    old_cookie = client.get_cookie("session").value
    old_remember = client.get_cookie("remember_token")
    [(old_hash, _)] = _sessions(app)

    assert _change_password(client).status_code == 302
    [(new_hash, kept_remember)] = _sessions(app)
    assert new_hash != old_hash
    assert kept_remember is remember
    assert client.get("/").status_code == 200  # this browser stays signed in

    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert replay.get("/").headers["Location"].startswith("/login")
    if remember:
        stale = app.test_client()
        stale.set_cookie("remember_token", old_remember.value)
        assert stale.get("/").status_code == 302
        fresh = app.test_client()
        fresh.set_cookie("remember_token", client.get_cookie("remember_token").value)
        assert fresh.get("/").status_code == 200


# Lone surrogates: not Unicode text, refused where they arrive, and never fatal to a backup


def _backup_with_mapping(client, settings_json: str) -> str:
    draft_id = upload_ok(client, DUPLICATES)
    assert do_import(client, draft_id, {"default_category": "Other"}).status_code == 302
    text = client.get("/backup.json").get_data(as_text=True)
    # The saved mapping's settings, with one string changed into what the attacker sent.
    return re.sub(r'"default_category": "[^"]*"', lambda _match: settings_json, text, count=1)


@pytest.mark.parametrize(
    ("settings_json", "where"),
    [
        ('"default_category": "\\ud800"', "import_mappings[0].settings.default_category"),
        ('"default_category": "Other", "x\\udfff": 1', "import_mappings[0].settings (a key)"),
        ('"default_category": ["ok", "a\\udc00b"]', "import_mappings[0].settings.default_category[1]"),
    ],
)
def test_a_backup_holding_a_lone_surrogate_is_refused(app, client, user, settings_json, where):
    damaged = _backup_with_mapping(client, settings_json)
    before = client.get("/backup.json").get_data(as_text=True)
    response = restore(client, damaged, replace=True, password=PASSWORD)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert (
        f"The backup is damaged or was edited: {where} holds text that is not valid Unicode "
        "(a lone surrogate such as \\ud800). Nothing was changed."
    ) in html
    assert normalised(client.get("/backup.json").get_data(as_text=True)) == normalised(before)


def test_a_lone_surrogate_already_stored_still_gives_a_backup(app, client, user):
    draft_id = upload_ok(client, DUPLICATES)
    assert do_import(client, draft_id, {"default_category": "Other"}).status_code == 302
    with app.app_context():
        mapping = db.session.scalar(select(ImportMapping))
        # JSON columns store \\ud800 as an ASCII escape, so both databases take it.
        mapping.settings = {**mapping.settings, "default_category": "Caf\ud800"}
        db.session.commit()
    response = client.get("/backup.json")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert '"default_category": "Caf\ufffd"' in text
    # ... and that backup restores.
    assert restore(client, text, replace=True, password=PASSWORD).status_code == 302


def test_form_and_query_data_never_carry_a_lone_surrogate(app, client, user):
    # Werkzeug decodes form data as strict UTF-8 and keeps bytes that are not as their %-escapes:
    # the UTF-8 spelling of U+D800 (ED A0 80), which is invalid UTF-8, arrives as plain text.
    body = (
        b"description=Caf%ED%A0%80&amount=3.50&category_id="
        + str(category_id(app, user.id, "Other")).encode()
        + b"&spent_on=2025-02-01&csrf_token="
        + csrf_token(client).encode()
    )
    response = client.post("/expenses/new", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    with app.app_context():
        [description] = db.session.scalars(select(Expense.description)).all()
    assert description == "Caf%ED%A0%80"
    assert is_unicode_text(description)


def test_a_csv_with_a_lone_surrogate_is_refused_as_not_utf8(client, user):
    response = upload(client, b"Date,Description,Amount\n2025-02-01,Caf\xed\xa0\x80,-3.50\n")
    assert response.status_code == 422
    assert "The file is not UTF-8 text (line 2 cannot be read as UTF-8)." in response.get_data(as_text=True)


# Registration takes as long for a taken email as for a new one


def test_registration_hashes_the_password_whether_or_not_the_email_is_taken(app, client, auth, monkeypatch):
    hashed = []
    real_hash = auth_services.hash_password
    monkeypatch.setattr(auth_services, "hash_password", lambda password: hashed.append(password) or real_hash(password))
    assert auth.register("first@example.com").status_code == 302
    auth.logout()
    taken = auth.register("FIRST@example.com", password="another long password")
    assert taken.status_code == 422
    assert "An account with this email already exists." in taken.get_data(as_text=True)
    assert hashed == [PASSWORD, "another long password"]
    assert count_rows(app, User) == 1


# At most MAX_CATEGORIES categories and MAX_IMPORT_MAPPINGS saved mappings per account


def _add_categories(app, user_id, count, prefix="Extra"):
    ledger_id = personal_ledger_id(app, user_id)
    with app.app_context():
        db.session.add_all(
            Category(
                ledger_id=ledger_id, name=f"{prefix} {n:03d}", name_key=f"{prefix} {n:03d}".casefold(), color="#123456"
            )
            for n in range(count)
        )
        db.session.commit()


def _category_count(app, user_id):
    with app.app_context():
        return db.session.scalar(select(func.count(Category.id)).where(Category.ledger_id == ledger_of(user_id)))


def test_a_category_past_the_limit_is_a_form_error(app, client, user):
    _add_categories(app, user.id, MAX_CATEGORIES - 8 - 1)  # the 8 starter ones, and room for one
    assert post_form(client, "/categories", {"name": "Pets", "color": "#123456"}).status_code == 302
    assert _category_count(app, user.id) == MAX_CATEGORIES
    response = post_form(client, "/categories", {"name": "Garden", "color": "#123456"})
    assert response.status_code == 422
    assert "You have 200 categories, the most an account can have." in response.get_data(as_text=True)
    assert _category_count(app, user.id) == MAX_CATEGORIES


LIMITED = (
    "Date,Description,Category,Amount\n"
    "2025-02-01,Coffee,Cat A,-1.00\n"
    "2025-02-02,Tea,Cat B,-2.00\n"
    "2025-02-03,Bus,Other,-3.00\n"
    "2025-02-04,Cake,Cat C,-4.00\n"
    "2025-02-05,Pie,cat a,-5.00\n"
    "2025-02-06,Jam,Cat D,-6.00\n"
)


def test_an_import_creates_only_the_categories_the_limit_leaves(app, client, user):
    _add_categories(app, user.id, MAX_CATEGORIES - 8 - 3)  # room for three
    draft_id = upload_ok(client, LIMITED)
    html = page(client, f"/import/{draft_id}/preview")
    assert counts(client, draft_id) == {"new": 5, "duplicate": 0, "income": 0, "invalid": 1}
    assert (
        "would need a new category “Cat D”, past the 200 categories an account can have "
        "(put its rows in one you have, or delete categories you no longer need)"
    ) in html
    assert "Creates 3 categories: Cat A, Cat B, Cat C." in html
    assert do_import(client, draft_id, {"default_category": "Other"}).headers["Location"] == "/imports"
    assert _category_count(app, user.id) == MAX_CATEGORIES
    assert [(description, name) for _, description, name, _ in expenses(app, user.id)] == [
        ("Coffee", "Cat A"),
        ("Tea", "Cat B"),
        ("Bus", "Other"),
        ("Cake", "Cat C"),
        ("Pie", "Cat A"),
    ]


def test_an_import_at_the_limit_can_still_put_rows_in_existing_categories(app, client, user):
    _add_categories(app, user.id, MAX_CATEGORIES - 8)
    draft_id = upload_ok(client, LIMITED)
    assert counts(client, draft_id) == {"new": 1, "duplicate": 0, "income": 0, "invalid": 5}
    choice = {"default_category": "Other", category_field_name("cat d"): EXISTING + "Health", "refresh": "1"}
    assert post_form(client, f"/import/{draft_id}/preview", choice).status_code == 302
    assert counts(client, draft_id) == {"new": 2, "duplicate": 0, "income": 0, "invalid": 4}
    assert do_import(client, draft_id, {"default_category": "Other"}).headers["Location"] == "/imports"
    assert _category_count(app, user.id) == MAX_CATEGORIES
    assert [(description, name) for _, description, name, _ in expenses(app, user.id)] == [
        ("Bus", "Other"),
        ("Jam", "Health"),
    ]


def test_the_preview_offers_a_bounded_number_of_category_choices(app, client, user):
    rows = "".join(f"2025-02-01,Item {n},Name {n:05d},-1.00\n" for n in range(5000))
    draft_id = upload_ok(client, "Date,Description,Category,Amount\n" + rows)
    html = page(client, f"/import/{draft_id}/preview")
    assert html.count('<select class="form-select" id="category_') == UNKNOWN_CATEGORIES_SHOWN
    assert counts(client, draft_id) == {
        "new": MAX_CATEGORIES - 8,
        "duplicate": 0,
        "income": 0,
        "invalid": 5000 - (MAX_CATEGORIES - 8),
    }
    assert len(html) < 1_500_000
    assert do_import(client, draft_id, {"default_category": "Other"}).status_code == 302
    assert _category_count(app, user.id) == MAX_CATEGORIES


def test_a_backup_with_too_many_categories_or_mappings_is_refused(app, client, user):
    before = normalised(client.get("/backup.json").get_data(as_text=True))
    document = json.loads(before)
    many = dict(document, categories=[{"name": f"C {n}", "color": "#123456"} for n in range(MAX_CATEGORIES + 1)])
    response = restore(client, json.dumps(many), replace=True, password=PASSWORD)
    assert response.status_code == 422
    assert "This backup holds 201 categories; an account keeps at most 200. Nothing was changed." in response.get_data(
        as_text=True
    )
    mapping = {"header": ["Date"], "settings": {}, "updated_at": "2025-01-01T00:00:00"}
    mappings = [dict(mapping, header=[f"Date {n}"]) for n in range(MAX_IMPORT_MAPPINGS + 1)]
    response = restore(client, json.dumps(dict(document, import_mappings=mappings)), replace=True, password=PASSWORD)
    assert response.status_code == 422
    assert (
        "This backup holds 101 saved CSV column mappings; an account keeps at most 100. Nothing was changed."
        in response.get_data(as_text=True)
    )
    assert normalised(client.get("/backup.json").get_data(as_text=True)) == before
    # At the limits, the same backup restores.
    at_limit = dict(many, categories=many["categories"][:MAX_CATEGORIES], import_mappings=mappings[:-1])
    assert restore(client, json.dumps(at_limit), replace=True, password=PASSWORD).status_code == 302
    assert _category_count(app, user.id) == MAX_CATEGORIES
    assert count_rows(app, ImportMapping) == MAX_IMPORT_MAPPINGS


def test_a_new_mapping_past_the_limit_replaces_the_least_recently_used(app, client, user):
    start = datetime(2025, 1, 1)
    ledger_id = personal_ledger_id(app, user.id)
    with app.app_context():
        db.session.add_all(
            ImportMapping(
                ledger_id=ledger_id,
                header_signature=f"{n:064d}",
                header=[f"Column {n}"],
                settings={},
                updated_at=start + timedelta(days=n),
            )
            for n in range(MAX_IMPORT_MAPPINGS - 1)
        )
        db.session.commit()
    # The 100th: this file's layout, saved by importing it.
    assert do_import(client, upload_ok(client, DUPLICATES), {"default_category": "Other"}).status_code == 302
    assert count_rows(app, ImportMapping) == MAX_IMPORT_MAPPINGS
    with app.app_context():
        newest = db.session.scalar(select(func.max(ImportMapping.id)))
        # Saved long ago: now the least recently used of all ...
        db.session.execute(update(ImportMapping).where(ImportMapping.id == newest).values(updated_at=start))
        db.session.commit()
    upload_ok(client, DUPLICATES)  # ... until it is offered for a new upload: used now
    new_layout = "When,What,How much\n2025-03-01,Soap,-2.00\n"
    assert do_import(client, upload_ok(client, new_layout), {"default_category": "Other"}).status_code == 302
    with app.app_context():
        headers = [m.header for m in db.session.scalars(select(ImportMapping).order_by(ImportMapping.updated_at))]
    assert len(headers) == MAX_IMPORT_MAPPINGS
    assert ["Column 0"] not in headers  # the least recently used one went
    assert ["Column 1"] in headers
    assert headers[-2:] == [["Date", "Description", "Amount"], ["When", "What", "How much"]]


# Reports name at most REPORT_CATEGORIES categories; the smallest are added up as one entry

# A whole period in the past, so that nothing depends on how far into today's it is.
REPORTED = period_containing(date.today(), 1).shift(-2)


def test_reports_group_the_smallest_categories_and_the_figures_still_add_up(app, client, user):
    _add_categories(app, user.id, 7)  # 15 categories in all
    with app.app_context():
        names = sorted(db.session.scalars(select(Category.name).where(Category.ledger_id == ledger_of(user.id))))
    assert len(names) == 15
    # The i-th name spends (i + 1) rupees: the four smallest are names[0:4], ₹1 + ₹2 + ₹3 + ₹4.
    for index, name in enumerate(names):
        add_expense(app, user.id, name, (index + 1) * 100, REPORTED.start, f"Spent in {name}")
        add_expense(app, user.id, name, (index + 1) * 1000, REPORTED.shift(-12).start, f"A year before, {name}")
    response = client.get(f"/reports?period={REPORTED.key}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)

    monthly = json_block(html, "monthly-chart-data")
    labels = [dataset["label"] for dataset in monthly["datasets"]]
    assert labels == sorted(names[4:], key=str.casefold) + ["4 other categories"]
    assert monthly["datasets"][-1]["amounts"][-1] == "10.00"
    assert monthly["datasets"][-1]["color"] == "#868e96"
    header = table_rows(html, "monthly-table", "thead")[0]
    assert header == ("Month", *labels, "Total")
    assert table_rows(html, "monthly-table")[-1][-2:] == ("₹10.00", "₹120.00")  # 1 + 2 + ... + 15 rupees
    # The entry's link opens the list of exactly its expenses.
    link = monthly["datasets"][-1]["links"][-1]
    listed = client.get(link).get_data(as_text=True)
    assert element_text(listed, "list-count") == "4 expenses"
    assert element_text(listed, "list-total") == "₹10.00"

    comparison = table_rows(html, "comparison-table")
    assert len(comparison) == REPORT_CATEGORIES
    assert comparison[-1][:3] == ("4 other categories", "₹100.00", "₹10.00")
    assert table_rows(html, "comparison-table", "tfoot")[0][:3] == ("Total", "₹1,200.00", "₹120.00")

    averages = table_rows(html, "averages-table")
    assert len(averages) == REPORT_CATEGORIES
    assert averages[0][0] == names[-1]  # the largest first
    assert averages[-1][:2] == ("4 other categories", "₹10.00")
    assert table_rows(html, "averages-table", "tfoot")[0][:2] == ("All", "₹120.00")


def test_reports_with_few_categories_name_every_one(app, client, user):
    for index, name in enumerate(["Health", "Housing", "Transport"]):
        add_expense(app, user.id, name, (index + 1) * 100, REPORTED.start, "Something")
    html = client.get(f"/reports?period={REPORTED.key}").get_data(as_text=True)
    labels = [dataset["label"] for dataset in json_block(html, "monthly-chart-data")["datasets"]]
    assert labels == ["Health", "Housing", "Transport"]
    assert "other categories" not in html


def test_the_report_of_an_account_at_the_category_limit_stays_small(app, client, user):
    _add_categories(app, user.id, MAX_CATEGORIES - 8)
    with app.app_context():
        ledger_id = db.session.scalar(select(ledger_of(user.id)))
        ids = list(db.session.scalars(select(Category.id).where(Category.ledger_id == ledger_id)))
        db.session.add_all(
            Expense(
                ledger_id=ledger_id,
                created_by_id=user.id,
                category_id=owned,
                spent_on=REPORTED.shift(-offset).start,
                description="Spent",
                amount_cents=100 + offset,
            )
            for owned in ids
            for offset in range(12)
        )
        db.session.commit()
    html = client.get(f"/reports?period={REPORTED.key}").get_data(as_text=True)
    monthly = json_block(html, "monthly-chart-data")
    assert len(monthly["datasets"]) == REPORT_CATEGORIES
    assert monthly["datasets"][-1]["label"] == "189 other categories"
    # Exact: 200 categories each spending 1.00 + 1.01 + ... + 1.11 rupees over the twelve months.
    assert f"by category: ₹{200 * sum(100 + n for n in range(12)) / 100:,.2f} in all." in html
    assert len(html) < 400_000


# Guessing someone's password locks out new browsers, not the owner's


def _browser(app, address):
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser, AuthActions(browser)


@pytest.fixture
def production_limits(app):
    app.config.update(
        LOGIN_LIMIT_PER_IP="20 per minute; 200 per hour", LOGIN_LIMIT_PER_ACCOUNT="5 per minute; 30 per hour"
    )


def test_an_attacker_locks_out_new_browsers_but_not_the_owners(app, production_limits):
    owner, owner_auth = _browser(app, "192.0.2.1")
    assert owner_auth.register().status_code == 302
    assert owner_auth.logout().status_code == 302

    _attacker, attacker_auth = _browser(app, "198.51.100.7")
    statuses = [attacker_auth.login(password=f"guess number {n}").status_code for n in range(20)]
    assert statuses == [422] * 5 + [429] * 15

    _fresh, fresh_auth = _browser(app, "203.0.113.9")
    assert fresh_auth.login().status_code == 429  # the account is locked for browsers it never used

    assert owner_auth.login().status_code == 302  # ... but its owner signs in
    assert owner.get("/").status_code == 200


def test_the_owners_browser_has_its_own_budget_of_failures(app, production_limits):
    owner, owner_auth = _browser(app, "192.0.2.1")
    assert owner_auth.register().status_code == 302
    owner_auth.logout()
    _attacker, attacker_auth = _browser(app, "198.51.100.7")
    for n in range(5):
        attacker_auth.login(password=f"guess number {n}")
    # The attacker's five failures did not use up the owner's five ...
    statuses = [owner_auth.login(password=f"typo number {n}").status_code for n in range(6)]
    assert statuses == [422] * 5 + [429]
    # ... and with its own budget spent, the owner's browser waits like any other.
    assert owner_auth.login().status_code == 429


def test_a_device_cookie_is_per_account_signed_and_forgotten_at_a_password_change(app, production_limits):
    owner, owner_auth = _browser(app, "192.0.2.1")
    assert owner_auth.register().status_code == 302
    cookie = owner.get_cookie("device")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert cookie.expires is not None
    owner_auth.logout()
    _attacker, attacker_auth = _browser(app, "198.51.100.7")
    assert AuthActions(app.test_client()).register("bob@example.com").status_code == 302
    for n in range(5):
        attacker_auth.login(password=f"guess number {n}")
        attacker_auth.login(email="bob@example.com", password=f"guess number {n}")
    # Alice's cookie is not Bob's, and a cookie that is not signed here counts for nothing.
    assert owner_auth.login(email="bob@example.com").status_code == 429
    forged, forged_auth = _browser(app, "192.0.2.2")
    forged.set_cookie("device", cookie.value[:-2] + ("AA" if not cookie.value.endswith("AA") else "BB"))
    assert forged_auth.login().status_code == 429
    copied, copied_auth = _browser(app, "192.0.2.3")
    copied.set_cookie("device", cookie.value)
    assert copied_auth.login().status_code == 302
    # A password change gives this browser a new cookie; the old one no longer exempts anyone.
    assert _change_password(copied).status_code == 302
    assert copied.get_cookie("device").value != cookie.value
    stale, stale_auth = _browser(app, "192.0.2.4")
    stale.set_cookie("device", cookie.value)
    assert stale_auth.login(password=NEW_PASSWORD).status_code == 429
