from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from nexus.accounts import passwords
from nexus.accounts.roles import Role
from nexus.api.schemas import InputModel

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
# A new password: the policy's lengths (nexus.accounts.passwords owns them and the other rules).
NewPassword = Annotated[
    str,
    Field(
        min_length=passwords.MIN_LENGTH,
        max_length=passwords.MAX_LENGTH,
        description=passwords.POLICY,
        examples=["Révisions2026!"],
    ),
]
# A password to check: any length a password can have.
Password = Annotated[
    str, Field(min_length=1, max_length=passwords.MAX_LENGTH, examples=["Révisions2026!"])
]


class RegisterIn(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "email": "camille.martin@example.fr",
                    "password": "Révisions2026!",
                    "role": "parent",
                    "first_name": "Camille",
                    "last_name": "Martin",
                }
            ]
        },
    )

    email: EmailStr
    password: NewPassword
    role: Literal["student", "parent"] = Field(description="Self-registration roles only")
    first_name: Name
    last_name: Name


class LoginIn(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"email": "parent@nexus-reussite.fr", "password": "Famille2026!demo"}]
        },
    )

    email: EmailStr
    password: Password


class RefreshIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=16, max_length=512, examples=["c2VjcmV0LXJlZnJlc2g..."])


class UserPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 7,
                    "email": "camille.martin@example.fr",
                    "role": "parent",
                    "first_name": "Camille",
                    "last_name": "Martin",
                    "is_active": True,
                    "created_at": "2026-09-01T08:30:00+00:00",
                }
            ]
        },
    )

    id: int
    email: str
    role: Role
    first_name: str
    last_name: str
    is_active: bool
    created_at: datetime


class TokenOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJIUzI1NiIs...",
                    "refresh_token": "c2VjcmV0LXJlZnJlc2g...",
                    "token_type": "Bearer",
                    "expires_in": 900,
                }
            ]
        }
    )

    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="Access-token lifetime in seconds")
