from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from .. import clock
from ..models import EMAIL_MAX
from ..passwords import PASSWORD_MAX, PASSWORD_MIN
from ..validators import PlainText, strip_text


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[strip_text],
        validators=[DataRequired("Enter your email address."), Length(max=EMAIL_MAX), PlainText()],
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=PASSWORD_MAX)])
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Log in")


class RegisterForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[strip_text],
        validators=[
            DataRequired("Enter your email address."),
            Length(max=EMAIL_MAX, message="That email address is too long."),
            PlainText(),
            Email("Enter a valid email address, like name@example.com.", check_deliverability=False),
        ],
    )
    password = PasswordField(
        "Password",
        description=f"At least {PASSWORD_MIN} characters.",
        validators=[
            DataRequired("Choose a password."),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=f"Use between {PASSWORD_MIN} and {PASSWORD_MAX} characters.",
            ),
        ],
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[
            DataRequired("Repeat your password."),
            EqualTo("password", "The two passwords do not match."),
        ],
    )
    # Filled by static/time-zone.js from the browser's Intl time zone; without scripts, or with a
    # name that is not offered, the account starts in UTC (Settings can change it).
    time_zone = HiddenField(render_kw={"data-browser-time-zone": ""})
    submit = SubmitField("Create account")

    @property
    def chosen_time_zone(self) -> str:
        return self.time_zone.data if clock.is_time_zone(self.time_zone.data) else clock.DEFAULT_TIME_ZONE
