"""The dashboard's coaching routes: a practice and a report are their recruiter's alone, and bad
uploads get clear messages (no server paths, no 500)."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import numpy as np
import pytest
from starlette.testclient import TestClient

from agent.audio import write_wav
from recruiter_config.settings import Settings, WebSettings
from rubrics import load_role_source
from storage import RecruiterRepository, RoleRepository
from web.app import create_app

PASSWORD = "correct horse battery"


@pytest.fixture
def clients(home: Path) -> tuple[TestClient, TestClient]:
    """Two signed-in recruiters on one app: rita and sam."""
    app = create_app(Settings(home=home, web=WebSettings(secret="coaching-web-secret-0123456789")))
    with app.state.ctx.db() as s:
        for who in ("rita", "sam"):
            RecruiterRepository(s).create(who, who.title(), PASSWORD)
        s.commit()
    out = []
    for who in ("rita", "sam"):
        client = TestClient(app, base_url="http://testserver")
        done = client.post("/login", data={"recruiter_id": who, "password": PASSWORD},
                           follow_redirects=False)  # fmt: skip
        assert done.status_code == 303
        out.append(client)
    return out[0], out[1]


def test_a_practice_and_its_report_are_their_recruiters_alone(
    clients: tuple[TestClient, TestClient],
) -> None:
    rita, sam = clients
    started = rita.post("/dashboard/coaching/practice", data={"role": "demo", "persona": "weak"},
                        follow_redirects=False)  # fmt: skip
    assert started.status_code == 303
    practice = started.headers["location"]
    asked = rita.post(f"{practice}/ask", data={"text": "Tell me about an angry customer."})
    assert asked.status_code == 200, asked.text
    body = asked.json()
    assert body["topic"] == "frustrated-customer" and body["audio"].startswith("data:audio/wav")
    # Sam cannot see, ask in or end Rita's practice.
    assert sam.get(practice).status_code == 404
    assert sam.post(f"{practice}/ask", data={"text": "Why?"}).status_code == 404
    assert sam.post(f"{practice}/finish", data={}).status_code == 404
    scores = {"motivation": "2", "customer-empathy": "2", "prioritisation": "1"}
    done = rita.post(f"{practice}/finish", data=scores, follow_redirects=False)
    assert done.status_code == 303
    report = done.headers["location"]
    page = rita.get(report)
    assert page.status_code == 200 and "Tell me about an angry customer." in page.text
    assert "Calibration" in page.text
    assert sam.get(report).status_code == 404
    assert sam.post(f"{report}/delete").status_code == 404
    assert "Tell me about an angry customer" not in sam.get("/dashboard/coaching").text
    assert rita.get(practice).status_code == 404  # ended
    assert rita.post(f"{report}/delete", follow_redirects=False).status_code == 303
    assert rita.get(report).status_code == 404


def test_a_typed_question_that_is_empty_and_a_practice_role_that_is_a_path(
    clients: tuple[TestClient, TestClient],
) -> None:
    rita, _ = clients
    bad = rita.post("/dashboard/coaching/practice", data={"role": "../../rubrics/roles/demo",
                                                          "persona": "weak"})  # fmt: skip
    assert bad.status_code == 400 and "no practice personas for role" in bad.text
    started = rita.post("/dashboard/coaching/practice", data={"role": "demo", "persona": "weak"},
                        follow_redirects=False)  # fmt: skip
    empty = rita.post(f"{started.headers['location']}/ask", data={"text": "   "})
    assert empty.status_code == 400 and empty.json()["error"] == "the question is empty"
    finished = rita.post(f"{started.headers['location']}/finish", data={})
    assert finished.status_code == 400 and "Ask at least one question" in finished.text


def _upload(client: TestClient, name: str, data: bytes, role: str = "") -> str:
    """The error the upload page shows for the file (the text of its alert)."""
    answer = client.post("/dashboard/coaching/upload", data={"role": role, "channel": "0"},
                         files={"file": (name, data, "application/octet-stream")})  # fmt: skip
    assert answer.status_code == 400, answer.text[:500]
    (alert,) = re.findall(r'<div class="alert error".*?</div>', answer.text, re.S)
    assert "/tmp" not in alert  # the server's temporary paths are never shown
    return alert


def test_bad_uploads_are_refused_with_what_to_do(
    clients: tuple[TestClient, TestClient], tmp_path: Path
) -> None:
    rita, _ = clients
    assert "notes.txt: has no audio stream" in _upload(rita, "notes.txt", b"some text\n" * 50)
    assert "the file is empty" in _upload(rita, "empty.wav", b"")
    # The same mix on both channels (a mono recording saved as stereo).
    t = np.arange(16000 * 3) / 16000
    tone = (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    write_wav(tmp_path / "dual.wav", np.stack([tone, tone], axis=1), 16000)
    text = _upload(rita, "dual.wav", (tmp_path / "dual.wav").read_bytes())
    assert "both channels hold the same mix" in text and "dual.wav" in text
    # Three channels.
    path = tmp_path / "three.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(3)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(
            (np.random.default_rng(1).normal(0, 3000, (16000, 3))).astype("<i2").tobytes()
        )
    assert "has 3 channels" in _upload(rita, "three.wav", path.read_bytes())
    # A name that is not a file name, and a role that is neither stored nor shipped.
    assert "recording: " in _upload(rita, "..", b"RIFF....WAVEfmt ")
    assert "is stored or shipped" in _upload(rita, "x.wav", b"RIFF", role="../../etc/passwd")


def test_a_role_written_in_the_editor_is_offered_for_an_upload(
    clients: tuple[TestClient, TestClient],
) -> None:
    rita, _ = clients
    text = load_role_source("demo").text.replace("id: demo", "id: rita-support-screen", 1)
    with rita.app.state.ctx.db() as s:  # type: ignore[attr-defined]
        RoleRepository(s).store(role_id="rita-support-screen", version="1", title="Rita's",
                                content=text)  # fmt: skip
        s.commit()
    page = rita.get("/dashboard/coaching").text
    assert '<option value="rita-support-screen">' in page and '<option value="demo">' in page
    # It is read (past the role) as far as the recording, which here is not audio.
    assert "not a readable audio file" in _upload(
        rita, "notes.txt", b"text\n" * 50, "rita-support-screen"
    )
