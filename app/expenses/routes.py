from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from .. import budgeting, clock, conversion, expense_filters, l10n, money
from .. import recurring_rules as recurring
from ..access import EDITOR, VIEWER, current_ledger
from ..autocat.plain_words import PlainWordsError
from ..categories import (
    CategoryNameTaken,
    TooManyCategories,
    category_stats,
    count_expenses_in,
    count_rules_in,
    create_category,
    get_category_or_404,
    ledger_categories,
    update_category,
)
from ..categories import (
    delete_category as remove_category,
)
from ..category_guess import Guesser
from ..category_rules import rule_phrase
from ..expense_rows import has_expenses
from ..forms import ConfirmForm, form_status
from ..ledgers.membership import members_of
from ..models import MAX_CATEGORIES
from ..periods import period_containing, period_from_key
from ..receipts import storage
from ..receipts.limits import takes_receipts
from ..transactions import run_and_commit
from . import bp, listing, one_line, services
from .attachments import chosen_receipts, create_with_receipts, save_or_explain, update_with_receipts
from .export import csv_response
from .forms import CategoryForm, DeleteCategoryForm, ExpenseForm, expense_values, fill_expense_form


@bp.before_request
@login_required
def require_login():
    """Every page of this blueprint shows someone's own data."""


@bp.get("/")
def dashboard():
    ledger = current_ledger(VIEWER)
    today = clock.user_today()
    start_day = ledger.period_start_day
    period = period_from_key(request.args.get("period"), start_day, today)
    current = period_containing(today, start_day)
    categories = ledger_categories(ledger)
    summary = services.period_summary(ledger, period.start, period.end, categories)
    budget = budgeting.overall_budget_cents(ledger, period)
    code = ledger.currency
    budgeted = [
        status
        for status in budgeting.category_budgets(
            ledger, period, categories, {c.category_id: c.total_cents for c in summary.by_category}
        )
        if status.limit_cents is not None
    ]
    # Only the current period has a rest: what recurring rules still add, and safe to spend.
    upcoming, safe = [], None
    if period == current:
        upcoming = recurring.still_due(ledger, period, today)
        safe = recurring.safe_to_spend(budget, summary.total_cents, upcoming, budgeting.days_left(period, today))
    chart = {
        "labels": [c.name for c in summary.by_category],
        "colors": [c.color for c in summary.by_category],
        # Exact decimal strings: the chart script must not do arithmetic on money.
        "amounts": [money.format_plain(c.total_cents, code) for c in summary.by_category],
        "formatted": [money.format_amount(c.total_cents, code) for c in summary.by_category],
        # A slice opens the expense list filtered to its category and this period.
        "links": [
            url_for(
                "expenses.list_expenses",
                category=c.category_id,
                **{"from": period.start.isoformat(), "to": period.last_day.isoformat()},
            )
            for c in summary.by_category
        ],
    }
    return render_template(
        "expenses/dashboard.html",
        period=period,
        is_current=period == current,
        days_left=budgeting.days_left(period, today),
        summary=summary,
        budget_cents=budget,
        left_cents=budget - summary.total_cents,
        used_percent=money.percent(summary.total_cents, budget),
        chart=chart,
        budgeted=sorted(budgeted, key=lambda s: s.used_percent, reverse=True),
        recent=services.recent_expenses(ledger),
        upcoming=upcoming,
        safe=safe,
        by_member=[] if ledger.is_personal else services.spent_by_member(ledger, period.start, period.end),
        has_expenses=summary.count > 0 or has_expenses(ledger),
        has_categories=bool(categories),
    )


@bp.get("/expenses")
def list_expenses():
    ledger = current_ledger(VIEWER)
    categories = ledger_categories(ledger)
    members = shared_members(ledger)
    expense_filter = _filter_from_request(ledger, categories, members)
    totals = listing.count_and_total(ledger, expense_filter)
    # Nothing matches: a search would otherwise read every expense looking for a first row.
    page = listing.NO_ROWS
    if totals.count:
        page = listing.expense_page(
            ledger,
            expense_filter,
            {category.id: category.name_key for category in categories},
            after=request.args.get("after"),
            before=request.args.get("before"),
            last=request.args.get("last") == "1",
            matches=totals.count,
        )
    today = clock.user_today()
    return render_template(
        "expenses/list.html",
        page=page,
        receipts=storage.expenses_with_receipts([expense.id for expense in page.items]),
        filter=expense_filter,
        totals=totals,
        categories=categories,
        members=members,
        member_emails={member.user_id: member.email for member in members},
        has_expenses=totals.count > 0 or has_expenses(ledger),
        quick_ranges={
            name: (label, *expense_filters.quick_range_dates(name, today, ledger.period_start_day))
            for name, label in expense_filters.QUICK_RANGES.items()
        },
        sorts=expense_filters.SORTS,
        directions=expense_filters.DIRECTIONS,
        page_sizes=expense_filters.PAGE_SIZES,
    )


