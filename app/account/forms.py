from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from ..auth.forms import PASSWORD_MAX, PASSWORD_MIN
from ..forms import choices, int_or_none
from ..money import CURRENCIES
from ..periods import MAX_START_DAY, MIN_START_DAY
from ..validators import Amount, strip_text


class SettingsForm(FlaskForm):
    currency = SelectField("Currency", choices=choices((c.code, f"{c.code} — {c.name}") for c in CURRENCIES.values()))
    monthly_budget = StringField(
        "Budget per period",
        description="The most you want to spend in one budget period, across all categories.",
        filters=[strip_text],
        validators=[Amount()],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    period_start_day = SelectField(
        "Budget period starts on day",
        coerce=int_or_none,
        choices=choices((day, str(day)) for day in range(MIN_START_DAY, MAX_START_DAY + 1)),
        description="Periods are monthly. Pick your payday; days 29 to 31 do not exist in every month.",
    )
    submit = SubmitField("Save settings")

    @property
    def currency_code(self):
        # The budget is read in the currency being chosen, which may not be the current one.
        return self.currency.data if self.currency.data in CURRENCIES else None


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), Length(max=PASSWORD_MAX)],
    )
    new_password = PasswordField(
        "New password",
        description=f"At least {PASSWORD_MIN} characters.",
        validators=[
            DataRequired("Choose a new password."),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=f"Use between {PASSWORD_MIN} and {PASSWORD_MAX} characters.",
            ),
        ],
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[
            DataRequired("Repeat the new password."),
            EqualTo("new_password", "The two passwords do not match."),
        ],
    )
    submit = SubmitField("Change password")


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        "Your password",
        validators=[DataRequired("Enter your password to confirm."), Length(max=PASSWORD_MAX)],
    )
    understood = BooleanField(
        "I understand that all my expenses, categories and settings will be deleted for good.",
        validators=[DataRequired("Tick the box to confirm.")],
    )
    submit = SubmitField("Delete my account")
