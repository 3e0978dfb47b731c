"""Ledgers: every account has a personal one, and one helper decides access by role."""

from app.access import ledgers_of, may
from app.extensions import db
from app.models import EDITOR, OWNER, VIEWER, Ledger, LedgerMember


def test_registering_creates_a_personal_ledger_owned_by_the_account(app, user):
    with app.app_context():
        ledger = db.session.scalar(db.select(Ledger).where(Ledger.personal_user_id == user.id))
        assert (ledger.name, ledger.currency, ledger.monthly_budget_cents, ledger.period_start_day) == (
            "Personal",
            "INR",
            8_000_000,
            1,
        )
        assert db.session.execute(db.select(LedgerMember.ledger_id, LedgerMember.user_id, LedgerMember.role)).all() == [
            (ledger.id, user.id, OWNER)
        ]
        assert [(found.id, role) for found, role in ledgers_of(user)] == [(ledger.id, OWNER)]


def test_roles_are_ordered_viewer_editor_owner():
    assert [may(role, EDITOR) for role in (None, VIEWER, EDITOR, OWNER)] == [False, False, True, True]
    assert [may(role, OWNER) for role in (VIEWER, EDITOR, OWNER)] == [False, False, True]
    assert may(VIEWER, VIEWER)
