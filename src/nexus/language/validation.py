"""Pydantic's validation messages in the reader's language.

English readers get pydantic's own message. For French, each error *type* (pydantic's stable
reason, also returned as the field's ``type``) has an English message id below, translated by
the catalogue and filled from the error's context; a type not listed gets a generic message.
Our own validators raise ``ValueError(_("..."))``: their text is already translated.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails

from nexus.language import _, language, ngettext


def N_(message_id: str) -> str:  # pylint: disable=invalid-name
    """Marks a message id for extraction; translated later, where it is used."""
    return message_id


MESSAGES: dict[str, str] = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "json_invalid": N_("Invalid JSON: %(error)s"),
    "json_type": N_("JSON input should be string, bytes or bytearray"),
    "model_type": N_("Input should be an object"),
    "model_attributes_type": N_("Input should be an object"),
    "dataclass_type": N_("Input should be an object"),
    "none_required": N_("Input should be null"),
    "greater_than": N_("Input should be greater than %(gt)s"),
    "greater_than_equal": N_("Input should be greater than or equal to %(ge)s"),
    "less_than": N_("Input should be less than %(lt)s"),
    "less_than_equal": N_("Input should be less than or equal to %(le)s"),
    "multiple_of": N_("Input should be a multiple of %(multiple_of)s"),
    "finite_number": N_("Input should be a finite number"),
    "iterable_type": N_("Input should be a list"),
    "string_type": N_("Input should be a valid string"),
    "string_unicode": N_("Input should be a valid string"),
    "string_pattern_mismatch": N_("String should match pattern '%(pattern)s'"),
    "string_not_ascii": N_("String should contain only ASCII characters"),
    "enum": N_("Input should be %(expected)s"),
    "literal_error": N_("Input should be %(expected)s"),
    "dict_type": N_("Input should be an object"),
    "mapping_type": N_("Input should be an object"),
    "list_type": N_("Input should be a valid list"),
    "tuple_type": N_("Input should be a valid list"),
    "set_type": N_("Input should be a valid list"),
    "frozen_set_type": N_("Input should be a valid list"),
    "set_item_not_hashable": N_("List items should be simple values"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_parsing_size": N_("Unable to parse input string as an integer, exceeded maximum size"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "bytes_type": N_("Input should be a valid string"),
    "date_type": N_("Input should be a valid date"),
    "date_parsing": N_("Input should be a valid date in the format YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("Input should be a valid date in the format YYYY-MM-DD"),
    "date_from_datetime_inexact": N_("A date should have no time of day"),
    "date_past": N_("Date should be in the past"),
    "date_future": N_("Date should be in the future"),
    "time_type": N_("Input should be a valid time"),
    "time_parsing": N_("Input should be a valid time (HH:MM)"),
    "datetime_type": N_("Input should be a valid datetime"),
    "datetime_parsing": N_("Input should be a valid ISO 8601 datetime"),
    "datetime_object_invalid": N_("Input should be a valid ISO 8601 datetime"),
    "datetime_from_date_parsing": N_("Input should be a valid ISO 8601 datetime"),
    "datetime_past": N_("Input should be in the past"),
    "datetime_future": N_("Input should be in the future"),
    "timezone_naive": N_("Input should not have timezone info"),
    "timezone_aware": N_("Input should have timezone info"),
    "timezone_offset": N_("Timezone offset of %(tz_expected)s required, got %(tz_actual)s"),
    "time_delta_type": N_("Input should be a valid duration"),
    "time_delta_parsing": N_("Input should be a valid duration"),
    "union_tag_invalid": N_("Input tag '%(tag)s' does not match any of the expected tags"),
    "union_tag_not_found": N_("Unable to find the tag %(discriminator)s"),
    "url_type": N_("Input should be a valid URL"),
    "url_parsing": N_("Input should be a valid URL"),
    "url_syntax_violation": N_("Input should be a valid URL"),
    "url_scheme": N_("URL scheme should be %(expected_schemes)s"),
    "uuid_type": N_("Input should be a valid UUID"),
    "uuid_parsing": N_("Input should be a valid UUID"),
    "uuid_version": N_("UUID version %(expected_version)s expected"),
    "decimal_type": N_("Input should be a valid decimal"),
    "decimal_parsing": N_("Input should be a valid decimal"),
}


_EMAIL = "value is not a valid email address"


def NN_(singular: str, plural: str) -> tuple[str, str]:  # pylint: disable=invalid-name
    """Marks a singular/plural pair for extraction."""
    return singular, plural


# Counted messages: ((singular, plural), the context key holding the count).
COUNTED: dict[str, tuple[tuple[str, str], str]] = {
    "too_short": (
        NN_(
            "Should have at least %(num)s item, not %(actual_length)s",
            "Should have at least %(num)s items, not %(actual_length)s",
        ),
        "min_length",
    ),
    "too_long": (
        NN_(
            "Should have at most %(num)s item, not %(actual_length)s",
            "Should have at most %(num)s items, not %(actual_length)s",
        ),
        "max_length",
    ),
    "string_too_short": (
        NN_(
            "String should have at least %(num)s character",
            "String should have at least %(num)s characters",
        ),
        "min_length",
    ),
    "string_too_long": (
        NN_(
            "String should have at most %(num)s character",
            "String should have at most %(num)s characters",
        ),
        "max_length",
    ),
    "url_too_long": (
        NN_(
            "URL should have at most %(num)s character",
            "URL should have at most %(num)s characters",
        ),
        "max_length",
    ),
    "decimal_max_digits": (
        NN_(
            "Decimal input should have no more than %(num)s digit",
            "Decimal input should have no more than %(num)s digits",
        ),
        "max_digits",
    ),
    "decimal_max_places": (
        NN_(
            "Decimal input should have no more than %(num)s decimal place",
            "Decimal input should have no more than %(num)s decimal places",
        ),
        "decimal_places",
    ),
}


def _french_list(text: str) -> str:
    """Pydantic's ``'a', 'b' or 'c'`` (an enum's choices) with a French "ou"."""
    head, sep, tail = text.rpartition(" or ")
    return f"{head} ou {tail}" if sep else text


def _context(error: ErrorDetails) -> dict[str, Any]:
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    if "expected" in context:
        context["expected"] = _french_list(context["expected"])
    return context


def message(error: ErrorDetails) -> str:
    """The message of one pydantic error, in the current language."""
    if language() == "en":
        return error["msg"]
    if error["type"] == "value_error" and error["msg"].startswith(_EMAIL):
        return _("value is not a valid email address")  # the e-mail validator's detail is English
    if error["type"] in ("value_error", "assertion_error"):
        return str((error.get("ctx") or {}).get("error", error["msg"]))
    if error["type"] in COUNTED:
        (singular, plural), key = COUNTED[error["type"]]
        context = _context(error)
        count = int((error.get("ctx") or {}).get(key, 0))
        try:
            return ngettext(singular, plural, count, **context)
        except (KeyError, ValueError, TypeError):
            return _("Invalid value")
    template = MESSAGES.get(error["type"])
    if template is None:
        return _("Invalid value")
    try:
        return _(template, **_context(error))
    except (KeyError, ValueError, TypeError):
        return _("Invalid value")
