"""GitHub Actions expressions (``${{ … }}`` and ``if:``), the subset a job of ours uses.

Semantics follow docs.github.com "Evaluate expressions in workflows and actions": loose
equality (strings compared case-insensitively, mixed types compared as numbers), ``&&``/``||``
returning an operand, a missing property is ``null``, and an ``if:`` without a status function
is ``success() && (…)``. Anything outside the subset raises :class:`ExpressionError` naming
it, so a workflow change that needs more fails the parity run instead of being misread.
"""

from __future__ import annotations

import glob
import hashlib
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STATUS_FUNCTIONS = frozenset({"success", "failure", "always", "cancelled"})


class ExpressionError(ValueError):
    """An expression the parity runner does not support (or a malformed one)."""


class StrictContext(dict[str, Any]):
    """A context whose unknown properties are an error (``runner.*``, ``github.*``): the runner
    emulates only some of them, and a silent ``null`` would hide a difference."""

    def __init__(self, name: str, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.name = name

    def __missing__(self, key: str) -> Any:
        raise ExpressionError(f"{self.name}.{key} is not emulated by the parity runner")


class SecretsContext(dict[str, Any]):
    """Every secret is empty: a fork's pull request, and the parity run, have none."""

    def __missing__(self, key: str) -> Any:
        return ""


@dataclass(frozen=True)
class Evaluation:
    """What an expression may read: the contexts, the job status and the workspace."""

    contexts: Mapping[str, Any]
    status: str = "success"  # success | failure | cancelled
    workspace: Path | None = None


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*')
      | (?P<number>-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))
      | (?P<op>==|!=|<=|>=|&&|\|\||[<>!()\[\].,*])
      | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
    )""",
    re.VERBOSE,
)


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ExpressionError(f"cannot parse expression {text!r} at {text[pos:]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return tokens


# The AST: tuples, small enough to read. ("lit", v) ("ctx", name) ("prop", node, key)
# ("index", node, node) ("not", node) ("bin", op, l, r) ("call", name, [args])
Node = tuple[Any, ...]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.pos = 0

    def parse(self) -> Node:
        node = self._or()
        if self.pos != len(self.tokens):
            raise ExpressionError(f"unexpected {self.tokens[self.pos][1]!r} in {self.text!r}")
        return node

    def _peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def _take(self, expected: str | None = None) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise ExpressionError(f"unexpected end of expression {self.text!r}")
        token = self.tokens[self.pos]
        if expected is not None and token[1] != expected:
            raise ExpressionError(f"expected {expected!r}, got {token[1]!r} in {self.text!r}")
        self.pos += 1
        return token

    def _binary(self, ops: tuple[str, ...], operand: Callable[[], Node]) -> Node:
        node = operand()
        while self._peek() in ops:
            op = self._take()[1]
            node = ("bin", op, node, operand())
        return node

    def _or(self) -> Node:
        return self._binary(("||",), self._and)

    def _and(self) -> Node:
        return self._binary(("&&",), self._equality)

    def _equality(self) -> Node:
        return self._binary(("==", "!="), self._comparison)

    def _comparison(self) -> Node:
        return self._binary(("<", "<=", ">", ">="), self._unary)

    def _unary(self) -> Node:
        if self._peek() == "!":
            self._take()
            return ("not", self._unary())
        return self._postfix(self._primary())

    def _postfix(self, node: Node) -> Node:
        while self._peek() in (".", "["):
            if self._take()[1] == ".":
                kind, value = self._take()
                if value == "*":
                    raise ExpressionError(f"object filters (.*) are not supported: {self.text!r}")
                if kind != "name":
                    raise ExpressionError(f"bad property {value!r} in {self.text!r}")
                node = ("prop", node, value)
            else:
                index = self._or()
                self._take("]")
                node = ("index", node, index)
        return node

    def _primary(self) -> Node:
        kind, value = self._take()
        if kind == "string":
            return ("lit", value[1:-1].replace("''", "'"))
        if kind == "number":
            number = (
                float(int(value, 16)) if value.lower().startswith(("0x", "-0x")) else float(value)
            )
            return ("lit", number)
        if value == "(":
            node = self._or()
            self._take(")")
            return node
        if kind != "name":
            raise ExpressionError(f"unexpected {value!r} in {self.text!r}")
        if value in ("true", "false"):
            return ("lit", value == "true")
        if value == "null":
            return ("lit", None)
        if self._peek() == "(":
            self._take("(")
            args: list[Node] = []
            while self._peek() != ")":
                args.append(self._or())
                if self._peek() == ",":
                    self._take(",")
            self._take(")")
            return ("call", value, args)
        return ("ctx", value)


def parse(text: str) -> Node:
    return _Parser(text).parse()


def uses_status_function(node: Node) -> bool:
    if node[0] == "call" and node[1] in STATUS_FUNCTIONS:
        return True
    return any(isinstance(part, tuple) and uses_status_function(part) for part in node[1:]) or any(
        isinstance(part, list) and any(uses_status_function(arg) for arg in part)
        for part in node[1:]
    )


def truthy(value: Any) -> bool:
    if isinstance(value, float) and math.isnan(value):
        return False
    return value not in (None, False, 0, "") or isinstance(value, (dict, list))


def to_number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return 0.0
        try:
            return float(int(text, 16)) if text.lower().startswith("0x") else float(text)
        except ValueError:
            return math.nan
    return math.nan


def to_string(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, indent=2)
    return str(value)


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if isinstance(left, (dict, list)) or isinstance(right, (dict, list)):
        return left is right
    if type(left) is type(right) and not isinstance(left, (int, float)):
        return bool(left == right)
    return to_number(left) == to_number(right)


def _compare(op: str, left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        a: Any = left.casefold()
        b: Any = right.casefold()
    else:
        a, b = to_number(left), to_number(right)
        if math.isnan(a) or math.isnan(b):
            return False
    return bool({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])


def hash_files(workspace: Path, patterns: list[str]) -> str:
    """``hashFiles()``: SHA-256 over the SHA-256 of each matching file, in path order."""
    files: set[Path] = set()
    for pattern in patterns:
        if pattern.startswith("!"):
            raise ExpressionError(f"hashFiles exclusion patterns are not supported: {pattern!r}")
        for match in glob.glob(str(workspace / pattern), recursive=True):
            if Path(match).is_file():
                files.add(Path(match))
    if not files:
        return ""
    outer = hashlib.sha256()
    for path in sorted(files):
        outer.update(hashlib.sha256(path.read_bytes()).digest())
    return outer.hexdigest()


class Evaluator:
    def __init__(self, evaluation: Evaluation) -> None:
        self.evaluation = evaluation

    def value(self, node: Node) -> Any:  # pylint: disable=too-many-return-statements
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "ctx":
            if node[1] not in self.evaluation.contexts:
                raise ExpressionError(f"the {node[1]!r} context is not emulated")
            return self.evaluation.contexts[node[1]]
        if kind in ("prop", "index"):
            target = self.value(node[1])
            key = node[2] if kind == "prop" else self.value(node[2])
            if isinstance(target, dict):
                if isinstance(target, (StrictContext, SecretsContext)):
                    return target[str(key)]
                lowered = {str(k).casefold(): v for k, v in target.items()}
                return lowered.get(to_string(key).casefold())
            if isinstance(target, list) and isinstance(key, float) and key.is_integer():
                return target[int(key)] if 0 <= int(key) < len(target) else None
            return None
        if kind == "not":
            return not truthy(self.value(node[1]))
        if kind == "bin":
            return self._binary(node[1], node[2], node[3])
        if kind == "call":
            return self._call(node[1], [self.value(arg) for arg in node[2]])
        raise ExpressionError(f"unknown node {kind}")

    def _binary(self, op: str, left_node: Node, right_node: Node) -> Any:
        left = self.value(left_node)
        if op == "&&":
            return self.value(right_node) if truthy(left) else left
        if op == "||":
            return left if truthy(left) else self.value(right_node)
        right = self.value(right_node)
        if op == "==":
            return _equal(left, right)
        if op == "!=":
            return not _equal(left, right)
        return _compare(op, left, right)

    # One branch per supported function: a table of lambdas would read worse.
    # pylint: disable-next=too-many-return-statements
    def _call(self, name: str, args: list[Any]) -> Any:
        status = self.evaluation.status
        lowered = name.casefold()
        if lowered in STATUS_FUNCTIONS:
            return {
                "success": status == "success",
                "failure": status == "failure",
                "always": True,
                "cancelled": status == "cancelled",
            }[lowered]
        if lowered == "contains":
            haystack, needle = args
            if isinstance(haystack, list):
                return any(_equal(item, needle) for item in haystack)
            return to_string(needle).casefold() in to_string(haystack).casefold()
        if lowered == "startswith":
            return to_string(args[0]).casefold().startswith(to_string(args[1]).casefold())
        if lowered == "endswith":
            return to_string(args[0]).casefold().endswith(to_string(args[1]).casefold())
        if lowered == "format":
            text = to_string(args[0])
            for index, arg in enumerate(args[1:]):
                text = text.replace("{" + str(index) + "}", to_string(arg))
            return text.replace("{{", "{").replace("}}", "}")
        if lowered == "tojson":
            return json.dumps(args[0], indent=2)
        if lowered == "fromjson":
            loaded = json.loads(to_string(args[0]))
            return (
                float(loaded)
                if isinstance(loaded, int) and not isinstance(loaded, bool)
                else loaded
            )
        if lowered == "hashfiles":
            if self.evaluation.workspace is None:
                raise ExpressionError("hashFiles() needs a workspace")
            return hash_files(self.evaluation.workspace, [to_string(arg) for arg in args])
        raise ExpressionError(f"the function {name}() is not supported by the parity runner")


def evaluate(text: str, evaluation: Evaluation) -> Any:
    return Evaluator(evaluation).value(parse(text))


def _strip_wrapper(text: str) -> str:
    stripped = text.strip()
    if stripped.startswith("${{") and stripped.endswith("}}") and stripped.count("${{") == 1:
        return stripped[3:-2]
    return stripped


def condition(text: str | bool | None, evaluation: Evaluation) -> bool:
    """An ``if:`` value: true when the step (or job) runs."""
    if text is None:
        return evaluation.status == "success"
    if isinstance(text, bool):
        return text and evaluation.status == "success"
    node = parse(_strip_wrapper(str(text)))
    if not uses_status_function(node):
        node = ("bin", "&&", ("call", "success", []), node)
    return truthy(Evaluator(evaluation).value(node))


def _closing(text: str, start: int) -> int:
    """Index of the ``}}`` that closes the expression starting at ``start`` (outside strings)."""
    pos, in_string = start, False
    while pos < len(text) - 1:
        char = text[pos]
        if char == "'":
            in_string = not in_string
        elif not in_string and text.startswith("}}", pos):
            return pos
        pos += 1
    raise ExpressionError(f"unterminated ${{{{ in {text!r}")


def substitute(text: str, evaluation: Evaluation) -> str:
    """Replace every ``${{ expr }}`` in a string (run scripts, env values, ``with:`` inputs)."""
    out: list[str] = []
    pos = 0
    while (start := text.find("${{", pos)) != -1:
        end = _closing(text, start + 3)
        out.append(text[pos:start])
        out.append(to_string(evaluate(text[start + 3 : end], evaluation)))
        pos = end + 2
    out.append(text[pos:])
    return "".join(out)


def substitute_value(value: Any, evaluation: Evaluation) -> str:
    """A YAML scalar (env value, input) as the runner passes it: a string, expressions done."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return to_string(float(value))
    return substitute(str(value), evaluation)
