"""Hostile input: every field of every form gets the classic bad inputs.

A refused input must give a 4xx (422 for a form sent back with errors, 404 for an id in the URL that
is not the user's), a message in plain words, the typed text back in the form (never a password),
and no change at all in the database. An accepted but tricky input must be stored exactly and shown
escaped. Nothing may ever give a 500.

The cases are tables of (form, field, value, message); each form is described once in FORMS by a
submission that succeeds, and a case changes one field of it.
"""

import os
from dataclasses import dataclass, field
from datetime import date

import pytest
from markupsafe import escape
from sqlalchemy import func, select

import app.passwords
from app import create_app
from app.extensions import db, limiter
from app.models import Category, Expense, Ledger, User
from tests.conftest import PASSWORD, AuthActions, _empty_tables, add_expense, category_id, csrf_token, post_form

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))

# The classic bad inputs.
BLANK = ("", "   ")
LONG = "x" * 10_000
CONTROL = ("a\x00b", "a\tb", "a\nb", "\x1b[31m")
BIDI = "\u202eevil"  # a right-to-left override: text that displays as something it is not
SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
SQL = "'; DROP TABLE expenses; --"
EMOJI = "Coffee ☕️👨‍👩‍👧"
RTL = "قهوة"
ARABIC_DIGITS = "١٢٣"
HUGE_ID = "99999999999999999999"
NEW_PASSWORD = "a brand new passphrase"

# The app's own messages.
PLAIN_TEXT = "Use ordinary characters only: no tabs, line breaks or control codes."
ENTER_AMOUNT = "Enter an amount."
AS_NUMBER = "Enter the amount as a number, like 12.50."
NO_EXPONENT = "Write the amount out in full, without an exponent (1000, not 1e3)."
MORE_THAN_ZERO = "The amount must be more than zero."
TWO_PLACES = "Use at most 2 decimal places."
LARGEST = "The largest amount allowed is ₹1,000,000,000.00."  # new accounts use INR
DESCRIBE = "Describe the expense, for example “Groceries”."
DESCRIPTION_TOO_LONG = "Keep the description under 201 characters."
DATE_RANGE = "Choose a date between Jan 1, 1970 and Dec 31, 2099."
DATE_REQUIRED = "Choose the date of the expense."
YOUR_CATEGORY = "Choose one of your categories."
NAME_REQUIRED = "Give the category a name."
NAME_TOO_LONG = "Keep the name under 41 characters."
NAME_KEY_TOO_LONG = "Keep the name under 41 characters (letters like ß count as two)."
NAME_TAKEN = "You already have a category with this name."
LEDGER_NAME_REQUIRED = "Give the ledger a name."
LEDGER_NAME_TOO_LONG = "Keep the name under 61 characters."
COLOUR = "Choose a colour like #1565c0."
MOVE_TO = "Choose the category that should take these expenses."
PASSWORD_LENGTH = "Use between 8 and 256 characters."
MISMATCH = "The two passwords do not match."
BAD_EMAIL = "Enter a valid email address, like name@example.com."
NO_MATCH = "That email and password do not match an account."
# WTForms' own wording, for fields the app leaves to it.
NOT_A_CHOICE = "Not a valid choice."
NOT_A_DATE = "Not a valid date value."
MAX_254 = "Field cannot be longer than 254 characters."
MAX_256 = "Field cannot be longer than 256 characters."
ANY_ERROR = None  # the field shows an error, in words this file does not pin down


@dataclass(frozen=True)
class Ref:
    """An id that only exists once the test has set up its users: a key of `World.ids` (or `mine`)."""

    key: str


@dataclass(frozen=True)
class Form:
    path: str  # "{key}" placeholders are filled with the ids of the test's users
    valid: dict  # a submission that succeeds; each case changes one field of it
    signed_in: bool = True
    shown_again: tuple = ()  # fields whose typed value the re-rendered form must keep
    secret: tuple = ()  # password fields: never sent back to the browser
    repeated_by: dict = field(default_factory=dict)  # a password field and the field that repeats it


