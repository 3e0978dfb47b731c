from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, SubmitField
from wtforms.validators import InputRequired, Optional, ValidationError

from .. import l10n, recurrence
from ..clock import user_today
from ..expenses.forms import amount_field, description_field, sane_date
from ..forms import choices, int_or_none
from ..recurring_rules import MAX_CATCH_UP, RuleValues

UNIT_CHOICES = [
    (recurrence.DAY, _l("days")),
    (recurrence.WEEK, _l("weeks")),
    (recurrence.MONTH, _l("months")),
    (recurrence.YEAR, _l("years")),
]
ENDS = [("never", _l("Never")), ("on", _l("On a date")), ("after", _l("After a number of times"))]


def _day_choices():
    days = [("", _l("The start date's day"))]
    days += [(str(day), l10n.format_count(day)) for day in range(1, recurrence.LAST_DAY)]
    return days + [(str(recurrence.LAST_DAY), _l("The last day of the month"))]


class RuleForm(FlaskForm):
    amount = amount_field()
    description = description_field(_l("Describe the expense, for example “Rent”."))
    category_id = SelectField(_l("Category"), coerce=int_or_none, validate_choice=False)
    start_on = DateField(
        _l("First date"),
        default=user_today,
        validators=[InputRequired(_l("Choose the date of the first expense.")), sane_date],
        description=_l("A date in the past adds the expenses due since then at once."),
    )
    every = IntegerField(
        _l("Repeat every"),
        default=1,
        validators=[InputRequired(_l("Say how often it repeats, for example every 1 month."))],
        render_kw={"min": 1, "inputmode": "numeric"},
    )
    unit = SelectField(_l("Unit"), choices=choices(UNIT_CHOICES), default=recurrence.MONTH, validate_choice=False)
    month_day = SelectField(
        _l("On day of the month"),
        coerce=int_or_none,
        validate_choice=False,
        description=_l("Monthly and yearly only. Days 29 to 31 fall on the last day of shorter months."),
    )
    ends = SelectField(_l("Ends"), choices=choices(ENDS), default="never", validate_choice=False)
    end_on = DateField(_l("Last date"), validators=[Optional(), sane_date])
    occurrence_limit = IntegerField(_l("Number of times"), validators=[Optional()], render_kw={"min": 1})

    def __init__(self, categories, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories_by_id = {c.id: c for c in categories}
        self.category_id.choices = choices((c.id, c.name) for c in categories)
        self.month_day.choices = choices(_day_choices())

    def validate_category_id(self, field):
        if field.data not in self.categories_by_id:
            raise ValidationError(_("Choose one of your categories."))

    def validate_unit(self, field):
        if field.data not in recurrence.UNITS:
            raise ValidationError(_("Choose days, weeks, months or years."))

    def validate_every(self, field):
        highest = recurrence.MAX_INTERVAL.get(self.unit.data, recurrence.MAX_INTERVAL[recurrence.DAY])
        if field.data is not None and not 1 <= field.data <= highest:
            raise ValidationError(_("Choose a number from 1 to %(highest)s.", highest=highest))

    def validate_month_day(self, field):
        if self.month_day.raw_data and self.month_day.raw_data[0] not in ("", None) and field.data is None:
            raise ValidationError(_("Choose a day from 1 to 31."))
        if field.data is not None and not 1 <= field.data <= recurrence.LAST_DAY:
            raise ValidationError(_("Choose a day from 1 to 31."))

    def validate_ends(self, field):
        if field.data not in dict(ENDS):
            raise ValidationError(_("Choose when it ends."))

    def validate(self, extra_validators=None) -> bool:
        """The end fields are optional on their own; which one is needed depends on `ends`."""
        valid = super().validate(extra_validators)
        if self.ends.data == "on" and not self.end_on.errors:
            if self.end_on.data is None:
                self.end_on.errors.append(_("Choose the last date."))
            elif self.start_on.data and self.end_on.data < self.start_on.data:
                self.end_on.errors.append(_("The last date cannot be before the first."))
        limit = self.occurrence_limit
        if (
            self.ends.data == "after"
            and not limit.errors
            and (limit.data is None or not 1 <= limit.data <= recurrence.MAX_COUNT)
        ):
            limit.errors.append(_("Choose a number of times from 1 to %(highest)s.", highest=recurrence.MAX_COUNT))
        return valid and not self.end_on.errors and not limit.errors

    def validate_start_on(self, field):
        """A start so far back that catching up would add hundreds of expenses is a typo."""
        if field.data is None or self.unit.data not in recurrence.UNITS:
            return
        try:
            schedule = recurrence.Schedule(field.data, self.unit.data, self.every.data or 1)
        except ValueError:
            return  # the interval's own message says what is wrong
        behind = len(schedule.between(field.data, user_today(), limit=MAX_CATCH_UP + 1))
        if behind > MAX_CATCH_UP:
            raise ValidationError(
                ngettext(
                    "From this date it would add more than %(num)s expense at once; choose a later first date.",
                    "From this date it would add more than %(num)s expenses at once; choose a later first date.",
                    MAX_CATCH_UP,
                )
            )

    def values(self, amount_cents: int) -> RuleValues:
        unit = self.unit.data
        return RuleValues(
            category=self.categories_by_id[self.category_id.data],
            description=self.description.data,
            amount_cents=amount_cents,
            start_on=self.start_on.data,
            unit=unit,
            every=self.every.data,
            month_day=self.month_day.data if unit in (recurrence.MONTH, recurrence.YEAR) else None,
            end_on=self.end_on.data if self.ends.data == "on" else None,
            occurrence_limit=self.occurrence_limit.data if self.ends.data == "after" else None,
        )


class DeleteRuleForm(FlaskForm):
    delete_expenses = BooleanField(_l("Also delete the expenses it made"))
    submit = SubmitField(_l("Delete rule"))
