"""Shared ledgers: creating one, switching between ledgers, members and invitations.

Every page here works on the current ledger through app.access.current_ledger, which answers 404
to a non-member and 403 to a role too weak, so that a removed member's next request is refused.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from .. import budgeting, clock, money, rate_limits
from ..access import OWNER, VIEWER, current_ledger, current_role, may, role_in
from ..forms import ConfirmForm, form_status
from ..transactions import run_and_commit
from . import bp, invitations, membership
from .services import CurrencyChangeRefused, create_ledger, update_ledger_settings
from .sharing_forms import DeleteLedgerForm, HandOverForm, InvitationForm, LedgerSettingsForm, NewLedgerForm, RoleForm
from .switching import ledger_menu, shown_ledger, switch_ledger


@bp.app_template_global()
def ledger_may(need: str) -> bool:
    """Whether the signed-in account's role in the current ledger allows `need`: templates hide
    the buttons of what it may not do. Only for pages whose view has loaded the current ledger."""
    return may(current_role(), need)


bp.add_app_template_global(ledger_menu, "ledger_menu")
# The ledger a data page shows (its view loaded it): its currency writes the page's amounts.
bp.add_app_template_global(current_ledger, "current_ledger")


@bp.app_template_global()
def ledger_input() -> Markup:
    """The hidden field that names the ledger a form was shown for: posted after another tab has
    switched ledger, the form is refused with 409 instead of writing into the other ledger (see
    app.access.current_ledger)."""
    return Markup('<input type="hidden" name="ledger" value="{}">').format(current_ledger().id)


bp.add_app_template_global(shown_ledger, "shown_ledger")


@bp.route("/ledgers/new", methods=["GET", "POST"])
@login_required
def new_ledger():
    form = NewLedgerForm()
    if not form.is_submitted():
        shown = shown_ledger()
        form.currency.data = shown.ledger.currency if shown is not None else None
    if form.validate_on_submit():
        ledger = run_and_commit(_create_and_switch, form)
        flash(
            _("Ledger “%(ledger_name)s” created. Invite people from its Members page.", ledger_name=ledger.name),
            "success",
        )
        return redirect(url_for("expenses.dashboard"))
    return render_template("ledgers/new.html", form=form), form_status(form)


def _create_and_switch(form: NewLedgerForm):
    ledger = create_ledger(
        current_user,
        form.name.data,
        form.currency.data,
        money.to_minor(form.monthly_budget.amount, form.currency.data),
        form.period_start_day.data,
    )
    return switch_ledger(current_user, ledger.id)


@bp.post("/ledgers/<int:ledger_id>/switch")
@login_required
def switch(ledger_id: int):
    ledger = run_and_commit(switch_ledger, current_user, ledger_id)
    flash(_("Now showing the ledger “%(ledger_name)s”.", ledger_name=ledger.name), "info")
    return redirect(url_for("expenses.dashboard"))


@bp.route("/ledger/settings", methods=["GET", "POST"])
@login_required
def settings():
    """The current ledger's name, currency, budget and period start day: its owner's to change."""
    ledger = current_ledger(OWNER)
    form = LedgerSettingsForm(obj=ledger if not request.form else None)
    if not form.is_submitted():
        form.monthly_budget.data = money.format_plain(ledger.monthly_budget_cents, ledger.currency)
    if form.validate_on_submit():
        try:
            run_and_commit(
                update_ledger_settings,
                ledger,
                form.name.data,
                form.currency.data,
                form.monthly_budget.amount,
                form.period_start_day.data,
                clock.user_today(),
            )
        except budgeting.BudgetHistoryFull as error:
            form.monthly_budget.errors.append(str(error))
        except CurrencyChangeRefused:
            form.currency.errors.append(
                _(
                    "The ledger has expenses in %(currency)s: to keep them in %(data)s, convert them all at one "
                    "rate with “Change the currency” below.",
                    data=form.currency.data,
                    currency=ledger.currency,
                )
            )
        else:
            flash(_("Ledger settings saved."), "success")
            return redirect(url_for("ledgers.settings"))
    return render_template("ledgers/settings.html", ledger=ledger, form=form), form_status(form)


@bp.get("/ledger/members")
@login_required
def members():
    ledger = current_ledger(VIEWER)
    return render_template(
        "ledgers/members.html",
        ledger=ledger,
        members=membership.members_of(ledger),
    )


def _refuse_personal(ledger) -> None:
    """A personal ledger's pages say it cannot be shared or deleted; a POST to them is refused."""
    if ledger.is_personal and request.method == "POST":
        abort(403)


