"""The bench builds its data with the app's own schema: `make bench` broke silently once when the
ledger data move (migration 0017) left its seeding on the old columns. A small N on SQLite proves
the seeding, the signed-in in-process client and the rollups comparison still fit the schema."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Expense, Ledger
from bench import inprocess, rollups_vs_plain
from bench.seed import page_paths, seed


def test_the_bench_seeds_its_account_and_renders_its_pages(tmp_path):
    url = f"sqlite:///{tmp_path / 'bench.sqlite'}"
    ids = seed(url, 120)
    with inprocess.browser(url) as opened:
        with opened.app.app_context():
            ledger = db.session.get(Ledger, db.session.scalar(select(Expense.ledger_id).limit(1)))
            assert ledger.personal_user_id == ids["user_id"]
            assert db.session.scalar(select(func.count()).select_from(Expense)) == 120
            newest = db.session.scalar(select(Expense).order_by(Expense.spent_on.desc(), Expense.id.desc()).limit(1))
            newest_description = newest.description
            db.session.remove()
        assert newest_description in opened.get("/bench/baseline").get_data(as_text=True)
        for path in filter(None, page_paths(ids).values()):
            opened.timed(path)  # each page answers 200, or the bench stops with the status
        rollups_vs_plain.check_same_figures(opened.app)
