from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user

from .. import pending_login, rate_limits, two_factor
from ..forms import form_status
from ..models import User
from ..passwords import check_password
from ..routing import safe_next
from ..sessions import end_session, start_session
from ..transactions import run_and_commit
from . import bp
from .forms import LoginForm, RegisterForm, TwoFactorLoginForm
from .services import EmailTaken, create_user, find_user


@bp.route("/register", methods=["GET", "POST"])
@rate_limits.register_per_ip
def register():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = run_and_commit(create_user, form.email.data, form.password.data, form.chosen_time_zone)
        except EmailTaken:
            form.email.errors.append(_("An account with this email already exists. Log in instead."))
        else:
            run_and_commit(start_session, user)
            flash(_("Welcome! Your account is ready. Add your first expense below."), "success")
            # An invitation link sends people here with `next` to come back to it.
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/register.html", form=form), form_status(form)


@bp.route("/login", methods=["GET", "POST"])
@rate_limits.login_per_ip
@rate_limits.login_per_account
@rate_limits.login_per_device
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if check_password(user, form.password.data):
            next_url = safe_next(request.args.get("next"))
            if two_factor.is_enabled(user):
                # Not signed in yet: the code is asked for first. (Committed: a rehashed password.)
                run_and_commit(pending_login.begin, user, remember=form.remember.data, next_url=next_url)
                return redirect(url_for("auth.login_code"))
            run_and_commit(start_session, user, remember=form.remember.data)
            return redirect(next_url)
        # The same words whether the email is unknown or the password wrong.
        form.password.errors.append(_("That email and password do not match an account."))
    return render_template("auth/login.html", form=form), form_status(form)


@bp.route("/login/code", methods=["GET", "POST"])
@rate_limits.two_factor_per_ip
@rate_limits.two_factor_per_account
def login_code():
    """The second step of signing in to an account with two-factor sign-in on."""
    if current_user.is_authenticated:
        return redirect(url_for("expenses.dashboard"))
    state = pending_login.pending()
    user = pending_login.pending_user() if state else None
    if user is None or not two_factor.is_enabled(user):
        pending_login.clear()
        flash(_("Your sign-in timed out before the code was entered. Log in again."), "warning")
        return redirect(url_for("auth.login"))
    recovery = request.args.get("recovery") == "1"
    form = TwoFactorLoginForm()
    if recovery:
        form.for_recovery_code()
    if form.validate_on_submit():
        try:
            accepted = run_and_commit(_finish_login, user, form.code.data, state["remember"])
        except two_factor.WrongCode:
            form.code.errors.append(
                _("That recovery code is not right, or it was used already.")
                if recovery
                else _("That code is not right, or it was used already. Wait for the next one and try again.")
            )
        else:
            pending_login.clear()
            if accepted.recovery:
                left = accepted.recovery_codes_left
                flash(
                    ngettext(
                        "You signed in with a recovery code; %(count)s of them left. If your authenticator is lost,"
                        " turn two-factor off and on again in Settings.",
                        "You signed in with a recovery code; %(count)s of them left. If your authenticator is lost,"
                        " turn two-factor off and on again in Settings.",
                        left,
                        count=left,
                    ),
                    "warning",
                )
            return redirect(safe_next(state["next"]))
    return render_template("auth/login_code.html", form=form, recovery=recovery), form_status(form)


def _finish_login(user: User, code: str, remember: bool):
    accepted = two_factor.check_code(user, code)
    start_session(user, remember=remember)
    return accepted


@bp.post("/logout")
@login_required
def logout():
    # CSRFProtect has already checked the token: a cross-site page cannot log anyone out.
    run_and_commit(end_session, current_user, current_user.current_session.id)
    logout_user()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))