EXPENSE = {"amount": "12.50", "description": "Lunch", "category_id": Ref("food"), "spent_on": "2024-05-06"}
CATEGORY = {"name": "Books", "color": "#123456"}
EXPENSE_SHOWN = ("amount", "description", "spent_on")

FORMS = {
    "register": Form(
        "/register",
        {"email": "new@example.com", "password": PASSWORD, "confirm": PASSWORD},
        signed_in=False,
        shown_again=("email",),
        secret=("password", "confirm"),
        repeated_by={"password": "confirm"},
    ),
    "login": Form(
        "/login",
        {"email": "alice@example.com", "password": PASSWORD},
        signed_in=False,
        shown_again=("email",),
        secret=("password",),
    ),
    "new expense": Form("/expenses/new", EXPENSE, shown_again=EXPENSE_SHOWN),
    "edit expense": Form("/expenses/{alice_expense}/edit", EXPENSE, shown_again=EXPENSE_SHOWN),
    "new category": Form("/categories", CATEGORY, shown_again=("name", "color")),
    "edit category": Form("/categories/{food}/edit", CATEGORY, shown_again=("name", "color")),
    # Transport holds one of Alice's expenses, so the form must say where it goes.
    "delete category": Form("/categories/{transport}/delete", {"fate": "move", "move_to": Ref("food")}),
    # The personal ledger's settings: its name, currency, budget and period start day.
    "settings": Form(
        "/ledger/settings",
        {"name": "Personal", "currency": "INR", "monthly_budget": "500", "period_start_day": "1"},
        shown_again=("name", "monthly_budget"),
    ),
    "change password": Form(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        secret=("current_password", "new_password", "confirm"),
        repeated_by={"new_password": "confirm"},
    ),
    "delete account": Form("/account/delete", {"password": PASSWORD, "understood": "y"}, secret=("password",)),
}

# Fields with the strip_text filter: the form shows (and stores) the value without outer spaces.
STRIPPED = {"email", "amount", "description", "name", "monthly_budget"}

# Amounts, for the expense amount and the monthly budget alike.
AMOUNT_REFUSALS = [
    *((value, ENTER_AMOUNT) for value in BLANK),
    (LONG, LARGEST),
    *((value, AS_NUMBER) for value in CONTROL),
    (SCRIPT, AS_NUMBER),
    (SQL, AS_NUMBER),
    (EMOJI, AS_NUMBER),
    (RTL, AS_NUMBER),
    (ARABIC_DIGITS, AS_NUMBER),
    ("NaN", AS_NUMBER),
    ("sNaN", AS_NUMBER),
    ("Infinity", AS_NUMBER),
    ("-Infinity", MORE_THAN_ZERO),
    ("1e3", NO_EXPONENT),
    ("1E-2", NO_EXPONENT),
    ("1_000", AS_NUMBER),
    ("-0", MORE_THAN_ZERO),
    ("0", MORE_THAN_ZERO),
    ("0.00", MORE_THAN_ZERO),
    ("-5", MORE_THAN_ZERO),
    ("−5", MORE_THAN_ZERO),  # U+2212 minus sign
    ("0.001", TWO_PLACES),
    ("12.345", TWO_PLACES),
    ("1234567890123456789012345", LARGEST),
    ("1000000000.01", LARGEST),
    ("1,2,3", AS_NUMBER),
    ("12,5", AS_NUMBER),
    ("0x10", AS_NUMBER),
    ("$12", AS_NUMBER),
    ("12 50", AS_NUMBER),
]

# Category ids that are not one of the user's own categories.
FOREIGN_IDS = [Ref("bob_category"), "999999", HUGE_ID, "0", "-1", "abc", "1.5", "", "   ", "1; DROP", "a\x00b", LONG]


def text_refusals(form, name, required, too_long):
    """Blank, over-long and control-character text for a one-line text field."""
    return [
        *((form, name, value, required) for value in BLANK),
        (form, name, LONG, too_long),
        *((form, name, value, PLAIN_TEXT) for value in CONTROL),
        (form, name, BIDI, PLAIN_TEXT),
    ]


