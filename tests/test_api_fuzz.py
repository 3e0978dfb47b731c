"""schemathesis against the app served over real HTTP: every operation of /api/v1/openapi.json with
generated valid and invalid requests, as the account of a read and write token. No request may get
a server error, and every response must match the document (status, content type, headers, body).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from app import create_app
from tests.conftest import bearer, category_id, make_token, personal_ledger_id
from tests.e2e.server import LiveServer

# Enough to reach every branch of the schemas while the whole suite stays within minutes on 2 cores.
EXAMPLES_PER_OPERATION = 30


def _document() -> dict:
    """The OpenAPI document as the app serves it (building it needs no database)."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    return app.test_client().get("/api/v1/openapi.json").get_json()


# Loaded when the module is collected, so that every operation is a test of its own. (schemathesis'
# from_fixture would load it from the live server, but reads a pytest attribute pytest 9 removed.)
schema = schemathesis.openapi.from_dict(_document())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES_PER_OPERATION,
    deterministic=True,
    database="none",
)
# A body or parameter the schema accepts can still break a rule no schema can state (a category id of
# another ledger, a rule that would add 400 expenses at once): a 422 that names the field is a right
# answer to such a "valid" request. Every other check keeps its defaults.
acceptance = schema.config.checks.positive_data_acceptance
acceptance.expected_statuses = [*acceptance.expected_statuses, "422"]
# Random ledger ids would only ever meet 404s: the ledger in every URL is the account's own (the first
# row of a fresh database, checked by live_api), and so is the category whose limit is set, so that
# the generated requests reach the views' rules. Expenses and rules are found by their random ids or not.
LEDGER_ID = CATEGORY_ID = 1
schema.config.update(parameters={"path.ledger_id": LEDGER_ID, "path.category_id": CATEGORY_ID})


@pytest.fixture
def live_api(app, user):
    assert (personal_ledger_id(app, user.id), category_id(app, user.id, "Food & groceries")) == (LEDGER_ID, CATEGORY_ID)
    with LiveServer(app) as server:
        yield server.url, make_token(app, user.id)


@schema.parametrize()
# One server and one token for all the examples of an operation: what they change adds up, like a
# client's requests do.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_operation_answers_as_documented(case, live_api):
    base_url, token = live_api
    case.call_and_validate(base_url=base_url, headers=bearer(token))
