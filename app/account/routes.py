from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import money
from ..forms import form_status
from . import bp
from .forms import SettingsForm
from .services import CurrencyChangeRefused, update_settings


@bp.before_request
@login_required
def require_login():
    """Every page of this blueprint is about the signed-in account."""


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    form = SettingsForm()
    if not form.is_submitted():
        form.currency.data = current_user.currency
        form.monthly_budget.data = money.format_plain(
            current_user.monthly_budget_cents, current_user.currency
        )
    if form.validate_on_submit():
        try:
            update_settings(current_user, form.currency.data, form.monthly_budget.amount)
        except CurrencyChangeRefused:
            form.currency.errors.append(
                f"{form.currency.data} uses a different number of decimal places from "
                f"{current_user.currency}, so it cannot be chosen once you have expenses."
            )
        else:
            flash("Settings saved.", "success")
            return redirect(url_for("account.settings"))
    return render_template("account/settings.html", form=form), form_status(form)
