from __future__ import annotations

import json

import pytest

from nexus.ops.json_body import MAX_JSON_DEPTH, JsonTooDeep, exceeds_depth, loads


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("document", "too_deep"),
    [
        (nested(MAX_JSON_DEPTH), False),
        (nested(MAX_JSON_DEPTH + 1), True),
        ("[" * (MAX_JSON_DEPTH + 1), True),  # unclosed: the parser would recurse all the same
        ("[]" * 10_000, False),  # many brackets, shallow
        (json.dumps(["[" * 1000]), False),  # inside a string
        (json.dumps(['\\"[' * 1000, "\\\\"]), False),  # escaped quotes and backslashes
        ('["\\\\"' + "," + nested(MAX_JSON_DEPTH + 1) + "]", True),  # an escaped backslash ends
    ],
)
def test_depth_is_measured_outside_strings(document: str, too_deep: bool) -> None:
    assert exceeds_depth(document.encode()) is too_deep


def test_loads_refuses_deep_documents_in_any_encoding() -> None:
    deep = nested(5000)
    for data in (deep, deep.encode(), deep.encode("utf-16"), bytearray(deep.encode())):
        with pytest.raises(JsonTooDeep):
            loads(data)


def test_loads_reads_like_the_standard_library() -> None:
    document = json.dumps({"titre": "Révisions [bac]", "n": [1, 2.5, None, True]})
    for data in (document, document.encode("utf-8"), document.encode("utf-16")):
        assert loads(data) == json.loads(document)
    with pytest.raises(ValueError):
        loads('{"a": ')
