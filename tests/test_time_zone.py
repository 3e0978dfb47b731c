"""Whose today: every date default, period, "days left", quick range and import check counts days
in the account's time zone (app.clock.user_today), with time frozen around midnight."""

from datetime import UTC, date, datetime

import pytest

from app import clock
from app.models import utcnow
from tests.conftest import add_expense
from tests.pages import element_text, input_value


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
