"""A thin HTTP helper for tests: real requests through the Flask test client."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from nexus.accounts import services
from nexus.accounts.models import User
from nexus.accounts.roles import Role

DEFAULT_PASSWORD = "Révisions2026!"
_counter = itertools.count(1)


@dataclass
class Actor:
    user: User
    password: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    @property
    def id(self) -> int:
        return self.user.id


class Api:
    def __init__(self, client: FlaskClient, app: Flask, session: Session) -> None:
        self.client = client
        self.app = app
        self.session = session

    def request(
        self, method: str, path: str, actor: Actor | None = None, **kwargs: Any
    ) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}) or {})
        if actor is not None:
            headers.update(actor.headers)
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, actor: Actor | None = None, **kwargs: Any) -> TestResponse:
        return self.request("GET", path, actor, **kwargs)

    def post(self, path: str, actor: Actor | None = None, **kwargs: Any) -> TestResponse:
        return self.request("POST", path, actor, **kwargs)

    def put(self, path: str, actor: Actor | None = None, **kwargs: Any) -> TestResponse:
        return self.request("PUT", path, actor, **kwargs)

    def patch(self, path: str, actor: Actor | None = None, **kwargs: Any) -> TestResponse:
        return self.request("PATCH", path, actor, **kwargs)

    def delete(self, path: str, actor: Actor | None = None, **kwargs: Any) -> TestResponse:
        return self.request("DELETE", path, actor, **kwargs)

    def create_user(
        self,
        role: Role,
        *,
        email: str | None = None,
        password: str = DEFAULT_PASSWORD,
        **names: str,
    ) -> User:
        """Arrange an account directly (admins and teachers cannot self-register)."""
        n = next(_counter)
        with self.app.app_context():
            user = services.create_user(
                self.session,
                email=email or f"{role.value}{n}@test.nexus-reussite.fr",
                password=password,
                role=role,
                first_name=names.get("first_name", f"Prénom{n}"),
                last_name=names.get("last_name", f"Nom{n}"),
            )
            self.session.commit()
        return user

    def login(self, email: str, password: str = DEFAULT_PASSWORD) -> TestResponse:
        return self.post("/api/v1/auth/login", json={"email": email, "password": password})

    def actor(self, role: Role, **kwargs: Any) -> Actor:
        """A signed-in user of that role, logged in over HTTP."""
        password = kwargs.pop("password", DEFAULT_PASSWORD)
        user = self.create_user(role, password=password, **kwargs)
        response = self.login(user.email, password)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        return Actor(user, password, body["access_token"], body["refresh_token"])
