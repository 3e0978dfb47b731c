"""Categories that fill themselves (issue 20): filing rules (pages, order, off switch, first match
wins), the import preview's categories with reasons, "Always file … under …?", applying rules to
stored expenses and undoing it, and quick add in plain words (JSON for the dialog, prefill without
scripts). Figures and texts are exact."""

import json
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app import clock
from app.category_rules import rule_phrase
from app.extensions import db
from app.models import CategoryRule, Expense, RuleRun, RuleRunChange
from tests.conftest import PASSWORD, add_expense, category_id, count_rows, ledger_of, post_form, recorded_statements
from tests.pages import element_text, field_errors, flashes, input_value, selected_option, text
from tests.test_backup import download, normalised, restore
from tests.test_import import do_import, expenses, page, upload_ok

UNDERSTAND = "/expenses/quick-add/understand.json"
# Sunday 6 December 2026, 10:00 UTC.
NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def rule_form(app, user_id, **fields):
    data = {
        "description_op": "contains",
        "description_value": "TESCO",
        "amount_min": "",
        "amount_max": "",
        "source_category": "",
        "category_id": str(category_id(app, user_id, "Food & groceries")),
        "rewrite_description": "",
    }
    data.update(fields)
    return data


def add_rule(client, app, user_id, **fields) -> int:
    response = post_form(client, "/rules/new", rule_form(app, user_id, **fields))
    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    with app.app_context():
        return db.session.scalar(select(CategoryRule.id).order_by(CategoryRule.id.desc()).limit(1))


def rules(app, user_id) -> list[tuple]:
    """(conditions, category name, rewrite, enabled) of each rule, in order."""
    with app.app_context():
        rows = db.session.scalars(
            select(CategoryRule)
            .where(CategoryRule.ledger_id == ledger_of(user_id))
            .order_by(CategoryRule.position, CategoryRule.id)
        )
        return [
            (
                rule.description_op,
                rule.description_value,
                rule.amount_min_cents,
                rule.amount_max_cents,
                rule.category.name if rule.category else None,
                rule.rewrite_description,
                rule.enabled,
            )
            for rule in rows
        ]


def listed_rules(client) -> list[str]:
    html = page(client, "/rules/")
    return [text(item) for item in re.findall(r'<span class="fw-semibold rule-conditions">(.*?)</small>', html, re.S)]


# Rules pages


def test_rules_are_added_listed_moved_switched_off_edited_and_deleted(app, client, user):
    html = page(client, "/rules/")
    assert element_text(html, "no-category-rules").startswith("No rules yet.")
    assert 'href="/rules/"' in page(client, "/categories")

    tesco = add_rule(client, app, user.id)
    amazon = add_rule(
        client,
        app,
        user.id,
        description_op="starts_with",
        description_value="AMZN Mktp",
        amount_min="1.00",
        amount_max="500",
        category_id=str(category_id(app, user.id, "Shopping")),
        rewrite_description="Amazon",
    )
    assert rules(app, user.id) == [
        ("contains", "TESCO", None, None, "Food & groceries", None, True),
        ("starts_with", "AMZN Mktp", 100, 50_000, "Shopping", "Amazon", True),
    ]
    assert listed_rules(client) == [
        "contains “TESCO” → file under Food & groceries",
        "starts with “AMZN Mktp” · amount ₹1.00 to ₹500.00 → file under Shopping · call it “Amazon”",
    ]

    assert post_form(client, f"/rules/{amazon}/move", {"direction": "up"}).status_code == 302
    assert [r[1] for r in rules(app, user.id)] == ["AMZN Mktp", "TESCO"]
    post_form(client, f"/rules/{amazon}/move", {"direction": "up"})  # already first: nothing moves
    assert [r[1] for r in rules(app, user.id)] == ["AMZN Mktp", "TESCO"]
    post_form(client, f"/rules/{amazon}/move", {"direction": "down"})
    assert [r[1] for r in rules(app, user.id)] == ["TESCO", "AMZN Mktp"]

    response = post_form(client, f"/rules/{tesco}/switch", {"enabled": "0"})
    assert response.headers["Location"] == f"/rules/#category-rule-{tesco}"
    assert [r[6] for r in rules(app, user.id)] == [False, True]
    html = page(client, "/rules/")
    assert element_text(html, f"category-rule-{tesco}").startswith("contains “TESCO” → file under Food & groceries Off")
    post_form(client, f"/rules/{tesco}/switch", {"enabled": "1"})
    assert [r[6] for r in rules(app, user.id)] == [True, True]

    html = page(client, f"/rules/{tesco}/edit")
    assert input_value(html, "description_value") == "TESCO"
    assert selected_option(html, "description_op") == "contains"
    response = post_form(client, f"/rules/{tesco}/edit", rule_form(app, user.id, description_value="TESCO STORES"))
    assert response.status_code == 302
    assert rules(app, user.id)[0][1] == "TESCO STORES"

    assert post_form(client, f"/rules/{amazon}/delete").status_code == 302
    assert [r[1] for r in rules(app, user.id)] == ["TESCO STORES"]


