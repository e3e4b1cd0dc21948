"""A full rehearsal on a two-question script with the real small models, in process and by CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from agent.audio import write_wav
from agent.bootstrap import VoiceModels, load_voice_models
from recruiter_config.settings import Settings
from recruiter_llm.client import LLMEndpoint, OpenAIChatClient
from recruiter_rehearsal.candidates import CandidateVoice
from recruiter_rehearsal.run import RehearsalOptions, RehearsalResult, run_rehearsal
from reports.assessment import score_session
from storage import (
    AssessmentRepository,
    RoleRepository,
    SessionRepository,
    content_sha256,
    create_database,
    session_factory,
)
from tests.conftest import FIXTURES, run
from tests.integration.speech import ends_with, word_error_rate
from tests.webcam_video import steady_frames, write_video

pytestmark = [pytest.mark.models, pytest.mark.llm]

ROLE = str(FIXTURES / "two_questions.yaml")
QUESTIONS = [
    "What draws you to customer support?",
    "Tell me about a time you helped an upset customer.",
]
ANSWERS = {
    "why-support": "I enjoy solving problems for people, and I worked on a help desk for years.",
    # A two-second thinking pause inside the answer must not end the turn.
    "hard-customer": (
        "Um, let me think. [pause 2.0] A customer was upset about a wrong bill, so I refunded"
        " the fee the same day and called her a week later to check."
    ),
}


@pytest.fixture(scope="module")
def models(installed_models: Path) -> VoiceModels:
    return load_voice_models(Settings())


@pytest.fixture(scope="module")
def rehearsal(
    tmp_path_factory: pytest.TempPathFactory, installed_models: Path, models: VoiceModels,
    llm_endpoint: LLMEndpoint,
) -> tuple[Settings, RehearsalResult]:  # fmt: skip
    home = tmp_path_factory.mktemp("home")
    (home / "models").symlink_to(installed_models, target_is_directory=True)
    settings = Settings(home=home)

    # The candidate's camera: a steady video of a real face, looped for the whole interview.
    webcam = write_video(home / "webcam.mp4", steady_frames(), "mp4v")

    async def go() -> RehearsalResult:
        chat = OpenAIChatClient(llm_endpoint)
        try:
            options = RehearsalOptions(role=ROLE, answers=ANSWERS, webcam=webcam)
            return await run_rehearsal(settings, options, chat=chat, models=models)
        finally:
            await chat.aclose()

    return settings, run(go())


def test_the_recruiter_asks_the_scripts_questions_in_order(
    rehearsal: tuple[Settings, RehearsalResult],
) -> None:
    _, result = rehearsal
    # The recruiter never spoke into the thinking pause, and each answer is one stored turn.
    speakers = [t.speaker for t in result.turns]
    assert speakers == ["recruiter", "candidate", "recruiter", "candidate", "recruiter"]
    recruiter = [t.text for t in result.turns if t.speaker == "recruiter"]
    assert recruiter[0].startswith("Hi, I'm Alex.") and recruiter[0].endswith(QUESTIONS[0])
    assert recruiter[1].endswith(QUESTIONS[1])
    assert recruiter[2].endswith("That's all, thank you. Goodbye!")
    answers: list[str] = []
    for turn in result.turns:
        if turn.speaker != "candidate":
            answers.append("")
        elif answers:
            answers[-1] += " " + turn.text.lower()
    answers = [a for a in answers if a]
    assert word_error_rate(ANSWERS["why-support"], answers[0]) < 0.3, answers[0]
    # The words before the thinking pause and after it are one answer ("let me think" was
    # once heard "let me take": piper's timing varies from render to render).
    assert "let me" in answers[1]
    assert ends_with(answers[1], "and called her a week later to check"), answers[1]


def test_every_turn_is_stored_with_sane_timings(
    rehearsal: tuple[Settings, RehearsalResult],
) -> None:
    settings, result = rehearsal
    db = session_factory(create_database(settings.resolved_database_url))
    with db() as s:
        repo = SessionRepository(s)
        record = repo.get(result.session_id)
        assert record is not None and record.status == "completed"
        assert record.role_id == "two-questions" and record.role_version == "1"
        # The session records exactly which text it ran, stored as an immutable version.
        assert record.role_sha256 == content_sha256(Path(ROLE).read_text())
        assert RoleRepository(s).get("two-questions", "1").content_sha256 == record.role_sha256  # type: ignore[union-attr]
        turns = repo.turns(result.session_id)
    assert [t.text for t in turns] == [t.text for t in result.turns]
    # The transcript keeps the script's text as written; only the voice says "eight to ten
    # minutes" (dialogue.spoken_form, checked through piper in test_spoken_form).
    assert "This screen takes 8\u201310 min." in turns[0].text  # an en dash
    recruiter_end = 0.0
    for turn in turns:
        assert 0 <= turn.start_s < turn.end_s <= result.duration_s + 0.5
        if turn.speaker == "recruiter":
            assert turn.start_s >= recruiter_end - 0.5  # recruiter turns never overlap
            recruiter_end = turn.end_s
        else:
            assert turn.start_s >= recruiter_end - 0.5  # the candidate waits for the recruiter
    for turn in (t for t in turns if t.speaker == "candidate"):
        assert turn.words
        assert all(
            turn.start_s - 1.0 <= w["start"] <= w["end"] <= turn.end_s + 1.0 for w in turn.words
        )
    # Each answer is stored once, on the question it answered.
    assert [t.question_id for t in turns if t.speaker == "candidate"] == [
        "why-support", "hard-customer",
    ]  # fmt: skip
    replies = [t for t in turns if t.speaker == "recruiter" and t.latency_s is not None]
    assert len(replies) == 2
    assert all(0.2 < t.latency_s < 20 for t in replies)  # type: ignore[operator]
    assert all(any(e["type"] == "acknowledgement" for e in t.events or []) for t in replies)


def test_each_answer_is_measured_and_stored_with_its_turn(
    rehearsal: tuple[Settings, RehearsalResult],
) -> None:
    settings, result = rehearsal
    db = session_factory(create_database(settings.resolved_database_url))
    with db() as s:
        repo = SessionRepository(s)
        turns = repo.turns(result.session_id)
        stored = repo.measurements(result.session_id)
    candidate = [t.index for t in turns if t.speaker == "candidate"]
    assert sorted(stored) == candidate  # every candidate turn, and only those
    words = sum(len(t.words or []) for t in turns if t.speaker == "candidate")
    assert sum(m.speech["words"] for m in stored.values()) == words
    answered = [m for m in stored.values() if m.speech["words"] >= 15]
    assert answered, "no answer long enough to time"
    for m in answered:
        # The simulated candidate speaks at 140-190 words per minute.
        assert 120 < m.speech["words_per_minute"] < 220
        assert m.voice is not None and 80 < m.voice["pitch_median_hz"]["value"] < 200
        assert m.face is not None and m.face["face_present_share"]["value"] == 1.0
        assert m.face["looking_at_screen_share"]["value"] >= 0.9
    # The response latency is the gap in the recording between the question and the answer.
    ends = [t.end_s for t in turns if t.speaker == "recruiter"]
    for turn, began in zip(
        [t for t in turns if t.speaker == "candidate"], result.speech_starts, strict=True
    ):
        question_end = max(e for e in ends if e <= began + 0.5)
        measured = stored[turn.index].speech["response_latency_s"]
        assert measured is not None and abs(measured - (began - question_end)) <= 0.2
        assert not any(f["kind"] == "unusual-latency" for f in stored[turn.index].flags)
    assert any(m.speech["fillers"] >= 1 for m in stored.values())  # "Um, let me think."
    assert result.perception["answers"] == len(candidate)
    report = result.report_path.read_text()
    assert "## How you came across" in report and "no emotion" in report


def test_the_scored_report_exists_in_three_formats_and_quotes_verbatim(
    rehearsal: tuple[Settings, RehearsalResult],
) -> None:
    settings, result = rehearsal
    assert result.report_error is None
    assert set(result.reports) == {"json", "html", "pdf"}
    assert result.report_build_s is not None and result.report_build_s < 60
    report = json.loads(result.reports["json"].read_text())
    transcript = {t["turn"]: t["text"] for t in report["transcript"]}
    quotes = [e for c in report["competencies"] for e in c["evidence"]]
    assert quotes, "the report cites nothing"
    assert all(e["quote"] in transcript[e["turn"]] for e in quotes)
    assert report["overall"] is not None
    assert result.reports["pdf"].read_bytes().startswith(b"%PDF")
    # Scoring again gives the same scores.
    db = session_factory(create_database(settings.resolved_database_url))
    with db() as s:
        first = [
            (x.scope, x.target, x.value) for x in AssessmentRepository(s).scores(result.session_id)
        ]
        score_session(s, result.session_id)
        s.commit()
        again = [
            (x.scope, x.target, x.value) for x in AssessmentRepository(s).scores(result.session_id)
        ]
    assert again == first


def test_the_conversation_wav_holds_both_sides(rehearsal: tuple[Settings, RehearsalResult]) -> None:
    _, result = rehearsal
    with wave.open(str(result.audio_path)) as wav:
        assert wav.getnchannels() == 2
        seconds = wav.getnframes() / wav.getframerate()
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16).reshape(-1, 2)
    assert abs(seconds - result.duration_s) < 0.5
    recruiter_rms, candidate_rms = np.sqrt((pcm.astype(np.float64) ** 2).mean(axis=0))
    assert recruiter_rms > 100 and candidate_rms > 100
    report = result.report_path.read_text()
    assert QUESTIONS[1] in report and "Median" in report


def test_cli_json_contract_with_recorded_answers(
    tmp_path: Path, installed_models: Path, llm_endpoint: LLMEndpoint, models: VoiceModels
) -> None:
    answers = tmp_path / "answers"
    voice = CandidateVoice(models.tts.voice)
    for name, text in (
        ("01", ANSWERS["why-support"]),
        ("02", "I refunded a wrong fee the same day."),
    ):
        write_wav(answers / f"{name}.wav", voice.render(text).samples, 16000)
    home = tmp_path / "home"
    home.mkdir()
    (home / "models").symlink_to(installed_models, target_is_directory=True)
    env = {
        **os.environ,
        "RECRUITER_HOME": str(home),
        "RECRUITER_LLM__BASE_URL": llm_endpoint.base_url,
        "RECRUITER_LLM__MODEL": llm_endpoint.model,
    }
    proc = subprocess.run(
        [sys.executable, "-m", "recruiter_cli.main", "rehearse", "--role", ROLE,
         "--answers", str(answers), "--json"],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert {"session_id", "role", "report_path", "audio_path", "turns", "latency"} <= out.keys()
    assert out["role"] == "two-questions"
    assert Path(out["report_path"]).is_file() and Path(out["audio_path"]).is_file()
    assert [t["speaker"] for t in out["turns"]] == ["recruiter", "candidate"] * 2 + ["recruiter"]
    for turn in out["turns"]:
        assert {"speaker", "text", "start_s", "end_s", "events", "measures"} == turn.keys()
        assert (turn["measures"] is not None) == (turn["speaker"] == "candidate")
    assert out["perception"]["answers"] == 2
    assert set(out["reports"]) == {"json", "html", "pdf"} and out["report_error"] is None
    latency = out["latency"]
    assert len(latency["end_of_speech_to_first_audio_s"]) == 2
    assert latency["median_s"] == pytest.approx(
        float(np.median(latency["end_of_speech_to_first_audio_s"])), abs=1e-3
    )
