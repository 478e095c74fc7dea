from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, field_validator

from nexus.accounts import passwords
from nexus.accounts.roles import Role
from nexus.api.schemas import InputModel
from nexus.language import _

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


# A token from an e-mail (secrets.token_urlsafe(32): 43 characters).
EmailToken = Annotated[
    str,
    Field(min_length=16, max_length=128, examples=["q3Vx9kP0bL2mN8rT4wY6zA1cE5gH7jK9sD3fR0uI2oQ"]),
]


class TokenIn(InputModel):
    """A token received by e-mail (verification, e-mail change)."""

    model_config = ConfigDict(extra="forbid")

    token: EmailToken


class PasswordResetIn(InputModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"email": "camille.martin@example.fr"}]}
    )

    email: EmailStr


class PasswordResetConfirmIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    token: EmailToken
    new_password: NewPassword


class PasswordChangeIn(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"current_password": "Révisions2026!", "new_password": "Vacances2027!"}]
        },
    )

    current_password: Password
    new_password: NewPassword


class EmailChangeIn(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"new_email": "camille.martin@exemple.fr", "current_password": "Révisions2026!"}
            ]
        },
    )

    new_email: EmailStr
    current_password: Password


class PostalAddressUpdate(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"postal_address": "12 rue des Lilas\n69003 Lyon"}]},
    )

    postal_address: str = Field(
        min_length=8,
        max_length=300,
        description="Street, postcode and town, as invoices must print them (lines with \\n)",
    )

    @field_validator("postal_address")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        lines = [" ".join(line.split()) for line in value.splitlines()]
        cleaned = "\n".join(line for line in lines if line)
        if len(cleaned) < 8:
            raise ValueError(_("give the street, the postcode and the town"))
        return cleaned


class PostalAddressPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [{"postal_address": "12 rue des Lilas\n69003 Lyon"}]},
    )

    postal_address: str


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
                    "email_verified_at": None,
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
    email_verified_at: datetime | None = Field(
        description="When the owner proved they read this address; null: not yet"
    )
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
