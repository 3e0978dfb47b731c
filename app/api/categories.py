"""A ledger's categories: listed by name, and created (app/categories.py), checked by the site's
category form."""

from flask import url_for
from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from .. import idempotency
from ..access import EDITOR
from ..categories import CategoryNameTaken, TooManyCategories, create_category, ledger_categories
from ..expenses.forms import CategoryForm
from ..extensions import db
from ..models import MAX_CATEGORIES, Category
from ..problems import Invalid
from .base import api_blueprint, create_once, documents, ledger_for, validate_form
from .schemas import CategoryCreateSchema, CategoryListSchema, CategorySchema, IdempotencyHeaderSchema

blp = api_blueprint("api_categories", __name__, "Categories: what every expense of a ledger belongs to.")

NAME_TAKEN = _l("You already have a category with this name.")
TOO_MANY = _l("A ledger has at most %(max_categories)s categories.", max_categories=MAX_CATEGORIES)


def category_json(category: Category) -> dict:
    return {"id": category.id, "name": category.name, "color": category.color}


# Both methods on one view, so one rule (see app/api/expenses.py).
@blp.route("/ledgers/<int:ledger_id>/categories", endpoint="categories")
class Categories(MethodView):
    @blp.response(200, CategoryListSchema)
    @documents(blp, 404)
    def get(self, ledger_id: int):
        """The ledger's categories, by name"""
        ledger = ledger_for(ledger_id)
        return {"items": [category_json(category) for category in ledger_categories(ledger)]}

    @blp.arguments(CategoryCreateSchema)
    @blp.arguments(IdempotencyHeaderSchema, location="headers", as_kwargs=True)
    @blp.response(201, CategorySchema)
    @documents(blp, 400, 403, 404, 409, 422)
    def post(self, sent: dict, ledger_id: int, idempotency_key: str | None = None):
        """Add a category (editors and owners)"""
        return add_category(sent, ledger_id, idempotency_key)


def add_category(sent: dict, ledger_id: int, idempotency_key: str | None):
    ledger = ledger_for(ledger_id, EDITOR)
    form = validate_form(CategoryForm, sent, {}, currency=ledger.currency)

    def work() -> idempotency.Answer:
        try:
            category = create_category(ledger, form.name.data, form.color.data)
        except CategoryNameTaken:
            raise Invalid("#/name", str(NAME_TAKEN)) from None
        except TooManyCategories:
            raise Invalid("#/name", str(TOO_MANY)) from None
        db.session.flush()
        location = url_for(".categories", ledger_id=ledger.id)
        return idempotency.Answer(201, CategorySchema().dump(category_json(category)), location)

    return create_once(work, idempotency_key)