def expense_refusals(form):
    return [
        *((form, "amount", value, message) for value, message in AMOUNT_REFUSALS),
        *text_refusals(form, "description", DESCRIBE, DESCRIPTION_TOO_LONG),
        (form, "description", "x" * 201, DESCRIPTION_TOO_LONG),
        *((form, "category_id", value, YOUR_CATEGORY) for value in FOREIGN_IDS),
        *((form, "spent_on", value, DATE_RANGE) for value in ("0001-01-01", "9999-12-31", "1969-12-31", "2100-01-01")),
        *(
            (form, "spent_on", value, NOT_A_DATE)
            for value in (
                "2023-02-29",
                "2024-02-30",
                "2024-13-01",
                "not a date",
                "   ",
                "06/05/2024",
                "٢٠٢٤-٠١-٠٥",
                LONG,
                *CONTROL,
                SCRIPT,
                SQL,
            )
        ),
        (form, "spent_on", "", DATE_REQUIRED),
    ]


def category_refusals(form):
    return [
        *text_refusals(form, "name", NAME_REQUIRED, NAME_TOO_LONG),
        (form, "name", "x" * 41, NAME_TOO_LONG),
        (form, "name", "ß" * 21, NAME_KEY_TOO_LONG),  # 21 characters, but "ss" * 21 as a key
        (form, "name", "Transport", NAME_TAKEN),
        (form, "name", "  TRANSPORT ", NAME_TAKEN),
        *(
            (form, "color", value, COLOUR)
            for value in (*BLANK, LONG, *CONTROL, SCRIPT, SQL, "red", "#12345", "#1234567", "#GGGGGG", " #123456")
        ),
    ]


