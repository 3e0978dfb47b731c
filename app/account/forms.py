from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from .. import clock, l10n, money
from ..forms import choices
from ..models import TOKEN_NAME_MAX, TOKEN_READ, TOKEN_WRITE
from ..passwords import PASSWORD_MAX, PASSWORD_MIN
from ..two_factor import CODE_INPUT_MAX
from ..validators import strip_text


def _example_amount(locale_id: str, currency_code: str) -> str:
    example = Decimal("1234.56") if money.currency(currency_code).exponent else Decimal("1234")
    return money.format_amount(example, currency_code, l10n.parse_locale(locale_id))


class SettingsForm(FlaskForm):
    """The account's own settings; a ledger's currency, budget and period are on its settings page."""

    locale = SelectField(
        _l("Number and date format"),
        # The choices depend on the browser and the currency: see set_locale_choices().
        validate_choice=False,
        render_kw={"autocomplete": "off"},
    )
    time_zone = SelectField(
        _l("Time zone"),
        choices=choices((name, name.replace("_", " ")) for name in clock.time_zones()),
        # Checked by validate_time_zone, with words for people rather than WTForms' "Not a valid choice".
        validate_choice=False,
        render_kw={"autocomplete": "off"},
    )
    submit = SubmitField(_l("Save settings"))

    def set_time_zone_description(self, today: date) -> None:
        self.time_zone.description = (
            f"Your days start at midnight here: the date of a new expense, budget periods, “days left”, "
            f"quick ranges and reports follow it. Today there: {l10n.format_day(today)}."
        )

    def validate_time_zone(self, field):
        # Absent (a page from before time zones existed) keeps the current one; anything else must be listed.
        if field.data and not clock.is_time_zone(field.data):
            raise ValidationError(_("Choose a time zone from the list."))

    def set_locale_choices(self, currency_code: str, browser_locale: str, today: date) -> None:
        """Browser default first, then every offered locale named in its own language with an amount
        in `currency_code` as it writes it; the help text shows the chosen one with today's date."""
        self.locale.choices = [
            SelectChoice(value="", label=_("Browser default · %(value)s", value=l10n.display_name(browser_locale))),
            *(
                SelectChoice(
                    value=locale_id,
                    label=f"{l10n.display_name(locale_id)} · {_example_amount(locale_id, currency_code)}",
                    render_kw={"lang": l10n.html_lang(locale_id)},
                )
                for locale_id in l10n.OFFERED_LOCALES
            ),
        ]
        shown = self.locale.data if l10n.is_offered(self.locale.data) else browser_locale
        example_day = l10n.format_day(today, locale=l10n.parse_locale(shown))
        self.locale.description = (
            f"Now: {_example_amount(shown, currency_code)} · {example_day}. "
            "This changes how amounts and dates are written; the site's text stays in English."
        )

    def validate_locale(self, field):
        if field.data and not l10n.is_offered(field.data):
            raise ValidationError(_("Choose a number and date format from the list."))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=PASSWORD_MAX)],
    )
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least %(password_min)s characters.", password_min=PASSWORD_MIN),
        validators=[
            DataRequired(_l("Choose a new password.")),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l(
                    "Use between %(password_min)s and %(password_max)s characters.",
                    password_min=PASSWORD_MIN,
                    password_max=PASSWORD_MAX,
                ),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[
            DataRequired(_l("Repeat the new password.")),
            EqualTo("new_password", _l("The two passwords do not match.")),
        ],
    )
    submit = SubmitField(_l("Change password"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Enter your password to confirm.")), Length(max=PASSWORD_MAX)],
    )
    understood = BooleanField(
        _l("I understand that all my expenses, categories and settings will be deleted for good."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Delete my account"))


def _password_field() -> PasswordField:
    return PasswordField(
        _("Your password"),
        validators=[DataRequired(_("Enter your password.")), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )


class EnableTwoFactorForm(FlaskForm):
    code = StringField(
        _l("6-digit code from the app"),
        filters=[strip_text],
        validators=[DataRequired(_l("Enter the code your app shows.")), Length(max=CODE_INPUT_MAX)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )
    password = _password_field()
    submit = SubmitField(_l("Turn on two-factor sign-in"))


class TwoFactorCheckForm(FlaskForm):
    """Password and a current code, before recovery codes are replaced or two-factor is turned off.
    Two of these share a page, so each is made with its own prefix."""

    password = _password_field()
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        filters=[strip_text],
        validators=[DataRequired(_l("Enter a code.")), Length(max=CODE_INPUT_MAX)],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"},
    )


class CreateTokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        description=_l("What the token is for, such as “Phone shortcut”, so you can tell your tokens apart."),
        filters=[strip_text],
        validators=[DataRequired(_l("Give the token a name.")), Length(max=TOKEN_NAME_MAX)],
        render_kw={"autocomplete": "off", "maxlength": TOKEN_NAME_MAX},
    )
    scope = SelectField(
        _l("Access"),
        choices=choices(
            [
                (TOKEN_READ, _l("Read only: list and export")),
                (TOKEN_WRITE, _l("Read and write: also add, change and delete")),
            ]
        ),
        default=TOKEN_READ,
    )
    lifetime = SelectField(
        _l("Expires"),
        choices=choices(
            [
                ("30", _l("In 30 days")),
                ("7", _l("In 7 days")),
                ("90", _l("In 90 days")),
                ("365", _l("In a year")),
                ("never", _l("Never")),
            ]
        ),
        default="30",
        description=_l("A token that never expires works until you revoke it here."),
    )
    submit = SubmitField(_l("Create token"))
