"""Whose today: every date default, period, "days left", quick range and import check counts days
in the account's time zone (app.clock.user_today), with time frozen around midnight."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from app import clock
from app.extensions import db
from app.models import Ledger, User, utcnow
from tests.conftest import PASSWORD, add_expense, post_form
from tests.pages import element_text, field_errors, flashes, input_value, options, selected_option
from tests.test_import import counts, do_import, expenses, page, upload_ok

KOLKATA, LOS_ANGELES, AUCKLAND = "Asia/Kolkata", "America/Los_Angeles", "Pacific/Auckland"
# 20:00 UTC on Nov 30 2026: 01:30 on Dec 1 in Kolkata, 09:00 on Dec 1 in Auckland, noon on Nov 30 in LA.
EVENING_UTC = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    """Call with an aware UTC datetime; from then on the app's clock stands still at it."""

    def freeze(moment: datetime) -> None:
        assert moment.tzinfo is UTC
        monkeypatch.setattr(clock, "utcnow", lambda: moment)

    return freeze


def test_today_in_a_zone_ahead_of_utc_is_already_tomorrow(frozen):
    frozen(datetime(2026, 11, 30, 20, 0, tzinfo=UTC))
    assert clock.today_in("Asia/Kolkata") == date(2026, 12, 1)  # 01:30 on Dec 1 there
    assert clock.today_in("UTC") == date(2026, 11, 30)
    assert clock.today_in("America/Los_Angeles") == date(2026, 11, 30)  # 12:00 on Nov 30
    assert clock.today_in("Pacific/Auckland") == date(2026, 12, 1)  # 09:00 on Dec 1 (NZDT, UTC+13)


def test_today_in_a_zone_behind_utc_is_still_yesterday(frozen):
    frozen(datetime(2026, 12, 1, 7, 59, tzinfo=UTC))
    assert clock.today_in("America/Los_Angeles") == date(2026, 11, 30)  # 23:59 PST
    frozen(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    assert clock.today_in("America/Los_Angeles") == date(2026, 12, 1)


def test_kolkata_changes_day_at_half_past_six_in_the_evening_utc(frozen):
    frozen(datetime(2026, 11, 30, 18, 29, 59, tzinfo=UTC))
    assert clock.today_in("Asia/Kolkata") == date(2026, 11, 30)
    frozen(datetime(2026, 11, 30, 18, 30, tzinfo=UTC))
    assert clock.today_in("Asia/Kolkata") == date(2026, 12, 1)


def test_leap_day_comes_and_goes_in_each_zone(frozen):
    # 2028-02-28 11:00 UTC is 00:00 on Feb 29 in Auckland (UTC+13 in summer).
    frozen(datetime(2028, 2, 28, 11, 0, tzinfo=UTC))
    assert clock.today_in("Pacific/Auckland") == date(2028, 2, 29)
    assert clock.today_in("Asia/Kolkata") == date(2028, 2, 28)
    # 2028-03-01 07:59 UTC is still Feb 29 in Los Angeles (UTC-8), Mar 1 everywhere east of it.
    frozen(datetime(2028, 3, 1, 7, 59, tzinfo=UTC))
    assert clock.today_in("America/Los_Angeles") == date(2028, 2, 29)
    assert clock.today_in("UTC") == date(2028, 3, 1)


def test_no_zone_or_an_unknown_one_counts_in_utc(frozen):
    frozen(datetime(2026, 11, 30, 23, 0, tzinfo=UTC))
    assert clock.today_in(None) == date(2026, 11, 30)
    assert clock.today_in("Mars/Olympus_Mons") == date(2026, 11, 30)
    assert clock.user_today() == date(2026, 11, 30)  # no request: UTC


def test_offered_zones_are_sorted_iana_names_only():
    zones = clock.time_zones()
    assert list(zones) == sorted(zones)
    assert {"UTC", "Asia/Kolkata", "America/Los_Angeles", "Pacific/Auckland", "Asia/Calcutta"} <= set(zones)
    assert not {"localtime", "Factory", "posixrules"} & set(zones)
    assert not [name for name in zones if name.startswith(("posix/", "right/"))]
    assert clock.is_time_zone("Asia/Kolkata")
    assert not clock.is_time_zone("asia/kolkata")
    assert not clock.is_time_zone("../../etc/passwd")
    assert not clock.is_time_zone(None)


def test_stored_timestamps_follow_the_frozen_clock(app, frozen):
    frozen(datetime(2026, 11, 30, 20, 0, 5, tzinfo=UTC))
    assert utcnow() == datetime(2026, 11, 30, 20, 0, 5)  # naive UTC, as stored


def test_utc_account_new_expense_form_and_dashboard_follow_the_frozen_clock(app, client, user, frozen):
    frozen(datetime(2026, 11, 30, 23, 59, tzinfo=UTC))
    assert input_value(client.get("/expenses/new").get_data(as_text=True), "spent_on") == "2026-11-30"
    page = client.get("/").get_data(as_text=True)
    assert element_text(page, "period-label") == "November 2026"
    assert "1 day left" in page
    frozen(datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    add_expense(app, user.id, "Housing", 2_000_000, date(2026, 12, 1), "Rent")
    assert input_value(client.get("/expenses/new").get_data(as_text=True), "spent_on") == "2026-12-01"
    page = client.get("/").get_data(as_text=True)
    assert element_text(page, "period-label") == "December 2026"
    assert "31 days left" in page
    assert element_text(page, "card-total") == "₹20,000.00"


def _set_zone(app, user_id: int, time_zone: str) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(time_zone=time_zone))
        db.session.commit()


def _zone_of(app, email: str = "alice@example.com") -> str | None:
    with app.app_context():
        return db.session.scalar(select(User.time_zone).where(User.email == email))


def _registered(app, client, time_zone: str) -> int:
    """Alice, registered (and signed in) now, in `time_zone`; her id."""
    assert _register(client, time_zone=time_zone).status_code == 302
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == "alice@example.com"))


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def _month_end_expenses(app, user_id: int) -> None:
    add_expense(app, user_id, "Housing", 2_000_000, date(2026, 11, 30), "November rent")
    add_expense(app, user_id, "Food & groceries", 45_050, date(2026, 12, 1), "December groceries")


