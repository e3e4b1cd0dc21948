"""The phone line's front desk: greets a caller and reads the interview code of their invitation.

It runs before the interview, in a small voice session of its own (VAD, STT and TTS, no LLM:
every line is scripted). The code may be keyed in (RFC 4733 DTMF, which the SIP service relays
as ``sip_dtmf_received``) or said; a code that opens no interview, or no code within the wait,
uses a try. After the last try the caller hears a polite goodbye.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import TypeVar

from livekit import rtc
from livekit.agents import Agent, AgentSession, UserInputTranscribedEvent
from livekit.agents.voice.events import ErrorEvent

from agent.bootstrap import VoiceModels, room_options
from agent.not_heard import until_quiet
from agent.stt_whisper import speech_lost
from recruiter_phone.codes import KeyedCode, code_candidates, read_out, said_code_part

__all__ = ["RECORDING_NOTICE", "CodeDesk", "next_code", "read_interview_code", "say_to_caller"]

T = TypeVar("T")

# Said before the interview: a caller cannot tick a consent box.
RECORDING_NOTICE = "Your answers on this call are transcribed and measured for your report."
GREETING = (
    "Hello, you have reached the virtual recruiter. " + RECORDING_NOTICE + " Please key in the "
    "{n} digit interview code from your invitation, or say it one digit at a time."
)
NOT_FOUND = "I heard {heard}. I could not find an interview with that code. Please try again."
# A said code one digit short is taken after this much quiet (seconds), in case the digit
# missing is a repeated one the recogniser merged (code_candidates); a full one at once.
SAID_PAUSE_S = 2.0
NOTHING = "I did not catch a code. Please key in the {n} digits from your invitation."
# Said when the caller spoke but the recogniser failed on every attempt: not the caller's fault,
# so it uses no try, up to ``LOST_RETRIES`` times a call (then it counts as nothing heard).
NOT_HEARD = "Sorry, I could not hear that. Please say the code again, or key it in."
LOST_RETRIES = 2
LOST_SETTLE_S = 1.0  # quiet after a lost utterance before the desk asks again (seconds)
FOUND = "Thank you, I found your interview."
LOCKED = (
    "I am sorry, too many codes that open no interview were keyed on this line, so codes are not "
    "taken for a while. Please call again later, or open the link in your invitation. Goodbye."
)
GOODBYE = (
    "I am sorry, I could not find your interview. Please check the code in your invitation and "
    "call again. Goodbye."
)


class CodeDesk(Agent):
    """The scripted desk agent (its session has no LLM, so it never replies on its own)."""

    def __init__(self) -> None:
        super().__init__(instructions="Read the caller's interview code.")


# Whisper's initial prompt on the desk: with digits in it, tiny.en read 12 of 12 eight-digit
# codes said over G.711 right, against 9 of 12 with the interview's verbatim prompt (synthesized
# codes, this machine, 1 Dec 2026).
DIGITS_PROMPT = "My code is 3 0 5 1, 8 2 7 4. Digits: 0 1 2 3 4 5 6 7 8 9."


def desk_session(models: VoiceModels) -> AgentSession[None]:
    """A voice session for the desk: the interview's VAD and voice, its Whisper model with a
    digits prompt (``DIGITS_PROMPT``), turns ended by VAD."""
    return AgentSession(
        vad=models.vad, stt=models.stt.with_prompt(DIGITS_PROMPT), tts=models.tts,
        turn_handling={"turn_detection": "vad"}, user_away_timeout=None,
    )  # fmt: skip


async def read_interview_code(
    room: rtc.Room,
    caller: rtc.RemoteParticipant,
    models: VoiceModels,
    lookup: Callable[[Sequence[str]], T | None],
    *,
    digits: int,
    tries: int,
    wait_s: float = 25.0,
    locked: Callable[[], bool] = lambda: False,
) -> T | None:
    """Greet ``caller`` and read codes until ``lookup`` finds one, or ``tries`` are used up.

    Args:
        lookup: the interview the first of some codes opens (None: none does, or they have
            expired; it counts one wrong code from the caller). A keyed code is looked up as
            keyed; a said one with its ``code_candidates`` (a repeated digit heard once too
            often or too few times).
        locked: whether codes are refused to this caller (guessing across calls): asked before
            the first prompt and after every wrong code; when it says so the caller hears why
            (``LOCKED``) and the call ends.
        digits: the length of a code; ``#`` ends a shorter one.
        tries: attempts in all; an unknown code, or no code within ``wait_s`` seconds after
            the prompt, uses one. A code said but lost in transcription is asked for again
            (``NOT_HEARD``) without using one, ``LOST_RETRIES`` times a call.

    Returns:
        What ``lookup`` found, or None after the goodbye was spoken.
    """
    session = desk_session(models)
    # (heard, codes it may be), or the number of the prompt after which speech was lost.
    codes: asyncio.Queue[tuple[str, list[str]] | int] = asyncio.Queue()
    keyed, said, prompts = KeyedCode(digits), [""], [0]
    pause: list[asyncio.TimerHandle] = []

    def on_dtmf(event: rtc.SipDTMF) -> None:
        if event.participant is None or event.participant.identity != caller.identity:
            return  # only the caller's own keypad
        code = keyed.press(event.digit)
        if code is not None:
            codes.put_nowait((code, [code]))

    def take_said() -> None:
        heard, said[0] = said[0], ""
        if heard:
            codes.put_nowait((heard, code_candidates(heard, digits)))

    def on_transcript(event: UserInputTranscribedEvent) -> None:
        if not event.is_final:
            return
        while pause:
            pause.pop().cancel()
        said[0] += said_code_part(event.transcript)
        if len(said[0]) >= digits:
            take_said()
        elif len(said[0]) == digits - 1:
            pause.append(asyncio.get_running_loop().call_later(SAID_PAUSE_S, take_said))

    def on_error(event: ErrorEvent) -> None:
        if speech_lost(event) is not None:
            said[0] = ""  # what was heard of the code before it is of no use without the rest
            codes.put_nowait(prompts[0])

    gone = asyncio.Event()

    def on_left(participant: rtc.RemoteParticipant) -> None:
        if participant.identity == caller.identity:
            gone.set()
            codes.put_nowait(("", []))  # wakes the wait: a caller who hung up gets no more prompts

    room.on("sip_dtmf_received", on_dtmf)
    room.on("participant_disconnected", on_left)
    session.on("user_input_transcribed", on_transcript)
    session.on("error", on_error)
    options = room_options(models.tts.sample_rate, caller.identity)
    try:
        await session.start(CodeDesk(), room=room, room_options=options, record=False)
        if await asyncio.to_thread(locked):
            await session.say(LOCKED, allow_interruptions=False)
            return None
        prompt = GREETING.format(n=digits)
        attempt = lost = 0
        while attempt < tries:
            if attempt or lost:  # a new prompt: part of a code keyed or said before it is dropped
                keyed.clear()
                said[0] = ""
            await session.say(prompt, allow_interruptions=False)
            prompts[0] += 1
            item = await next_code(codes, prompts[0], wait_s)
            if gone.is_set():
                return None
            if item is None:  # the code was said (a loss is one utterance, not one digit)
                await until_quiet(session, LOST_SETTLE_S)  # the rest of it may be lost too
                if lost < LOST_RETRIES:
                    lost += 1
                    prompt = NOT_HEARD
                    continue
            heard, candidates = item or ("", [])
            attempt += 1
            found = await asyncio.to_thread(lookup, candidates) if heard else None
            if found is not None:
                await session.say(FOUND, allow_interruptions=False)
                return None if gone.is_set() else found
            refused: bool = bool(heard) and await asyncio.to_thread(locked)
            if refused:
                await session.say(LOCKED, allow_interruptions=False)
                return None
            prompt = NOT_FOUND.format(heard=read_out(heard)) if heard else NOTHING.format(n=digits)
        await session.say(GOODBYE, allow_interruptions=False)
        return None
    finally:
        while pause:
            pause.pop().cancel()
        room.off("sip_dtmf_received", on_dtmf)
        room.off("participant_disconnected", on_left)
        session.off("error", on_error)
        with contextlib.suppress(Exception):
            await session.aclose()


async def next_code(
    codes: asyncio.Queue[tuple[str, list[str]] | int], prompt: int, wait_s: float
) -> tuple[str, list[str]] | None:
    """The next code after prompt number ``prompt``; None when speech after it was lost in
    transcription (losses from before it are passed over), ``("", [])`` after ``wait_s``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while True:
        try:
            item = await asyncio.wait_for(codes.get(), max(0.0, deadline - loop.time()))
        except TimeoutError:
            return ("", [])
        if not isinstance(item, int):
            return item
        if item == prompt:
            return None


async def say_to_caller(room: rtc.Room, caller: rtc.RemoteParticipant, models: VoiceModels,
                        text: str) -> None:  # fmt: skip
    """Say ``text`` to ``caller`` in a desk session of its own and wait until it is heard."""
    session = desk_session(models)
    options = room_options(models.tts.sample_rate, caller.identity)
    await session.start(CodeDesk(), room=room, room_options=options, record=False)
    try:
        await session.say(text, allow_interruptions=False)
    finally:
        with contextlib.suppress(Exception):
            await session.aclose()
