"""A ledger's recurring rules (app/recurring_rules.py): listed, read and created, checked by the
site's rule form. A rule whose first date has passed makes the expenses due since then at once."""

from flask import url_for
from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from .. import idempotency, money
from .. import recurring_rules as services
from ..access import EDITOR
from ..categories import ledger_categories
from ..extensions import db
from ..models import Ledger, RecurringRule
from ..problems import Invalid
from ..recurring.forms import RuleForm
from ..recurring_posting import ledger_today
from .base import api_blueprint, api_user, check_currency, create_once, documents, ledger_for, validate_form
from .schemas import IdempotencyHeaderSchema, Money, RuleCreateSchema, RuleListSchema, RuleSchema

blp = api_blueprint("api_recurring", __name__, "Recurring rules: expenses that repeat on a schedule.")

POINTERS = {"amount": "#/amount/amount", "ends": "#/end_on"}
ONE_END = _l("Send an end date or a number of times, not both.")


def rule_json(rule: RecurringRule, ledger: Ledger) -> dict:
    return {
        "id": rule.id,
        "category_id": rule.category_id,
        "description": rule.description,
        "amount": Money(rule.amount_cents, ledger.currency),
        "start_on": rule.start_on,
        "unit": rule.unit,
        "every": rule.every,
        "month_day": rule.month_day,
        "end_on": rule.end_on,
        "occurrence_limit": rule.occurrence_limit,
        "next_due": rule.next_due,
        "paused": rule.paused,
    }


def _checked_values(ledger: Ledger, sent: dict) -> services.RuleValues:
    check_currency(ledger, sent["amount"], "#/amount")
    if sent["end_on"] is not None and sent["occurrence_limit"] is not None:
        raise Invalid("#/occurrence_limit", str(ONE_END))
    ends = "on" if sent["end_on"] is not None else "after" if sent["occurrence_limit"] is not None else "never"
    fields = {
        "amount": sent["amount"]["amount"],
        "description": sent["description"],
        "category_id": sent["category_id"],
        "start_on": sent["start_on"].isoformat(),
        "every": sent["every"],
        "unit": sent["unit"],
        "month_day": sent["month_day"],
        "ends": ends,
        "end_on": sent["end_on"].isoformat() if sent["end_on"] else None,
        "occurrence_limit": sent["occurrence_limit"],
    }
    form = validate_form(RuleForm, fields, POINTERS, ledger_categories(ledger), currency=ledger.currency)
    return form.values(money.to_minor(form.amount.amount, ledger.currency))


# Both methods on one view, so one rule (see app/api/expenses.py).
@blp.route("/ledgers/<int:ledger_id>/recurring-rules", endpoint="rules")
class Rules(MethodView):
    @blp.response(200, RuleListSchema)
    @documents(blp, 404)
    def get(self, ledger_id: int):
        """The ledger's rules: running ones by their next date, then paused and ended ones"""
        ledger = ledger_for(ledger_id)
        return {"items": [rule_json(rule, ledger) for rule in services.rules_of(ledger)]}

    @blp.arguments(RuleCreateSchema)
    @blp.arguments(IdempotencyHeaderSchema, location="headers", as_kwargs=True)
    @blp.response(201, RuleSchema)
    @documents(blp, 400, 403, 404, 409, 422)
    def post(self, sent: dict, ledger_id: int, idempotency_key: str | None = None):
        """Add a rule; what fell due from its first date up to today is made at once (editors and owners)"""
        return create_rule(sent, ledger_id, idempotency_key)


def create_rule(sent: dict, ledger_id: int, idempotency_key: str | None):
    ledger = ledger_for(ledger_id, EDITOR)

    def work() -> idempotency.Answer:
        values = _checked_values(ledger, sent)
        rule = services.create_rule(ledger, values, ledger_today(ledger, api_user()), api_user().id)
        db.session.flush()
        location = url_for(".get_rule", ledger_id=ledger.id, rule_id=rule.id)
        return idempotency.Answer(201, RuleSchema().dump(rule_json(rule, ledger)), location)

    return create_once(work, idempotency_key)


@blp.get("/ledgers/<int:ledger_id>/recurring-rules/<int:rule_id>")
@blp.response(200, RuleSchema)
@documents(blp, 404)
def get_rule(ledger_id: int, rule_id: int):
    """One rule"""
    ledger = ledger_for(ledger_id)
    return rule_json(services.get_rule_or_404(ledger, rule_id), ledger)
