"""The API's schemas: they validate what comes in, serialise what goes out, and are what the
OpenAPI document at /api/v1/openapi.json is generated from (flask-smorest and apispec), so the
document cannot drift from the behaviour.

Money is an object of two strings, the amount with exactly the currency's decimal places and the
currency code ({"amount": "12.30", "currency": "EUR"}); never a JSON number, which clients read as
a float. Dates are ISO 8601.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from .. import expense_filters, money, recurrence
from ..models import (
    CATEGORY_NAME_MAX,
    DESCRIPTION_MAX,
    EARLIEST_DATE,
    EMAIL_MAX,
    LATEST_DATE,
    LEDGER_NAME_MAX,
    ROLES,
    TOKEN_NAME_MAX,
    TOKEN_SCOPES,
)

AMOUNT_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,3})?$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"


class Strict(ma.Schema):
    """Unknown fields are an error, not silently dropped: a typo in a field name must not save
    something other than what was meant."""

    class Meta:
        unknown = ma.RAISE


@dataclass(frozen=True)
class Money:
    """An amount in minor units with its currency, as the API shows it."""

    minor: int
    currency: str

    @property
    def amount(self) -> str:
        return money.format_plain(self.minor, self.currency)


class UtcDateTime(fields.DateTime):
    """A moment stored as naive UTC (app.models.utcnow), written as RFC 3339 with its zone:
    "2026-12-05T09:00:00Z"."""

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        if value is None:
            return None
        return value.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")


class JsonBoolean(fields.Boolean):
    """true or false only: marshmallow's Boolean also takes 0, 1, "yes" and "off"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class MoneySchema(Strict):
    amount = fields.String(
        required=True,
        validate=validate.Regexp(
            AMOUNT_PATTERN, error=_l("Write the amount as digits with a decimal point, like 12.30.")
        ),
        metadata={"description": "Exactly the currency's decimal places (12.30 EUR, 1200 JPY).", "example": "12.30"},
    )
    currency = fields.String(
        required=True,
        validate=validate.Regexp(CURRENCY_PATTERN, error=_l("Use the three-letter ISO 4217 code, like EUR.")),
        metadata={"description": "ISO 4217 code; it must be the ledger's currency.", "example": "EUR"},
    )


class ProblemErrorSchema(ma.Schema):
    pointer = fields.String(metadata={"description": "JSON pointer to the body field at fault, like #/amount/amount."})
    parameter = fields.String(metadata={"description": "The query parameter or header at fault."})
    # "in" is a Python keyword: the attribute has another name.
    in_ = fields.String(data_key="in", metadata={"description": "Where the parameter is: query or headers."})
    detail = fields.String(required=True)


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True, metadata={"example": "Unprocessable Entity"})
    status = fields.Integer(required=True, metadata={"example": 422})
    detail = fields.String(required=True)
    errors = fields.List(fields.Nested(ProblemErrorSchema), metadata={"description": "The fields at fault."})


class TokenSchema(ma.Schema):
    name = fields.String(required=True, validate=validate.Length(max=TOKEN_NAME_MAX))
    scope = fields.String(required=True, validate=validate.OneOf(TOKEN_SCOPES))
    created_at = UtcDateTime(required=True)
    expires_at = UtcDateTime(required=True, allow_none=True)


class MeSchema(ma.Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True, validate=validate.Length(max=EMAIL_MAX))
    time_zone = fields.String(required=True, metadata={"example": "Europe/Berlin"})
    locale = fields.String(required=True, allow_none=True, metadata={"description": "None: the browser's."})
    token = fields.Nested(TokenSchema, required=True, metadata={"description": "The token of this request."})


class LedgerSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True, validate=validate.Length(max=LEDGER_NAME_MAX))
    personal = fields.Boolean(required=True, metadata={"description": "The account's own ledger."})
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    currency = fields.String(required=True, validate=validate.Regexp(CURRENCY_PATTERN))
    period_start_day = fields.Integer(required=True, validate=validate.Range(1, 28))
    monthly_budget = fields.Nested(MoneySchema, required=True)


class LedgerListSchema(ma.Schema):
    items = fields.List(fields.Nested(LedgerSchema), required=True)


