"""Storage: SQLAlchemy 2 models and repositories; SQLite by default, PostgreSQL by URL."""

from storage.assessment_repository import AssessmentRepository, NewEvidence, NewScore
from storage.assessments import Evidence, HumanNote, ReportFile, Score
from storage.attempts import FailedAttempt, FailedAttempts
from storage.candidates import CandidateRepository
from storage.coaching import CoachingRepository, CoachingSession
from storage.code_events import CodeEvent, CodeEventKind, CodeEventRepository
from storage.database import create_database, session_factory
from storage.errors import StorageError
from storage.interview_codes import InterviewCode, InterviewCodeRepository
from storage.invitations import InvitationRecord, InvitationRepository, InvitationRow
from storage.models import AnswerMeasurement, Base, InterviewSession, RoleScriptVersion, Turn
from storage.people import Candidate, Recruiter
from storage.recruiters import RecruiterError, RecruiterRepository
from storage.repository import NewTurn, SessionRepository
from storage.roles import RoleRepository, RoleVersionConflictError, StoreResult, content_sha256
from storage.shortlist import ShortlistMark, ShortlistRepository

__all__ = [
    "AnswerMeasurement",
    "AssessmentRepository",
    "Base",
    "Candidate",
    "CandidateRepository",
    "CoachingRepository",
    "CoachingSession",
    "CodeEvent",
    "CodeEventKind",
    "CodeEventRepository",
    "Evidence",
    "FailedAttempt",
    "FailedAttempts",
    "HumanNote",
    "InterviewCode",
    "InterviewCodeRepository",
    "InterviewSession",
    "InvitationRecord",
    "InvitationRepository",
    "InvitationRow",
    "NewEvidence",
    "NewScore",
    "NewTurn",
    "Recruiter",
    "RecruiterError",
    "RecruiterRepository",
    "ReportFile",
    "RoleRepository",
    "RoleScriptVersion",
    "RoleVersionConflictError",
    "Score",
    "SessionRepository",
    "ShortlistMark",
    "ShortlistRepository",
    "StorageError",
    "StoreResult",
    "Turn",
    "content_sha256",
    "create_database",
    "session_factory",
]
