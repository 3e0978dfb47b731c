from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """No fields: only the CSRF token, for POST-only actions such as logout and delete."""


def form_status(form: FlaskForm) -> int:
    """422 for a form sent back with errors, so that clients and tests can tell it from a success."""
    return 422 if form.errors else 200
