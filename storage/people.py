"""Candidates and recruiters; a candidate's name and e-mail are personal data (never logged)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, _new_id, _now

__all__ = ["Candidate", "Recruiter"]


class Candidate(Base):
    """A person who practises or is interviewed; everything about them hangs off this row."""

    __tablename__ = "candidates"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_new_id)
    display_name: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Recruiter(Base):
    """A person who writes roles and reviews interviews."""

    __tablename__ = "recruiters"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    # "scrypt$n=...,r=...,p=...$salt$hash" (see storage.recruiters); None: cannot sign in.
    password_hash: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
