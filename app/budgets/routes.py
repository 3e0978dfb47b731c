from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from .. import budgeting, clock, money
from .. import recurring_rules as recurring
from ..access import EDITOR, VIEWER, current_ledger
from ..categories import get_category_or_404, ledger_categories
from ..periods import Period, period_containing, period_from_key
from ..transactions import run_and_commit
from . import bp
from .forms import BudgetsForm


@bp.before_request
@login_required
def require_login():
    """Budgets are the current ledger's (app.access decides who may read and change them)."""


STALE_FORM = (
    "Nothing was saved: that form was not for the current period ({period}). Limits are set for the "
    "current period and apply from it on; check them below and save again."
)


def _save(form: BudgetsForm, categories, current: Period) -> int | None:
    """Apply the form's limits from the current period on and commit; returns how many categories
    changed, or None (with the reason flashed) when the account's budget history is full and
    nothing was saved."""
    try:
        return run_and_commit(_apply, form, categories, current)
    except budgeting.BudgetHistoryFull as error:
        flash(str(error), "danger")
        return None


def _apply(form: BudgetsForm, categories, current: Period) -> int:
    """Only categories whose limit or rollover differ from what is in force are written."""
    ledger = current_ledger(EDITOR)
    changed = 0
    for category in categories:
        amount, rollover = form.parsed[category.id]
        limit_cents = None if amount is None else money.to_minor(amount, ledger.currency)
        changed += budgeting.set_category_budget(ledger, category, limit_cents, rollover, current)
    budgeting.check_category_budget_rows(ledger)
    return changed


@bp.route("", methods=["GET", "POST"])
def index():
    ledger = current_ledger(EDITOR if request.method == "POST" else VIEWER)
    today = clock.user_today()
    period = period_from_key(request.args.get("period"), ledger.period_start_day, today)
    current = period_containing(today, ledger.period_start_day)
    categories = ledger_categories(ledger)
    form = BudgetsForm(categories, ledger.currency, current.key)
    if form.validate_budgets(request.form):
        changed = _save(form, categories, current)
        if changed is not None:
            flash(
                _("Budgets saved (%(changed)s changed).", changed=changed) if changed else _("No budget changed."),
                "success",
            )
        return redirect(url_for("budgets.index"))
    if form.stale:
        flash(STALE_FORM.format(period=current.label), "warning")
        return redirect(url_for("budgets.index"))
    statuses = budgeting.category_budgets(ledger, period, categories)
    if not form.is_submitted():
        form.load(statuses)
    overall_cents = budgeting.overall_budget_cents(ledger, period)
    spent_cents = sum(s.spent_cents for s in statuses)
    safe = None
    if period == current:
        upcoming = recurring.still_due(ledger, period, today)
        safe = recurring.safe_to_spend(overall_cents, spent_cents, upcoming, budgeting.days_left(period, today))
    return (
        render_template(
            "budgets/index.html",
            form=form,
            period=period,
            is_current=period == current,
            statuses=statuses,
            overall_cents=overall_cents,
            spent_cents=spent_cents,
            days_left=budgeting.days_left(period, today),
            safe=safe,
        ),
        422 if form.field_errors or form.errors else 200,
    )


@bp.route("/<int:category_id>/edit", methods=["GET", "POST"])
def edit(category_id: int):
    ledger = current_ledger(EDITOR)
    category = get_category_or_404(ledger, category_id)
    period = period_containing(clock.user_today(), ledger.period_start_day)
    form = BudgetsForm([category], ledger.currency, period.key)
    if form.validate_budgets(request.form):
        if _save(form, [category], period) is not None:
            flash(_("Budget for %(category_name)s saved.", category_name=category.name), "success")
        return redirect(url_for("budgets.index"))
    if form.stale:
        flash(STALE_FORM.format(period=period.label), "warning")
        return redirect(url_for("budgets.edit", category_id=category.id))
    (status,) = budgeting.category_budgets(ledger, period, [category])
    if not form.is_submitted():
        form.load([status])
    return (
        render_template("budgets/edit.html", form=form, status=status, period=period),
        422 if form.field_errors or form.errors else 200,
    )
