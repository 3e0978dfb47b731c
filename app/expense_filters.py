"""The expense list's filters and sort order: parsed from the URL, turned into SQL, written back to URLs.

All of a filtered list's state lives in the query string, so a filtered list can be bookmarked and
the back button works. The list, the filtered export and the links from reports all go through
`ExpenseFilter`, so they always agree on what a set of parameters means. A bad value never fails
the request: it is ignored, with a message saying so.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func

from . import l10n, money
from .clock import user_today
from .models import DESCRIPTION_MAX, EARLIEST_DATE, LATEST_DATE, Category, Expense, Ledger
from .periods import period_containing

SORTS = {"date": _l("Date"), "amount": _l("Amount"), "category": _l("Category")}
DIRECTIONS = {"desc": _l("Descending"), "asc": _l("Ascending")}
PAGE_SIZES = (25, 50, 100)
# Quick picks for the date range; they stay relative in a bookmark ("this period" next month is
# next month's period). "Period" is the ledger's budget period, which starts on their payday.
QUICK_RANGES = {
    "all": _l("All dates"),
    "this-period": _l("This period"),
    "last-period": _l("Last period"),
    "this-year": _l("This year"),
    "last-12-months": _l("Last 12 months"),
}
DEFAULT_SORT, DEFAULT_DIRECTION, DEFAULT_PER_PAGE = "date", "desc", PAGE_SIZES[0]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def quick_range_dates(name: str, today: date, period_start_day: int) -> tuple[date | None, date | None]:
    """First and last day (both inclusive) of a quick pick; (None, None) for "all"."""
    period = period_containing(today, period_start_day)
    if name == "this-period":
        return period.start, period.last_day
    if name == "last-period":
        previous = period.shift(-1)
        return previous.start, previous.last_day
    if name == "this-year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if name == "last-12-months":
        # Twelve whole budget periods ending with this one: the window of the reports page.
        return period.shift(-11).start, period.last_day
    return None, None


def escape_like(text: str) -> str:
    """`text` for a LIKE pattern in which %, _ and the escape character itself match literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def payer():
    """Who paid for an expense: the member named as payer, or else the member who added it."""
    return func.coalesce(Expense.paid_by_id, Expense.created_by_id)


