"""WTForms validators shared by every form that takes text or money."""

import unicodedata

from flask_babel import gettext as _
from wtforms.validators import StopValidation, ValidationError

from . import l10n, money
from .access import current_ledger

# Bidirectional overrides and isolates can make text display as something other than it is.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def is_unicode_text(text: str) -> bool:
    """False for a string holding a lone surrogate (U+D800 to U+DFFF): not a sequence of Unicode
    scalar values, so it cannot be written as UTF-8, in a page or in a file."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


def is_control(char: str) -> bool:
    """Control characters (NUL, tabs, line breaks ...), surrogates and bidi overrides."""
    return unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI_CONTROLS


class PlainText:
    """Refuses control characters (NUL, tabs, newlines ...) and bidi overrides in a one-line field."""

    def __call__(self, form, field):
        for char in field.data or "":
            if is_control(char):
                raise ValidationError(_("Use ordinary characters only: no tabs, line breaks or control codes."))


class Amount:
    """Parses the field with `app.money` in the signed-in user's currency (or the form's), reading
    "12,50" as twelve and a half where the reader's locale writes a decimal comma."""

    def __init__(self, allow_zero: bool = False):
        self.allow_zero = allow_zero

    def __call__(self, form, field):
        code = getattr(form, "currency_code", None) or current_ledger().currency
        try:
            field.amount = money.parse_amount(
                field.data, code, allow_zero=self.allow_zero, decimal_mark=l10n.decimal_mark()
            )
        except money.AmountError as error:
            raise StopValidation(str(error)) from None
