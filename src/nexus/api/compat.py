"""Breaking changes between two OpenAPI 3 documents of this API (the API-compatibility gate,
bin/api-compat). No maintained Python differ was found (oasdiff is a Go program, not on
the reachable registries), so this is a small one, for the constructs our specs use.

Breaking, for a client written against OLD:
- a path or an operation removed; a success response status removed;
- a request parameter or body that becomes required, or a new required one; a new required
  request property; a request type, enum or bound narrowed (values it accepted now refused);
- a response property removed or no longer required; a response type changed; a response
  enum gaining values (a client mapping every value meets one it does not know).
Composite schemas (anyOf/oneOf/allOf) are compared as wholes of their branches' types only.

    python -m nexus.api.compat OLD.json NEW.json     exit 1 and one line per breaking change
"""

from __future__ import annotations

import json
import operator
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

Schema = Mapping[str, Any]
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
# Request bounds: narrower(old, new) is true when new refuses values old accepted.
_NARROWER: dict[str, Callable[[Any, Any], bool]] = {
    "maxLength": operator.gt,
    "maxItems": operator.gt,
    "maximum": operator.gt,
    "minLength": operator.lt,
    "minItems": operator.lt,
    "minimum": operator.lt,
}


class Differ:
    def __init__(self, old: Schema, new: Schema) -> None:
        self.old, self.new = old, new

    def _resolve(self, doc: Schema, schema: Schema, seen: frozenset[str] = frozenset()) -> Schema:
        while "$ref" in schema:
            ref = str(schema["$ref"])
            if ref in seen:
                return {}
            seen = seen | {ref}
            node: Any = doc
            for part in ref.removeprefix("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def _types(self, doc: Schema, schema: Schema) -> set[str]:
        schema = self._resolve(doc, schema)
        types: set[str] = set()
        for key in ("anyOf", "oneOf"):
            for branch in schema.get(key, []):
                types |= self._types(doc, branch)
        kind = schema.get("type")
        if isinstance(kind, list):
            types |= set(kind)
        elif kind:
            types.add(str(kind))
        if schema.get("nullable"):
            types.add("null")
        return types

    def schema(
        self, old: Schema, new: Schema, where: str, request: bool, depth: int = 0
    ) -> Iterator[str]:
        if depth > 20:  # recursive schemas
            return
        old, new = self._resolve(self.old, old), self._resolve(self.new, new)
        old_types, new_types = self._types(self.old, old), self._types(self.new, new)
        if old_types and new_types and old_types != new_types:
            lost, gained = old_types - new_types, new_types - old_types
            widened = {"integer"} == lost and "number" in new_types
            if request and lost and not widened:
                yield f"{where}: type {sorted(old_types)} narrowed to {sorted(new_types)}"
            if not request and gained:
                yield f"{where}: type {sorted(old_types)} changed to {sorted(new_types)}"
        old_enum, new_enum = old.get("enum"), new.get("enum")
        if request and new_enum is not None:
            removed = [v for v in (old_enum or []) if v not in new_enum]
            if removed or old_enum is None:
                yield f"{where}: enum narrowed (no longer accepted: {removed or 'any other value'})"
        if not request and old_enum is not None:
            added = [v for v in (new_enum or []) if v not in old_enum]
            if added or new_enum is None:
                yield f"{where}: enum gained {added or 'any value'}"
        if request:
            for key, narrower in _NARROWER.items():
                if key in new and (key not in old or narrower(old[key], new[key])):
                    yield f"{where}: {key} {old.get(key, 'none')} -> {new[key]}"
            if new.get("pattern") not in (None, old.get("pattern")):
                yield f"{where}: pattern {old.get('pattern')!r} -> {new['pattern']!r}"
        yield from self._properties(old, new, where, request, depth)
        if "items" in old and "items" in new:
            yield from self.schema(old["items"], new["items"], f"{where}[]", request, depth + 1)

    def _properties(
        self, old: Schema, new: Schema, where: str, request: bool, depth: int
    ) -> Iterator[str]:
        old_props: Mapping[str, Schema] = old.get("properties", {})
        new_props: Mapping[str, Schema] = new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        for name in sorted(set(old_props) | set(new_props)):
            at = f"{where}.{name}"
            if request and name in new_required and name not in old_required:
                yield f"{at}: new required request property"
            if not request and name in old_props and name not in new_props:
                yield f"{at}: response property removed"
            elif not request and name in old_required and name not in new_required:
                yield f"{at}: response property no longer always present"
            if name in old_props and name in new_props:
                yield from self.schema(old_props[name], new_props[name], at, request, depth + 1)

    def _parameters(self, old_op: Schema, new_op: Schema, where: str) -> Iterator[str]:
        def by_key(op: Schema, doc: Schema) -> dict[tuple[str, str], Schema]:
            params = [self._resolve(doc, p) for p in op.get("parameters", [])]
            return {(str(p["in"]), str(p["name"])): p for p in params}

        old_params, new_params = by_key(old_op, self.old), by_key(new_op, self.new)
        for key, param in sorted(new_params.items()):
            at = f"{where} {key[0]} parameter {key[1]!r}"
            if param.get("required") and not old_params.get(key, {}).get("required"):
                yield f"{at}: required now"
            if key in old_params:
                yield from self.schema(
                    old_params[key].get("schema", {}), param.get("schema", {}), at, True
                )

    def _body(self, op: Schema, doc: Schema) -> tuple[Schema, bool]:
        body = self._resolve(doc, op.get("requestBody", {}))
        content: Mapping[str, Schema] = body.get("content", {})
        media = content.get("application/json", next(iter(content.values()), {}))
        return media.get("schema", {}), bool(body.get("required"))

    def operation(self, old_op: Schema, new_op: Schema, where: str) -> Iterator[str]:
        yield from self._parameters(old_op, new_op, where)
        (old_body, old_required), (new_body, new_required) = (
            self._body(old_op, self.old),
            self._body(new_op, self.new),
        )
        if new_required and not old_required:
            yield f"{where} request body: required now"
        if old_body and new_body:
            yield from self.schema(old_body, new_body, f"{where} request body", True)
        old_responses: Mapping[str, Schema] = old_op.get("responses", {})
        new_responses: Mapping[str, Schema] = new_op.get("responses", {})
        for status, old_response in sorted(old_responses.items()):
            if status not in new_responses:
                if status.startswith("2"):
                    yield f"{where} response {status}: removed"
                continue
            old_schema, _ = self._body({"requestBody": old_response}, self.old)
            new_schema, _ = self._body({"requestBody": new_responses[status]}, self.new)
            if old_schema and new_schema:
                yield from self.schema(old_schema, new_schema, f"{where} {status}", False)

    def breaking(self) -> list[str]:
        changes: list[str] = []
        old_paths: Mapping[str, Schema] = self.old.get("paths", {})
        new_paths: Mapping[str, Schema] = self.new.get("paths", {})
        for path, old_item in sorted(old_paths.items()):
            if path not in new_paths:
                changes.append(f"{path}: path removed")
                continue
            for method in METHODS:
                if method not in old_item:
                    continue
                where = f"{method.upper()} {path}"
                if method not in new_paths[path]:
                    changes.append(f"{where}: operation removed")
                    continue
                changes.extend(self.operation(old_item[method], new_paths[path][method], where))
        return changes


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """Every change of ``new`` that can break a client of ``old`` (empty: compatible)."""
    return Differ(old, new).breaking()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m nexus.api.compat OLD.json NEW.json", file=sys.stderr)
        return 2
    old, new = (json.loads(Path(p).read_text(encoding="utf-8")) for p in argv)
    changes = breaking_changes(old, new)
    for change in changes:
        print(change)
    return 1 if changes else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
