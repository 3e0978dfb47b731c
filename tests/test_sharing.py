"""Shared ledgers: creating, switching, invitations, members and roles (issue 17), with CSRF on."""

from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.ledgers.invitations import EXPIRED, GONE, hash_token
from app.ledgers.membership import departures, settle_departures
from app.models import Ledger, LedgerInvitation, LedgerMember, User
from tests.conftest import count_rows, post_form
from tests.ledger_helpers import (
    accept,
    browser_of,
    create_shared,
    invite,
    join,
    members,
    session_ledgers,
    user_id,
)
from tests.test_races import at_once, held_at_first_statement, poster
from tests.test_security_sweep import _snapshot

ALICE, BOB, CAROL = "alice@example.com", "bob@example.com", "carol@example.com"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _flash(client) -> str:
    with client.session_transaction() as session:
        messages = session.get("_flashes", [])
    return messages[-1][1] if messages else ""


# Creating and switching


def test_creating_a_shared_ledger_makes_the_creator_its_owner_and_switches_to_it(app, client, user):
    ledger_id = create_shared(client, name="Flat 3B", currency="EUR", budget="1500.50", start_day="25")
    with app.app_context():
        ledger = db.session.get(Ledger, ledger_id)
        assert (ledger.name, ledger.personal_user_id, ledger.currency, ledger.monthly_budget_cents) == (
            "Flat 3B",
            None,
            "EUR",
            150050,
        )
        assert ledger.period_start_day == 25
    assert members(app, ledger_id) == [(ALICE, "owner")]
    assert session_ledgers(app, ALICE) == [ledger_id]
    page = _text(client.get("/ledger/members"))
    assert '<span class="ledger-switcher-name">Flat 3B</span>' in page
    assert 'Members of <span class="text-break">Flat 3B</span>' in page


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"name": "", "currency": "EUR", "monthly_budget": "10", "period_start_day": "1"}, "Give the ledger a name."),
        ({"name": "x" * 61, "currency": "EUR", "monthly_budget": "10", "period_start_day": "1"}, "under 61 characters"),
        ({"name": "Flat", "currency": "XXX", "monthly_budget": "10", "period_start_day": "1"}, "Not a valid choice"),
        ({"name": "Flat", "currency": "JPY", "monthly_budget": "10.50", "period_start_day": "1"}, "decimal"),
        ({"name": "Flat", "currency": "EUR", "monthly_budget": "10", "period_start_day": "29"}, "Not a valid choice"),
        ({"name": "Tab\there", "currency": "EUR", "monthly_budget": "10", "period_start_day": "1"}, "control codes"),
    ],
)
def test_a_bad_new_ledger_is_refused_with_nothing_written(app, client, user, form, error):
    before = _snapshot(app)
    response = post_form(client, "/ledgers/new", form)
    assert response.status_code == 422
    assert error in _text(response)
    assert _snapshot(app) == before


def test_switching_to_one_of_the_accounts_ledgers_and_back(app, client, user):
    shared = create_shared(client)
    with app.app_context():
        personal = db.session.scalar(select(Ledger.id).where(Ledger.personal_user_id == user.id))
    response = post_form(client, f"/ledgers/{personal}/switch")
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert session_ledgers(app, ALICE) == [None]
    assert post_form(client, f"/ledgers/{shared}/switch").status_code == 302
    assert session_ledgers(app, ALICE) == [shared]


def test_switching_to_a_ledger_of_someone_else_is_not_found(app, client, user):
    bob = browser_of(app, BOB)
    bobs = create_shared(bob, name="Bob's")
    with app.app_context():
        bobs_personal = db.session.scalar(select(Ledger.id).where(Ledger.personal_user_id == user_id(app, BOB)))
    for ledger_id in (bobs, bobs_personal, 999_999):
        assert post_form(client, f"/ledgers/{ledger_id}/switch").status_code == 404
    assert session_ledgers(app, ALICE) == [None]
    assert client.get(f"/ledgers/{bobs}/switch").status_code == 405


