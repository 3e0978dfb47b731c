"""The app as production runs it, plus one route that exists only here: the benchmark's baseline.

`gunicorn "bench.app:create_bench_app()"` serves it. The baseline does one indexed SELECT of a
single row and renders a tiny template, through the same config, middleware and login, so every
page's requests/s can be read as a ratio of it.
"""

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import select

from app import create_app
from app.access import current_ledger
from app.extensions import db
from app.models import Expense

# A template file, compiled once and cached like every page's (a template string is compiled anew on
# every request, which would make the baseline slow and every ratio look better than it is).
baseline = Blueprint("bench", __name__, template_folder="templates")


@baseline.get("/bench/baseline")
@login_required
def baseline_page():
    ledger = current_ledger()
    expense = db.session.scalar(
        select(Expense)
        .where(Expense.ledger_id == ledger.id)
        .order_by(Expense.spent_on.desc(), Expense.id.desc())
        .limit(1)
    )
    return render_template("bench/baseline.html", expense=expense, code=ledger.currency)


def create_bench_app(**overrides):
    """The production app with the baseline route; `overrides` as for create_app (the bench's own
    process passes the database and secret key it would otherwise read from the environment)."""
    app = create_app("production", **overrides)
    app.register_blueprint(baseline)
    return app
