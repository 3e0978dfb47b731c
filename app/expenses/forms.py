import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, MultipleFileField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from .. import conversion, l10n, money
from ..access import current_ledger
from ..clock import user_today
from ..forms import choices, int_or_none
from ..models import CATEGORY_NAME_MAX, DESCRIPTION_MAX, EARLIEST_DATE, LATEST_DATE
from ..validators import Amount, PlainText, strip_text

# What the file pickers offer; the server decides by the bytes (app/receipts/files.py).
RECEIPT_TYPES = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif,application/pdf"


def sane_date(form, field):
    if field.data and not EARLIEST_DATE <= field.data <= LATEST_DATE:
        raise ValidationError(
            _(
                "Choose a date between %(earliest)s and %(latest)s.",
                earliest=l10n.format_day(EARLIEST_DATE),
                latest=l10n.format_day(LATEST_DATE),
            )
        )


def fits_name_key(form, field):
    # The case-insensitive key (casefold) can be longer than the name: "ß" becomes "ss".
    if field.data and len(field.data) <= CATEGORY_NAME_MAX < len(field.data.casefold()):
        raise ValidationError(
            _("Keep the name under %(count)s characters (letters like ß count as two).", count=CATEGORY_NAME_MAX + 1)
        )


def hex_colour(form, field):
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", field.data or ""):
        raise ValidationError(_("Choose a colour like #1565c0."))


def amount_field() -> StringField:
    """An amount in the ledger's currency, as the reader writes numbers (an expense, a rule)."""
    return StringField(
        _l("Amount"),
        filters=[strip_text],
        validators=[Amount()],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )


def description_field(missing_message) -> StringField:
    """An expense's description (an expense, a rule); `missing_message` gives an example."""
    return StringField(
        _l("Description"),
        filters=[strip_text],
        validators=[
            DataRequired(missing_message),
            Length(
                max=DESCRIPTION_MAX,
                message=_l("Keep the description under %(count)s characters.", count=DESCRIPTION_MAX + 1),
            ),
            PlainText(),
        ],
    )


