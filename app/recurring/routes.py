from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import l10n, money, recurrence
from .. import recurring_rules as services
from ..access import EDITOR, VIEWER, current_ledger
from ..categories import ledger_categories
from ..forms import ConfirmForm, form_status
from ..models import RecurringRule
from ..recurring_posting import ledger_today
from ..transactions import run_and_commit
from .forms import DeleteRuleForm, RuleForm

bp = Blueprint("recurring", __name__, url_prefix="/recurring")


@bp.before_request
@login_required
def require_login():
    """Rules belong to the current ledger (app.access decides who may read and change them)."""


def describe(rule: RecurringRule) -> str:
    """The schedule in words: "Every 2 weeks", "Every month on day 15 · 12 times in all"."""
    every = rule.every
    if rule.unit == recurrence.DAY:
        text = ngettext("Every day", "Every %(num)s days", every)
    elif rule.unit == recurrence.WEEK:
        text = ngettext("Every week", "Every %(num)s weeks", every)
    elif rule.unit == recurrence.YEAR:
        text = ngettext("Every year", "Every %(num)s years", every)
    else:
        text = ngettext("Every month", "Every %(num)s months", every)
    if rule.unit == recurrence.MONTH:
        day = rule.month_day or rule.start_on.day
        if day == recurrence.LAST_DAY:
            text = _("%(schedule)s on the last day", schedule=text)
        else:
            text = _("%(schedule)s on day %(day)s", schedule=text, day=l10n.format_count(day))
    if rule.end_on is not None:
        text = _("%(schedule)s · until %(date)s", schedule=text, date=l10n.format_day(rule.end_on))
    if rule.occurrence_limit is not None:
        text = ngettext(
            "%(schedule)s · %(num)s time in all",
            "%(schedule)s · %(num)s times in all",
            rule.occurrence_limit,
            schedule=text,
        )
    return text


@bp.get("/")
def index():
    ledger = current_ledger(VIEWER)
    today = ledger_today(ledger, current_user)
    rules = services.rules_of(ledger)
    categories = {category.id: category for category in ledger_categories(ledger)}
    suggestions = [s for s in services.suggestions(ledger, today, rules) if s.category_id in categories]
    return render_template(
        "recurring/index.html",
        rules=rules,
        describe=describe,
        made=services.made_counts(ledger) if rules else {},
        suggestions=suggestions,
        categories=categories,
        form=ConfirmForm(),
    )


def _form_page(form: RuleForm, rule: RecurringRule | None):
    return render_template("recurring/form.html", form=form, rule=rule), form_status(form)


@bp.route("/new", methods=["GET", "POST"])
def new_rule():
    ledger = current_ledger(EDITOR)
    categories = ledger_categories(ledger)
    if not categories:
        flash(_("Create a category first: every expense belongs to one."), "warning")
        return redirect(url_for("expenses.categories"))
    form = RuleForm(categories)
    if form.validate_on_submit():
        values = form.values(money.to_minor(form.amount.amount, ledger.currency))
        rule = run_and_commit(services.create_rule, ledger, values, ledger_today(ledger, current_user), current_user.id)
        made = services.expenses_made_by(rule)
        flash(
            ngettext(
                "Saved the rule %(description)s; it added %(num)s expense due since its first date.",
                "Saved the rule %(description)s; it added %(num)s expenses due since its first date.",
                made,
                description=rule.description,
            )
            if made
            else _("Saved the rule %(description)s.", description=rule.description),
            "success",
        )
        return redirect(url_for("recurring.index"))
    return _form_page(form, None)


@bp.route("/<int:rule_id>/edit", methods=["GET", "POST"])
def edit_rule(rule_id: int):
    ledger = current_ledger(EDITOR)
    rule = services.get_rule_or_404(ledger, rule_id)
    form = RuleForm(ledger_categories(ledger), obj=rule)
    if request.method == "GET":
        form.amount.data = money.format_plain(rule.amount_cents, ledger.currency)
        form.ends.data = "on" if rule.end_on else "after" if rule.occurrence_limit else "never"
    if form.validate_on_submit():
        values = form.values(money.to_minor(form.amount.amount, ledger.currency))
        run_and_commit(services.update_rule, rule, values, ledger_today(ledger, current_user))
        flash(
            _(
                "Saved the rule %(description)s; the expenses it already made stay as they were.",
                description=rule.description,
            ),
            "success",
        )
        return redirect(url_for("recurring.index"))
    return _form_page(form, rule)


