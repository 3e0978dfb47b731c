"""The page cache: a repeat view costs no rendering, and no change of any kind is ever hidden by it."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from app import create_app, pagecache
from app.extensions import db
from app.pagecache import PageCache
from tests.conftest import AuthActions, add_expense, category_id, post_form, recorded_statements

CACHED = ["/", "/expenses", "/expenses?q=tea&per_page=50", "/reports", "/budgets"]


def _view(app, client, path):
    """The page and the SQL statements it took."""
    with recorded_statements(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True), statements


def _rows(html):
    return re.findall(r'<td class="text-break">([^<\n]*)', html)


@pytest.mark.parametrize("path", CACHED)
def test_a_repeat_view_is_the_same_page_with_only_the_session_lookup(app, client, user, path):
    add_expense(app, user.id, "Food & groceries", 1250, description="tea")
    client.get(path)  # the first view puts the CSRF secret in the session
    first, rendering = _view(app, client, path)
    again, serving = _view(app, client, path)
    assert again == first
    assert len(rendering) > 1
    # The session and its user, one statement: nothing else is read for the page.
    assert len(serving) == 1 and "user_sessions" in serving[0]


def test_pages_that_are_not_kept_are_rendered_every_time(app, client, user):
    client.get("/categories")
    _, first = _view(app, client, "/categories")
    _, again = _view(app, client, "/categories")
    assert len(again) == len(first) > 1


def _warm(client, path):
    client.get(path)
    client.get(path)


def test_a_new_expense_shows_at_once(app, client, user):
    add_expense(app, user.id, "Food & groceries", 1000, description="Bread")
    _warm(client, "/expenses")
    add_expense(app, user.id, "Food & groceries", 2000, description="Cheese")
    html = client.get("/expenses").get_data(as_text=True)
    assert _rows(html) == ["Cheese", "Bread"]
    assert '<span id="list-count">2 expenses</span>' in html


def test_an_edited_and_a_deleted_expense_show_at_once(app, client, user):
    bread = add_expense(app, user.id, "Food & groceries", 1000, description="Bread")
    add_expense(app, user.id, "Food & groceries", 2000, description="Cheese")
    _warm(client, "/expenses")
    food = category_id(app, user.id, "Food & groceries")
    form = {"amount": "10.00", "description": "Rye bread", "category_id": food, "spent_on": date.today().isoformat()}
    assert post_form(client, f"/expenses/{bread}/edit", form).status_code == 302
    client.get("/expenses")  # shows the flash, and is not kept
    assert _rows(client.get("/expenses").get_data(as_text=True)) == ["Cheese", "Rye bread"]
    assert post_form(client, f"/expenses/{bread}/delete").status_code == 302
    client.get("/expenses")
    assert _rows(client.get("/expenses").get_data(as_text=True)) == ["Cheese"]


def test_a_renamed_category_shows_at_once(app, client, user):
    add_expense(app, user.id, "Housing", 90000, description="Rent")
    _warm(client, "/expenses")
    _warm(client, "/")
    housing = category_id(app, user.id, "Housing")
    response = post_form(client, f"/categories/{housing}/edit", {"name": "Home", "color": "#123456"})
    assert response.status_code == 302
    client.get("/categories")  # the flash
    listing = client.get("/expenses").get_data(as_text=True)
    assert 'fill="#123456"/></svg> Home</td>' in listing
    assert "Housing" not in listing
    assert "Housing" not in client.get("/").get_data(as_text=True)


def test_a_category_changed_in_the_database_directly_shows_at_once(app, client, user):
    """Triggers move the version on, whatever writes the row: a script, an import, a restore."""
    add_expense(app, user.id, "Housing", 90000, description="Rent")
    _warm(client, "/expenses")
    with app.app_context():
        db.session.execute(text("UPDATE categories SET name = 'Flat' WHERE name = 'Housing'"))
        db.session.commit()
    assert "</svg> Flat</td>" in client.get("/expenses").get_data(as_text=True)


def test_a_new_budget_shows_at_once(app, client, user):
    add_expense(app, user.id, "Food & groceries", 5000, description="Groceries")
    _warm(client, "/budgets")
    _warm(client, "/")
    food = category_id(app, user.id, "Food & groceries")
    assert post_form(client, "/budgets", {f"limit-{food}": "100"}).status_code == 302
    client.get("/budgets")  # the flash
    budgets = client.get("/budgets").get_data(as_text=True)
    assert re.search(rf'name="limit-{food}" value="100.00"', budgets)
    assert "50.0% used · ₹50.00 left" in client.get("/").get_data(as_text=True)


def test_changed_settings_show_at_once(app, client, user):
    add_expense(app, user.id, "Food & groceries", 123456, description="Groceries")
    _warm(client, "/expenses")
    assert "₹1,234.56" in client.get("/expenses").get_data(as_text=True)
    settings = {"currency": "EUR", "monthly_budget": "900.00", "period_start_day": "1", "locale": "de_DE"}
    assert post_form(client, "/account/settings", settings).status_code == 302
    client.get("/account/settings")  # the flash
    assert "1.234,56\xa0€" in client.get("/expenses").get_data(as_text=True)


def test_the_browser_language_and_the_theme_are_part_of_the_page(app, client, user):
    add_expense(app, user.id, "Food & groceries", 123456, description="Groceries")
    _warm(client, "/expenses")
    german = client.get("/expenses", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(as_text=True)
    assert "1.234,56\xa0₹" in german
    assert "₹1,234.56" in client.get("/expenses").get_data(as_text=True)
    client.set_cookie("theme", "dark")
    assert 'data-bs-theme="dark"' in client.get("/expenses").get_data(as_text=True)


def test_a_new_day_renders_the_page_anew(app, client, user, monkeypatch):
    _warm(client, "/")
    _, same_day = _view(app, client, "/")
    tomorrow = date.today() + timedelta(days=1)
    monkeypatch.setattr(pagecache, "date", type("Tomorrow", (), {"today": staticmethod(lambda: tomorrow)}))
    _, next_day = _view(app, client, "/")
    assert len(same_day) == 1 and len(next_day) > 1


def test_one_users_page_is_never_anothers(app, user):
    add_expense(app, user.id, "Food & groceries", 1000, description="Alice's lunch")
    alice = app.test_client()
    AuthActions(alice).login()
    _warm(alice, "/expenses")
    bob = app.test_client()
    assert AuthActions(bob).register("bob@example.com").status_code == 302
    _warm(bob, "/expenses")
    html = bob.get("/expenses").get_data(as_text=True)
    assert "Alice's lunch" not in html and "No expenses yet" in html
    assert "bob@example.com" in html and "alice@example.com" not in html


def test_a_signed_out_browser_gets_the_login_page_not_the_kept_one(app, client, auth, user):
    _warm(client, "/expenses")
    assert auth.logout().status_code == 302
    response = client.get("/expenses")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_forms_of_a_kept_page_still_post(app, client, user):
    _warm(client, "/expenses")
    html = client.get("/expenses").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)
    response = client.post("/theme", data={"csrf_token": token, "theme": "dark", "next": "/expenses"})
    assert response.status_code == 302


def test_the_cache_can_be_turned_off(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, PAGE_CACHE_BYTES=0)
    assert "page_cache" not in app.extensions


def test_a_kept_page_lives_at_most_half_the_csrf_tokens_life(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_TIME_LIMIT=120)
    assert app.extensions["page_cache"].ttl == 60
    assert create_app("testing", SQLALCHEMY_DATABASE_URI=database_url).extensions["page_cache"].ttl == pagecache.TTL


ENTRY = 100 + 1 + pagecache.KEY_BYTES  # a page of 100 bytes under a one-character key


def test_the_least_recently_used_pages_go_first_when_the_cache_is_full():
    cache = PageCache(max_bytes=4 * ENTRY)
    for name in "abcd":
        cache.put((name,), name.encode() * 100)
    assert cache.get(("a",)) == b"a" * 100  # now the most recently used
    cache.put(("e",), b"e" * 100)
    assert [cache.get((name,)) is not None for name in "abcde"] == [True, False, True, True, True]
    assert len(cache) == 4
    cache.put(("big",), b"x" * 101)  # over a quarter of the cache: not kept
    assert cache.get(("big",)) is None and len(cache) == 4


def test_the_size_of_a_page_is_its_utf8_bytes():
    cache = PageCache(max_bytes=4 * (300 + 1 + pagecache.KEY_BYTES))
    for name in "abcde":
        cache.put((name,), ("₹" * 100).encode())  # 100 characters, 300 bytes
    assert [cache.get((name,)) is not None for name in "abcde"] == [False, True, True, True, True]


def test_a_kept_page_expires(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now[0])
    cache = PageCache(max_bytes=10_000)
    cache.put(("a",), b"page")
    now[0] += pagecache.TTL - 1
    assert cache.get(("a",)) == b"page"
    now[0] += 1
    assert cache.get(("a",)) is None and len(cache) == 0


def test_a_page_that_flashed_while_rendering_is_not_kept(app, client, user, monkeypatch):
    from flask import flash

    from app.expenses import routes

    add_expense(app, user.id, "Food & groceries", 1000, description="Bread")
    client.get("/expenses")
    categories = routes.user_categories

    def flashing(user_):
        flash("A one-time message.", "info")
        return categories(user_)

    monkeypatch.setattr(routes, "user_categories", flashing)
    assert "A one-time message." in client.get("/expenses").get_data(as_text=True)
    monkeypatch.setattr(routes, "user_categories", categories)
    assert "A one-time message." not in client.get("/expenses").get_data(as_text=True)
