"""The composition root: builds the voice pipeline from settings. Tests build the same graph."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from livekit.agents import AgentSession, inference, room_io, vad

from agent.interviewer import Interviewer, ReplyPolicy
from agent.language_id import WhisperLanguageID, language_identifier
from agent.llm_plugin import SeamLLM
from agent.perceiver import Perceiver
from agent.resume import ResumingInterviewer, Resumption
from agent.stt_whisper import WhisperSTT, whisper_options
from agent.tts_piper import PiperOptions, PiperTTS
from agent.vad import RecoveringVAD
from dialogue import load_lexicon
from recruiter_config.assets import require_asset
from recruiter_config.settings import Settings
from recruiter_llm.client import ChatClient
from rubrics import RoleScript, plan_for

__all__ = [
    "VoiceModels",
    "build_interviewer",
    "build_perceiver",
    "build_session",
    "load_voice_models",
]


@dataclass
class VoiceModels:
    """The loaded local models; load once per process, share across sessions."""

    vad: vad.VAD
    stt: WhisperSTT
    tts: PiperTTS
    # Which language a clause was spoken in (Whisper base, loaded on first use); None when
    # ``whisper-base`` is not installed: answers are then not checked for other languages.
    language_id: WhisperLanguageID | None = None


def load_voice_models(settings: Settings) -> VoiceModels:
    """Load VAD, STT and TTS from the verified model assets (blocking; a few seconds), and the
    lexicon the flow's answer assessment reads (``dialogue.actions.load_lexicon``)."""
    load_lexicon()
    voice_dir = require_asset(settings.models_dir, settings.tts.voice)
    vad_model = RecoveringVAD.load(min_silence_duration=settings.turn.vad_min_silence_s)
    return VoiceModels(
        vad=vad_model,
        stt=WhisperSTT(whisper_options(settings), vad=vad_model),
        tts=PiperTTS(
            PiperOptions(
                model_path=voice_dir / "en_US-joe-medium.onnx",
                length_scale=settings.tts.length_scale,
                lexicon=settings.tts.lexicon,
                region=settings.tts.region,
            )
        ),
        language_id=language_identifier(settings.models_dir),
    )


def build_session(settings: Settings, models: VoiceModels, chat: ChatClient) -> AgentSession[None]:
    """An ``AgentSession`` tuned for interviews: a 2-3 s thinking pause keeps the turn."""
    turn = settings.turn
    return AgentSession(
        vad=models.vad,
        stt=models.stt,
        tts=models.tts,
        llm=SeamLLM(
            chat, max_tokens=settings.llm.max_reply_tokens, temperature=settings.llm.temperature
        ),
        turn_handling={
            "turn_detection": inference.TurnDetector(
                version="v1-mini", unlikely_threshold=turn.eot_unlikely_threshold
            ),
            "endpointing": {"min_delay": turn.min_delay_s, "max_delay": turn.max_delay_s},
            "preemptive_generation": {"enabled": False},
        },
        # The framework's markdown filter cuts the text at its own boundaries, so the voice
        # would get half sentences; the spoken form drops markdown and emoji itself.
        tts_text_transforms=[],
        user_away_timeout=None,
    )


def room_options(output_rate: int, identity: str | None = None) -> room_io.RoomOptions:
    """How a voice session joins a room: the candidate's (or caller's) audio, fast to hear.

    Audio comes in at 16 kHz, the rate of the VAD and the STT (no second resampling), in the
    library's 50 ms frames (20 ms ones cost more per second on the audio path and measured no
    faster in ``bench.room_latency``); the recruiter's voice goes out at the TTS's own rate
    (``output_rate``, Hz), so livekit-agents does not resample it first. Captions stay paced
    to the audio (livekit-agents' transcript synchroniser): it is also what trims a reply the
    candidate cut off to the words played.

    Args:
        output_rate: the TTS's sample rate, Hz (``PiperTTS.sample_rate``).
        identity: the participant to listen to; None for the first who joins. The session is
            not closed when that participant leaves (the job decides, and keeps what was said).
    """
    kept: dict[str, Any] = {
        "audio_input": room_io.AudioInputOptions(sample_rate=16000),
        "audio_output": room_io.AudioOutputOptions(sample_rate=output_rate),
    }
    if identity is not None:
        kept |= {"participant_identity": identity, "close_on_disconnect": False}
    return room_io.RoomOptions(**kept)


def build_perceiver(
    settings: Settings, role: RoleScript, *, webcam: bool = False,
    language_id: WhisperLanguageID | None = None,
) -> Perceiver:  # fmt: skip
    """Perception for one interview; with ``webcam``, the face landmarker is loaded too; with
    ``language_id`` (``VoiceModels.language_id``), answers are checked for other languages."""
    words = [role.title, *(c.name for c in role.competencies), *(q.text for q in role.questions)]
    return Perceiver(
        face_model=require_asset(settings.models_dir, "face-landmarker") if webcam else None,
        vocabulary={w.lower() for text in words for w in re.findall(r"[A-Za-z']+", text)},
        identify=language_id,
    )


def build_interviewer(
    settings: Settings, role: RoleScript, chat: ChatClient, *, perceiver: Perceiver | None = None,
    resumption: Resumption | None = None,
) -> Interviewer:  # fmt: skip
    """The agent that runs ``role`` and reaches the LLM through ``chat``; with ``resumption``,
    one that goes on with that stored interview."""
    kind = partial(ResumingInterviewer, resumption) if resumption is not None else Interviewer
    return kind(
        plan=plan_for(role),
        chat=chat,
        perceiver=perceiver or build_perceiver(settings, role),
        policy=ReplyPolicy(
            follow_up_wait_s=settings.llm.follow_up_wait_s,
            ask_early=settings.llm.ask_early,
            max_tokens=settings.llm.max_reply_tokens,
            temperature=settings.llm.temperature,
            silence_prompt_s=settings.turn.silence_prompt_s,
        ),
    )
