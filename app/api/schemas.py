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

from .. import money
from ..models import EMAIL_MAX, LEDGER_NAME_MAX, ROLES, TOKEN_NAME_MAX, TOKEN_SCOPES

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