def test_bad_rules_are_refused_with_clear_errors_and_nothing_is_written(app, client, user):
    cases = [
        ({"description_op": "regex", "description_value": "(unclosed"}, "description_value"),
        ({"description_value": ""}, "description_value"),
        ({"description_op": ""}, "description_op"),
        ({"category_id": "", "rewrite_description": ""}, "category_id"),
        ({"amount_min": "50", "amount_max": "10"}, "amount_max"),
        ({"amount_min": "abc"}, "amount_min"),
        ({"category_id": "999999"}, "category_id"),
    ]
    for fields, field in cases:
        response = post_form(client, "/rules/new", rule_form(app, user.id, **fields))
        assert response.status_code == 422, fields
        assert field in field_errors(response.get_data(as_text=True)), (
            fields,
            field_errors(response.get_data(as_text=True)),
        )
    errors = field_errors(
        post_form(
            client, "/rules/new", rule_form(app, user.id, description_op="regex", description_value="(a")
        ).get_data(as_text=True)
    )
    assert errors["description_value"].startswith("That is not a regular expression this app can read:")
    assert count_rows(app, CategoryRule) == 0


def test_the_first_matching_rule_wins_and_a_rule_switched_off_is_skipped(app, client, user):
    food = add_rule(client, app, user.id, description_value="tesco")
    add_rule(client, app, user.id, description_value="metro", category_id=str(category_id(app, user.id, "Transport")))
    answer = client.get(UNDERSTAND, query_string={"say": "TESCO METRO 12.00"}).get_json()
    assert (answer["category"], answer["reason"]) == ("Food & groceries", "rule 1: contains “tesco”")
    post_form(client, f"/rules/{food}/switch", {"enabled": "0"})
    answer = client.get(UNDERSTAND, query_string={"say": "TESCO METRO 12.00"}).get_json()
    assert (answer["category"], answer["reason"]) == ("Transport", "rule 2: contains “metro”")


def test_a_catastrophic_regular_expression_counts_as_no_match(app, client, user):
    add_rule(client, app, user.id, description_op="regex", description_value="(a+)+$")
    answer = client.get(UNDERSTAND, query_string={"say": "a" * 40 + "b 3.00"}).get_json()
    assert answer["reason"] == "no guess"


def test_deleting_a_category_moves_its_rules_with_its_expenses_or_deletes_them(app, client, user):
    add_rule(client, app, user.id, category_id=str(category_id(app, user.id, "Shopping")))
    add_rule(client, app, user.id, description_value="uber", category_id=str(category_id(app, user.id, "Transport")))
    add_expense(app, user.id, "Shopping", 500)
    response = post_form(
        client,
        f"/categories/{category_id(app, user.id, 'Shopping')}/delete",
        {"fate": "move", "move_to": category_id(app, user.id, "Other")},
    )
    assert response.status_code == 302
    assert [(r[1], r[4]) for r in rules(app, user.id)] == [("TESCO", "Other"), ("uber", "Transport")]
    response = post_form(client, f"/categories/{category_id(app, user.id, 'Transport')}/delete", {"fate": "delete"})
    assert response.status_code == 302
    assert [(r[1], r[4]) for r in rules(app, user.id)] == [("TESCO", "Other")]


# The import preview