# Across a month end: the account's zone decides which period "now" is in.


def test_kolkata_is_in_december_while_utc_is_still_in_november(app, client, user, frozen):
    _month_end_expenses(app, user.id)
    frozen(EVENING_UTC)
    page = _page(client, "/")
    # UTC account: still Nov 30, the last day of November.
    assert element_text(page, "period-label") == "November 2026"
    assert "1 day left" in page
    assert element_text(page, "card-total") == "₹20,000.00"
    assert input_value(_page(client, "/expenses/new"), "spent_on") == "2026-11-30"

    _set_zone(app, user.id, KOLKATA)
    page = _page(client, "/")
    assert element_text(page, "period-label") == "December 2026"
    assert "31 days left" in page
    assert element_text(page, "card-total") == "₹450.50"
    assert element_text(page, "card-left") == "₹79,549.50"
    assert element_text(page, "card-count") == "1"
    assert input_value(_page(client, "/expenses/new"), "spent_on") == "2026-12-01"


def test_los_angeles_is_still_in_november_after_midnight_utc(app, client, user, frozen):
    _month_end_expenses(app, user.id)
    _set_zone(app, user.id, LOS_ANGELES)
    frozen(datetime(2026, 12, 1, 7, 59, tzinfo=UTC))  # 23:59 on Nov 30 in LA
    page = _page(client, "/")
    assert element_text(page, "period-label") == "November 2026"
    assert "1 day left" in page
    assert element_text(page, "card-total") == "₹20,000.00"
    assert input_value(_page(client, "/expenses/new"), "spent_on") == "2026-11-30"
    frozen(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))  # midnight in LA
    assert element_text(_page(client, "/"), "period-label") == "December 2026"
    assert input_value(_page(client, "/expenses/new"), "spent_on") == "2026-12-01"


def test_auckland_starts_december_at_eleven_utc(app, client, user, frozen):
    _month_end_expenses(app, user.id)
    _set_zone(app, user.id, AUCKLAND)
    frozen(datetime(2026, 11, 30, 10, 59, tzinfo=UTC))  # 23:59 on Nov 30 in Auckland (UTC+13)
    assert element_text(_page(client, "/"), "period-label") == "November 2026"
    frozen(datetime(2026, 11, 30, 11, 0, tzinfo=UTC))
    page = _page(client, "/")
    assert element_text(page, "period-label") == "December 2026"
    assert element_text(page, "card-total") == "₹450.50"
    assert input_value(_page(client, "/expenses/new"), "spent_on") == "2026-12-01"


