from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from .. import clock
from ..models import EMAIL_MAX
from ..passwords import PASSWORD_MAX, PASSWORD_MIN
from ..two_factor import CODE_INPUT_MAX
from ..validators import PlainText, strip_text


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        filters=[strip_text],
        validators=[DataRequired(_l("Enter your email address.")), Length(max=EMAIL_MAX), PlainText()],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX)]
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Log in"))


class RegisterForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=EMAIL_MAX, message=_l("That email address is too long.")),
            PlainText(),
            Email(_l("Enter a valid email address, like name@example.com."), check_deliverability=False),
        ],
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least %(password_min)s characters.", password_min=PASSWORD_MIN),
        validators=[
            DataRequired(_l("Choose a password.")),
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
        _l("Repeat password"),
        validators=[
            DataRequired(_l("Repeat your password.")),
            EqualTo("password", _l("The two passwords do not match.")),
        ],
    )
    # Filled by static/time-zone.js from the browser's Intl time zone; without scripts, or with a
    # name that is not offered, the account starts in UTC (Settings can change it).
    time_zone = HiddenField(render_kw={"data-browser-time-zone": ""})
    submit = SubmitField(_l("Create account"))

    @property
    def chosen_time_zone(self) -> str:
        return self.time_zone.data if clock.is_time_zone(self.time_zone.data) else clock.DEFAULT_TIME_ZONE


class TwoFactorLoginForm(FlaskForm):
    """The login's second step: the code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code from your authenticator app"),
        filters=[strip_text],
        validators=[DataRequired(_l("Enter the code.")), Length(max=CODE_INPUT_MAX, message=_l("That is not a code."))],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "autocapitalize": "off",
            "spellcheck": "false",
        },
    )
    submit = SubmitField(_l("Verify"))

    def for_recovery_code(self) -> None:
        """Ask for a recovery code instead: letters too, so no number pad on phones."""
        self.code.label.text = "Recovery code"
        self.code.render_kw = {**self.code.render_kw, "inputmode": "text", "autocomplete": "off"}