REFUSALS = [
    # Registration
    *(("register", "email", value, "Enter your email address.") for value in BLANK),
    ("register", "email", LONG, "That email address is too long."),
    ("register", "email", "a" * 288 + "@example.com", "That email address is too long."),
    *(
        ("register", "email", value, BAD_EMAIL)
        for value in (
            "not-an-email",
            "a\x00b@example.com",
            "a\tb@example.com",
            "a\nb@example.com",
            "\x1b[31m@example.com",
            "name@localhost",
            "two@@example.com",
            SCRIPT,
            SQL,
            EMOJI,
        )
    ),
    ("register", "email", "alice@example.com", "An account with this email already exists. Log in instead."),
    ("register", "email", " ALICE@Example.com ", "An account with this email already exists. Log in instead."),
    *(("register", "password", value, "Choose a password.") for value in BLANK),
    *(("register", "password", value, PASSWORD_LENGTH) for value in ("pw-7x", LONG, *CONTROL)),
    *(("register", "confirm", value, "Repeat your password.") for value in BLANK),
    *(("register", "confirm", value, MISMATCH) for value in (PASSWORD + " ", PASSWORD.upper(), LONG, "a\x00b")),
    # Login: a long password is refused before any hashing (see test_form_refuses_hostile_input)
    *(("login", "email", value, "Enter your email address.") for value in BLANK),
    ("login", "email", LONG, MAX_254),
    *(("login", "email", value, NO_MATCH) for value in ("not-an-email", "nobody@example.com", SCRIPT, SQL, EMOJI, RTL)),
    # Control characters are refused by the form (PostgreSQL would reject a NUL in the query itself).
    *(("login", "email", value, PLAIN_TEXT) for value in ("a\x00b@example.com", "a\tb@example.com")),
    *(("login", "password", value, "Enter your password.") for value in BLANK),
    ("login", "password", LONG, MAX_256),
    *(("login", "password", value, NO_MATCH) for value in ("wrong password", PASSWORD + "\x00", SCRIPT, SQL)),
    # Expenses and categories
    *expense_refusals("new expense"),
    *expense_refusals("edit expense"),
    *category_refusals("new category"),
    *category_refusals("edit category"),
    *(
        ("delete category", "fate", value, NOT_A_CHOICE)
        for value in (*BLANK, "maybe", "MOVE", LONG, *CONTROL, SCRIPT, SQL)
    ),
    *(("delete category", "move_to", value, MOVE_TO) for value in (*FOREIGN_IDS, Ref("transport"))),
    # Ledger settings
    *text_refusals("settings", "name", LEDGER_NAME_REQUIRED, LEDGER_NAME_TOO_LONG),
    ("settings", "name", "x" * 61, LEDGER_NAME_TOO_LONG),
    *(
        ("settings", "currency", value, NOT_A_CHOICE)
        for value in ("XXX", *BLANK, "usd", "US$", LONG, *CONTROL, SCRIPT, SQL)
    ),
    # Whatever its decimal places: a ledger with expenses is converted at a rate on its own page.
    *(
        ("settings", "currency", code, f"The ledger has expenses in INR: to keep them in {code}, convert them all")
        for code in ("JPY", "USD")
    ),
    *(("settings", "monthly_budget", value, message) for value, message in AMOUNT_REFUSALS),
    *(("settings", "period_start_day", value, NOT_A_CHOICE) for value in ("0", "29", "31", "-1", HUGE_ID)),
    *(("settings", "period_start_day", value, ANY_ERROR) for value in ("", "abc", "1.5", "a\x00b", LONG)),
    # Password change
    *(("change password", "current_password", value, "Enter your current password.") for value in BLANK),
    ("change password", "current_password", LONG, MAX_256),
    *(
        ("change password", "current_password", value, "That is not your current password.")
        for value in ("wrong password", "a\x00b", SCRIPT, SQL)
    ),
    *(("change password", "new_password", value, "Choose a new password.") for value in BLANK),
    *(("change password", "new_password", value, PASSWORD_LENGTH) for value in ("pw-7x", LONG, *CONTROL)),
    *(("change password", "confirm", value, "Repeat the new password.") for value in BLANK),
    *(("change password", "confirm", value, MISMATCH) for value in (NEW_PASSWORD + " ", LONG, SCRIPT)),
    # Account deletion
    *(("delete account", "password", value, "Enter your password to confirm.") for value in BLANK),
    ("delete account", "password", LONG, MAX_256),
    *(
        ("delete account", "password", value, "That is not your password.")
        for value in ("wrong password", PASSWORD + "\x00", SCRIPT, SQL)
    ),
    *(("delete account", "understood", value, "Tick the box to confirm.") for value in ("", None, "false")),
]

# Tricky but valid: (form, field, value, what the database must hold afterwards).
ACCEPTED = [
    *(("new expense", "description", value, value) for value in (SCRIPT, SQL, EMOJI, RTL, ARABIC_DIGITS)),
    ("new expense", "description", "  Lunch  ", "Lunch"),
    ("new expense", "description", "x" * 200, "x" * 200),
    ("new expense", "amount", " 12.50 ", 1250),
    ("new expense", "amount", "12.5", 1250),
    ("new expense", "amount", "12.", 1200),
    ("new expense", "amount", "+5", 500),
    ("new expense", "amount", "0.01", 1),
    ("new expense", "amount", "0.1", 10),
    ("new expense", "amount", "1,234.50", 123450),
    ("new expense", "amount", "12,34,567", 123456700),
    ("new expense", "amount", "1000000000", 100000000000),
    *(("new expense", "spent_on", value, value) for value in ("1970-01-01", "2099-12-31", "2024-02-29")),
    *(("edit expense", "description", value, value) for value in (SCRIPT, SQL, EMOJI, RTL)),
    ("edit expense", "amount", " 12.50 ", 1250),
    ("edit expense", "category_id", Ref("transport"), Ref("transport")),
    *(("new category", "name", value, value) for value in (SCRIPT, SQL, EMOJI, RTL, "x" * 40, "ß" * 20)),
    ("new category", "name", "  Books  ", "Books"),
    ("new category", "color", "#ABCDEF", "#ABCDEF"),
    *(("edit category", "name", value, value) for value in (SCRIPT, EMOJI, RTL)),
    ("edit category", "name", "FOOD & GROCERIES", "FOOD & GROCERIES"),  # its own name, in other case
    ("settings", "monthly_budget", " 12.50 ", 1250),
    ("settings", "monthly_budget", "1,000,000,000", 100000000000),
    *(("settings", "name", value, value) for value in (SCRIPT, SQL, EMOJI, RTL, "x" * 60)),
    ("settings", "name", "  Home  ", "Home"),
    ("register", "email", " New@Example.COM ", "new@example.com"),
    ("register", "email", "josé@example.com", "josé@example.com"),
    ("register", "email", "用户@例子.广告", "用户@例子.广告"),
    ("register", "email", "قهوة@example.com", "قهوة@example.com"),
]


