"""GET /docs/api: the API's reference, rendered on the server from the same OpenAPI document that
/api/v1/openapi.json serves (so it shows exactly what the schemas validate), in the site's layout
and under its Content-Security-Policy: no script, nothing from another host."""

import json

from flask import Blueprint, current_app, render_template, url_for

bp = Blueprint("api_reference", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def describe(schema: dict | None) -> str:
    """A schema in a few words: "Money", "array of Expense", "string or null", "integer (1–28)"."""
    if not schema:
        return ""
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if kind == "array":
        return "array of " + describe(schema.get("items"))
    notes = []
    if "enum" in schema:
        notes.append(" | ".join(str(value) for value in schema["enum"] if value is not None))
    if "format" in schema:
        notes.append(schema["format"])
    if "minimum" in schema or "maximum" in schema:
        notes.append(f"{schema.get('minimum', '')}–{schema.get('maximum', '')}")
    if "maxLength" in schema:
        notes.append(f"up to {schema['maxLength']} characters")
    return kind + (f" ({', '.join(notes)})" if notes else "")


def _operations(spec: dict) -> list[dict]:
    operations = []
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            body = operation.get("requestBody", {}).get("content", {})
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "tag": (operation.get("tags") or [""])[0],
                    "parameters": shared + operation.get("parameters", []),
                    "body": next(iter(body.values()), {}).get("schema"),
                    "responses": [
                        (code, response.get("description", ""), next(iter(response.get("content", {}).values()), {}))
                        for code, response in sorted(operation.get("responses", {}).items())
                    ],
                }
            )
    return operations


def _used_schemas(spec: dict) -> dict:
    """The component schemas some operation refers to (flask-smorest also adds ones no operation uses)."""
    text = json.dumps(spec)
    schemas = spec.get("components", {}).get("schemas", {})
    return {name: schema for name, schema in schemas.items() if f'"#/components/schemas/{name}"' in text}


@bp.get("/docs/api")
def docs():
    spec = current_app.extensions["expense_api"].spec.to_dict()
    return render_template(
        "api/docs.html",
        spec=spec,
        operations=_operations(spec),
        schemas=_used_schemas(spec),
        describe=describe,
        ref_name=_ref_name,
        openapi_url=url_for("api-docs.openapi_json"),
    )