FIRST_FILE = """Date,Description,Amount
2026-11-02,TESCO STORES 3412,-23.10
2026-11-03,SHELL 0042 LONDON,-40.00
2026-11-04,TESCO STORES 3412,-11.00
2026-11-05,NETFLIX.COM,-9.99
"""
SECOND_FILE = """Date,Description,Amount
2026-11-20,TESCO STORES 3412,-30.00
2026-11-21,SHELL 0042 LONDON,-35.50
2026-11-22,NETFLIX.COM,-9.99
2026-11-23,NEWSAGENT,-2.00
"""


def to_preview(client, content) -> int:
    draft_id = upload_ok(client, content)
    post_form(
        client, f"/import/{draft_id}/columns", {"date_column": "0", "description_column": "1", "amount_column": "2"}
    )
    post_form(
        client,
        f"/import/{draft_id}/formats",
        {"date_format": "YYYY-MM-DD", "decimal_mark": ".", "spending_sign": "negative"},
    )
    return draft_id


def row_categories(html) -> list[tuple[str, str, str]]:
    """(line, selected category, reason) of each row the preview lets a person change."""
    rows = []
    for line in re.findall(r'id="row-category-(\d+)"', html):
        select = re.search(rf'<select[^>]*name="row-category-{line}"[^>]*>(.*?)</select>', html, re.S).group(1)
        chosen = re.search(r"<option[^>]*selected>(.*?)</option>", select)
        rows.append((line, text(chosen.group(1)) if chosen else "", element_text(html, f"row-reason-{line}")))
    return rows


def test_a_second_file_is_pre_categorised_from_the_first_categorised_by_hand(app, client, user):
    food, transport = category_id(app, user.id, "Food & groceries"), category_id(app, user.id, "Transport")
    entertainment = category_id(app, user.id, "Entertainment")
    first = to_preview(client, FIRST_FILE)
    assert row_categories(page(client, f"/import/{first}/preview")) == [
        ("2", "Imported (new)", "no guess"),
        ("3", "Imported (new)", "no guess"),
        ("4", "Imported (new)", "no guess"),
        ("5", "Imported (new)", "no guess"),
    ]
    # Categorised by hand, row by row, then imported.
    chosen = {"2": food, "3": transport, "4": food, "5": entertainment}
    choices = {f"row-category-{line}": str(cid) for line, cid in chosen.items()}
    choices |= {f"row-shown-{line}": "" for line in chosen}
    response = post_form(client, f"/import/{first}/preview", {"default_category": "", "refresh": "1", **choices})
    assert response.status_code == 302
    html = page(client, f"/import/{first}/preview")
    assert row_categories(html) == [
        ("2", "Food & groceries", "chosen by you"),
        ("3", "Transport", "chosen by you"),
        ("4", "Food & groceries", "chosen by you"),
        ("5", "Entertainment", "chosen by you"),
    ]
    assert [text(s) for s in re.findall(r"<span>(Always file .*?)</span>", html)] == [
        "Always file “TESCO STORES” under Food & groceries?",
        "Always file “SHELL” under Transport?",
        "Always file “NETFLIX.COM” under Entertainment?",
    ]
    assert do_import(client, first).headers["Location"] == "/imports"
    assert expenses(app, user.id) == [
        ("2026-11-02", "TESCO STORES 3412", "Food & groceries", 2310),
        ("2026-11-03", "SHELL 0042 LONDON", "Transport", 4000),
        ("2026-11-04", "TESCO STORES 3412", "Food & groceries", 1100),
        ("2026-11-05", "NETFLIX.COM", "Entertainment", 999),
    ]

    # One rule besides what was learned: it wins over the history.
    add_rule(client, app, user.id, description_value="NETFLIX", category_id=str(entertainment))
    second = to_preview(client, SECOND_FILE)
    html = page(client, f"/import/{second}/preview")
    assert row_categories(html) == [
        ("2", "Food & groceries", "“tesco” was Food & groceries 2 of 2 times · 99% sure"),
        ("3", "Transport", "“shell” was Transport 1 of 1 time · 99% sure"),
        ("4", "Entertainment", "rule 1: contains “NETFLIX”"),
        ("5", "Imported (new)", "no guess"),
    ]
    assert do_import(client, second).headers["Location"] == "/imports"
    assert expenses(app, user.id)[4:] == [
        ("2026-11-20", "TESCO STORES 3412", "Food & groceries", 3000),
        ("2026-11-21", "SHELL 0042 LONDON", "Transport", 3550),
        ("2026-11-22", "NETFLIX.COM", "Entertainment", 999),
        ("2026-11-23", "NEWSAGENT", "Imported", 200),
    ]