# Ledger data. What comes in is checked twice: here for its shape (types, lengths, formats), which
# is what the OpenAPI document shows, then by the site's own forms for the rules (app/api/base.py
# validate_form), so that the API and the pages can never accept different things.

DATE_RANGE = validate.Range(min=EARLIEST_DATE, max=LATEST_DATE)
PERIOD_PATTERN = r"^(19[7-9][0-9]|20[0-9]{2})-(0[1-9]|1[0-2])$"


class PeriodSchema(ma.Schema):
    key = fields.String(required=True, metadata={"example": "2026-12"})
    start = fields.Date(required=True)
    last_day = fields.Date(required=True, metadata={"description": "The period's last day (inclusive)."})


class ExpenseSchema(ma.Schema):
    id = fields.Integer(required=True)
    spent_on = fields.Date(required=True)
    description = fields.String(required=True, validate=validate.Length(max=DESCRIPTION_MAX))
    category_id = fields.Integer(required=True)
    amount = fields.Nested(MoneySchema, required=True)
    paid_by_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "The member who paid, if not who added it."}
    )
    created_by_id = fields.Integer(required=True, allow_none=True)
    recurring_rule_id = fields.Integer(required=True, allow_none=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class ExpensePatchSchema(Strict):
    """Only the fields sent change."""

    amount = fields.Nested(MoneySchema)
    description = fields.String(validate=validate.Length(min=1, max=DESCRIPTION_MAX))
    category_id = fields.Integer(strict=True, validate=validate.Range(min=1))
    spent_on = fields.Date(validate=DATE_RANGE)
    paid_by_id = fields.Integer(
        strict=True, allow_none=True, metadata={"description": "A member of a shared ledger; null: who adds it."}
    )


class ExpenseCreateSchema(ExpensePatchSchema):
    amount = fields.Nested(MoneySchema, required=True)
    description = fields.String(required=True, validate=validate.Length(min=1, max=DESCRIPTION_MAX))
    category_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    spent_on = fields.Date(required=True, validate=DATE_RANGE)


class ExpenseQuerySchema(Strict):
    """The expense list's filters and sort, as the list page takes them (app/expense_filters.py)."""

    q = fields.String(
        validate=validate.Length(max=DESCRIPTION_MAX), metadata={"description": "Text in the description."}
    )
    category = fields.List(fields.Integer(), metadata={"description": "Category ids; repeat for several."})
    from_ = fields.Date(data_key="from", validate=DATE_RANGE, metadata={"description": "First day, inclusive."})
    to = fields.Date(validate=DATE_RANGE, metadata={"description": "Last day, inclusive."})
    min = fields.String(validate=validate.Regexp(AMOUNT_PATTERN), metadata={"example": "5.00"})
    max = fields.String(validate=validate.Regexp(AMOUNT_PATTERN), metadata={"example": "50.00"})
    member = fields.Integer(metadata={"description": "A shared ledger's member: who paid, or added it."})
    sort = fields.String(validate=validate.OneOf(expense_filters.SORTS))
    dir = fields.String(validate=validate.OneOf(expense_filters.DIRECTIONS))
    per_page = fields.Integer(validate=validate.OneOf(expense_filters.PAGE_SIZES))
    cursor = fields.String(
        validate=validate.Length(max=40), metadata={"description": "From the `next` link of the page before."}
    )


class ExpenseListSchema(ma.Schema):
    items = fields.List(fields.Nested(ExpenseSchema), required=True)
    count = fields.Integer(required=True, metadata={"description": "How many expenses match, on every page."})
    total = fields.Nested(MoneySchema, required=True, metadata={"description": "What all the matches add up to."})
    next = fields.String(
        required=True, allow_none=True, metadata={"description": "The next page's URL; null on the last page."}
    )


class IdempotencyHeaderSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    idempotency_key = fields.String(
        data_key="Idempotency-Key",
        validate=validate.Regexp(r"^[!-~]{1,255}$"),
        metadata={"description": "Sent again with the same request, it gets the first answer and creates nothing."},
    )


class CategorySchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True, validate=validate.Length(max=CATEGORY_NAME_MAX))
    color = fields.String(required=True, metadata={"example": "#1565c0"})


