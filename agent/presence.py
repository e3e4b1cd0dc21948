"""The candidate leaving the room and coming back: a reloaded page goes on with its interview.

A browser candidate's page leaves the room when it is reloaded, when the network drops (the
LiveKit server notices within its departure timeout) or when the tab is closed. The first two
come back with the same identity; ``CandidatePresence`` gives them ``web.rejoin_s`` to do so
before the interview ends as left. Meanwhile the recruiter prompts no silence (nobody is there
to hear it, and the flow would move on). Once the candidate is back and their microphone is in
the room, the recruiter says the last thing it said again, after a short "welcome back", and the
interview goes on; the time away is stored with that turn (an event ``rejoined``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from livekit import rtc
from livekit.agents import AgentSession, llm

from agent.interviewer import Interviewer
from agent.reply import RecruiterUtterance

__all__ = ["WELCOME_BACK", "CandidatePresence"]

logger = logging.getLogger("recruiter.presence")

WELCOME_BACK = "Welcome back. Where we were:"
# After the candidate's microphone is back in the room, the page needs a moment to subscribe
# to the recruiter's audio before what is said is heard (seconds; about 0.5 s on loopback).
_SETTLE_S = 1.0


class CandidatePresence:
    """Follows one candidate's identity in a room; ``gone`` is set once they have left for good.

    ``rejoin_s``: how long (s) a candidate who left may take to come back (0: gone at once,
    as a caller who hangs up). ``on_back`` is called when they are back, before the recruiter
    speaks (the page is told the question again, for one).
    """

    def __init__(
        self,
        session: AgentSession[None],
        interviewer: Interviewer,
        identity: str | None,
        rejoin_s: float,
        on_back: Callable[[], None] | None = None,
    ) -> None:
        self._session = session
        self._interviewer = interviewer
        self._identity = identity
        self._rejoin_s = rejoin_s
        self._on_back = on_back
        self._sid: str | None = None  # the candidate's connection now linked
        self._left_at: float | None = None
        self._waiting: asyncio.Task[None] | None = None
        self._welcome: asyncio.Task[None] | None = None
        self._closed = False
        self.gone = asyncio.Event()

    def attach(self, room: rtc.Room) -> None:
        """Follow the room's participants; a candidate not in it yet counts as having left."""
        room.on("participant_disconnected", self._on_left)
        room.on("participant_connected", self._on_joined)
        room.on("track_subscribed", self._on_track)
        present = room.remote_participants.get(self._identity or "")
        if present is not None:
            self._sid = present.sid
        elif self._identity is not None:
            self.left()

    def left(self) -> None:
        """The candidate is out of the room: wait ``rejoin_s`` for them, then they are gone."""
        if self._left_at is not None or self.gone.is_set() or self._closed:
            return
        self._left_at = time.monotonic()
        self._interviewer.away = True
        self._interviewer.hold_silence()
        if self._welcome is not None:  # gone again before the welcome was said
            self._welcome.cancel()
            self._welcome = None
        if self._rejoin_s <= 0:
            self.gone.set()
            return
        logger.info("the candidate left the room; waiting %.0f s for them", self._rejoin_s)
        self._waiting = asyncio.create_task(self._wait(), name="candidate-rejoin")

    async def _wait(self) -> None:
        await asyncio.sleep(self._rejoin_s)
        logger.info("the candidate did not come back within %.0f s", self._rejoin_s)
        self.gone.set()

    def close(self) -> None:
        """Stop waiting (the interview is over)."""
        self._closed = True
        for task in (self._waiting, self._welcome):
            if task is not None:
                task.cancel()

    def _on_left(self, participant: rtc.RemoteParticipant) -> None:
        if participant.identity != self._identity:
            return
        if self._sid is not None and participant.sid != self._sid:
            return  # an old connection, replaced by a new one of the same identity
        self.left()

    def _on_joined(self, participant: rtc.RemoteParticipant) -> None:
        # Back in the room; the wait ends once their microphone is (a page whose microphone
        # never comes is gone when the wait is over).
        if participant.identity != self._identity:
            return
        self._sid = participant.sid
        if self._left_at is not None:
            logger.info("the candidate came back after %.1f s", time.monotonic() - self._left_at)

    def _on_track(self, track: rtc.Track, _pub: object, participant: rtc.RemoteParticipant) -> None:
        """Their microphone is back: say the last thing again once the page can hear it."""
        if (
            participant.identity != self._identity
            or track.kind != rtc.TrackKind.KIND_AUDIO
            or self._left_at is None
            or self.gone.is_set()
            or self._closed
        ):
            return
        self._sid = participant.sid
        if self._waiting is not None:
            self._waiting.cancel()
            self._waiting = None
        away_s, self._left_at = time.monotonic() - self._left_at, None
        self._welcome = asyncio.create_task(self._welcome_back(away_s), name="welcome-back")

    async def _welcome_back(self, away_s: float) -> None:
        await asyncio.sleep(_SETTLE_S)
        # A reply begun before they came back (to an answer given just before the reload) is
        # let play out: its words are then the last said, and the journal stores it as itself.
        playing = self._session.current_speech
        if playing is not None:
            await playing.wait_for_playout()
        if self._left_at is not None or self._closed:
            return  # gone again meanwhile
        self._interviewer.away = False
        if self._on_back is not None:
            self._on_back()
        last = _last_said(self._session.history)
        self._interviewer.utterance = RecruiterUtterance(
            question_id=self._interviewer.awaiting_answer_to,
            events=[{"type": "rejoined", "away_s": round(away_s, 1)}],
        )
        with contextlib.suppress(RuntimeError):  # the session has closed meanwhile
            self._session.say(f"{WELCOME_BACK} {last}" if last else "Welcome back.")


def _last_said(history: llm.ChatContext) -> str:
    """The recruiter's last words as played (a reply cut off is kept to the words heard)."""
    for message in reversed(history.messages()):
        text = (message.text_content or "").strip()
        if message.role == "assistant" and text:
            while text.startswith(WELCOME_BACK):  # back a second time: the words before that
                text = text.removeprefix(WELCOME_BACK).strip()
            return text
    return ""