def test_a_rewrite_rule_renames_rows_and_the_same_file_is_still_a_duplicate(app, client, user):
    text_file = "Date,Description,Amount\n2026-11-02,AMZN Mktp DE*2X4K81,-19.99\n"
    first = to_preview(client, text_file)
    do_import(client, first)
    add_rule(
        client,
        app,
        user.id,
        description_op="starts_with",
        description_value="AMZN Mktp",
        category_id=str(category_id(app, user.id, "Shopping")),
        rewrite_description="Amazon",
    )
    again = to_preview(client, text_file)
    html = page(client, f"/import/{again}/preview")
    assert element_text(html, "count-duplicate") == "1"
    other = to_preview(client, "Date,Description,Amount\n2026-11-03,AMZN Mktp DE*9ZZ,-5.00\n")
    html = page(client, f"/import/{other}/preview")
    assert row_categories(html) == [("2", "Shopping", "rule 1: starts with “AMZN Mktp”")]
    assert do_import(client, other, {"default_category": "Imported"}).headers["Location"] == "/imports"
    assert expenses(app, user.id)[-1] == ("2026-11-03", "Amazon", "Shopping", 500)


def test_always_file_creates_exactly_one_rule_first_in_order(app, client, user):
    add_rule(client, app, user.id, description_value="STORES", category_id=str(category_id(app, user.id, "Other")))
    page(client, "/rules/")  # shows "Added the rule."
    food = category_id(app, user.id, "Food & groceries")
    data = {"description": "TESCO STORES 3412 LONDON", "category_id": str(food), "next": "/rules/"}
    response = post_form(client, "/rules/always", data)
    assert response.headers["Location"] == "/rules/"
    assert flashes(page(client, "/rules/")) == ["From now on, “TESCO STORES” is filed under Food & groceries."]
    response = post_form(client, "/rules/always", data, follow_redirects=True)
    assert flashes(response.get_data(as_text=True)) == ["“TESCO STORES” was already filed under Food & groceries."]
    assert rules(app, user.id) == [
        ("contains", "TESCO STORES", None, None, "Food & groceries", None, True),
        ("contains", "STORES", None, None, "Other", None, True),
    ]
    assert post_form(client, "/rules/always", {**data, "category_id": "999999"}).status_code == 400
    assert post_form(client, "/rules/always", {**data, "next": "https://evil.example/"}).headers["Location"] == "/"
    assert count_rows(app, CategoryRule) == 2


def test_correcting_an_expense_category_offers_the_rule_in_one_click(app, client, user):
    expense_id = add_expense(app, user.id, "Other", 2310, date(2026, 11, 2), "TESCO STORES 3412")
    food = category_id(app, user.id, "Food & groceries")
    form = {"amount": "23.10", "description": "TESCO STORES 3412", "category_id": str(food), "spent_on": "2026-11-02"}
    response = post_form(client, f"/expenses/{expense_id}/edit", form, follow_redirects=True)
    html = response.get_data(as_text=True)
    offer = element_text(html, "always-file-offer")
    assert offer == "Always file “TESCO STORES” under Food & groceries? Create this rule"
    assert input_value(html, "description") == "TESCO STORES 3412"
    response = post_form(
        client, "/rules/always", {"description": "TESCO STORES 3412", "category_id": str(food), "next": "/expenses"}
    )
    assert response.headers["Location"] == "/expenses"
    assert rules(app, user.id) == [("contains", "TESCO STORES", None, None, "Food & groceries", None, True)]
    # Saved again without a change of category: no offer.
    html = post_form(client, f"/expenses/{expense_id}/edit", form, follow_redirects=True).get_data(as_text=True)
    assert "always-file-offer" not in html


# Apply to existing expenses, and undo


