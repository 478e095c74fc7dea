"""The platform endpoints are documented: summary, access, request and response examples."""

from __future__ import annotations

from flask.testing import FlaskClient

PREFIXES = (
    "/api/v1/students",
    "/api/v1/parents",
    "/api/v1/teachers",
    "/api/v1/offers",
    "/api/v1/enrollments",
    "/api/v1/sessions",
    "/api/v1/bookings",
    "/api/v1/notifications",
    "/api/v1/admin",
)


def _ref_name(media: dict[str, object]) -> str:
    schema = media["schema"]
    assert isinstance(schema, dict)
    return str(schema["$ref"]).rsplit("/", 1)[-1]


def test_every_platform_operation_is_documented_with_examples(client: FlaskClient) -> None:
    doc = client.get("/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    operations = [
        (path, method, op)
        for path, item in doc["paths"].items()
        if path.startswith(PREFIXES)
        for method, op in item.items()
    ]
    assert len(operations) >= 40
    ids = [op["operationId"] for _, _, op in operations]
    assert len(ids) == len(set(ids))
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert op.get("summary"), where
        assert op["security"] == [{"bearerAuth": []}], where
        success = [code for code in op["responses"] if code.startswith("2")]
        assert success, where
        assert "401" in op["responses"] and "403" in op["responses"], where
        if "requestBody" in op:
            name = _ref_name(op["requestBody"]["content"]["application/json"])
            assert "example" in schemas[name] or "examples" in schemas[name], (where, name)
        for code in success:
            content = op["responses"][code].get("content")
            if content is None:
                assert code == "204", where
                continue
            if "application/json" not in content:
                assert set(content) == {"application/pdf"}, where  # the progress report
                continue
            name = _ref_name(content["application/json"])
            if name.startswith("Page"):
                item_ref = schemas[name]["properties"]["items"]["items"]["$ref"]
                name = item_ref.rsplit("/", 1)[-1]
            assert "example" in schemas[name] or "examples" in schemas[name], (where, name)
