"""Engines and sessions: SQLite by default (WAL mode), PostgreSQL by URL; the schema by Alembic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["create_database", "head_revision", "migrate", "session_factory"]

_MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _legacy_revision(engine: Engine) -> str | None:
    """The revision a database made before migrations matches (it has tables, no version)."""
    tables = set(inspect(engine).get_table_names())
    if "alembic_version" in tables or "interview_sessions" not in tables:
        return None
    return "0002" if "answer_measurements" in tables else "0001"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration: what every database is brought to."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "no migrations"
    return head


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with the project's Alembic migrations."""
    config = _config()
    sqlite = engine.dialect.name == "sqlite"
    legacy = _legacy_revision(engine)
    with engine.connect() as connection:
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one; with foreign keys
            # on, that drop would cascade and delete every turn. The pragma only takes effect
            # outside a transaction.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        with connection.begin():
            config.attributes["connection"] = connection
            if legacy is not None:
                command.stamp(config, legacy)
            command.upgrade(config, revision)
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"migration left {len(broken)} rows without a parent")
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def create_database(url: str) -> Engine:
    """Create an engine for ``url`` and migrate its schema to the newest revision.

    A server database's pooled connections are checked before use (SQLAlchemy's "pessimistic"
    disconnect handling), so the first write after a server restart gets a fresh connection
    instead of failing on a dead one.
    """
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=not sqlite)
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    migrate(engine)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
