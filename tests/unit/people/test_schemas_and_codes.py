"""Profile validation rules and invitation codes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nexus.people.schemas.students import StudentProfileUpdate
from nexus.people.schemas.teachers import TeacherProfileUpdate
from nexus.people.services import CODE_ALPHABET, new_invitation_code, normalise_code


def test_specialty_count_depends_on_the_level() -> None:
    ok = StudentProfileUpdate(level="premiere", specialties=["nsi", "mathematiques", "svt"])
    assert len(ok.specialties) == 3
    with pytest.raises(ValidationError) as excinfo:
        StudentProfileUpdate(level="terminale", specialties=["nsi", "mathematiques", "svt"])
    error = excinfo.value.errors()[0]
    assert error["loc"] == ("specialties",)
    assert "at most 2" in error["msg"]


def test_invitation_codes_are_readable_and_forgiving() -> None:
    codes = {new_invitation_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 9 and code[4] == "-"
        assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
    assert not set("01IOL") & set(CODE_ALPHABET)
    assert normalise_code(" k7m4 q9px ") == "K7M4-Q9PX"
    assert normalise_code("K7M4-Q9PX") == "K7M4-Q9PX"


def test_availability_is_sorted_and_checked() -> None:
    profile = TeacherProfileUpdate(
        weekly_availability=[
            {"weekday": 3, "start": "09:00", "end": "10:00"},
            {"weekday": 0, "start": "17:00", "end": "19:00"},
            {"weekday": 0, "start": "08:00", "end": "09:00"},
        ]
    )
    assert [(s.weekday, s.start) for s in profile.weekly_availability] == [
        (0, "08:00"),
        (0, "17:00"),
        (3, "09:00"),
    ]
    with pytest.raises(ValidationError, match="overlap"):
        TeacherProfileUpdate(
            weekly_availability=[
                {"weekday": 0, "start": "08:00", "end": "10:00"},
                {"weekday": 0, "start": "09:00", "end": "11:00"},
            ]
        )