def test_this_period_filter_and_budgets_follow_the_accounts_zone(app, client, user, frozen):
    _month_end_expenses(app, user.id)
    _set_zone(app, user.id, KOLKATA)
    frozen(EVENING_UTC)
    page = _page(client, "/expenses?range=this-period")
    assert (input_value(page, "from"), input_value(page, "to")) == ("2026-12-01", "2026-12-31")
    assert element_text(page, "list-count") == "1 expense"
    assert element_text(page, "list-total") == "₹450.50"
    page = _page(client, "/expenses?range=last-period")
    assert (input_value(page, "from"), input_value(page, "to")) == ("2026-11-01", "2026-11-30")
    assert element_text(page, "list-total") == "₹20,000.00"
    assert "31 days left" in _page(client, "/budgets")


def test_reports_do_not_offer_a_period_after_the_accounts_today(app, client, user, frozen):
    _set_zone(app, user.id, LOS_ANGELES)
    frozen(datetime(2026, 12, 1, 7, 0, tzinfo=UTC))  # 23:00 on Nov 30 in LA
    # December is the future in LA: the reports page shows November instead.
    assert element_text(_page(client, "/reports?period=2026-12"), "period-label") == "November 2026"


def test_period_starting_on_the_15th_changes_at_the_accounts_midnight(app, client, frozen):
    frozen(datetime(2026, 12, 14, 18, 29, tzinfo=UTC))  # 23:59 on Dec 14 in Kolkata
    user_id = _registered(app, client, KOLKATA)
    with app.app_context():
        db.session.execute(update(Ledger).where(Ledger.personal_user_id == user_id).values(period_start_day=15))
        db.session.commit()
    assert "1 day left" in _page(client, "/")
    frozen(datetime(2026, 12, 14, 18, 30, tzinfo=UTC))  # midnight on Dec 15 in Kolkata
    page = _page(client, "/")
    assert element_text(page, "period-label") == "Dec 15, 2026 – Jan 14, 2027"
    assert "31 days left" in page


@pytest.mark.parametrize(
    ("time_zone", "moment", "today"),
    [
        (KOLKATA, EVENING_UTC, "2026-12-01"),
        ("UTC", EVENING_UTC, "2026-11-30"),
        (LOS_ANGELES, datetime(2026, 12, 1, 7, 59, tzinfo=UTC), "2026-11-30"),
        (AUCKLAND, datetime(2026, 11, 30, 11, 0, tzinfo=UTC), "2026-12-01"),
    ],
)
def test_quick_add_gets_the_accounts_today(app, client, user, frozen, time_zone, moment, today):
    _set_zone(app, user.id, time_zone)
    frozen(moment)
    assert client.get("/expenses/quick-add.json").get_json()["today"] == today
    # The same day as the full form's default, whatever the browser's clock says.
    assert input_value(_page(client, "/expenses/new"), "spent_on") == today


# The leap day 2028-02-29.


def test_leap_day_starts_at_eleven_utc_on_february_28th_in_auckland(app, client, frozen):
    # Signed in on the day: a session from today's real date would have expired by 2028.
    frozen(datetime(2028, 2, 28, 11, 0, tzinfo=UTC))  # midnight on Feb 29 in Auckland
    user_id = _registered(app, client, AUCKLAND)
    add_expense(app, user_id, "Food & groceries", 2_929, date(2028, 2, 29), "Leap day lunch")
    assert input_value(_page(client, "/expenses/new"), "spent_on") == "2028-02-29"
    page = _page(client, "/")
    assert element_text(page, "period-label") == "February 2028"
    assert "1 day left" in page
    assert element_text(page, "card-total") == "₹29.29"
    page = _page(client, "/expenses?range=this-period")
    assert (input_value(page, "from"), input_value(page, "to")) == ("2028-02-01", "2028-02-29")


def test_leap_day_lasts_until_eight_utc_on_march_first_in_los_angeles(app, client, frozen):
    frozen(datetime(2028, 3, 1, 7, 59, tzinfo=UTC))  # 23:59 on Feb 29 in LA, Mar 1 in UTC
    user_id = _registered(app, client, LOS_ANGELES)
    assert input_value(_page(client, "/expenses/new"), "spent_on") == "2028-02-29"
    assert "1 day left" in _page(client, "/")
    _set_zone(app, user_id, "UTC")
    assert input_value(_page(client, "/expenses/new"), "spent_on") == "2028-03-01"
    assert element_text(_page(client, "/"), "period-label") == "March 2028"


# Settings: choosing a zone.


def _save_settings(client, **changes):
    """POST the account's settings form (number format and time zone), with the browser default format."""
    return post_form(client, "/account/settings", {"locale": "", **changes})


def test_settings_offer_every_zone_with_the_accounts_selected(app, client, user):
    page = _page(client, "/account/settings")
    assert selected_option(page, "time_zone") == "UTC"
    offered = options(page, "time_zone")
    assert [value for value, _ in offered] == list(clock.time_zones())
    assert ("America/Los_Angeles", "America/Los Angeles") in offered


