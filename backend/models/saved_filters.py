"""Named filter links a staff user keeps for a list page (the console's "保存筛选")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, utcnow


class SavedFilter(Base):
    """One user's named query string for one list page; reopening it is following a link."""

    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("user_id", "page", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    page: Mapped[str] = mapped_column(String(60))  # the list's console endpoint
    name: Mapped[str] = mapped_column(String(40))
    query: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
