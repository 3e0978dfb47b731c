import flask_babel
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user

from .. import clock, l10n, rate_limits, sessions
from ..forms import ConfirmForm, form_status
from ..ledgers import membership as settle
from ..ledgers.switching import shown_ledger
from ..passwords import check_password, set_password
from ..sessions import signed_in_user
from ..transactions import run_and_commit
from . import bp, services
from .forms import ChangePasswordForm, DeleteAccountForm, SettingsForm


@bp.before_request
@login_required
def require_login():
    """Every page of this blueprint is about the signed-in account."""


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    form = SettingsForm()
    if not form.is_submitted():
        form.locale.data = current_user.locale or ""
        form.time_zone.data = current_user.time_zone
    today = clock.user_today()
    shown = shown_ledger()
    form.set_locale_choices(shown.ledger.currency if shown is not None else "EUR", l10n.browser_locale(), today)
    form.set_time_zone_description(today)
    if form.validate_on_submit():
        run_and_commit(
            services.update_settings,
            current_user,
            locale=form.locale.data or None,
            time_zone=form.time_zone.data or current_user.time_zone,
        )
        # Said in the language just chosen: the locale of this request was picked before the save.
        flask_babel.refresh()
        flash(_("Settings saved."), "success")
        return redirect(url_for("account.settings"))
    return render_template("account/settings.html", form=form), form_status(form)


@bp.route("/password", methods=["GET", "POST"])
@rate_limits.password_per_ip
@rate_limits.password_per_account
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not check_password(current_user, form.current_password.data):
            form.current_password.errors.append(_("That is not your current password."))
        else:
            ended = run_and_commit(_set_password, signed_in_user(), form.new_password.data)
            flash(
                ngettext(
                    "Password changed. Signed out %(count)s other session.",
                    "Password changed. Signed out %(count)s other sessions.",
                    ended,
                    count=l10n.format_count(ended),
                )
                if ended
                else _("Password changed."),
                "success",
            )
            return redirect(url_for("account.active_sessions"))
    return render_template("account/password.html", form=form), form_status(form)


def _set_password(user, password: str) -> int:
    """A new password signs out every other session and renews this one (a new token, and with it a
    new CSRF secret), in one transaction; returns how many other sessions ended."""
    set_password(user, password)
    ended = sessions.end_other_sessions(user)
    sessions.renew_session(user)
    return ended


@bp.get("/sessions")
def active_sessions():
    return render_template(
        "account/sessions.html",
        sessions=sessions.active_sessions(current_user),
        current_id=current_user.current_session.id,
        describe_agent=sessions.describe_agent,
        form=ConfirmForm(),
    )


@bp.post("/sessions/<int:session_id>/end")
def end_session(session_id: int):
    if not run_and_commit(sessions.end_session, current_user, session_id):
        abort(404)
    if session_id == current_user.current_session.id:
        logout_user()
        flash(_("You have been logged out."), "info")
        return redirect(url_for("auth.login"))
    flash(_("Session ended. That device is signed out."), "success")
    return redirect(url_for("account.active_sessions"))


@bp.post("/sessions/end-others")
def end_other_sessions():
    ended = run_and_commit(sessions.end_other_sessions, current_user)
    flash(
        ngettext(
            "Signed out %(count)s other session.",
            "Signed out %(count)s other sessions.",
            ended,
            count=l10n.format_count(ended),
        ),
        "success",
    )
    return redirect(url_for("account.active_sessions"))


@bp.post("/sessions/end-all")
def end_all_sessions():
    run_and_commit(sessions.end_all_sessions, current_user)
    logout_user()
    flash(_("You have been signed out everywhere."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/delete", methods=["GET", "POST"])
@rate_limits.password_per_ip
@rate_limits.password_per_account
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not check_password(current_user, form.password.data):
            form.password.errors.append(_("That is not your password."))
        else:
            user = signed_in_user()
            logout_user()
            run_and_commit(services.delete_account, user)
            flash(_("Your account and all its data have been deleted."), "info")
            return redirect(url_for("auth.login"))
    departures = settle.departures(current_user)
    return render_template("account/delete.html", form=form, departures=departures), form_status(form)
