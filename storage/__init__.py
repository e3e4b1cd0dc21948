"""Storage: SQLAlchemy 2 models and repositories; SQLite by default, PostgreSQL by URL."""

from storage.database import create_database, session_factory
from storage.models import Base, InterviewSession, Turn
from storage.repository import NewTurn, SessionRepository

__all__ = [
    "Base",
    "InterviewSession",
    "NewTurn",
    "SessionRepository",
    "Turn",
    "create_database",
    "session_factory",
]