def test_the_navbar_lists_the_accounts_ledgers_with_roles_and_marks_the_current_one(app, client, user):
    shared = create_shared(client, name="Flat 3B")
    bob = browser_of(app, BOB)
    create_shared(bob, name="Holiday")
    assert accept(client, invite(bob, "viewer")).status_code == 302
    page = _text(client.get("/no-such-page"))  # an error page renders it too
    assert '<span class="ledger-switcher-name">Holiday</span>' in page
    names = [part.split("</span>")[0] for part in page.split('<span class="text-truncate">')[1:]]
    assert names == ["Personal", "Flat 3B", "Holiday"]
    assert page.count('aria-current="true"') == 1
    assert f'action="/ledgers/{shared}/switch"' in page
    assert ">viewer</span>" in page and ">owner</span>" in page and ">personal</span>" in page


# Invitations


def test_an_invitation_is_shown_once_and_stored_only_as_its_hash(app, client, user):
    ledger_id = create_shared(client)
    token = invite(client, "viewer", "3")
    assert len(token) == 43
    with app.app_context():
        rows = db.session.execute(
            select(LedgerInvitation.ledger_id, LedgerInvitation.token_hash, LedgerInvitation.role)
        ).all()
    assert rows == [(ledger_id, hash_token(token), "viewer")]
    assert token not in str(_snapshot(app))
    page = _text(client.get("/ledger/invitations"))
    assert token not in page
    assert "Viewer" in page and "by alice@example.com" in page


def test_invitations_expire_after_the_chosen_days(app, client, user, monkeypatch):
    create_shared(client)
    bob = browser_of(app, BOB)
    # The invitation is made a day and a minute ago (sessions keep living in real time).
    real_now = clock.utcnow()
    made = real_now - timedelta(days=1, minutes=1)
    monkeypatch.setattr(clock, "utcnow", lambda: made)
    token = invite(client, "editor", "1")
    with app.app_context():
        expires = db.session.scalar(select(LedgerInvitation.expires_at))
    assert expires == (made + timedelta(days=1)).replace(tzinfo=None)
    monkeypatch.setattr(clock, "utcnow", lambda: made + timedelta(days=1) - timedelta(seconds=1))
    assert "Accept and join" in _text(bob.get(f"/invite/{token}"))
    monkeypatch.setattr(clock, "utcnow", lambda: made + timedelta(days=1))
    response = bob.get(f"/invite/{token}")
    assert response.status_code == 410
    assert str(escape(EXPIRED)) in _text(response)
    response = accept(bob, token)
    assert response.status_code == 410
    assert members(app, _current(app, ALICE)) == [(ALICE, "owner")]
    assert "No invitation is waiting" in _text(client.get("/ledger/invitations"))


def test_accepting_an_invitation_joins_with_its_role_once(app, client, user):
    ledger_id = create_shared(client, name="Flat 3B")
    token = invite(client, "editor")
    bob = browser_of(app, BOB)
    page = _text(bob.get(f"/invite/{token}"))
    assert 'join <strong class="text-break">Flat 3B</strong> as <strong>editor</strong>' in page
    response = accept(bob, token)
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert _flash(bob) == "You joined the ledger “Flat 3B”. It is the one shown now."
    assert members(app, ledger_id) == [(ALICE, "owner"), (BOB, "editor")]
    assert session_ledgers(app, BOB) == [ledger_id]
    assert count_rows(app, LedgerInvitation) == 0
    carol = browser_of(app, CAROL)
    for response in (carol.get(f"/invite/{token}"), accept(carol, token)):
        assert response.status_code == 404
        assert str(escape(GONE)) in _text(response)
    assert members(app, ledger_id) == [(ALICE, "owner"), (BOB, "editor")]


def test_a_member_opening_an_invitation_is_told_and_leaves_it_for_someone_else(app, client, user):
    create_shared(client, name="Flat 3B")
    token = invite(client)
    for response in (client.get(f"/invite/{token}"), accept(client, token)):
        assert response.status_code == 200
        assert "You are already a member of" in _text(response)
    assert count_rows(app, LedgerInvitation) == 1


def test_a_revoked_invitation_no_longer_works(app, client, user):
    ledger_id = create_shared(client)
    token = invite(client)
    with app.app_context():
        invitation_id = db.session.scalar(select(LedgerInvitation.id))
    response = post_form(client, f"/ledger/invitations/{invitation_id}/revoke")
    assert (response.status_code, response.headers["Location"]) == (302, "/ledger/invitations")
    assert count_rows(app, LedgerInvitation) == 0
    bob = browser_of(app, BOB)
    response = accept(bob, token)
    assert response.status_code == 404
    assert str(escape(GONE)) in _text(response)
    assert members(app, ledger_id) == [(ALICE, "owner")]
    assert post_form(client, f"/ledger/invitations/{invitation_id}/revoke").status_code == 404


