"""Forms for creating a shared ledger, inviting to it and managing its members."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms import choices, int_or_none
from ..models import EDITOR, LEDGER_NAME_MAX, OWNER, ROLES, VIEWER
from ..money import ALL_CURRENCIES, currency_choices
from ..periods import MAX_START_DAY, MIN_START_DAY
from ..validators import Amount, PlainText, strip_text
from .invitations import EXPIRY_DAYS

ROLE_WORDS = {
    VIEWER: _l("Viewer: sees and exports the ledger"),
    EDITOR: _l("Editor: also adds, edits and deletes expenses, categories, budgets and imports"),
    OWNER: _l("Owner: also manages members, invitations, settings and can delete the ledger"),
}


def _role_field(label, default: str = EDITOR) -> SelectField:
    return SelectField(label, choices=choices((role, ROLE_WORDS[role]) for role in ROLES), default=default)


class LedgerSettingsForm(FlaskForm):
    """A ledger's name, currency, budget and period: filled in when it is created, changed by its owner."""

    name = StringField(
        _l("Name"),
        description=_l("Say whose books these are, for example “Flat 3B” or “Holiday 2027”."),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Give the ledger a name.")),
            Length(
                max=LEDGER_NAME_MAX, message=_l("Keep the name under %(count)s characters.", count=LEDGER_NAME_MAX + 1)
            ),
            PlainText(),
        ],
    )
    currency = SelectField(_l("Currency"))  # choices: in __init__, named in the reader's language
    monthly_budget = StringField(
        _l("Budget per period"),
        description=_l("The most the ledger's members want to spend in one budget period, across all categories."),
        filters=[strip_text],
        validators=[Amount()],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    period_start_day = SelectField(
        _l("Budget period starts on day"),
        coerce=int_or_none,
        choices=choices((day, str(day)) for day in range(MIN_START_DAY, MAX_START_DAY + 1)),
        default=MIN_START_DAY,
        description=_l("Periods are monthly. Pick the payday; days 29 to 31 do not exist in every month."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency.choices = choices(currency_choices())

    @property
    def currency_code(self):
        # The budget is read in the currency being chosen.
        return self.currency.data if self.currency.data in ALL_CURRENCIES else None


class NewLedgerForm(LedgerSettingsForm):
    pass


class InvitationForm(FlaskForm):
    role = _role_field(_l("They join as"))
    days = SelectField(
        _l("The link works for"),
        coerce=int_or_none,
        choices=choices(
            (days, lazy_ngettext("%(count)s day", "%(count)s days", days, count=days)) for days in EXPIRY_DAYS
        ),
        default=EXPIRY_DAYS[-1],
    )


class RoleForm(FlaskForm):
    role = _role_field(_l("Role"))


class HandOverForm(FlaskForm):
    step_down = BooleanField(_l("and make me an editor"))


class DeleteLedgerForm(FlaskForm):
    confirm_name = StringField(
        _l("Type the ledger's name to confirm"),
        filters=[strip_text],
        validators=[DataRequired(_l("Type the ledger's name to confirm."))],
        render_kw={"autocomplete": "off"},
    )

    def __init__(self, ledger_name: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ledger_name = ledger_name

    def validate_confirm_name(self, field):
        if field.data != self.ledger_name:
            raise ValidationError(_("That is not the ledger's name. Type it exactly as shown."))
