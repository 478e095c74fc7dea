"""The OpenAPI document and the interactive docs, all served from this app (no CDN)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any, TypeAlias

from flask import Response, jsonify
from flask_openapi3.models.info import Info
from flask_openapi3.openapi import OpenAPI
from pydantic import BaseModel

from nexus.errors import ErrorResponse

REF_TEMPLATE = "#/components/schemas/{model}"
View: TypeAlias = Callable[[], Response]
SECURITY_SCHEMES: dict[str, Any] = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
}
DOCS_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Nexus Réussite API</title>
<link rel="icon" href="/docs/swagger/images/swagger.svg">
<link rel="stylesheet" href="/docs/swagger/css/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger/js/swagger-ui-bundle.js"></script>
<script src="/docs/swagger/js/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout", validatorUrl: null});
</script></body></html>"""


def operation_id(bp_name: str, name: str, path: str, method: str) -> str:
    """Stable operation ids: ``<blueprint>_<function>``."""
    del path, method
    return f"{bp_name}_{name}"


class NexusApp(OpenAPI):
    """The app: Flask's ``ensure_sync`` asks ``inspect.iscoroutinefunction`` of every hook of
    every request (13 hooks a request, ~6 % of ``/health``'s CPU); the answer for a function
    never changes, so it is remembered. Flask documents ``ensure_sync`` as the method to
    override. The hooks are a fixed set of module functions and bound methods of extensions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._synced: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            return self._synced[func]
        except KeyError:
            synced = super().ensure_sync(func)
            if len(self._synced) < MAX_REMEMBERED_HOOKS:
                self._synced[func] = synced
            return synced
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)


MAX_REMEMBERED_HOOKS = 1024


def build_app(import_name: str, version: str) -> OpenAPI:
    return NexusApp(
        import_name,
        info=Info(
            title="Nexus Réussite API",
            version=version,
            description="Backend of the Nexus Réussite tutoring platform. Authenticate with "
            "`POST /api/v1/auth/login`, then send `Authorization: Bearer <token>`.",
        ),
        security_schemes=SECURITY_SCHEMES,
        validation_error_status=422,
        validation_error_model=ErrorResponse,
        doc_prefix="/docs",
        doc_url="/openapi.json",
        operation_id_callback=operation_id,
    )


# Answers that always say when to come back.
RETRY_AFTER = {
    "429": "Too many requests: throttled or over a quota; retry after `Retry-After` seconds",
    "503": "Temporarily unavailable (database, Redis); retry after `Retry-After` seconds",
}
_CONVERTER = re.compile(r"<(?:[a-z_]+:)?([a-zA-Z_][a-zA-Z0-9_]*)>")


def _document_security(app: OpenAPI, allowed: Callable[[str], str | None]) -> None:
    """Mark signed-in routes with the bearer scheme and their 401/403 answers."""
    error_ref = {"$ref": f"#/components/schemas/{ErrorResponse.__name__}"}
    for rule in app.url_map.iter_rules():
        callers = allowed(rule.endpoint)
        path = _CONVERTER.sub(r"{\1}", rule.rule)
        item = app.paths.get(path)
        if callers is None or item is None:
            continue
        for method in rule.methods or ():
            operation = getattr(item, method.lower(), None)
            if operation is None:
                continue
            operation.security = [{"bearerAuth": []}]
            for status, text in (
                ("401", "Missing, invalid or revoked token"),
                ("403", f"Allowed: {callers}"),
            ):
                operation.responses.setdefault(
                    status,
                    {"description": text, "content": {"application/json": {"schema": error_ref}}},
                )


def _models_by_name() -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    pending: list[type[BaseModel]] = [BaseModel]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("nexus."):
                found.setdefault(sub.__name__, sub)
    return found


def complete_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """Put back what flask-openapi3's schema model drops (``examples``, ``const``…).

    Component schemas are replaced by pydantic's own JSON Schema for the model of that name,
    so every example written on a schema or a field reaches /openapi.json and /docs.
    """
    spec = copy.deepcopy(spec)
    error_ref = {"$ref": REF_TEMPLATE.format(model=ErrorResponse.__name__)}
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            responses = operation.get("responses", {})
            invalid = responses.get("422")
            if invalid is not None:
                # flask-openapi3 documents validation errors as a list; ours is one object.
                invalid["content"] = {"application/json": {"schema": error_ref}}
            for status, description in RETRY_AFTER.items():
                if status in responses:
                    responses[status]["description"] = description
                    responses[status].setdefault("headers", {})["Retry-After"] = {
                        "description": "Seconds to wait before retrying",
                        "schema": {"type": "integer", "minimum": 1},
                        "required": status == "429",
                    }
    schemas: dict[str, Any] = spec.setdefault("components", {}).setdefault("schemas", {})
    models = _models_by_name()
    for name in list(schemas):
        model = models.get(name)
        if model is None:
            continue
        full = model.model_json_schema(ref_template=REF_TEMPLATE)
        for def_name, definition in full.pop("$defs", {}).items():
            schemas[def_name] = definition
        schemas[name] = full
    return spec


def install(
    app: OpenAPI, *, public: Callable[[View], View], allowed: Callable[[str], str | None]
) -> None:
    """Serve /openapi.json and /docs. The permission layer, above this one, passes in how to
    mark a view public and who may call an endpoint (None: anyone, or not an API route)."""
    _document_security(app, allowed)

    @public
    def openapi_json() -> Response:
        spec = app.extensions.get("nexus.openapi")
        if spec is None:
            spec = app.extensions["nexus.openapi"] = complete_spec(app.api_doc)
        return jsonify(spec)

    @public
    def docs() -> Response:
        return Response(DOCS_HTML, mimetype="text/html")

    app.add_url_rule("/openapi.json", "openapi_json", openapi_json)
    app.add_url_rule("/docs", "docs", docs, strict_slashes=True)
