"""The budgets form: one limit and one rollover switch per category, built for the user's categories."""

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import HiddenField

from .. import l10n, money


class BudgetsForm(FlaskForm):
    """CSRF comes from FlaskForm; the per-category fields are named limit-<id> and rollover-<id>.

    Limits are set for the current period only (and apply from it on). The form carries the key of
    the period it was shown for: one sent for another period (shown before the period changed, or
    made up) is `stale` and saves nothing, since its values were not what the person saw as current.
    """

    period = HiddenField()

    def __init__(self, categories, currency_code: str, current_period_key: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        self.currency_code = currency_code
        self.current_period_key = current_period_key
        self.stale = False
        if not self.is_submitted():
            self.period.data = current_period_key
        self.values: dict[int, tuple[str, bool]] = {}  # what was typed, to show it again
        self.parsed: dict[int, tuple[Decimal | None, bool]] = {}
        self.field_errors: dict[int, str] = {}

    def load(self, statuses) -> None:
        for status in statuses:
            text = "" if status.base_cents is None else money.format_plain(status.base_cents, self.currency_code)
            self.values[status.category.id] = (text, status.rollover)

    def validate_budgets(self, formdata) -> bool:
        """Parse every category's limit; an empty field means no limit."""
        if not self.validate_on_submit():
            return False
        if self.period.data != self.current_period_key:
            self.stale = True
            return False
        for category in self.categories:
            text = (formdata.get(f"limit-{category.id}") or "").strip()
            rollover = formdata.get(f"rollover-{category.id}") in ("y", "on", "1")
            self.values[category.id] = (text, rollover)
            if not text:
                self.parsed[category.id] = (None, rollover)
                continue
            try:
                amount = money.parse_amount(text, self.currency_code, allow_zero=True, decimal_mark=l10n.decimal_mark())
            except money.AmountError as error:
                self.field_errors[category.id] = str(error)
            else:
                self.parsed[category.id] = (amount, rollover)
        return not self.field_errors
