"""Forms of the import wizard and of backup and restore. Choices depend on the file (its columns,
the date formats that fit it, its unknown categories), so most are filled in by the constructor."""

import hashlib
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, SelectField, SelectMultipleField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from ..forms import choices
from ..passwords import PASSWORD_MAX
from .analysis import DEFAULT_CATEGORY
from .layout import CREATE, DECIMAL_MARKS, EXISTING, NEGATIVE_IS_SPENDING, POSITIVE_IS_SPENDING, USE_DEFAULT

NOT_IN_FILE = ""


class UploadForm(FlaskForm):
    csv_file = FileField(
        "CSV file",
        description=_l("UTF-8, with commas, semicolons or tabs between the columns, and a header row."),
        validators=[FileRequired("Choose a CSV file to upload.")],
        render_kw={"accept": ".csv,.tsv,.txt,text/csv,text/plain"},
    )
    submit = SubmitField(_l("Upload and continue"))


def column_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ColumnsForm(FlaskForm):
    date_column = SelectField(_l("Date"), coerce=column_or_none, validate_choice=False)
    description_column = SelectField(_l("Description"), coerce=column_or_none, validate_choice=False)
    extra_columns = SelectMultipleField(_l("Also add to the description"), coerce=column_or_none, validate_choice=False)
    category_column = SelectField(
        _l("Category"),
        coerce=column_or_none,
        validate_choice=False,
        description=_l("Optional. Rows without a category go to one you choose in the preview."),
    )
    amount_column = SelectField(
        _l("Amount"),
        coerce=column_or_none,
        validate_choice=False,
        description=_l("One column with spending and income, told apart by the sign."),
    )
    debit_column = SelectField(
        _l("Debit (money out)"),
        coerce=column_or_none,
        validate_choice=False,
        description=_l("Only when the file has separate columns for money out and money in."),
    )
    credit_column = SelectField(_l("Credit (money in)"), coerce=column_or_none, validate_choice=False)
    currency_column = SelectField(
        _l("Currency"),
        coerce=column_or_none,
        validate_choice=False,
        description=_l("Optional. Rows in another currency than the ledger's are converted."),
    )
    rate_column = SelectField(
        _l("Exchange rate"),
        coerce=column_or_none,
        validate_choice=False,
        description=_l("Optional. Units of the ledger's currency per unit of the row's."),
    )
    submit = SubmitField(_l("Continue"))

    SINGLE = (
        "date_column",
        "description_column",
        "category_column",
        "amount_column",
        "debit_column",
        "credit_column",
        "currency_column",
        "rate_column",
    )

    def __init__(self, header: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.header = header
        columns = [(str(index), f"{name} (column {index + 1})") for index, name in enumerate(header)]
        for name in self.SINGLE:
            getattr(self, name).choices = choices([(NOT_IN_FILE, "— not in this file —"), *columns])
        self.extra_columns.choices = choices(columns)

    def _in_range(self, value) -> bool:
        return value is not None and 0 <= value < len(self.header)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name in self.SINGLE:
            field = getattr(self, name)
            if field.data is not None and not self._in_range(field.data):
                field.errors.append(_("Choose one of the file's columns."))
                valid = False
        if self.extra_columns.data and not all(self._in_range(c) for c in self.extra_columns.data):
            self.extra_columns.errors.append(_("Choose among the file's columns."))
            return False
        if self.date_column.data is None:
            self.date_column.errors.append(_("Choose the column with the dates."))
            valid = False
        if self.description_column.data is None:
            self.description_column.errors.append(_("Choose the column with the descriptions."))
            valid = False
        if self.amount_column.data is None and self.debit_column.data is None:
            self.amount_column.errors.append(_("Choose the amount column, or the debit column if the file has two."))
            valid = False
        if self.amount_column.data is not None and (
            self.debit_column.data is not None or self.credit_column.data is not None
        ):
            self.amount_column.errors.append(_("Choose one amount column, or debit and credit columns, not both."))
            valid = False
        used = {}
        for name in self.SINGLE:
            field = getattr(self, name)
            if field.data is None:
                continue
            if field.data in used:
                field.errors.append(
                    _(
                        "“%(value)s” is already chosen as %(value2)s.",
                        value=self.header[field.data],
                        value2=used[field.data],
                    )
                )
                valid = False
            used[field.data] = field.label.text.lower()
        for column in self.extra_columns.data or []:
            if column in used:
                self.extra_columns.errors.append(
                    _(
                        "“%(value)s” is already chosen as %(value2)s; it cannot also be added.",
                        value=self.header[column],
                        value2=used[column],
                    )
                )
                valid = False
                break
        return valid


class FormatsForm(FlaskForm):
    date_format = RadioField(_l("Date format"), validate_choice=False)
    decimal_mark = RadioField(
        _l("Decimal mark"),
        choices=choices([(".", "A point: 1,234.56"), (",", "A comma: 1.234,56")]),
        validate_choice=False,
    )
    spending_sign = RadioField(
        _l("Which amounts are spending?"),
        choices=choices(
            [
                (NEGATIVE_IS_SPENDING, _l("Negative amounts (−12.50) are spending; positive ones are income")),
                (POSITIVE_IS_SPENDING, _l("Positive amounts are spending; negative ones are refunds or income")),
            ]
        ),
        validate_choice=False,
    )
    submit = SubmitField(_l("Continue to preview"))

    def __init__(self, date_formats: list[tuple[str, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.date_format.choices = choices(date_formats)

    def validate_date_format(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_("Choose the date format the file uses."))

    def validate_decimal_mark(self, field):
        if field.data not in DECIMAL_MARKS:
            raise ValidationError(_("Choose the decimal mark."))

    def validate_spending_sign(self, field):
        if field.data not in (NEGATIVE_IS_SPENDING, POSITIVE_IS_SPENDING):
            raise ValidationError(_("Choose which amounts are spending."))


class PreviewForm(FlaskForm):
    default_category = SelectField(_l("Category for rows without one"), validate_choice=False)
    import_duplicates = BooleanField(_l("Import the duplicates anyway"))
    # How many rows the page said would be imported without and with the duplicates: the import
    # refuses to go ahead when that is no longer so.
    expected_rows = HiddenField()
    expected_with_duplicates = HiddenField()
    refresh = SubmitField(_l("Update preview"))
    submit = SubmitField(_l("Import"))

    def validate_default_category(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_("Choose a category."))


def category_field_name(key: str) -> str:
    # Named after the category, not its position: the list can differ between two requests.
    return "category_" + hashlib.sha256(key.encode()).hexdigest()[:16]


def preview_form(unknown_categories, categories, *args, **kwargs) -> PreviewForm:
    """The preview form with one choice per category name in the file that the user does not have."""

    class Form(PreviewForm):
        pass

    names = [category.name for category in categories]
    existing = [(EXISTING + name, f"Put in {name}") for name in names]
    for unknown in unknown_categories:
        options = [] if unknown.problem else [(CREATE, f"Create category “{unknown.name}”")]
        options += [(USE_DEFAULT, "Put in the category for rows without one"), *existing]
        setattr(
            Form,
            category_field_name(unknown.key),
            SelectField(unknown.name, choices=choices(options), default=unknown.choice, validate_choice=False),
        )
    form = Form(*args, **kwargs)
    default_options = [(name, name) for name in names]
    if DEFAULT_CATEGORY.casefold() not in {name.casefold() for name in names}:
        default_options.insert(0, ("", f"A new category “{DEFAULT_CATEGORY}”"))
    form.default_category.choices = choices(default_options)
    form.unknown_fields = [(unknown, getattr(form, category_field_name(unknown.key))) for unknown in unknown_categories]
    for unknown, field in form.unknown_fields:
        valid = {choice.value for choice in field.choices}
        if field.data not in valid:
            field.data = unknown.choice if unknown.choice in valid else USE_DEFAULT
    return form


class RestoreForm(FlaskForm):
    backup_file = FileField(
        _l("Backup file"),
        description=_l("A .zip file downloaded from this page (or a .json file from before receipts)."),
        validators=[FileRequired("Choose a backup file.")],
        render_kw={"accept": ".zip,application/zip,.json,application/json"},
    )
    replace = BooleanField(_l("Replace everything in this ledger with the backup"))
    # A backup from another account, ledger or site is restored only once the person has seen where
    # it came from: the SHA-256 of the file they confirmed, and their tick.
    source_file = HiddenField()
    confirm_source = BooleanField(_l("Yes, restore this backup into this ledger"))
    password = PasswordField(
        _l("Your password"),
        description=_l("Needed only to replace data the ledger already has."),
        validators=[Optional(), Length(max=PASSWORD_MAX)],
    )
    submit = SubmitField(_l("Restore backup"))


ROW_CATEGORY = "row-category-"
ROW_SHOWN = "row-shown-"
_LINE = re.compile(r"[0-9]{1,9}")


def row_category_changes(form_data, category_ids: set[int]) -> dict[str, int]:
    """The preview's per-row category selects that were changed from what the page showed, as
    {line number: category id}; a select left as shown, or naming no category of the ledger, is no
    choice."""
    changes = {}
    for name, value in form_data.items():
        line = name.removeprefix(ROW_CATEGORY)
        if line == name or not _LINE.fullmatch(line) or value == form_data.get(ROW_SHOWN + line):
            continue
        if _LINE.fullmatch(value) and int(value) in category_ids:
            changes[line] = int(value)
    return changes


class RatesForm(FlaskForm):
    rates_file = FileField(
        _l("The ECB's rates file"),
        description=_l(
            "eurofxref.csv (one day) or eurofxref-hist.csv (every day since 1999), or the ZIP file it comes in."
        ),
        validators=[FileRequired(_l("Choose the rates file you downloaded."))],
        render_kw={"accept": ".csv,.zip,text/csv,application/zip"},
    )