def test_settings_change_the_zone_and_with_it_today(app, client, user, frozen):
    frozen(EVENING_UTC)
    response = _save_settings(client, time_zone=KOLKATA)
    assert response.status_code == 302
    assert _zone_of(app) == KOLKATA
    page = _page(client, "/account/settings")
    assert flashes(page) == ["Settings saved."]
    assert selected_option(page, "time_zone") == KOLKATA
    assert "Today there: Dec 1, 2026." in page
    assert input_value(_page(client, "/expenses/new"), "spent_on") == "2026-12-01"


@pytest.mark.parametrize("bad", ["Mars/Olympus_Mons", "asia/kolkata", "../../etc/passwd", "Asia/Kolkata\0", "x" * 300])
def test_settings_refuse_a_zone_not_in_the_list_and_write_nothing(app, client, user, bad):
    response = _save_settings(client, time_zone=bad, locale="en_GB")
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True))["time_zone"] == "Choose a time zone from the list."
    assert _zone_of(app) == "UTC"
    with app.app_context():
        assert db.session.get(User, user.id).locale is None


def test_settings_without_the_field_keep_the_zone(app, client, user):
    _set_zone(app, user.id, AUCKLAND)
    assert _save_settings(client, locale="en_GB").status_code == 302
    assert _zone_of(app) == AUCKLAND
    with app.app_context():
        assert db.session.get(User, user.id).locale == "en_GB"


# Registration: the browser's zone from the hidden field, else UTC.


def _register(client, **extra):
    data = {"email": "alice@example.com", "password": PASSWORD, "confirm": PASSWORD, **extra}
    return post_form(client, "/register", data)


def test_the_register_page_asks_the_browser_for_its_zone_without_inline_script(client):
    page = _page(client, "/register")
    assert input_value(page, "time_zone") == ""
    assert 'data-browser-time-zone=""' in page
    assert "/static/time-zone.js?v=" in page
    assert "<script>" not in page


@pytest.mark.parametrize("sent", [KOLKATA, LOS_ANGELES, AUCKLAND, "Asia/Calcutta"])
def test_registration_takes_the_browsers_zone(app, client, sent):
    assert _register(client, time_zone=sent).status_code == 302
    assert _zone_of(app) == sent


@pytest.mark.parametrize("sent", [None, "", "Mars/Olympus_Mons", "localtime", "x" * 300])
def test_registration_without_a_usable_zone_starts_in_utc(app, client, sent):
    response = _register(client) if sent is None else _register(client, time_zone=sent)
    assert response.status_code == 302
    assert _zone_of(app) == "UTC"


def test_a_new_kolkata_account_sees_its_own_today_at_once(app, client, frozen):
    frozen(EVENING_UTC)
    assert _register(client, time_zone=KOLKATA).status_code == 302
    assert input_value(_page(client, "/expenses/new"), "spent_on") == "2026-12-01"
    assert element_text(_page(client, "/"), "period-label") == "December 2026"


# CSV import: a row dated after the account's today is spending that has not happened yet.

MONTH_END_CSV = (
    "Date,Description,Amount\n"
    "2026-11-30,Dinner,-25.00\n"
    "2026-12-01,Breakfast,-4.50\n"
    "2026-12-02,Scheduled transfer,-100.00\n"
)
DINNER = ("2026-11-30", "Dinner", "Imported", 2500)


@pytest.mark.parametrize(
    ("time_zone", "today", "imported"),
    [
        (KOLKATA, "2026-12-01", [DINNER, ("2026-12-01", "Breakfast", "Imported", 450)]),
        (LOS_ANGELES, "2026-11-30", [DINNER]),
    ],
)
def test_import_refuses_rows_after_the_accounts_today(app, client, user, frozen, time_zone, today, imported):
    _set_zone(app, user.id, time_zone)
    frozen(EVENING_UTC)
    draft_id = upload_ok(client, MONTH_END_CSV)
    future = 3 - len(imported)
    assert counts(client, draft_id) == {"new": len(imported), "duplicate": 0, "income": 0, "invalid": future}
    preview = page(client, f"/import/{draft_id}/preview")
    assert f"the date 2026-12-02 is in the future (today is {today})" in preview
    assert (f"the date 2026-12-01 is in the future (today is {today})" in preview) == (time_zone == LOS_ANGELES)
    assert do_import(client, draft_id).status_code == 302
    assert expenses(app, user.id) == imported
