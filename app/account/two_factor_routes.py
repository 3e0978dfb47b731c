"""Settings › Two-factor: turn it on (scan, confirm with a code and the password), get new recovery
codes, turn it off. Recovery codes are shown once, in the answer to the request that made them."""

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import rate_limits, two_factor
from ..passwords import check_password
from ..sessions import signed_in_user
from ..transactions import run_and_commit
from . import bp
from .forms import EnableTwoFactorForm, TwoFactorCheckForm

# The secret being set up, between showing the QR code and the code that confirms it. In the
# signed session cookie of the browser that was shown it: nothing is written before the code is right.
_ENROLMENT_KEY = "two_factor_enrolment"

ERRORS = {
    "password": "That is not your password.",
    "code": "That code is not right, or it was used already. Enter the code the app shows now.",
}


class AlreadyEnabled(Exception):
    pass


def _enrolment_secret(create: bool) -> str | None:
    """The secret this browser is setting up for the signed-in account; a new one when `create`."""
    enrolment = session.get(_ENROLMENT_KEY)
    if (
        isinstance(enrolment, dict)
        and enrolment.get("user") == current_user.id
        and two_factor.is_secret(enrolment.get("secret"))
    ):
        return enrolment["secret"]
    if not create:
        return None
    secret = two_factor.new_secret()
    session[_ENROLMENT_KEY] = {"user": current_user.id, "secret": secret}
    return secret


def _check_forms():
    return TwoFactorCheckForm(prefix="regenerate"), TwoFactorCheckForm(prefix="disable")


def _status_page(regenerate_form, disable_form, status_code=200):
    user = signed_in_user()
    page = render_template(
        "account/two_factor.html",
        status=two_factor.status(user),
        codes_left=two_factor.recovery_codes_left(user),
        code_count=two_factor.RECOVERY_CODE_COUNT,
        regenerate_form=regenerate_form,
        disable_form=disable_form,
    )
    return page, status_code


def _enrolment_page(form, status_code=200):
    secret = _enrolment_secret(create=True)
    uri = two_factor.provisioning_uri(secret, current_user.email)
    page = render_template(
        "account/two_factor_enrol.html",
        form=form,
        qr_code=two_factor.qr_code_svg(uri),
        secret=two_factor.spaced_secret(secret),
    )
    return page, status_code


@bp.get("/two-factor")
def two_factor_settings():
    if two_factor.is_enabled(current_user):
        return _status_page(*_check_forms())
    return _enrolment_page(EnableTwoFactorForm())


@bp.post("/two-factor")
@rate_limits.password_per_ip
@rate_limits.two_factor_per_account
def enable_two_factor():
    if two_factor.is_enabled(current_user):
        return redirect(url_for("account.two_factor_settings"))
    form = EnableTwoFactorForm()
    secret = _enrolment_secret(create=False)
    if secret is None:
        flash(_("The setup expired. Scan the new QR code and enter the code again."), "warning")
        return redirect(url_for("account.two_factor_settings"))
    if form.validate_on_submit():
        if not check_password(current_user, form.password.data):
            form.password.errors.append(ERRORS["password"])
        else:
            try:
                codes = run_and_commit(_enable, signed_in_user(), secret, form.code.data)
            except two_factor.WrongCode:
                form.code.errors.append(ERRORS["code"])
            except AlreadyEnabled:
                return redirect(url_for("account.two_factor_settings"))
            else:
                session.pop(_ENROLMENT_KEY, None)
                return render_template("account/two_factor_codes.html", codes=codes, enabled=True)
    return _enrolment_page(form, 422)


def _enable(user, secret: str, code: str) -> list[str]:
    # Checked inside the unit of work: run again after a double submit, it finds the first one's row.
    if two_factor.is_enabled(user):
        raise AlreadyEnabled()
    return two_factor.enable(user, secret, code)


def _checked_post(form, work):
    """Run `work(user)` once the form's password and code are right; None when they are not (the
    form then holds the error). The code is only tried with the right password."""
    if not form.validate_on_submit():
        return None
    if not check_password(current_user, form.password.data):
        form.password.errors.append(ERRORS["password"])
        return None
    try:
        return run_and_commit(_after_code, signed_in_user(), form.code.data, work)
    except two_factor.WrongCode:
        form.code.errors.append(ERRORS["code"])
        return None


def _after_code(user, code: str, work):
    two_factor.check_code(user, code)
    return work(user)


@bp.post("/two-factor/recovery-codes")
@rate_limits.password_per_ip
@rate_limits.two_factor_per_account
def regenerate_recovery_codes():
    if not two_factor.is_enabled(current_user):
        return redirect(url_for("account.two_factor_settings"))
    regenerate_form, disable_form = _check_forms()
    codes = _checked_post(regenerate_form, two_factor.regenerate_recovery_codes)
    if codes is None:
        return _status_page(regenerate_form, disable_form, 422)
    return render_template("account/two_factor_codes.html", codes=codes, enabled=False)


@bp.post("/two-factor/disable")
@rate_limits.password_per_ip
@rate_limits.two_factor_per_account
def disable_two_factor():
    if not two_factor.is_enabled(current_user):
        return redirect(url_for("account.two_factor_settings"))
    regenerate_form, disable_form = _check_forms()
    if _checked_post(disable_form, _disable) is None:
        return _status_page(regenerate_form, disable_form, 422)
    flash(_("Two-factor sign-in is off. Logging in now needs only your password."), "success")
    return redirect(url_for("account.two_factor_settings"))


def _disable(user) -> bool:
    two_factor.disable(user)
    return True
