"""The ledger's currency changed with its expenses: converted at one rate, after a preview, with an
undo (app/ledgers/currency_change.py). The owner's to do."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import ValidationError

from .. import l10n, money
from ..access import OWNER, current_ledger
from ..expense_rows import has_expenses
from ..forms import ConfirmForm, choices, form_status
from ..transactions import run_and_commit
from ..validators import strip_text
from . import bp
from .currency_change import CannotUndo, convert_ledger, latest_change, preview, undo_change


class CurrencyChangeForm(FlaskForm):
    currency = SelectField(_l("New currency"))  # choices: in __init__, named in the reader's language
    rate = StringField(
        _l("Rate"),
        filters=[strip_text],
        description=_l("How many units of the new currency one unit of the current one is worth."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    # Set by the preview's button: convert now.
    confirmed = HiddenField()

    def __init__(self, ledger, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ledger = ledger
        self.currency.choices = choices(money.currency_choices())

    def validate_currency(self, field):
        if field.data == self.ledger.currency:
            raise ValidationError(_("Choose another currency than the ledger's, %(code)s.", code=self.ledger.currency))

    def validate_rate(self, field):
        try:
            field.rate = money.parse_rate(field.data)
        except money.AmountError as error:
            raise ValidationError(str(error)) from None


@bp.route("/ledger/currency", methods=["GET", "POST"])
@login_required
def change_currency():
    ledger = current_ledger(OWNER)
    form = CurrencyChangeForm(ledger)
    shown = None
    if form.validate_on_submit():
        code, rate = form.currency.data, form.rate.rate
        try:
            shown = preview(ledger, code, rate)
        except money.AmountError as error:
            form.rate.errors.append(str(error))
        else:
            if form.confirmed.data == "1":
                old_code = ledger.currency
                run_and_commit(convert_ledger, ledger, code, rate, current_user.id)
                flash(
                    ngettext(
                        "Converted %(count)s expense from %(old)s to %(new)s at %(rate)s.",
                        "Converted %(count)s expenses from %(old)s to %(new)s at %(rate)s.",
                        shown.count,
                        count=l10n.format_count(shown.count),
                        old=old_code,
                        new=code,
                        rate=money.format_rate(rate),
                    ),
                    "success",
                )
                return redirect(url_for("ledgers.change_currency"))
    return (
        render_template(
            "ledgers/currency.html",
            ledger=ledger,
            form=form,
            preview=shown,
            has_expenses=has_expenses(ledger),
            change=latest_change(ledger),
            undo_form=ConfirmForm(),
        ),
        form_status(form),
    )


@bp.post("/ledger/currency/undo")
@login_required
def undo_currency_change():
    ledger = current_ledger(OWNER)
    if ConfirmForm().validate_on_submit():
        change = latest_change(ledger)
        if change is None:
            flash(_("There is no currency change to undo."), "warning")
        else:
            old_code = change.from_currency
            try:
                run_and_commit(undo_change, ledger, change)
            except CannotUndo:
                flash(
                    _(
                        "The ledger has changed since it was converted, so the conversion cannot be undone. "
                        "Convert it back at a rate instead."
                    ),
                    "danger",
                )
            else:
                flash(
                    _("Undone: the ledger is in %(code)s again, with every amount as it was.", code=old_code), "success"
                )
    return redirect(url_for("ledgers.change_currency"))