@pytest.mark.parametrize("token", ["not-a-token", "x" * 65, "A" * 43])
def test_an_unknown_token_is_a_clear_not_found(app, client, user, token):
    response = client.get(f"/invite/{token}")
    assert response.status_code == 404
    assert str(escape(GONE)) in _text(response)


def test_a_personal_ledger_cannot_be_shared(app, client, user):
    page = _text(client.get("/ledger/invitations"))
    assert "A personal ledger cannot be shared" in page
    assert "Create invitation link" not in page
    before = _snapshot(app)
    assert post_form(client, "/ledger/invitations", {"role": "editor", "days": "7"}).status_code == 403
    assert _snapshot(app) == before


def test_an_anonymous_visitor_signs_up_and_comes_back_to_the_invitation(app, client, user):
    create_shared(client, name="Flat 3B")
    token = invite(client)
    visitor = app.test_client()
    response = visitor.get(f"/invite/{token}")
    assert (response.status_code, response.headers["Location"]) == (302, f"/login?next=%2Finvite%2F{token}")
    login_page = _text(visitor.get(response.headers["Location"]))
    assert f'href="/register?next=/invite/{token}"' in login_page
    response = post_form(
        visitor,
        f"/register?next=/invite/{token}",
        {"email": BOB, "password": "correct horse battery staple", "confirm": "correct horse battery staple"},
    )
    assert (response.status_code, response.headers["Location"]) == (302, f"/invite/{token}")
    assert "Accept and join" in _text(visitor.get(f"/invite/{token}"))


def test_invitation_lookups_are_rate_limited_per_address(app, client, user):
    app.config["INVITATION_LIMIT_PER_IP"] = "3 per minute"
    statuses = [client.get(f"/invite/guess-{n}").status_code for n in range(4)]
    assert statuses == [404, 404, 404, 429]


# Members and roles


def _current(app, email) -> int:
    """The ledger the account's (first) browser shows."""
    return session_ledgers(app, email)[0]


def test_every_member_sees_who_is_in_the_ledger_and_only_owners_manage(app, client, user):
    ledger_id = create_shared(client)
    bob = join(app, client, BOB, "viewer")
    page = _text(bob.get("/ledger/members"))
    assert "alice@example.com" in page and "bob@example.com" in page
    assert "Change role" not in page and "Remove" not in page and "Invitations" not in page
    owner_page = _text(client.get("/ledger/members"))
    assert owner_page.count("Change role") == 2 and "Remove<span" in owner_page
    assert members(app, ledger_id) == [(ALICE, "owner"), (BOB, "viewer")]


OWNER_ROUTES = [
    ("GET", "/ledger/invitations"),
    ("POST", "/ledger/invitations"),
    ("POST", "/ledger/invitations/{invitation}/revoke"),
    ("POST", "/ledger/members/{member}/role"),
    ("POST", "/ledger/members/{member}/hand-over"),
    ("POST", "/ledger/members/{member}/remove"),
    ("GET", "/ledger/delete"),
    ("POST", "/ledger/delete"),
]
FORM = {"role": "owner", "days": "7", "confirm_name": "Flat 3B", "step_down": "y"}


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_viewers_and_editors_cannot_manage_members(app, client, user, role):
    ledger_id = create_shared(client)
    carol = join(app, client, CAROL, "viewer")
    member = join(app, client, BOB, role)
    invite(client)
    with app.app_context():
        invitation = db.session.scalar(select(LedgerInvitation.id))
    before = _snapshot(app)
    for method, path in OWNER_ROUTES:
        url = path.format(invitation=invitation, member=user_id(app, CAROL))
        response = member.get(url) if method == "GET" else post_form(member, url, FORM)
        assert response.status_code == 403, f"{method} {url}"
    assert _snapshot(app) == before
    assert member.get("/ledger/members").status_code == 200
    assert carol.get("/ledger/members").status_code == 200
    assert members(app, ledger_id) == [(ALICE, "owner"), (BOB, role), (CAROL, "viewer")]


