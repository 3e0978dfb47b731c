from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField

from ..money import CURRENCIES
from ..validators import Amount, strip_text


class SettingsForm(FlaskForm):
    currency = SelectField(
        "Currency", choices=[(c.code, f"{c.code} — {c.name}") for c in CURRENCIES.values()]
    )
    monthly_budget = StringField(
        "Monthly budget",
        filters=[strip_text],
        validators=[Amount()],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    submit = SubmitField("Save settings")

    @property
    def currency_code(self):
        # The budget is read in the currency being chosen, which may not be the current one.
        return self.currency.data if self.currency.data in CURRENCIES else None