def test_applying_rules_to_stored_expenses_previews_applies_and_undoes(app, client, user):
    first = add_expense(app, user.id, "Other", 1999, date(2026, 11, 2), "AMZN Mktp DE*2X4K81")
    second = add_expense(app, user.id, "Other", 500, date(2026, 11, 3), "AMZN Mktp DE*9ZZ")
    add_expense(app, user.id, "Other", 300, date(2026, 11, 4), "Bakery")
    html = page(client, "/rules/apply")
    assert element_text(html, "apply-count") == "The rules would change none of your expenses. Back to the rules"
    add_rule(
        client,
        app,
        user.id,
        description_op="starts_with",
        description_value="AMZN",
        category_id=str(category_id(app, user.id, "Shopping")),
        rewrite_description="Amazon",
    )
    html = page(client, "/rules/apply")
    assert element_text(html, "apply-count") == "The rules would change 2 expenses."
    assert input_value(html, "expected") == "2"
    # A count that is not what the preview showed changes nothing.
    response = post_form(client, "/rules/apply", {"expected": "3"}, follow_redirects=True)
    assert flashes(response.get_data(as_text=True)) == [
        "The expenses or the rules changed since the preview, so nothing was changed. Check it again."
    ]
    assert count_rows(app, RuleRun) == 0
    response = post_form(client, "/rules/apply", {"expected": "2"}, follow_redirects=True)
    assert flashes(response.get_data(as_text=True)) == ["Changed 2 expenses. You can undo this on the rules page."]
    assert expenses(app, user.id) == [
        ("2026-11-02", "Amazon", "Shopping", 1999),
        ("2026-11-03", "Amazon", "Shopping", 500),
        ("2026-11-04", "Bakery", "Other", 300),
    ]
    assert count_rows(app, RuleRunChange) == 2
    with app.app_context():
        run_id = db.session.scalar(select(RuleRun.id))
    # An expense edited since the run is left as it is by the undo.
    with app.app_context():
        db.session.get(Expense, second).description = "Amazon gift"
        db.session.commit()
    response = post_form(client, f"/rules/runs/{run_id}/undo", follow_redirects=True)
    assert flashes(response.get_data(as_text=True)) == [
        "Put back 1 expense as it was. 1 expense changed since was left as it is."
    ]
    assert expenses(app, user.id) == [
        ("2026-11-02", "AMZN Mktp DE*2X4K81", "Other", 1999),
        ("2026-11-03", "Amazon gift", "Shopping", 500),
        ("2026-11-04", "Bakery", "Other", 300),
    ]
    assert (count_rows(app, RuleRun), count_rows(app, RuleRunChange)) == (0, 0)
    assert first


# Quick add in plain words


def seed_coffees(app, user_id):
    for day in (1, 2, 3):
        add_expense(app, user_id, "Food & groceries", 350, date(2026, 11, day), "Coffee")


def test_quick_add_reads_a_line_with_the_learned_category_and_saves_nothing(app, client, user, monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)
    seed_coffees(app, user.id)
    response = client.get(UNDERSTAND, query_string={"say": "coffee 4.50 yesterday"})
    assert response.status_code == 200
    assert response.get_json() == {
        "amount": "4.50",
        "amount_text": "₹4.50",
        "spent_on": "2026-12-05",
        "date_text": "Dec 5, 2026",
        "description": "coffee",
        "category_id": category_id(app, user.id, "Food & groceries"),
        "category": "Food & groceries",
        "reason": "“coffee” was Food & groceries 3 of 3 times · 100% sure",
        "source": "history",
    }
    tagged = client.get(UNDERSTAND, query_string={"say": "uber 23.10 #transport"}).get_json()
    assert (tagged["category"], tagged["reason"], tagged["description"]) == (
        "Transport",
        "you wrote #transport",
        "uber",
    )
    count = count_rows(app, Expense)
    for line, message in [
        ("coffee", "There is no amount in that line. Add one, like “coffee 4.50”."),
        ("4.50", "Say what it was for too, like “coffee 4.50”."),
        ("tea 3 #nosuch", "You have no category “nosuch”."),
    ]:
        response = client.get(UNDERSTAND, query_string={"say": line})
        assert (response.status_code, response.get_json()) == (422, {"error": message})
    assert count_rows(app, Expense) == count