def _action(rule_id: int, work, message):
    """A button on the rules list (pause, resume, skip): CSRFProtect has checked the form."""
    ledger = current_ledger(EDITOR)
    rule = services.get_rule_or_404(ledger, rule_id)
    result = run_and_commit(work, rule, ledger_today(ledger, current_user))
    flash(message(rule, result), "success")
    return redirect(url_for("recurring.index"))


@bp.post("/<int:rule_id>/pause")
def pause(rule_id: int):
    return _action(
        rule_id,
        lambda rule, today: services.pause_rule(rule),
        lambda rule, _result: _(
            "Paused %(description)s: nothing is added until you resume it.", description=rule.description
        ),
    )


@bp.post("/<int:rule_id>/resume")
def resume(rule_id: int):
    return _action(
        rule_id,
        services.resume_rule,
        lambda rule, _result: (
            _(
                "Resumed %(description)s: the next one is on %(date)s.",
                description=rule.description,
                date=l10n.format_day(rule.next_due),
            )
            if rule.next_due
            else _("Resumed %(description)s; its schedule has ended.", description=rule.description)
        ),
    )


@bp.post("/<int:rule_id>/skip")
def skip(rule_id: int):
    return _action(
        rule_id,
        lambda rule, today: services.skip_next(rule),
        lambda rule, day: (
            _("Skipped %(description)s on %(date)s.", description=rule.description, date=l10n.format_day(day))
            if day
            else _("%(description)s has nothing left to skip.", description=rule.description)
        ),
    )


@bp.route("/<int:rule_id>/delete", methods=["GET", "POST"])
def delete_rule(rule_id: int):
    ledger = current_ledger(EDITOR)
    rule = services.get_rule_or_404(ledger, rule_id)
    made = services.expenses_made_by(rule)
    form = DeleteRuleForm()
    if form.validate_on_submit():
        description = rule.description
        deleted = run_and_commit(services.delete_rule, rule, form.delete_expenses.data)
        if deleted:
            flash(
                ngettext(
                    "Deleted the rule %(description)s and the %(num)s expense it made.",
                    "Deleted the rule %(description)s and the %(num)s expenses it made.",
                    deleted,
                    description=description,
                ),
                "success",
            )
        else:
            flash(
                _("Deleted the rule %(description)s; the expenses it made are kept.", description=description),
                "success",
            )
        return redirect(url_for("recurring.index"))
    return render_template("recurring/confirm_delete.html", rule=rule, made=made, form=form, describe=describe)


@bp.post("/suggestions")
def accept_suggestion():
    """Turn a "looks recurring" suggestion into a rule; the suggestion is found again from the
    ledger's history (the form only names it), so a forged one cannot make a rule out of nothing."""
    ledger = current_ledger(EDITOR)
    today = ledger_today(ledger, current_user)
    categories = {category.id: category for category in ledger_categories(ledger)}
    wanted = (request.form.get("description", ""), request.form.get("category", ""))
    found = next(
        (
            s
            for s in services.suggestions(ledger, today, services.rules_of(ledger))
            if (s.description, str(s.category_id)) == wanted and s.category_id in categories
        ),
        None,
    )
    if found is None:
        flash(_("That suggestion is no longer there; nothing was changed."), "warning")
        return redirect(url_for("recurring.index"))
    values = services.suggestion_values(found, categories[found.category_id])
    rule = run_and_commit(services.create_rule, ledger, values, today, current_user.id)
    flash(
        _(
            "Saved the rule %(description)s, starting on %(date)s after its last expense.",
            description=rule.description,
            date=l10n.format_day(values.start_on),
        ),
        "success",
    )
    return redirect(url_for("recurring.index"))
