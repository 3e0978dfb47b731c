from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from .. import money
from ..autocat.rule_match import PatternError, check_pattern
from ..forms import choices, int_or_none
from ..models import DESCRIPTION_MAX
from ..validators import Amount, PlainText, strip_text

DESCRIPTION_OPS = [
    ("", _l("Any description")),
    ("contains", _l("Contains")),
    ("starts_with", _l("Starts with")),
    ("equals", _l("Equals")),
    ("regex", _l("Matches the regular expression")),
]


def _text(label, description=None, max_length=DESCRIPTION_MAX):
    return StringField(
        label,
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=max_length, message=_l("Keep it under %(count)s characters.", count=max_length + 1)),
            PlainText(),
        ],
        description=description,
    )


def _amount(label):
    return StringField(
        label,
        filters=[strip_text],
        validators=[Optional(), Amount()],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )


class RuleForm(FlaskForm):
    description_op = SelectField(_l("The description"), choices=choices(DESCRIPTION_OPS), validate_choice=True)
    description_value = _text(
        _l("Text"),
        _l("Upper and lower case are the same. A regular expression may take at most 0.05 s per description."),
    )
    amount_min = _amount(_l("Amount from"))
    amount_max = _amount(_l("Amount to"))
    source_category = _text(
        _l("The file's category is"), _l("Optional. Only for imports: the category column of the bank's file.")
    )
    category_id = SelectField(_l("File under"), coerce=int_or_none, validate_choice=False)
    rewrite_description = _text(_l("Call it"), _l("Optional. Replaces the description, for example “Amazon”."))
    submit = SubmitField(_l("Save rule"))

    def __init__(self, categories, currency_code: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency_code = currency_code
        self.categories_by_id = {c.id: c for c in categories}
        self.category_id.choices = choices(
            [("", _("Leave the category as it is")), *((c.id, c.name) for c in categories)]
        )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        op, value = self.description_op.data, self.description_value.data
        if op and not value:
            self.description_value.errors.append(_("Write the text the description is compared with."))
            valid = False
        if op == "regex" and value:
            try:
                check_pattern(value)
            except PatternError as error:
                self.description_value.errors.append(str(error))
                valid = False
        low, high = self.amount_cents(self.amount_min), self.amount_cents(self.amount_max)
        if low is not None and high is not None and low > high:
            self.amount_max.errors.append(_("The amount to must not be less than the amount from."))
            valid = False
        if not op and low is None and high is None and not self.source_category.data:
            self.description_op.errors.append(_("Give at least one condition, for example “Contains” and a text."))
            valid = False
        if self.category_id.data is not None and self.category_id.data not in self.categories_by_id:
            self.category_id.errors.append(_("Choose one of your categories."))
            valid = False
        if self.category_id.data is None and not self.rewrite_description.data:
            self.category_id.errors.append(_("Choose a category to file under, or a description to call it, or both."))
            valid = False
        return valid

    def amount_cents(self, field) -> int | None:
        amount = getattr(field, "amount", None)
        return money.to_minor(amount, self.currency_code) if field.data and amount is not None else None

    def values(self) -> dict:
        """The rule's columns from the validated form."""
        op = self.description_op.data or None
        return {
            "description_op": op,
            "description_value": self.description_value.data if op else None,
            "amount_min_cents": self.amount_cents(self.amount_min),
            "amount_max_cents": self.amount_cents(self.amount_max),
            "source_category": self.source_category.data or None,
            "category_id": self.category_id.data,
            "rewrite_description": self.rewrite_description.data or None,
        }


class AlwaysFileForm(FlaskForm):
    """One click from a correction: the expense's description and the category it was put under."""

    description = StringField(filters=[strip_text], validators=[Length(max=DESCRIPTION_MAX), PlainText()])
    category_id = HiddenField(filters=[int_or_none])
    next = HiddenField()


class ApplyForm(FlaskForm):
    """Apply every rule to the stored expenses: the count the preview showed comes back with it."""

    expected = HiddenField()