def label(value) -> str:
    if value is None:
        return "absent"
    if isinstance(value, Ref):
        return value.key
    if len(value) > 40:
        return f"{len(value)} chars"
    return repr(value)


def cases(rows):
    """pytest.param for every row, with a readable id; rows already wrapped in pytest.param pass through."""
    out = []
    for row in rows:
        if not hasattr(row, "marks"):  # a plain tuple, not already a pytest.param
            row = pytest.param(*row)
        form, name, value, _ = row.values
        out.append(pytest.param(*row.values, marks=row.marks, id=f"{form}-{name}-{label(value)}"))
    return out


def resolve(value, ids):
    return str(ids[value.key]) if isinstance(value, Ref) else value


def submission(form: Form, name: str, value, ids) -> dict:
    """The form's valid submission with one field changed (None: the field left out)."""
    data = {key: resolve(v, ids) for key, v in form.valid.items()}
    data[name] = resolve(value, ids)
    if name in form.repeated_by:
        data[form.repeated_by[name]] = data[name]
    return {key: v for key, v in data.items() if v is not None}


def snapshot(app) -> dict:
    """Every row of every table (but the session timestamps that reading a page may move on)."""
    with app.app_context():
        tables = {}
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in ("last_seen_at", "expires_at")]
            tables[table.name] = sorted(tuple(map(repr, row)) for row in db.session.execute(select(*columns)))
        return tables


def page_of(response) -> str:
    html = response.get_data(as_text=True)
    assert SCRIPT not in html, "text from the request was rendered unescaped"
    return html


class World:
    """Alice (signed in, with an expense in Transport) and Bob (with a category and an expense that
    Alice must never reach), on one app shared by the tests that must not write anything.

    Building it costs more than a refused request, so it is kept between tests for as long as the
    database is exactly as it was built; a test that wrote something (a bug), or another module's
    teardown in between, makes the next test build it afresh.
    """

    def __init__(self, database_url: str):
        self.app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
        self.built = None

    def ready(self) -> "World":
        if self.built is None or snapshot(self.app) != self.built:
            self.build()
        return self

    def build(self) -> None:
        app = self.app
        with app.app_context():
            db.session.remove()
            _empty_tables()
            limiter.reset()
        self.alice = app.test_client()
        assert AuthActions(self.alice).register().status_code == 302
        assert AuthActions(app.test_client()).register(email="bob@example.com").status_code == 302
        self.anonymous = app.test_client()
        self.tokens = {self.alice: csrf_token(self.alice), self.anonymous: csrf_token(self.anonymous)}
        with app.app_context():
            users = dict(db.session.execute(select(User.email, User.id)).all())
        alice, bob = users["alice@example.com"], users["bob@example.com"]
        self.ids = {
            "alice": alice,
            "food": category_id(app, alice, "Food & groceries"),
            "transport": category_id(app, alice, "Transport"),
            "alice_expense": add_expense(app, alice, "Transport", 999, date(2024, 1, 15), "Bus"),
            "bob_category": category_id(app, bob, "Food & groceries"),
            "bob_expense": add_expense(app, bob, "Food & groceries", 500, description="Bob's lunch"),
        }
        self.built = snapshot(app)

    def post(self, form: Form, data: dict):
        client = self.alice if form.signed_in else self.anonymous
        return client.post(form.path.format(**self.ids), data={**data, "csrf_token": self.tokens[client]})

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            _empty_tables()
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


