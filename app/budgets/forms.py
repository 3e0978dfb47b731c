"""The budgets form: one limit and one rollover switch per category, built for the user's categories."""

from decimal import Decimal

from flask_wtf import FlaskForm

from .. import l10n, money


class BudgetsForm(FlaskForm):
    """CSRF comes from FlaskForm; the per-category fields are named limit-<id> and rollover-<id>."""

    def __init__(self, categories, currency_code: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        self.currency_code = currency_code
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
