"""Which text a role name means: one resolver for the worker, the CLI, the web app and rehearse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from recruiter_rehearsal.run import rehearsal_role
from rubrics import RoleError, load_role_source, resolve_role
from storage import RoleRepository


def _store_demo_as(db: sessionmaker[Session], version: str, title: str) -> None:
    shipped = load_role_source("demo")
    text = re.sub(r"^version: .*$", f'version: "{version}"', shipped.text, count=1, flags=re.M)
    text = re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M)
    assert text != shipped.text
    with db() as s:
        RoleRepository(s).store(role_id="demo", version=version, title=title, content=text)
        s.commit()


def test_the_shipped_script_when_nothing_is_stored(db: sessionmaker[Session]) -> None:
    with db() as s:
        source = resolve_role(s, "demo")
        assert source.origin == load_role_source("demo").origin
        # The shipped file's own version is found without being stored.
        assert resolve_role(s, "demo", source.role.version).text == source.text


def test_the_latest_stored_version_wins_and_an_older_one_can_be_named(
    db: sessionmaker[Session],
) -> None:
    _store_demo_as(db, "7", "Support desk, seventh draft")
    _store_demo_as(db, "8", "Support desk, eighth draft")
    with db() as s:
        latest = resolve_role(s, "demo")
        assert (latest.role.version, latest.role.title) == ("8", "Support desk, eighth draft")
        assert latest.origin == "stored demo v8"
        assert resolve_role(s, "demo", "7").role.title == "Support desk, seventh draft"
        with pytest.raises(RoleError, match=r"has no version '9'; stored versions: 7, 8"):
            resolve_role(s, "demo", "9")


def test_unknown_roles_and_paths_are_refused(db: sessionmaker[Session]) -> None:
    with db() as s:
        with pytest.raises(RoleError, match=r"no role 'astronaut' is stored or shipped; .*demo"):
            resolve_role(s, "astronaut")
        # An id from a job or a form never reads a file.
        shipped = str(load_role_source("demo").origin)
        with pytest.raises(RoleError, match="no role"):
            resolve_role(s, shipped)


def test_rehearse_uses_the_stored_version_and_still_reads_a_script_file(
    db: sessionmaker[Session], tmp_path: Path
) -> None:
    _store_demo_as(db, "8", "Support desk, eighth draft")
    assert rehearsal_role(db, "demo").role.version == "8"
    script = tmp_path / "mine.yaml"
    script.write_text(load_role_source("demo").text, encoding="utf-8")
    assert rehearsal_role(db, str(script)).origin == str(script)
