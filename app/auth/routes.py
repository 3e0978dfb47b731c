from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from .. import rate_limits
from ..forms import form_status
from ..passwords import check_password
from ..routing import safe_next
from ..sessions import end_session, start_session
from ..transactions import run_and_commit
from . import bp
from .forms import LoginForm, RegisterForm
from .services import EmailTaken, create_user, find_user


@bp.route("/register", methods=["GET", "POST"])
@rate_limits.register_per_ip
def register():
    if current_user.is_authenticated:
        return redirect(url_for("expenses.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = run_and_commit(create_user, form.email.data, form.password.data, form.chosen_time_zone)
        except EmailTaken:
            form.email.errors.append("An account with this email already exists. Log in instead.")
        else:
            run_and_commit(start_session, user)
            flash("Welcome! Your account is ready. Add your first expense below.", "success")
            return redirect(url_for("expenses.dashboard"))
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
            run_and_commit(start_session, user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        # The same words whether the email is unknown or the password wrong.
        form.password.errors.append("That email and password do not match an account.")
    return render_template("auth/login.html", form=form), form_status(form)


@bp.post("/logout")
@login_required
def logout():
    # CSRFProtect has already checked the token: a cross-site page cannot log anyone out.
    run_and_commit(end_session, current_user, current_user.current_session.id)
    logout_user()
    flash("You have been logged out.", "info")
    return redirect(url_for("auth.login"))