def test_without_scripts_the_full_form_is_prefilled_from_the_same_line(app, client, user):
    seed_coffees(app, user.id)
    html = page(client, "/expenses/new?say=coffee+4.50+2026-11-20")
    assert input_value(html, "amount") == "4.50"
    assert input_value(html, "description") == "coffee"
    assert input_value(html, "spent_on") == "2026-11-20"
    assert selected_option(html, "category_id") == str(category_id(app, user.id, "Food & groceries"))
    assert element_text(html, "understood") == (
        "Understood — check it, then add: ₹4.50 · Nov 20, 2026 · Food & groceries "
        "(“coffee” was Food & groceries 3 of 3 times · 100% sure) · coffee"
    )
    html = page(client, "/expenses/new?say=coffee")
    assert field_errors(html)["say"] == "There is no amount in that line. Add one, like “coffee 4.50”."
    assert count_rows(app, Expense) == 3


@pytest.mark.parametrize(
    ("description", "condition"),
    [
        ("TESCO STORES 3412 LONDON", ("contains", "TESCO STORES")),
        ("AMZN Mktp DE*2X4K81", ("contains", "AMZN Mktp DE")),
        ("CARD PAYMENT TO PRET A MANGER 1234", ("contains", "CARD PAYMENT TO PRET")),
        ("NETFLIX.COM", ("contains", "NETFLIX.COM")),
        ("BP 12", ("equals", "BP 12")),
    ],
)
def test_a_one_click_rule_keeps_the_words_that_name_the_shop(description, condition):
    assert rule_phrase(description) == condition


def test_the_rules_page_runs_as_many_statements_for_twenty_rules_as_for_two(app, client, user):
    def statements() -> int:
        client.get("/rules/")
        with recorded_statements(app) as seen:
            assert client.get("/rules/").status_code == 200
        return len(seen)

    for n in range(2):
        add_rule(client, app, user.id, description_value=f"shop {n}")
    few = statements()
    for n in range(2, 20):
        add_rule(client, app, user.id, description_value=f"shop {n}")
    # session, the account's ledgers (the navbar's and the current one), due recurring rules, the
    # rules (with their categories), the latest run
    assert (few, statements()) == (5, 5)
    assert len(listed_rules(client)) == 20


# Backup and restore


def test_filing_rules_are_in_the_backup_and_restore_in_order(app, client, user):
    add_rule(client, app, user.id)
    regex = add_rule(
        client,
        app,
        user.id,
        description_op="regex",
        description_value=r"^AMZN\s",
        amount_min="1.00",
        amount_max="1.00",
        source_category="Online",
        category_id="",
        rewrite_description="Amazon",
    )
    post_form(client, f"/rules/{regex}/switch", {"enabled": "0"})
    first = download(client)
    document = json.loads(first)
    assert [{k: v for k, v in rule.items() if k != "created_at"} for rule in document["filing_rules"]] == [
        {
            "enabled": True,
            "description_op": "contains",
            "description_value": "TESCO",
            "amount_min": None,
            "amount_max": None,
            "source_category": None,
            "category": "Food & groceries",
            "rewrite_description": None,
        },
        {
            "enabled": False,
            "description_op": "regex",
            "description_value": r"^AMZN\s",
            "amount_min": "1.00",
            "amount_max": "1.00",
            "source_category": "Online",
            "category": None,
            "rewrite_description": "Amazon",
        },
    ]
    # Replacing the ledger's data with its own backup: the rules as they were, not twice.
    add_rule(client, app, user.id, description_value="after the backup")
    response = restore(client, first, replace=True, password=PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert rules(app, user.id) == [
        ("contains", "TESCO", None, None, "Food & groceries", None, True),
        ("regex", r"^AMZN\s", 100, 100, None, "Amazon", False),
    ]
    assert normalised(download(client)) == normalised(first)
    # A ledger without rules backs up without the key, as before.
    for rule_id in db_rule_ids(app):
        post_form(client, f"/rules/{rule_id}/delete")
    assert "filing_rules" not in json.loads(download(client))


def db_rule_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(CategoryRule.id)))


def test_a_backup_with_a_broken_filing_rule_is_refused(app, client, user):
    add_rule(client, app, user.id)
    damaged = download(client).replace('"description_op": "contains"', '"description_op": "regex"', 1)
    damaged = damaged.replace('"description_value": "TESCO"', '"description_value": "(TESCO"', 1)
    response = restore(client, damaged, replace=True, password=PASSWORD)
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html
    assert "The backup is damaged or was edited: filing_rules[0].description_value That is not a regular" in html
    assert rules(app, user.id) == [("contains", "TESCO", None, None, "Food & groceries", None, True)]
