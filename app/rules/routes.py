"""The Rules page: a ledger's filing rules in the order they are tried, switched on and off, moved,
added, edited and deleted; "Always file … under …?" in one click; and applying the rules to the
expenses already stored (preview, apply in one transaction, undo). Viewers read; editors change."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import category_rules as services
from .. import l10n, money
from ..access import EDITOR, VIEWER, current_ledger
from ..categories import ledger_categories
from ..errors import render_error
from ..forms import ConfirmForm, form_status
from ..routing import safe_next
from ..transactions import run_and_commit
from . import bp
from .forms import AlwaysFileForm, ApplyForm, RuleForm


@bp.before_request
@login_required
def require_login():
    """Rules belong to the current ledger (app.access decides who may read and change them)."""


@bp.get("/")
def index():
    ledger = current_ledger(VIEWER)
    rules = services.rules_of(ledger)
    return render_template(
        "rules/index.html",
        rules=rules,
        conditions=services.conditions,
        actions=services.actions,
        latest_run=services.latest_run(ledger),
        form=ConfirmForm(),
    )


def _form_page(form, rule):
    return render_template("rules/form.html", form=form, rule=rule), form_status(form)


@bp.route("/new", methods=["GET", "POST"])
def new_rule():
    ledger = current_ledger(EDITOR)
    form = RuleForm(ledger_categories(ledger), ledger.currency)
    if form.validate_on_submit():
        try:
            run_and_commit(services.create_rule, ledger, form.values())
        except services.TooManyRules:
            form.description_op.errors.append(
                _("This ledger has %(count)s rules, the most it can have.", count=l10n.format_count(services.MAX_RULES))
            )
        else:
            flash(_("Added the rule."), "success")
            return redirect(url_for("rules.index"))
    return _form_page(form, None)


@bp.route("/<int:category_rule_id>/edit", methods=["GET", "POST"])
def edit_rule(category_rule_id: int):
    ledger = current_ledger(EDITOR)
    rule = services.get_rule_or_404(ledger, category_rule_id)
    form = RuleForm(ledger_categories(ledger), ledger.currency, obj=rule)
    if not form.is_submitted():
        form.description_op.data = rule.description_op or ""
        form.amount_min.data = _plain(rule.amount_min_cents, ledger.currency)
        form.amount_max.data = _plain(rule.amount_max_cents, ledger.currency)
    if form.validate_on_submit():
        run_and_commit(services.update_rule, rule, form.values())
        flash(_("Saved the rule."), "success")
        return redirect(url_for("rules.index"))
    return _form_page(form, rule)


def _plain(cents, currency):
    return money.format_plain(cents, currency) if cents is not None else ""


@bp.post("/<int:category_rule_id>/delete")
def delete_rule(category_rule_id: int):
    ledger = current_ledger(EDITOR)
    rule = services.get_rule_or_404(ledger, category_rule_id)
    if ConfirmForm().validate_on_submit():
        run_and_commit(services.delete_rule, rule)
        flash(_("Deleted the rule."), "success")
    return redirect(url_for("rules.index"))


@bp.post("/<int:category_rule_id>/move")
def move(category_rule_id: int):
    ledger = current_ledger(EDITOR)
    rule = services.get_rule_or_404(ledger, category_rule_id)
    if ConfirmForm().validate_on_submit():
        run_and_commit(services.move_rule, ledger, rule, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for("rules.index") + f"#category-rule-{rule.id}")


@bp.post("/<int:category_rule_id>/switch")
def switch(category_rule_id: int):
    ledger = current_ledger(EDITOR)
    rule = services.get_rule_or_404(ledger, category_rule_id)
    if ConfirmForm().validate_on_submit():
        enabled = request.form.get("enabled") == "1"
        run_and_commit(services.set_enabled, rule, enabled)
        flash(_("The rule is on.") if enabled else _("The rule is off."), "success")
    return redirect(url_for("rules.index") + f"#category-rule-{rule.id}")


@bp.post("/always")
def always_file():
    """'Always file “TESCO STORES” under Groceries?': a rule made from a correction, first in order."""
    ledger = current_ledger(EDITOR)
    form = AlwaysFileForm()
    categories = {category.id: category for category in ledger_categories(ledger)}
    category = categories.get(form.category_id.data)
    description = (form.description.data or "").strip()
    if not form.validate_on_submit() or category is None or not description:
        return render_error(400, _("This form is incomplete or was changed. Go back and try again."))
    rule, created = run_and_commit(services.always_file, ledger, description, category)
    name = rule.description_value
    if created:
        flash(
            _("From now on, “%(phrase)s” is filed under %(category)s.", phrase=name, category=category.name), "success"
        )
    else:
        flash(_("“%(phrase)s” was already filed under %(category)s.", phrase=name, category=category.name), "info")
    return redirect(safe_next(form.next.data) if form.next.data else url_for("rules.index"))


@bp.route("/apply", methods=["GET", "POST"])
def apply():
    """What the rules would change in the stored expenses (a count and a sample), then that change."""
    ledger = current_ledger(EDITOR)
    form = ApplyForm()
    if form.validate_on_submit():
        expected = form.expected.data or ""
        if not expected.isascii() or not expected.isdigit() or len(expected) > 9:
            return render_error(400, _("This form is incomplete or was changed. Go back and try again."))
        try:
            run = run_and_commit(services.apply_rules, ledger, int(expected), current_user.id)
        except services.ChangesMoved:
            flash(
                _("The expenses or the rules changed since the preview, so nothing was changed. Check it again."),
                "warning",
            )
            return redirect(url_for("rules.apply"))
        flash(
            ngettext(
                "Changed %(count)s expense. You can undo this on the rules page.",
                "Changed %(count)s expenses. You can undo this on the rules page.",
                run.row_count,
                count=l10n.format_count(run.row_count),
            ),
            "success",
        )
        return redirect(url_for("rules.index"))
    changes = services.pending_changes(ledger)
    form.expected.data = str(len(changes))
    categories = {category.id: category.name for category in ledger_categories(ledger)}
    return render_template(
        "rules/apply.html",
        form=form,
        count=len(changes),
        sample=changes[: services.SAMPLE_SIZE],
        categories=categories,
    )


@bp.post("/runs/<int:rule_run_id>/undo")
def undo(rule_run_id: int):
    ledger = current_ledger(EDITOR)
    run = services.get_run_or_404(ledger, rule_run_id)
    if ConfirmForm().validate_on_submit():
        restored, kept = run_and_commit(services.undo_run, ledger, run)
        message = ngettext(
            "Put back %(count)s expense as it was.",
            "Put back %(count)s expenses as they were.",
            restored,
            count=l10n.format_count(restored),
        )
        if kept:
            message += " " + ngettext(
                "%(count)s expense changed since was left as it is.",
                "%(count)s expenses changed since were left as they are.",
                kept,
                count=l10n.format_count(kept),
            )
        flash(message, "success")
    return redirect(url_for("rules.index"))