def _filter_from_request(ledger, categories, members=()) -> expense_filters.ExpenseFilter:
    return expense_filters.ExpenseFilter.from_args(
        request.args,
        ledger,
        [category.id for category in categories],
        member_ids=[member.user_id for member in members],
    )


@bp.get("/expenses/export.csv")
def export_filtered_csv():
    """Exactly the expenses the list shows with the same parameters, in the list's order."""
    ledger = current_ledger(VIEWER)
    expense_filter = _filter_from_request(ledger, ledger_categories(ledger), shared_members(ledger))
    rows = listing.filtered_export_rows(ledger, expense_filter)
    return csv_response(rows, ledger.currency, f"expenses-filtered-{clock.user_today().isoformat()}.csv")


def shared_members(ledger) -> list:
    """A shared ledger's members (who may be named as payer, and filtered by); none for a personal one."""
    return [] if ledger.is_personal else members_of(ledger)


@bp.route("/expenses/new", methods=["GET", "POST"])
@takes_receipts
def new_expense():
    ledger = current_ledger(EDITOR)
    categories = ledger_categories(ledger)
    if not categories:
        flash(_("Create a category first: every expense belongs to one."), "warning")
        return redirect(url_for("expenses.categories"))
    form = ExpenseForm(categories, members=shared_members(ledger))
    said = None
    if request.method == "GET" and "say" in request.args:
        said = _prefill(form, ledger, categories, request.args["say"])
    if form.validate_on_submit() and (uploads := chosen_receipts(form)) is not None:
        expense = save_or_explain(form, create_with_receipts, ledger, expense_values(form, ledger), uploads)
        if expense is not None:
            flash(
                _(
                    "Added %(description)s (%(value)s).",
                    description=expense.description,
                    value=conversion.describe_expense(expense, ledger.currency)
                    or money.format_amount(expense.amount_cents, ledger.currency),
                ),
                "success",
            )
            if "add_another" in request.form:
                return redirect(url_for("expenses.new_expense"))
            return redirect(url_for("expenses.list_expenses"))
    return (
        render_template(
            "expenses/form.html", form=form, expense=None, said=said, last_rates=conversion.last_used_rates(ledger)
        ),
        form_status(form),
    )


def _prefill(form, ledger, categories, text: str) -> dict:
    """The full form filled from one typed line (`?say=coffee+4.50+yesterday`), as quick add reads
    it: what was understood and why, or the message saying what could not be read."""
    try:
        reading = one_line.read_line(ledger, categories, text)
    except PlainWordsError as error:
        return {"text": text, "error": str(error)}
    form.amount.data = money.format_plain(reading.amount, ledger.currency)
    form.description.data = reading.description
    form.spent_on.data = reading.spent_on
    if reading.category is not None:
        form.category_id.data = reading.category.id
    return {"text": text, "reading": reading}


@bp.route("/expenses/<int:expense_id>/edit", methods=["GET", "POST"])
@takes_receipts
def edit_expense(expense_id: int):
    ledger = current_ledger(EDITOR)
    expense = services.get_expense_or_404(ledger, expense_id)
    form = ExpenseForm(ledger_categories(ledger), obj=expense, members=shared_members(ledger))
    if request.method == "GET":
        fill_expense_form(form, expense, ledger)
    old_category_id = expense.category_id
    if (
        form.validate_on_submit()
        and (uploads := chosen_receipts(form)) is not None
        and save_or_explain(form, update_with_receipts, ledger, expense, expense_values(form, ledger), uploads)
        is not None
    ):
        described = conversion.describe_expense(expense, ledger.currency)
        if described:
            flash(_("Saved %(description)s (%(value)s).", description=expense.description, value=described), "success")
        else:
            flash(_("Saved %(description)s.", description=expense.description), "success")
        if expense.category_id != old_category_id:
            _offer_rule(ledger, expense.description, expense.amount_cents, form.category)
        return redirect(url_for("expenses.list_expenses"))
    receipts = storage.receipts_of(expense)
    return (
        render_template(
            "expenses/form.html",
            form=form,
            expense=expense,
            receipts=receipts,
            last_rates=conversion.last_used_rates(ledger),
        ),
        form_status(form),
    )


