"""Alembic environment: migrations run on the connection ``storage.database`` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from storage import Base  # the package imports every model module

config = context.config
target_metadata = Base.metadata


def _run(connection: object) -> None:
    # SQLite cannot alter most columns in place: batch mode copies the table instead.
    context.configure(
        connection=connection,  # type: ignore[arg-type]  # alembic passes its Connection in
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the `alembic` command line, with sqlalchemy.url in the config
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )  # fmt: skip
    with engine.connect() as conn:
        _run(conn)