@pytest.fixture(scope="module")
def shared_world(database_url):
    world = World(database_url)
    yield world
    world.close()


@pytest.fixture
def world(shared_world) -> World:
    return shared_world.ready()


@pytest.mark.parametrize(("form_name", "name", "value", "message"), cases(REFUSALS))
def test_form_refuses_hostile_input(world, monkeypatch, form_name, name, value, message):
    form = FORMS[form_name]
    if name in form.secret and value == LONG:
        # An over-long password is refused by the form, before any (deliberately slow) hashing.
        def no_hashing():
            raise AssertionError("a 10,000-character password was hashed")

        monkeypatch.setattr(app.passwords, "password_hasher", no_hashing)

    response = world.post(form, submission(form, name, value, world.ids))

    html = page_of(response)
    assert response.status_code == 422, html
    if message is ANY_ERROR:
        assert f'id="{name}-error"' in html
    else:
        assert str(escape(message)) in html
    if name in form.shown_again:
        shown = value.strip() if name in STRIPPED else value
        assert f'value="{escape(shown)}"' in html, "the typed value is not in the form any more"
    if name in form.secret and value and value.strip():
        assert str(escape(value)) not in html, "a password was sent back to the browser"
    assert snapshot(world.app) == world.built, "a refused submission changed the database"


ID_ROUTES = {
    "/expenses/{}/edit": ("bob_expense", EXPENSE),
    "/expenses/{}/delete": ("bob_expense", {}),
    "/categories/{}/edit": ("bob_category", CATEGORY),
    "/categories/{}/delete": ("bob_category", {"fate": "delete"}),
}
URL_IDS = ["OTHER", "999999", HUGE_ID, "0", "-1", "abc", "1.5", "1;DROP", "%00", "%20"]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("route", ID_ROUTES)
@pytest.mark.parametrize("url_id", URL_IDS)
def test_id_in_url_that_is_not_yours_is_not_found(world, method, route, url_id):
    other, valid = ID_ROUTES[route]
    path = route.format(world.ids[other] if url_id == "OTHER" else url_id)
    if method == "GET":
        response = world.alice.get(path)
    else:
        # What would succeed on an id of Alice's own: Bob's expense or category must survive it.
        data = {key: resolve(v, world.ids) for key, v in valid.items()}
        response = world.alice.post(path, data={**data, "csrf_token": world.tokens[world.alice]})

    html = page_of(response)
    assert response.status_code == 404, html
    assert "Page not found" in html
    assert "Bob&#39;s lunch" not in html
    assert snapshot(world.app) == world.built


# The tests below write, so each gets a fresh database from the conftest fixtures.


@pytest.fixture
def fresh(app):
    """An empty database: the shared world of the tests above is kept until the module ends."""
    with app.app_context():
        _empty_tables()


@pytest.fixture
def mine(fresh, app, user) -> dict:
    """Alice (signed in on `client`) with an expense in Transport: the ids the forms refer to."""
    return {
        "alice": user.id,
        "food": category_id(app, user.id, "Food & groceries"),
        "transport": category_id(app, user.id, "Transport"),
        "alice_expense": add_expense(app, user.id, "Transport", 999, date(2024, 1, 15), "Bus"),
    }


def submit(app, client, form: Form, data: dict, ids: dict):
    """Post as Alice, or as a visitor who is not signed in for the register and login forms."""
    return post_form(client if form.signed_in else app.test_client(), form.path.format(**ids), data)


