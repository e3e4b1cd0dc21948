"""Storage: SQLAlchemy 2 models and repositories; SQLite by default, PostgreSQL by URL."""

from storage.database import create_database, session_factory
from storage.models import AnswerMeasurement, Base, InterviewSession, RoleScriptVersion, Turn
from storage.repository import NewTurn, SessionRepository
from storage.roles import RoleRepository, RoleVersionConflictError, StoreResult, content_sha256

__all__ = [
    "AnswerMeasurement",
    "Base",
    "InterviewSession",
    "NewTurn",
    "RoleRepository",
    "RoleScriptVersion",
    "RoleVersionConflictError",
    "SessionRepository",
    "StoreResult",
    "Turn",
    "content_sha256",
    "create_database",
    "session_factory",
]
