"""Administration of accounts: any role, with its profile; activation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from nexus.accounts.roles import Role
from nexus.accounts.schemas import Name, NewPassword
from nexus.api.schemas import MAX_ID, NULLABLE, InputModel, PageQuery, examples
from nexus.people.schemas.students import StudentProfileUpdate
from nexus.people.schemas.teachers import TeacherProfileUpdate

USER_OUT: dict[str, Any] = {
    "id": 3,
    "email": "prof.maths@nexus-reussite.fr",
    "role": "teacher",
    "first_name": "Sophie",
    "last_name": "Bernard",
    "is_active": True,
    "created_at": "2026-09-01T08:30:00+00:00",
    "last_login_at": "2026-11-25T17:02:00+00:00",
}


class AdminUserCreate(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples(
            {
                "email": "prof.svt@nexus-reussite.fr",
                "password": "Biologie2026!x",
                "role": "teacher",
                "first_name": "Julie",
                "last_name": "Garnier",
                "teacher_profile": {
                    "subjects": ["svt"],
                    "levels": ["seconde", "premiere"],
                    "bio": "Certifiée de SVT.",
                    "weekly_availability": [{"weekday": 2, "start": "14:00", "end": "18:00"}],
                },
            }
        ),
    )

    email: EmailStr
    password: NewPassword
    role: Role
    first_name: Name
    last_name: Name
    student_profile: Annotated[StudentProfileUpdate | None, NULLABLE] = Field(
        default=None, description="Only with role=student (`null`: none)"
    )
    teacher_profile: Annotated[TeacherProfileUpdate | None, NULLABLE] = Field(
        default=None, description="Only with role=teacher (`null`: none)"
    )


class AdminUserUpdate(InputModel):
    """Only the fields sent change; deactivating revokes every open session of the account."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"is_active": False}))

    is_active: bool | None = None
    first_name: Name | None = None
    last_name: Name | None = None


class AdminUserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra=examples(USER_OUT))

    id: int
    email: str
    role: Role
    first_name: str
    last_name: str
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None


class AdminUserQuery(PageQuery):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=examples({"role": "teacher", "q": "bern"})
    )

    role: Role | None = None
    q: str | None = Field(
        default=None, min_length=1, max_length=100, description="In e-mail or name"
    )
    is_active: bool | None = None
    sort: Literal["created_at", "-created_at", "email", "last_name"] = "-created_at"


class UserPath(BaseModel):
    user_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 3})
