"""The dashboard: this month's cards, the chart data, the category table, empty and over-budget states."""

import re
from datetime import date, timedelta

from app.extensions import db
from app.models import Category, Ledger, User
from tests.conftest import AuthActions, add_expense, category_id, ledger_of
from tests.pages import element_text, json_block, swatches, table_rows, text


def _month_start():
    return date.today().replace(day=1)


def _month_end():
    return (_month_start() + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _card(page, card):
    return element_text(page, f"card-{card}")


def _chart(page):
    return json_block(page, "category-chart-data")


def _category_table(page):
    """(swatch colour, name, count, spent, share) per category row, and the footer's (count, total)."""
    rows = table_rows(page, "category-table")
    colours = swatches(page, "category-table")
    (footer,) = table_rows(page, "category-table", "tfoot")
    assert footer[0] == "Total" and footer[3] == "100%"
    return [(colour, *row) for colour, row in zip(colours, rows, strict=True)], (footer[1], footer[2])


def _recent(page):
    section = re.search(r'aria-labelledby="recent-heading">(.*?)</section>', page, re.S)
    assert section, "no recent expenses section"
    return [
        (text(description), text(amount))
        for description, amount in re.findall(
            r'<div class="text-truncate">([^<]*)</div>.*?<span class="fw-semibold text-nowrap">([^<]*)</span>',
            section.group(1),
            re.S,
        )
    ]


def _spend_this_month(app, user_id):
    start = _month_start()
    today = date.today()
    add_expense(app, user_id, "Housing", 2_000_000, start, "Rent")
    add_expense(app, user_id, "Food & groceries", 250_050, today, "Groceries")
    add_expense(app, user_id, "Food & groceries", 12_345, start, "Market")
    add_expense(app, user_id, "Transport", 90_000, today, "Train tickets")
    add_expense(app, user_id, "Health", 90_000, start, "Dentist")
    # Not this month: the last day of last month and the first day of next month.
    add_expense(app, user_id, "Housing", 2_000_000, start - timedelta(days=1), "Last month's rent")
    next_month = (start + timedelta(days=32)).replace(day=1)
    add_expense(app, user_id, "Shopping", 777, next_month, "Pre-order")


def test_cards_show_this_months_exact_figures(app, client, user):
    _spend_this_month(app, user.id)
    page = client.get("/").get_data(as_text=True)
    # 20,000.00 + 2,500.50 + 123.45 + 900.00 + 900.00
    assert _card(page, "total") == "₹24,423.95"
    assert _card(page, "left") == "₹55,576.05"
    assert _card(page, "count") == "5"
    assert _card(page, "top") == "Housing"
    assert "30.5% of ₹80,000.00" in page
    assert element_text(page, "period-label") == f"{_month_start():%B %Y}"
    assert "Money left" in page
    assert 'id="empty-state"' not in page


def test_chart_data_is_exact_json(app, client, user):
    _spend_this_month(app, user.id)
    chart = _chart(client.get("/").get_data(as_text=True))
    month = f"from={_month_start().isoformat()}&to={_month_end().isoformat()}"
    links = [
        f"/expenses?category={category_id(app, user.id, name)}&{month}"
        for name in ("Housing", "Food & groceries", "Health", "Transport")
    ]
    # Largest first; equal totals by name.
    assert chart == {
        "labels": ["Housing", "Food & groceries", "Health", "Transport"],
        "colors": ["#6a1b9a", "#2e7d32", "#c62828", "#1565c0"],
        "amounts": ["20000.00", "2623.95", "900.00", "900.00"],
        "formatted": ["₹20,000.00", "₹2,623.95", "₹900.00", "₹900.00"],
        "links": links,
    }


def test_category_table_rows_are_exact(app, client, user):
    _spend_this_month(app, user.id)
    rows, total = _category_table(client.get("/").get_data(as_text=True))
    assert rows == [
        ("#6a1b9a", "Housing", "1", "₹20,000.00", "81.8%"),  # 81.887%: shares below 100% round down (app.money.percent)
        ("#2e7d32", "Food & groceries", "2", "₹2,623.95", "10.7%"),
        ("#c62828", "Health", "1", "₹900.00", "3.6%"),
        ("#1565c0", "Transport", "1", "₹900.00", "3.6%"),
    ]
    assert total == ("5", "₹24,423.95")


def test_recent_expenses_are_the_five_newest(app, client, user):
    add_expense(app, user.id, "Housing", 2_000_000, date(2025, 11, 1), "Rent")
    add_expense(app, user.id, "Transport", 250, date(2025, 11, 3), "Bus")
    add_expense(app, user.id, "Food & groceries", 12_345, date(2025, 11, 3), "Market")
    add_expense(app, user.id, "Health", 90_000, date(2025, 10, 30), "Dentist")
    add_expense(app, user.id, "Other", 5, date(2025, 11, 2), "Gum")
    add_expense(app, user.id, "Other", 7, date(2025, 11, 2), "Mints")
    # Newest date first; on the same day, the later entry first.
    assert _recent(client.get("/").get_data(as_text=True)) == [
        ("Market", "₹123.45"),
        ("Bus", "₹2.50"),
        ("Mints", "₹0.07"),
        ("Gum", "₹0.05"),
        ("Rent", "₹20,000.00"),
    ]


def test_category_and_description_text_is_escaped_in_the_chart_and_table(app, client, user):
    name = "</script><script>alert(1)</script>"
    with app.app_context():
        db.session.execute(
            db.update(Category)
            .where(Category.ledger_id == ledger_of(user.id), Category.name == "Other")
            .values(name=name, name_key=name.casefold())
        )
        db.session.commit()
    add_expense(app, user.id, name, 100, date.today(), "<b>bold</b>")
    page = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    # tojson escapes <, > and & so the JSON block cannot be closed early, and still parses back.
    assert _chart(page)["labels"] == [name]
    rows, _ = _category_table(page)
    assert rows == [("#546e7a", name, "1", "₹1.00", "100.0%")]


def test_new_user_sees_the_empty_state(client, user):
    page = client.get("/").get_data(as_text=True)
    assert 'id="empty-state"' in page
    assert "No expenses yet" in page
    assert "against your budget of ₹80,000.00 a month" in page
    assert _card(page, "total") == "₹0.00"
    assert _card(page, "left") == "₹80,000.00"
    assert _card(page, "count") == "0"
    assert _card(page, "top") == "—"
    assert "0.0% of ₹80,000.00" in page
    assert _chart(page) is None
    assert 'id="category-table"' not in page
    assert "Nothing spent in this period." in page
    assert "Your latest expenses will show here." in page


def test_only_last_months_expenses_shows_zero_this_month_without_the_empty_state(app, client, user):
    add_expense(app, user.id, "Housing", 2_000_000, _month_start() - timedelta(days=1), "Last month's rent")
    page = client.get("/").get_data(as_text=True)
    assert 'id="empty-state"' not in page
    assert _card(page, "total") == "₹0.00"
    assert _card(page, "count") == "0"
    assert _card(page, "top") == "—"
    assert _chart(page) is None
    assert _recent(page) == [("Last month's rent", "₹20,000.00")]


def test_over_budget_shows_negative_money_left(app, client, user):
    with app.app_context():
        db.session.execute(
            db.update(Ledger).where(Ledger.personal_user_id == user.id).values(monthly_budget_cents=100_000)
        )
        db.session.commit()
    add_expense(app, user.id, "Shopping", 100_001, date.today(), "Laptop")
    page = client.get("/").get_data(as_text=True)
    assert _card(page, "total") == "₹1,000.01"
    assert _card(page, "left") == "-₹0.01"
    assert "Over budget" in page
    assert 'text-danger" id="card-left"' in page
    assert "100.1% of ₹1,000.00" in page  # 100.001%: rounded up, never "100.0%" when over


def test_a_budget_of_zero_has_no_share(app, client, user):
    with app.app_context():
        db.session.execute(db.update(Ledger).where(Ledger.personal_user_id == user.id).values(monthly_budget_cents=0))
        db.session.commit()
    add_expense(app, user.id, "Shopping", 500, date.today(), "Socks")
    page = client.get("/").get_data(as_text=True)
    assert _card(page, "left") == "-₹5.00"
    assert "No budget set" in page
    assert "% of ₹0.00" not in page


def test_another_users_expenses_are_not_counted(app, client, user):
    add_expense(app, user.id, "Transport", 1_000, date.today(), "Bus")
    other = app.test_client()
    AuthActions(other).register(email="bob@example.com")
    with app.app_context():
        bob = db.session.scalar(db.select(User.id).where(User.email == "bob@example.com"))
    add_expense(app, bob, "Housing", 5_000_000, date.today(), "Bob's rent")
    page = client.get("/").get_data(as_text=True)
    assert _card(page, "total") == "₹10.00"
    assert _card(page, "count") == "1"
    assert _card(page, "top") == "Transport"
    bob_page = other.get("/").get_data(as_text=True)
    assert _card(bob_page, "total") == "₹50,000.00"
    assert _card(bob_page, "top") == "Housing"