class CategoryListSchema(ma.Schema):
    items = fields.List(fields.Nested(CategorySchema), required=True)


class CategoryCreateSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=CATEGORY_NAME_MAX))
    color = fields.String(load_default="#546e7a", validate=validate.Regexp(r"^#[0-9a-fA-F]{6}$"))


class CategoryBudgetSchema(ma.Schema):
    category_id = fields.Integer(required=True)
    name = fields.String(required=True)
    limit = fields.Nested(
        MoneySchema, required=True, allow_none=True, metadata={"description": "With what rollover carried; null: none."}
    )
    carried = fields.Nested(MoneySchema, required=True, metadata={"description": "From earlier periods (rollover)."})
    spent = fields.Nested(MoneySchema, required=True)
    left = fields.Nested(MoneySchema, required=True, allow_none=True)
    rollover = fields.Boolean(required=True)


class BudgetsSchema(ma.Schema):
    period = fields.Nested(PeriodSchema, required=True)
    overall = fields.Nested(MoneySchema, required=True)
    categories = fields.List(fields.Nested(CategoryBudgetSchema), required=True)


class CategoryLimitSchema(Strict):
    limit = fields.Nested(MoneySchema, required=True, allow_none=True, metadata={"description": "null: no limit."})
    rollover = JsonBoolean(load_default=False)


class RuleSchema(ma.Schema):
    id = fields.Integer(required=True)
    category_id = fields.Integer(required=True)
    description = fields.String(required=True, validate=validate.Length(max=DESCRIPTION_MAX))
    amount = fields.Nested(MoneySchema, required=True)
    start_on = fields.Date(required=True)
    unit = fields.String(required=True, validate=validate.OneOf(recurrence.UNITS))
    every = fields.Integer(required=True)
    month_day = fields.Integer(required=True, allow_none=True)
    end_on = fields.Date(required=True, allow_none=True)
    occurrence_limit = fields.Integer(required=True, allow_none=True)
    next_due = fields.Date(required=True, allow_none=True, metadata={"description": "null: the schedule has ended."})
    paused = fields.Boolean(required=True)


class RuleListSchema(ma.Schema):
    items = fields.List(fields.Nested(RuleSchema), required=True)


class RuleCreateSchema(Strict):
    category_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    description = fields.String(required=True, validate=validate.Length(min=1, max=DESCRIPTION_MAX))
    amount = fields.Nested(MoneySchema, required=True)
    start_on = fields.Date(required=True, validate=DATE_RANGE)
    unit = fields.String(required=True, validate=validate.OneOf(recurrence.UNITS))
    every = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1, max=366))
    month_day = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1, max=recurrence.LAST_DAY),
        metadata={"description": "Monthly and yearly only; 31 is the last day of every month."},
    )
    end_on = fields.Date(load_default=None, allow_none=True, validate=DATE_RANGE)
    occurrence_limit = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=recurrence.MAX_COUNT)
    )


class SummaryQuerySchema(Strict):
    period = fields.String(
        validate=validate.Regexp(PERIOD_PATTERN), metadata={"description": "Like 2026-12; the current one if left out."}
    )


class CategorySpendingSchema(ma.Schema):
    category_id = fields.Integer(required=True)
    name = fields.String(required=True)
    count = fields.Integer(required=True)
    spent = fields.Nested(MoneySchema, required=True)


class SummarySchema(ma.Schema):
    period = fields.Nested(PeriodSchema, required=True)
    current = fields.Boolean(required=True, metadata={"description": "Whether today falls in the period."})
    budget = fields.Nested(MoneySchema, required=True)
    spent = fields.Nested(MoneySchema, required=True)
    left = fields.Nested(MoneySchema, required=True, metadata={"description": "Negative when overspent."})
    categories = fields.List(fields.Nested(CategorySpendingSchema), required=True)
    days_left = fields.Integer(required=True, metadata={"description": "Today included; 0 for a past period."})
    still_due = fields.Nested(
        MoneySchema, required=True, allow_none=True, metadata={"description": "Current period only."}
    )
    projected = fields.Nested(
        MoneySchema, required=True, allow_none=True, metadata={"description": "Spent plus still due."}
    )
    safe_to_spend_per_day = fields.Nested(MoneySchema, required=True, allow_none=True)
