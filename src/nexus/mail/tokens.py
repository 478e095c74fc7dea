"""Signed unsubscribe tokens: who (user id) leaves which category. They do not expire: an
unsubscribe link in an old e-mail must still work."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "nexus.mail.unsubscribe"


def make_token(secret: str, user_id: int, category: str) -> str:
    return URLSafeSerializer(secret, salt=SALT).dumps({"u": user_id, "c": category})


def read_token(secret: str, token: str) -> tuple[int, str] | None:
    """``(user_id, category)`` of a genuine token, None for anything else."""
    try:
        data = URLSafeSerializer(secret, salt=SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, category = data.get("u"), data.get("c")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(category, str):
        return None
    return user_id, category
