"""Settings › API tokens: create a personal access token for the JSON API (shown once, in the answer
to the request that made it), see when each was last used, revoke any at once."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import api_tokens
from ..forms import ConfirmForm, form_status
from ..transactions import run_and_commit
from . import bp
from .forms import CreateTokenForm


def _page(form: CreateTokenForm, new_token: str | None = None):
    page = render_template(
        "account/tokens.html",
        form=form,
        revoke_form=ConfirmForm(),
        tokens=api_tokens.tokens_of(current_user),
        is_expired=api_tokens.is_expired,
        new_token=new_token,
    )
    return page, form_status(form)


@bp.get("/tokens")
def api_tokens_page():
    return _page(CreateTokenForm())


@bp.post("/tokens")
def create_api_token():
    form = CreateTokenForm()
    if form.validate_on_submit():
        try:
            _row, token = run_and_commit(
                api_tokens.create_token,
                current_user,
                form.name.data,
                form.scope.data,
                api_tokens.LIFETIMES[form.lifetime.data],
            )
        except api_tokens.TooManyTokens:
            form.name.errors.append(_("You have as many tokens as an account may have. Revoke one you no longer use."))
        else:
            # Shown in this answer only: the database keeps its hash, nothing can show it again.
            return _page(CreateTokenForm(formdata=None), new_token=token)
    return _page(form)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_api_token(token_id: int):
    if not run_and_commit(api_tokens.revoke_token, current_user, token_id):
        abort(404)
    flash(_("Token revoked. Requests with it are refused from now on."), "success")
    return redirect(url_for("account.api_tokens_page"))
