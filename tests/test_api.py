"""The JSON API's frame: problem documents, ledgers by membership, rate limits per token, CORS,
the OpenAPI document and the reference page built from it."""

from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import EDITOR, Ledger, LedgerMember, User
from tests.conftest import AuthActions, bearer, make_token, personal_ledger_id

PROBLEM = "application/problem+json"


def _register(app, email):
    AuthActions(app.test_client()).register(email=email)
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_ledgers_are_the_accounts_own_with_its_role(app, client, user):
    bob_id = _register(app, "bob@example.com")
    alice_ledger = personal_ledger_id(app, user.id)
    with app.app_context():
        shared = Ledger(name="Flat", currency="EUR", monthly_budget_cents=150_000, period_start_day=25)
        db.session.add(shared)
        db.session.flush()
        db.session.add(LedgerMember(ledger_id=shared.id, user_id=user.id, role=EDITOR))
        db.session.commit()
        shared_id = shared.id
    token = make_token(app, user.id, scope="read")
    response = client.get("/api/v1/ledgers", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json() == {
        "items": [
            {
                "id": alice_ledger,
                "name": "Personal",
                "personal": True,
                "role": "owner",
                "currency": "INR",
                "period_start_day": 1,
                "monthly_budget": {"amount": "80000.00", "currency": "INR"},
            },
            {
                "id": shared_id,
                "name": "Flat",
                "personal": False,
                "role": "editor",
                "currency": "EUR",
                "period_start_day": 25,
                "monthly_budget": {"amount": "1500.00", "currency": "EUR"},
            },
        ]
    }
    assert client.get(f"/api/v1/ledgers/{shared_id}", headers=bearer(token)).get_json()["role"] == "editor"
    # Bob's ledger and one that does not exist answer alike.
    for ledger_id in (personal_ledger_id(app, bob_id), 999_999):
        response = client.get(f"/api/v1/ledgers/{ledger_id}", headers=bearer(token))
        assert response.status_code == 404
        assert response.mimetype == PROBLEM
        assert response.get_json() == {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": "There is nothing here, or this token may not see it.",
        }


def test_routing_errors_under_the_api_are_problem_documents(app, client, user):
    token = make_token(app, user.id)
    response = client.get("/api/v1/no-such-thing", headers=bearer(token))
    assert (response.status_code, response.mimetype) == (404, PROBLEM)
    response = client.delete("/api/v1/me", headers=bearer(token))
    assert (response.status_code, response.mimetype) == (405, PROBLEM)
    assert "GET" in response.headers["Allow"]
    # The site's pages keep their HTML error pages.
    assert client.get("/no-such-page").mimetype == "text/html"


def test_each_token_has_its_own_rate_limit_with_retry_after(app, client, user):
    app.config["API_LIMIT_PER_TOKEN"] = "3 per minute"
    first, second = make_token(app, user.id), make_token(app, user.id)
    for _ in range(3):
        assert client.get("/api/v1/me", headers=bearer(first)).status_code == 200
    response = client.get("/api/v1/me", headers=bearer(first))
    assert response.status_code == 429
    assert response.mimetype == PROBLEM
    assert response.get_json()["status"] == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200


def test_cors_is_off_unless_an_origin_is_configured(app, client, user):
    token = make_token(app, user.id)
    headers = {**bearer(token), "Origin": "https://sheet.example"}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_answers_a_configured_origin_only(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, API_CORS_ORIGINS=["https://sheet.example"])
    client = app.test_client()
    preflight = client.options(
        "/api/v1/me",
        headers={
            "Origin": "https://sheet.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://sheet.example"
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()
    other = client.get("/api/v1/me", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    # The site's pages are never shared with another origin.
    page = client.get("/login", headers={"Origin": "https://sheet.example"})
    assert "Access-Control-Allow-Origin" not in page.headers
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_openapi_document_is_3_1_and_every_operation_is_secured(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["components"]["schemas"]["Money"]["required"] == ["amount", "currency"]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert {"401", "429"} <= set(operation["responses"]), f"{method} {path}"
            assert operation["responses"]["401"]["content"] == {
                PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}
            }


def test_the_reference_page_lists_every_operation_from_the_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    response = client.get("/docs/api")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for path, item in spec["paths"].items():
        for method in item:
            if method != "parameters":
                assert f"{method.upper()}</span><code>{path}</code>" in page, f"{method} {path}"
    assert 'id="schema-Money"' in page
    assert "<script>" not in page