def test_non_members_ids_are_not_found_for_the_owner(app, client, user):
    create_shared(client)
    bob = browser_of(app, BOB)
    create_shared(bob, name="Bob's")
    invite(bob)
    with app.app_context():
        bobs_invitation = db.session.scalar(select(LedgerInvitation.id))
    bob_id = user_id(app, BOB)
    before = _snapshot(app)
    for url in (
        f"/ledger/members/{bob_id}/role",
        f"/ledger/members/{bob_id}/hand-over",
        f"/ledger/members/{bob_id}/remove",
        f"/ledger/invitations/{bobs_invitation}/revoke",
    ):
        assert post_form(client, url, FORM).status_code == 404, url
    assert _snapshot(app) == before


def test_a_removed_member_is_refused_on_the_next_request(app, client, user):
    ledger_id = create_shared(client)
    bob = join(app, client, BOB, "editor")
    assert bob.get("/ledger/members").status_code == 200
    response = post_form(client, f"/ledger/members/{user_id(app, BOB)}/remove")
    assert (response.status_code, response.headers["Location"]) == (302, "/ledger/members")
    assert members(app, ledger_id) == [(ALICE, "owner")]
    for path in ("/ledger/members", "/ledger/invitations", "/ledger/delete"):
        assert bob.get(path).status_code == 404, path
    assert post_form(bob, "/ledger/leave").status_code == 404
    # The navbar still renders, with the ledgers left to switch to and none marked current.
    page = _text(bob.get("/ledger/members"))
    assert '<span class="ledger-switcher-name">Choose a ledger</span>' in page
    assert 'aria-current="true"' not in page
    with app.app_context():
        personal = db.session.scalar(select(Ledger.id).where(Ledger.personal_user_id == user_id(app, BOB)))
    assert post_form(bob, f"/ledgers/{personal}/switch").status_code == 302
    assert bob.get("/ledger/members").status_code == 200


def test_an_owner_cannot_remove_themself_or_demote_the_last_owner(app, client, user):
    ledger_id = create_shared(client)
    join(app, client, BOB, "editor")
    alice_id = user_id(app, ALICE)
    before = _snapshot(app)
    post_form(client, f"/ledger/members/{alice_id}/remove")
    assert _flash(client) == "To take yourself out of the ledger, use Leave this ledger."
    post_form(client, f"/ledger/members/{alice_id}/role", {"role": "editor"})
    assert _flash(client).startswith("A ledger needs an owner")
    post_form(client, "/ledger/leave")
    assert _flash(client).startswith("You are the only owner.")
    assert _snapshot(app) == before
    assert "You are its only owner. Hand ownership over" in _text(client.get("/ledger/members"))
    assert members(app, ledger_id) == [(ALICE, "owner"), (BOB, "editor")]


def test_changing_a_role(app, client, user):
    ledger_id = create_shared(client)
    join(app, client, BOB, "editor")
    response = post_form(client, f"/ledger/members/{user_id(app, BOB)}/role", {"role": "viewer"})
    assert response.status_code == 302
    assert members(app, ledger_id) == [(ALICE, "owner"), (BOB, "viewer")]
    post_form(client, f"/ledger/members/{user_id(app, BOB)}/role", {"role": "admin"})
    assert _flash(client) == "Choose a role from the list."
    assert members(app, ledger_id) == [(ALICE, "owner"), (BOB, "viewer")]


def test_handing_ownership_over_and_stepping_down_then_leaving(app, client, user):
    ledger_id = create_shared(client)
    bob = join(app, client, BOB, "viewer")
    response = post_form(client, f"/ledger/members/{user_id(app, BOB)}/hand-over", {"step_down": "y"})
    assert response.status_code == 302
    assert members(app, ledger_id) == [(ALICE, "editor"), (BOB, "owner")]
    assert client.get("/ledger/invitations").status_code == 403
    assert bob.get("/ledger/invitations").status_code == 200
    response = post_form(client, "/ledger/leave")
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert members(app, ledger_id) == [(BOB, "owner")]
    assert session_ledgers(app, ALICE) == [None]


def test_an_owner_may_leave_when_another_owner_remains(app, client, user):
    ledger_id = create_shared(client)
    join(app, client, BOB, "owner")
    assert post_form(client, "/ledger/leave").status_code == 302
    assert members(app, ledger_id) == [(BOB, "owner")]