class ExpenseForm(FlaskForm):
    # Not offered by quick add, receipts or the API: the ledger's currency when not sent.
    currency = SelectField(_l("Currency"), validate_choice=False)
    amount = amount_field()
    # In another currency: what the bank charged in the ledger's currency, or the rate (either gives
    # the other; neither: the rate used last or the uploaded rates, see app/conversion.py).
    charged = StringField(
        _l("Amount charged"), filters=[strip_text], render_kw={"inputmode": "decimal", "autocomplete": "off"}
    )
    rate = StringField(_l("Rate"), filters=[strip_text], render_kw={"inputmode": "decimal", "autocomplete": "off"})
    description = description_field(_l("Describe the expense, for example “Groceries”."))
    category_id = SelectField(_l("Category"), coerce=int_or_none, validate_choice=False)
    # Only in a shared ledger (see __init__): the member who paid, when it was not who adds it.
    paid_by = SelectField(
        _l("Paid by"),
        coerce=int_or_none,
        validate_choice=False,
        description=_l("Leave it at “Whoever adds it” when you paid yourself."),
    )
    spent_on = DateField(
        _l("Date"),
        default=user_today,
        validators=[InputRequired(_l("Choose the date of the expense.")), sane_date],
        render_kw={"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()},
    )
    # Read, checked and kept by app.receipts.storage once the rest of the form is valid.
    receipts = MultipleFileField(_l("Attach receipts"), render_kw={"accept": RECEIPT_TYPES})
    submit = SubmitField(_l("Save expense"))

    def __init__(self, categories, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories_by_id = {c.id: c for c in categories}
        self.category_id.choices = choices((c.id, c.name) for c in categories)
        self.member_ids = {member.user_id for member in members}
        if members:
            self.paid_by.choices = [("", _("Whoever adds it"))] + [(m.user_id, m.email) for m in members]
        else:
            del self.paid_by  # a personal ledger: its one member paid for everything
        self.currency.choices = choices(money.currency_choices())
        self.forced_currency = None
        self.conversion = None

    @property
    def currency_code(self) -> str:
        """The currency the amount is in: the one chosen, else the ledger's (the Amount validator)."""
        if self.forced_currency:
            return self.forced_currency
        return self.currency.data if self.currency.data in money.ALL_CURRENCIES else self.ledger_code

    @currency_code.setter
    def currency_code(self, code: str) -> None:
        # The API checks the currency itself and says which one the amount is in.
        self.forced_currency = code

    @property
    def ledger_code(self) -> str:
        return self.forced_currency or current_ledger().currency

    @property
    def is_foreign(self) -> bool:
        return self.currency_code != self.ledger_code

    def validate_currency(self, field):
        if field.data and field.data not in money.ALL_CURRENCIES:
            raise ValidationError(_("Choose a currency from the list."))

    def validate_charged(self, field):
        field.amount = None
        if field.data and self.is_foreign:
            try:
                field.amount = money.parse_amount(field.data, self.ledger_code, decimal_mark=l10n.decimal_mark())
            except money.AmountError as error:
                raise ValidationError(str(error)) from None

    def validate_rate(self, field):
        field.rate = None
        if field.data and self.is_foreign:
            try:
                field.rate = money.parse_rate(field.data)
            except money.AmountError as error:
                raise ValidationError(str(error)) from None

    def validate(self, extra_validators=None) -> bool:
        """The fields, then, for an amount in another currency, its conversion (app/conversion.py);
        no rate to be had is the rate field's error."""
        if not super().validate(extra_validators):
            return False
        self.conversion = None
        if not self.is_foreign:
            return True
        try:
            self.conversion = conversion.convert(
                current_ledger(),
                self.currency_code,
                self.amount.amount,
                self.spent_on.data,
                charged=self.charged.amount,
                rate=self.rate.rate,
            )
        except conversion.RateNeeded:
            self.rate.errors.append(str(conversion.RATE_NEEDED))
            return False
        except money.AmountError as error:
            (self.charged if self.charged.data else self.rate).errors.append(str(error))
            return False
        return True

    def validate_paid_by(self, field):
        if field.data is not None and field.data not in self.member_ids:
            raise ValidationError(_("Choose a member of this ledger."))

    @property
    def paid_by_id(self) -> int | None:
        return self.paid_by.data if "paid_by" in self else None

    def validate_category_id(self, field):
        # Someone else's category, or one that does not exist, is simply not among the choices.
        if field.data not in self.categories_by_id:
            raise ValidationError(_("Choose one of your categories."))

    @property
    def category(self):
        return self.categories_by_id[self.category_id.data]


class CategoryForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Give the category a name.")),
            Length(
                max=CATEGORY_NAME_MAX,
                message=_l("Keep the name under %(count)s characters.", count=CATEGORY_NAME_MAX + 1),
            ),
            fits_name_key,
            PlainText(),
        ],
    )
    color = StringField(_l("Colour"), default="#546e7a", validators=[hex_colour], render_kw={"type": "color"})
    submit = SubmitField(_l("Save category"))


class DeleteCategoryForm(FlaskForm):
    fate = RadioField(
        _l("What should happen to its expenses?"),
        choices=choices([("move", _l("Move them to another category")), ("delete", _l("Delete them too"))]),
        default="move",
    )
    move_to = SelectField(_l("Move them to"), coerce=int_or_none, validate_choice=False)
    submit = SubmitField(_l("Delete category"))

    def __init__(self, other_categories, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.others_by_id = {c.id: c for c in other_categories}
        self.move_to.choices = choices((c.id, c.name) for c in other_categories)


def expense_values(form: ExpenseForm, ledger) -> dict:
    """The service's arguments from a validated ExpenseForm (the full form, quick add and the API)."""
    if form.conversion is not None:
        amounts = form.conversion.stored(ledger.currency)
    else:
        amounts = {"amount_cents": money.to_minor(form.amount.amount, ledger.currency)}
        if not form.forced_currency:
            # The API says nothing about another currency (see services.update_expense).
            amounts.update(conversion.same_currency_columns())
    return {
        "category": form.category,
        "spent_on": form.spent_on.data,
        "description": form.description.data,
        "paid_by_id": form.paid_by_id,
        **amounts,
    }


def fill_expense_form(form: ExpenseForm, expense, ledger) -> None:
    """An expense's amounts in its form, as typed: the original and, in another currency, what it
    came to and the rate."""
    if expense.original_currency is None:
        form.currency.data = ledger.currency
        form.amount.data = money.format_plain(expense.amount_cents, ledger.currency)
        return
    form.currency.data = expense.original_currency
    form.amount.data = money.format_plain(expense.original_amount_minor, expense.original_currency)
    form.charged.data = money.format_plain(expense.amount_cents, ledger.currency)
    form.rate.data = expense.rate
