from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


class ConfirmForm(FlaskForm):
    """No fields: only the CSRF token, for POST-only actions such as logout and delete."""


def form_status(form: FlaskForm) -> int:
    """422 for a form sent back with errors, so that clients and tests can tell it from a success."""
    return 422 if form.errors else 200


def choices(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs; WTForms 3.3 deprecates bare tuples."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def int_or_none(value):
    """Coerce a submitted id or number; anything else is no choice, so the field says "Not a valid
    choice" instead of WTForms' "Invalid Choice: could not coerce"."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