def test_a_personal_ledger_cannot_be_left_or_deleted(app, client, user):
    before = _snapshot(app)
    post_form(client, "/ledger/leave")
    assert _flash(client) == "A personal ledger cannot be left; it goes only with its account."
    page = _text(client.get("/ledger/delete"))
    assert "A personal ledger cannot be deleted on its own" in page
    assert post_form(client, "/ledger/delete", {"confirm_name": "Personal"}).status_code == 403
    assert _snapshot(app) == before


def test_deleting_a_shared_ledger_needs_its_name_and_deletes_everything_in_it(app, client, user):
    ledger_id = create_shared(client, name="Flat 3B")
    bob = join(app, client, BOB, "editor")
    invite(client)
    before = _snapshot(app)
    response = post_form(client, "/ledger/delete", {"confirm_name": "flat 3b"})
    assert response.status_code == 422
    assert "That is not the ledger&#39;s name." in _text(response)
    assert _snapshot(app) == before
    response = post_form(client, "/ledger/delete", {"confirm_name": "Flat 3B"})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    with app.app_context():
        assert db.session.get(Ledger, ledger_id) is None
        assert db.session.scalar(select(LedgerMember).where(LedgerMember.ledger_id == ledger_id)) is None
    assert count_rows(app, LedgerInvitation) == 0
    assert session_ledgers(app, ALICE) == [None]
    assert session_ledgers(app, BOB) == [None]
    assert bob.get("/ledger/members").status_code == 200


def test_two_accounts_accepting_one_invitation_at_once_let_one_in(app, client, user):
    """Both have found the invitation valid before either consumes it; the DELETE's row count
    decides: one joins, the other is told the link was used (SQLite and PostgreSQL)."""
    ledger_id = create_shared(client)
    token = invite(client, "editor")
    bob, carol = browser_of(app, BOB), browser_of(app, CAROL)
    requests = [poster(bob, f"/invite/{token}", {}), poster(carol, f"/invite/{token}", {})]
    with held_at_first_statement(app, "DELETE FROM ledger_invitations") as met:
        results = at_once(*requests)
    assert met == [True, True]
    assert sorted(status for status, _ in results) == [302, 404]
    (refused,) = [body for status, body in results if status == 404]
    assert str(escape(GONE)) in refused
    joined = BOB if results[0][0] == 302 else CAROL
    assert members(app, ledger_id) == sorted([(ALICE, "owner"), (joined, "editor")])
    assert count_rows(app, LedgerInvitation) == 0


def test_the_add_expense_button_is_hidden_from_viewers(app, client, user):
    create_shared(client)
    bob = join(app, client, BOB, "viewer")
    assert 'id="quick-add-button"' not in _text(bob.get("/ledger/members"))
    assert 'id="quick-add"' not in _text(bob.get("/ledger/members"))
    assert 'id="quick-add-button"' in _text(client.get("/ledger/members"))


def test_an_accounts_departure_hands_each_ledger_it_alone_owns_to_the_first_member_or_deletes_it(app, client, user):
    flat = create_shared(client, name="Flat")
    join(app, client, BOB, "editor")
    join(app, client, CAROL, "viewer")
    solo = create_shared(client, name="Solo")
    shared_owner = create_shared(client, name="Co")
    join(app, client, "dave@example.com", "owner")
    with app.app_context():
        alice = db.session.get(User, user.id)
        assert [(d.ledger.name, d.heir) for d in departures(alice)] == [
            ("Flat", (user_id(app, BOB), BOB)),
            ("Solo", None),
        ]
        settle_departures(alice)
        db.session.commit()
        assert db.session.get(Ledger, solo) is None
    assert members(app, flat) == [(ALICE, "owner"), (BOB, "owner"), (CAROL, "viewer")]
    assert members(app, shared_owner) == [(ALICE, "owner"), ("dave@example.com", "owner")]


def test_deleting_an_account_says_what_becomes_of_its_shared_ledgers_and_does_it(app, client, user):
    flat = create_shared(client, name="Flat")
    join(app, client, BOB, "editor")
    solo = create_shared(client, name="Solo")
    page = _text(client.get("/account/delete"))
    assert '<strong class="text-break">Flat</strong>:\n          bob@example.com becomes its owner.' in page
    assert '<strong class="text-break">Solo</strong>:\n          nobody else is in it' in page
    response = post_form(client, "/account/delete", {"password": "correct horse battery staple", "understood": "y"})
    assert response.status_code == 302
    assert members(app, flat) == [(BOB, "owner")]
    with app.app_context():
        assert db.session.get(Ledger, solo) is None