@dataclass(frozen=True)
class ExpenseFilter:
    """Which of a ledger's expenses to show, and in which order. Dates are inclusive."""

    currency: str = "USD"
    q: str = ""
    category_ids: tuple[int, ...] = ()
    member_id: int | None = None  # a shared ledger's member: who paid, or added it when nobody was named
    range: str = ""  # a QUICK_RANGES key, which then sets the dates; "" for the dates given
    date_from: date | None = None
    date_to: date | None = None
    min_cents: int | None = None
    max_cents: int | None = None
    sort: str = DEFAULT_SORT
    direction: str = DEFAULT_DIRECTION
    per_page: int = DEFAULT_PER_PAGE
    # What was wrong with the parameters, in words for the ledger; each bad value was ignored.
    messages: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_args(
        cls,
        args: Mapping,
        ledger: Ledger,
        own_category_ids: Iterable[int],
        today: date | None = None,
        member_ids: Iterable[int] = (),
    ) -> "ExpenseFilter":
        """Parse request arguments (a MultiDict). Never raises on bad input. `member_ids` are the
        ledger's members, whom a shared ledger's list can be filtered by."""
        today = today or user_today()
        messages: list[str] = []
        code = ledger.currency

        q = (args.get("q") or "").strip()
        if len(q) > DESCRIPTION_MAX:
            messages.append(
                _("The search text is longer than %(count)s characters, so it was ignored.", count=DESCRIPTION_MAX)
            )
            q = ""
        elif "\0" in q:
            messages.append(_("The search text contains a control character, so it was ignored."))
            q = ""

        own = set(own_category_ids)
        chosen: list[int] = []
        unknown = False
        for raw in args.getlist("category"):
            category_id = _parse_int(raw)
            if category_id in own:
                if category_id not in chosen:
                    chosen.append(category_id)
            elif raw.strip():
                unknown = True
        if unknown:
            messages.append(_("A category in the address is not one of yours, so it was ignored."))

        member_id = _parse_int(args.get("member"))
        if member_id not in set(member_ids):
            if (args.get("member") or "").strip():
                messages.append(_("The member in the address is not in this ledger, so it was ignored."))
            member_id = None

        range_name = args.get("range", "")
        dates_given = bool((args.get("from") or "").strip() or (args.get("to") or "").strip())
        date_from = _parse_date(args.get("from"), _("start date"), messages)
        date_to = _parse_date(args.get("to"), _("end date"), messages)
        if range_name in QUICK_RANGES:
            quick_dates = quick_range_dates(range_name, today, ledger.period_start_day)
            # The form sends the quick pick's dates along with it; dates that differ were edited
            # by hand, and then they win (this works without JavaScript).
            if not dates_given or (date_from, date_to) == quick_dates:
                date_from, date_to = quick_dates
            else:
                range_name = ""
        else:
            range_name = ""
        if date_from and date_to and date_from > date_to:
            messages.append(_("The start date is after the end date, so no expense can match."))

        min_cents = _parse_amount(args.get("min"), code, _("minimum amount"), messages)
        max_cents = _parse_amount(args.get("max"), code, _("maximum amount"), messages)
        if min_cents is not None and max_cents is not None and min_cents > max_cents:
            messages.append(_("The minimum amount is more than the maximum, so no expense can match."))

        sort = args.get("sort", DEFAULT_SORT)
        direction = args.get("dir", DEFAULT_DIRECTION)
        per_page = _parse_int(args.get("per_page"))
        return cls(
            currency=code,
            q=q,
            category_ids=tuple(chosen),
            member_id=member_id,
            range=range_name,
            date_from=date_from,
            date_to=date_to,
            min_cents=min_cents,
            max_cents=max_cents,
            sort=sort if sort in SORTS else DEFAULT_SORT,
            direction=direction if direction in DIRECTIONS else DEFAULT_DIRECTION,
            per_page=per_page if per_page in PAGE_SIZES else DEFAULT_PER_PAGE,
            messages=tuple(messages),
        )

    @property
    def is_filtered(self) -> bool:
        """True when the filter leaves out some expenses (sorting and page size do not)."""
        return bool(
            self.q
            or self.category_ids
            or self.member_id is not None
            or self.date_from
            or self.date_to
            or self.min_cents is not None
            or self.max_cents is not None
        )

    @property
    def ascending(self) -> bool:
        return self.direction == "asc"

    def conditions(self, ledger: Ledger) -> list[ColumnElement[bool]]:
        """The WHERE clauses: the ledger's own expenses, narrowed by every filter that is set."""
        where = [Expense.ledger_id == ledger.id]
        if self.q:
            where.append(Expense.description.ilike(f"%{escape_like(self.q)}%", escape="\\"))
        if self.category_ids:
            where.append(Expense.category_id.in_(self.category_ids))
        if self.member_id is not None:
            where.append(payer() == self.member_id)
        if self.date_from:
            where.append(Expense.spent_on >= self.date_from)
        if self.date_to:
            where.append(Expense.spent_on <= self.date_to)
        if self.min_cents is not None:
            where.append(Expense.amount_cents >= self.min_cents)
        if self.max_cents is not None:
            where.append(Expense.amount_cents <= self.max_cents)
        return where

    def sort_columns(self) -> tuple:
        """The columns the list is ordered by, ending with the id so that the order is total.

        Sorting by category needs expenses joined to categories (see `joins_category`).
        """
        if self.sort == "amount":
            return (Expense.amount_cents, Expense.id)
        if self.sort == "category":
            return (Category.name_key, Expense.spent_on, Expense.id)
        return (Expense.spent_on, Expense.id)

    @property
    def joins_category(self) -> bool:
        return self.sort == "category"

    def order_by(self, reverse: bool = False) -> list:
        ascending = self.ascending != reverse
        return [column.asc() if ascending else column.desc() for column in self.sort_columns()]

    def params(self, **changes) -> dict:
        """URL parameters for this filter (defaults left out), for `url_for`; `changes` are
        replacements given as field names, e.g. `params(sort="amount", direction="asc")`."""
        this = replace(self, **changes) if changes else self
        params: dict = {}
        if this.q:
            params["q"] = this.q
        if this.category_ids:
            params["category"] = list(this.category_ids)
        if this.member_id is not None:
            params["member"] = this.member_id
        if this.range and this.range != "all":
            params["range"] = this.range
        elif not this.range:
            if this.date_from:
                params["from"] = this.date_from.isoformat()
            if this.date_to:
                params["to"] = this.date_to.isoformat()
        if this.min_cents is not None:
            params["min"] = money.format_plain(this.min_cents, this.currency)
        if this.max_cents is not None:
            params["max"] = money.format_plain(this.max_cents, this.currency)
        if this.sort != DEFAULT_SORT:
            params["sort"] = this.sort
        if this.direction != DEFAULT_DIRECTION:
            params["dir"] = this.direction
        if this.per_page != DEFAULT_PER_PAGE:
            params["per_page"] = this.per_page
        return params

    def export_params(self) -> dict:
        """Parameters for the filtered export: the filter and its order, without the page size."""
        return self.params(per_page=DEFAULT_PER_PAGE)

    def params_sorted_by(self, sort: str) -> dict:
        """Parameters for a column heading: sort by it, or flip the direction if already sorted by it."""
        if sort == self.sort:
            return self.params(direction="desc" if self.ascending else "asc")
        return self.params(sort=sort, direction="asc" if sort == "category" else "desc")


def _parse_int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    # ASCII digits only, and short enough to be an id: int() also takes "１２" and "1_000".
    if not re.fullmatch(r"[0-9]{1,10}", raw):
        return None
    return int(raw)


def _parse_date(raw: str | None, what: str, messages: list[str]) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        if not _ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        day = date.fromisoformat(raw)
    except ValueError:
        messages.append(_("The %(what)s is not a date like 2026-01-31, so it was ignored.", what=what))
        return None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        messages.append(
            _(
                "The %(what)s must be between %(earliest)s and %(latest)s, so it was ignored.",
                what=what,
                earliest=EARLIEST_DATE.isoformat(),
                latest=LATEST_DATE.isoformat(),
            )
        )
        return None
    return day


def _parse_amount(raw: str | None, code: str, what: str, messages: list[str]) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        amount = money.parse_amount(raw, code, allow_zero=True, decimal_mark=l10n.decimal_mark())
        return money.to_minor(amount, code)
    except money.AmountError as error:
        messages.append(_("The %(what)s was ignored: %(problem)s", what=what, problem=error))
        return None
