"""``recruiter invite`` signs with the web app's secret: the configured one, or the one
``recruiter up`` keeps in the data folder, so its links open on a running ``up``."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from typer.testing import CliRunner

from recruiter_cli.context import LOCAL_SECRET, web_secret
from recruiter_cli.main import app
from recruiter_config.settings import Settings
from storage import Candidate, create_database, session_factory
from web.invites import Invitations

runner = CliRunner()


def _candidates(home: Path) -> int:
    db = session_factory(create_database(f"sqlite:///{home / 'recruiter.db'}"))
    with db() as s:
        return s.query(Candidate).count()


def test_invite_uses_the_secret_up_keeps_and_without_one_creates_nothing(tmp_path: Path) -> None:
    env = {"RECRUITER_HOME": str(tmp_path), "COLUMNS": "200", "RECRUITER_WEB__SECRET": ""}
    refused = runner.invoke(app, ["invite", "--name", "Ada", "--role", "demo"], env=env)
    assert refused.exit_code == 1 and "run `recruiter up` once" in refused.output
    assert not (tmp_path / "recruiter.db").exists() or _candidates(tmp_path) == 0

    # What `recruiter up` does on its first run: make the secret, owner-only; later runs reuse
    # it. An empty file (a crash while it was written) is replaced.
    settings = Settings(home=tmp_path)
    (tmp_path / LOCAL_SECRET).write_text("")
    assert web_secret(settings, create=False) is None
    secret = web_secret(settings, create=True)
    assert secret and web_secret(settings, create=True) == secret
    mode = stat.S_IMODE(os.stat(tmp_path / LOCAL_SECRET).st_mode)
    assert mode == 0o600

    made = runner.invoke(app, ["invite", "--name", "Ada", "--role", "demo"], env=env)
    assert made.exit_code == 0, made.output
    assert "signing with the secret `recruiter up` keeps" in made.output  # says which
    link = next(x for x in made.output.split() if "/join/" in x)
    invitation = Invitations(secret, 72).read(link.rsplit("/", 1)[1])  # the app's check
    assert invitation.role_id == "demo"
    assert "by phone" not in made.output  # the phone line is not offered by default
    # A configured secret wins over the kept one.
    assert web_secret(Settings(home=tmp_path, web={"secret": "x" * 32}), create=True) == "x" * 32
