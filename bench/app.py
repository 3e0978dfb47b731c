"""The app as production runs it, plus one route that exists only here: the benchmark's baseline.

`gunicorn "bench.app:create_bench_app()"` serves it. The baseline does one indexed SELECT of a
single row and renders a tiny template, through the same config, middleware and login, so every
page's requests/s can be read as a ratio of it.
"""

from flask import Blueprint, render_template_string
from flask_login import current_user, login_required
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Expense

baseline = Blueprint("bench", __name__)

TEMPLATE = (
    "<!doctype html><title>baseline</title><p>{{ expense.description }} {{ expense.amount_cents|money(code) }}</p>"
)


@baseline.get("/bench/baseline")
@login_required
def baseline_page():
    expense = db.session.scalar(
        select(Expense)
        .where(Expense.user_id == current_user.id)
        .order_by(Expense.spent_on.desc(), Expense.id.desc())
        .limit(1)
    )
    return render_template_string(TEMPLATE, expense=expense, code=current_user.currency)


def create_bench_app():
    app = create_app("production")
    app.register_blueprint(baseline)
    return app