def _offer_rule(ledger, description: str, amount_cents: int, category) -> None:
    """After a category was corrected: "Always file “TESCO STORES” under Groceries?", a flash with a
    one-click form (base.html), unless a rule already files it there."""
    rule = Guesser(ledger, [category]).rule_for(description, amount_cents)
    if rule is not None and rule.category_id == category.id:
        return
    flash(
        {
            "description": description,
            "phrase": rule_phrase(description)[1],
            "category_id": category.id,
            "category": category.name,
        },
        "always-file",
    )


@bp.route("/expenses/<int:expense_id>/delete", methods=["GET", "POST"])
def delete_expense(expense_id: int):
    ledger = current_ledger(EDITOR)
    expense = services.get_expense_or_404(ledger, expense_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        run_and_commit(services.delete_expense, expense)
        flash(_("Deleted %(description)s.", description=expense.description), "success")
        return redirect(url_for("expenses.list_expenses"))
    return render_template("expenses/confirm_delete.html", expense=expense, form=form)


@bp.route("/categories", methods=["GET", "POST"])
def categories():
    ledger = current_ledger(EDITOR if request.method == "POST" else VIEWER)
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = run_and_commit(create_category, ledger, form.name.data, form.color.data)
        except CategoryNameTaken:
            form.name.errors.append(_("You already have a category with this name."))
        except TooManyCategories:
            form.name.errors.append(
                _(
                    "You have %(max_categories)s categories, the most an account can have. Delete one you no "
                    "longer need (its expenses can move to another) to add a new one.",
                    max_categories=MAX_CATEGORIES,
                )
            )
        else:
            flash(_("Created category %(category_name)s.", category_name=category.name), "success")
            return redirect(url_for("expenses.categories"))
    stats = category_stats(ledger)
    return render_template("expenses/categories.html", form=form, stats=stats), form_status(form)


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
def edit_category(category_id: int):
    ledger = current_ledger(EDITOR)
    category = get_category_or_404(ledger, category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            run_and_commit(update_category, ledger, category, form.name.data, form.color.data)
        except CategoryNameTaken:
            form.name.errors.append(_("You already have a category with this name."))
        else:
            flash(_("Saved category %(category_name)s.", category_name=category.name), "success")
            return redirect(url_for("expenses.categories"))
    return render_template("expenses/category_form.html", form=form, category=category), form_status(form)


@bp.route("/categories/<int:category_id>/delete", methods=["GET", "POST"])
def delete_category(category_id: int):
    ledger = current_ledger(EDITOR)
    category = get_category_or_404(ledger, category_id)
    others = [c for c in ledger_categories(ledger) if c.id != category.id]
    expense_count = count_expenses_in(ledger, category)
    rule_count = count_rules_in(ledger, category)
    form = DeleteCategoryForm(others)
    if not others and not form.is_submitted():
        form.fate.data = "delete"  # nowhere to move them
    if form.validate_on_submit():
        move_to = None
        if (expense_count or rule_count) and form.fate.data == "move":
            move_to = form.others_by_id.get(form.move_to.data)
            if move_to is None:
                form.move_to.errors.append(_("Choose the category that should take these expenses."))
        if not form.errors:
            name = category.name
            affected = run_and_commit(
                remove_category, ledger, category, move_to=move_to, delete_expenses=form.fate.data == "delete"
            )
            if move_to is not None:
                flash(
                    ngettext(
                        "Deleted %(name)s; moved %(count)s expense to %(move_to_name)s.",
                        "Deleted %(name)s; moved %(count)s expenses to %(move_to_name)s.",
                        affected,
                        name=name,
                        count=l10n.format_count(affected),
                        move_to_name=move_to.name,
                    ),
                    "success",
                )
            elif affected:
                flash(
                    ngettext(
                        "Deleted %(name)s and its %(count)s expense.",
                        "Deleted %(name)s and its %(count)s expenses.",
                        affected,
                        name=name,
                        count=l10n.format_count(affected),
                    ),
                    "success",
                )
            else:
                flash(_("Deleted %(name)s.", name=name), "success")
            return redirect(url_for("expenses.categories"))
    return (
        render_template(
            "expenses/confirm_delete_category.html",
            form=form,
            category=category,
            expense_count=expense_count,
            rule_count=rule_count,
        ),
        form_status(form),
    )


@bp.get("/export.csv")
def export_csv():
    """Every expense, oldest first."""
    ledger = current_ledger(VIEWER)
    rows = services.export_rows(ledger)
    return csv_response(rows, ledger.currency, f"expenses-{clock.user_today().isoformat()}.csv")
