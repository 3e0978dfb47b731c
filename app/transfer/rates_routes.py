"""Exchange rates: the euro reference rates people download from the European Central Bank and
upload here (the server never calls out for rates). Expenses in another currency use them when no
rate was typed and none was used before (app/conversion.py)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from .. import conversion, ecb_rates, l10n
from ..access import EDITOR, VIEWER, current_ledger
from ..forms import ConfirmForm, form_status
from ..models import EARLIEST_DATE, LATEST_DATE
from ..transactions import run_and_commit
from . import bp
from .forms import RatesForm


@bp.route("/exchange-rates", methods=["GET", "POST"])
def exchange_rates():
    ledger = current_ledger(EDITOR if request.method == "POST" else VIEWER)
    form = RatesForm()
    if form.validate_on_submit():
        try:
            days = ecb_rates.parse_rates(ecb_rates.read_upload(form.rates_file.data.read()))
            outside = [day for day in days if not EARLIEST_DATE <= day <= LATEST_DATE]
            if outside:
                raise ecb_rates.RatesFileError(
                    _("%(value)s is not a date between 1970 and 2099.", value=l10n.format_day(outside[0]))
                )
        except ecb_rates.RatesFileError as error:
            form.rates_file.errors.append(str(error))
        else:
            count = run_and_commit(conversion.store_rates, ledger, days)
            flash(
                ngettext(
                    "Stored %(count)s rates of %(days)s day, from %(first)s to %(last)s.",
                    "Stored %(count)s rates of %(days)s days, from %(first)s to %(last)s.",
                    len(days),
                    count=l10n.format_count(count),
                    days=l10n.format_count(len(days)),
                    first=l10n.format_day(min(days)),
                    last=l10n.format_day(max(days)),
                ),
                "success",
            )
            return redirect(url_for("transfer.exchange_rates"))
    return (
        render_template(
            "transfer/rates.html",
            form=form,
            forget_form=ConfirmForm(),
            summary=conversion.rates_summary(ledger),
            step=None,
        ),
        form_status(form),
    )


@bp.post("/exchange-rates/forget")
def forget_exchange_rates():
    ledger = current_ledger(EDITOR)
    if ConfirmForm().validate_on_submit():
        run_and_commit(conversion.forget_rates, ledger)
        flash(_("The uploaded exchange rates are deleted. Expenses keep the rates they were saved with."), "success")
    return redirect(url_for("transfer.exchange_rates"))
