"""The JSON API at /api/v1: personal access tokens (app/api_tokens.py), flask-smorest views whose
marshmallow schemas (app/api/schemas.py) validate requests, serialise responses and generate the
OpenAPI 3.1 document at /api/v1/openapi.json; the reference page at /docs/api renders that document.
"""

from flask import Flask
from flask_cors import CORS
from flask_smorest import Api

from . import budgets, categories, docs, expenses, ledgers, me, recurring, summary
from .schemas import ProblemSchema

BLUEPRINTS = (me.blp, ledgers.blp, expenses.blp, categories.blp, budgets.blp, recurring.blp, summary.blp)


class ExpenseApi(Api):
    # Errors are problem documents, each operation lists its own (base.documents), so there is no
    # catch-all "default" response in the document to hide an undocumented status.
    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None


def init_app(app: Flask) -> None:
    # One Api per app: it holds the app's OpenAPI document.
    api = ExpenseApi(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "A personal access token (et_…)."}
    )
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.extensions["expense_api"] = api
    app.register_blueprint(docs.bp)
    origins = app.config["API_CORS_ORIGINS"]
    if origins:
        # Off unless configured: a web page elsewhere may call the API only from these origins.
        CORS(
            app,
            resources={r"/api/*": {"origins": origins}},
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=["Location", "Retry-After", "Idempotent-Replayed"],
            supports_credentials=False,
        )
