"""Every mapped model, imported so Alembic and the tests see the whole schema."""

from nexus.accounts.models import AuthSession, RefreshToken, User
from nexus.content.models import ContentItem
from nexus.db import Base

__all__ = ["AuthSession", "Base", "ContentItem", "RefreshToken", "User"]
