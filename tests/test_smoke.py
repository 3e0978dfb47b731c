from tests.conftest import add_expense, post_form


def test_dashboard_shows_month_total(client, app, user):
    add_expense(app, user.id, "Transport", 1250)
    add_expense(app, user.id, "Housing", 10)
    html = client.get("/").get_data(as_text=True)
    assert 'id="card-total">₹12.60<' in html


def test_add_expense_form(client, app, user):
    response = post_form(
        client,
        "/expenses/new",
        {"amount": "1,234.50", "description": "Rent", "category_id": "1", "spent_on": "2026-11-02"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
