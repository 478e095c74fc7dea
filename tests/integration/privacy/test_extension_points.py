"""Extension hooks of the GDPR services: other features export and erase their own data."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.privacy import family
from tests.support.api import Api


def test_privacy_hooks_export_and_erase_other_features_data(
    api: Api, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    erased: list[list[int]] = []

    def export_aria(_session: Session, ids: list[int]) -> tuple[str, list[dict[str, Any]]]:
        return "aria_conversations", [{"user_id": i, "messages": 0} for i in ids]

    monkeypatch.setattr(family, "EXTRA_EXPORTERS", [export_aria])
    monkeypatch.setattr(family, "EXTRA_ERASERS", [lambda _s, ids: erased.append(ids)])
    parent = api.actor(Role.PARENT)
    body = api.get("/api/v1/privacy/export", parent).get_json()
    assert body["other"] == {"aria_conversations": [{"user_id": parent.id, "messages": 0}]}
    response = api.post("/api/v1/privacy/erasure", parent, json={"confirm": "SUPPRIMER"})
    assert response.status_code == 200
    assert erased == [[parent.id]]