def stored(app, form_name: str, name: str, ids: dict):
    """What the database holds for the field the form just saved."""
    with app.app_context():
        if form_name == "register":
            return db.session.scalar(select(User.email).order_by(User.id.desc()).limit(1))
        if form_name == "settings":
            ledger = db.session.scalar(select(Ledger).where(Ledger.personal_user_id == ids["alice"]))
            return {"monthly_budget": ledger.monthly_budget_cents, "currency": ledger.currency, "name": ledger.name}[
                name
            ]
        if form_name.endswith("expense"):
            newest = db.session.scalar(select(func.max(Expense.id)))
            expense = db.session.get(Expense, ids["alice_expense"] if form_name == "edit expense" else newest)
            values = {
                "amount": expense.amount_cents,
                "description": expense.description,
                "category_id": expense.category_id,
                "spent_on": expense.spent_on.isoformat(),
            }
            return values[name]
        newest = db.session.scalar(select(func.max(Category.id)))
        category = db.session.get(Category, ids["food"] if form_name == "edit category" else newest)
        assert category.name_key == category.name.casefold()
        return {"name": category.name, "color": category.color}[name]


def row_counts(app) -> dict:
    with app.app_context():
        models = (User, Category, Expense)
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model)) for model in models}


# Where each form's saved text is listed, and which tables a successful submission adds rows to.
LISTED_ON = {
    "new expense": "/expenses",
    "edit expense": "/expenses",
    "new category": "/categories",
    "edit category": "/categories",
}
ADDS_ROWS = {
    "new expense": {"expenses": 1},
    "new category": {"categories": 1},
    "register": {"users": 1, "categories": 8},
}


@pytest.mark.parametrize(("form_name", "name", "value", "expected"), cases(ACCEPTED))
def test_form_stores_tricky_input_exactly(app, client, mine, form_name, name, value, expected):
    form = FORMS[form_name]
    before = row_counts(app)

    response = submit(app, client, form, submission(form, name, value, mine), mine)

    assert response.status_code == 302, page_of(response)
    expected = int(resolve(expected, mine)) if isinstance(expected, Ref) else expected
    assert stored(app, form_name, name, mine) == expected
    # Every table is still there (SQL in the text is only text), with just the form's own new rows.
    added = ADDS_ROWS.get(form_name, {})
    assert row_counts(app) == {table: count + added.get(table, 0) for table, count in before.items()}
    if form_name in LISTED_ON and isinstance(expected, str):
        assert str(escape(expected)) in page_of(client.get(LISTED_ON[form_name]))


@pytest.mark.parametrize("form_name", FORMS)
def test_valid_submission_is_accepted(app, client, mine, form_name):
    """The baseline each case changes one field of: without the hostile value, the form succeeds."""
    form = FORMS[form_name]
    response = submit(app, client, form, {key: resolve(v, mine) for key, v in form.valid.items()}, mine)
    assert response.status_code == 302, page_of(response)


def test_script_is_shown_as_text_on_every_page(app, client, mine):
    response = post_form(client, "/categories", {"name": SCRIPT, "color": "#123456"}, follow_redirects=True)
    assert ESCAPED_SCRIPT in page_of(response)  # also in the flash message
    category = category_id(app, mine["alice"], SCRIPT)
    data = {"amount": "1.00", "description": SCRIPT, "category_id": category, "spent_on": date.today().isoformat()}
    response = post_form(client, "/expenses/new", data, follow_redirects=True)
    assert ESCAPED_SCRIPT in page_of(response)
    with app.app_context():
        expense = db.session.scalar(select(Expense.id).where(Expense.description == SCRIPT))

    pages = [
        "/",
        "/expenses",
        "/categories",
        f"/expenses/{expense}/edit",
        f"/expenses/{expense}/delete",
        f"/categories/{category}/edit",
        f"/categories/{category}/delete",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert ESCAPED_SCRIPT in page_of(response), path
    # Every other page a signed-in user can open must not echo it raw either (downloads are not HTML).
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static":
            with client.get(rule.rule) as response:  # closed as a server closes it (a download lets go of its file)
                if response.mimetype == "text/html":
                    page_of(response)