def _refused(error: membership.MembershipRefused):
    flash(str(error), "danger")
    return redirect(url_for("ledgers.members"))


@bp.post("/ledger/members/<int:member_id>/role")
@login_required
def change_role(member_id: int):
    ledger = current_ledger(OWNER)
    form = RoleForm()
    if not form.validate():
        flash(_("Choose a role from the list."), "danger")
        return redirect(url_for("ledgers.members"))
    try:
        run_and_commit(membership.change_role, ledger, member_id, form.role.data)
    except membership.MembershipRefused as error:
        return _refused(error)
    flash(_("Role changed."), "success")
    return redirect(url_for("ledgers.members"))


@bp.post("/ledger/members/<int:member_id>/hand-over")
@login_required
def hand_over(member_id: int):
    ledger = current_ledger(OWNER)
    form = HandOverForm()
    try:
        run_and_commit(membership.hand_over, ledger, member_id, current_user, step_down=form.step_down.data)
    except membership.MembershipRefused as error:
        return _refused(error)
    flash(
        _("Ownership handed over. You are an editor now.") if form.step_down.data else _("Ownership handed over."),
        "success",
    )
    return redirect(url_for("ledgers.members"))


@bp.post("/ledger/members/<int:member_id>/remove")
@login_required
def remove_member(member_id: int):
    ledger = current_ledger(OWNER)
    try:
        run_and_commit(membership.remove_member, ledger, member_id, current_user)
    except membership.MembershipRefused as error:
        return _refused(error)
    flash(_("Member removed. They can no longer open this ledger."), "success")
    return redirect(url_for("ledgers.members"))


@bp.post("/ledger/leave")
@login_required
def leave():
    ledger = current_ledger(VIEWER)
    try:
        run_and_commit(membership.leave, ledger, current_user)
    except membership.MembershipRefused as error:
        return _refused(error)
    flash(
        _("You left the ledger “%(ledger_name)s”. Now showing your personal ledger.", ledger_name=ledger.name), "info"
    )
    return redirect(url_for("expenses.dashboard"))


@bp.route("/ledger/delete", methods=["GET", "POST"])
@login_required
def delete_ledger():
    ledger = current_ledger(OWNER)
    form = DeleteLedgerForm(ledger.name)
    _refuse_personal(ledger)
    if form.validate_on_submit():
        name = ledger.name
        run_and_commit(membership.delete_ledger, ledger)
        flash(_("The ledger “%(name)s” and everything in it have been deleted.", name=name), "info")
        return redirect(url_for("expenses.dashboard"))
    return render_template("ledgers/delete.html", ledger=ledger, form=form), form_status(form)


@bp.route("/ledger/invitations", methods=["GET", "POST"])
@login_required
def invitations_page():
    ledger = current_ledger(OWNER)
    form = InvitationForm()
    link = None
    _refuse_personal(ledger)
    if form.validate_on_submit():
        token = run_and_commit(invitations.create_invitation, ledger, current_user, form.role.data, form.days.data)
        link = url_for("ledgers.invitation", token=token, _external=True)
    status = form_status(form)
    return render_template(
        "ledgers/invitations.html",
        ledger=ledger,
        form=form,
        link=link,
        pending=invitations.pending_invitations(ledger),
    ), status


@bp.post("/ledger/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(invitation_id: int):
    ledger = current_ledger(OWNER)
    run_and_commit(invitations.revoke, ledger, invitation_id)
    flash(_("Invitation revoked: its link no longer works."), "success")
    return redirect(url_for("ledgers.invitations_page"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@rate_limits.invitation_per_ip
@login_required
def invitation(token: str):
    form = ConfirmForm()
    try:
        if form.validate_on_submit():
            ledger = run_and_commit(_accept_and_switch, token)
            flash(
                _("You joined the ledger “%(ledger_name)s”. It is the one shown now.", ledger_name=ledger.name),
                "success",
            )
            return redirect(url_for("expenses.dashboard"))
        found, ledger = invitations.find_invitation(token)
    except invitations.InvitationUnusable as error:
        return render_template("ledgers/invitation.html", problem=str(error)), error.status
    except invitations.AlreadyMember as error:
        return render_template("ledgers/invitation.html", ledger=error.ledger, member_role=error.role)
    member_role = role_in(ledger.id, current_user)
    return render_template(
        "ledgers/invitation.html", ledger=ledger, role=found.role, member_role=member_role, form=form
    )


def _accept_and_switch(token: str):
    ledger = invitations.accept(token, current_user)
    return switch_ledger(current_user, ledger.id)
