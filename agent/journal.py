"""Store every turn the moment it completes, from the session's ``conversation_item_added`` events.

Each turn is committed on its own, so a crash loses at most the turn in flight. A write the
database cannot take for want of a connection (restarting, unreachable) is kept in memory and
retried in order, backing off up to ``RETRY_MAX_S``, while the interview goes on (a crash then
loses the writes still waiting too); any other refusal is logged and kept in ``errors``. An
answer the pipeline heard in two parts (the candidate went on before the reply was heard, or as
it began and cut it off, or pressed End before its last part was transcribed) stays one stored
turn: the second part extends the first, and the answer is measured again as a whole. The
cut-off reply is stored too, as interrupted: it was heard.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from livekit.agents import AgentSession, llm
from livekit.agents.voice.events import ConversationItemAddedEvent
from sqlalchemy.exc import (
    DisconnectionError,
    InterfaceError,
    NoResultFound,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker

from agent.interviewer import Interviewer
from dialogue.snapshot import state_snapshot
from perception.answer import AnswerMeasures
from perception.words import TimedWord
from storage import NewTurn, SessionRepository

__all__ = ["StoredTurn", "TurnJournal"]

logger = logging.getLogger("recruiter.agent")

# Given the wall-clock time a recruiter reply started playing, the true end of the candidate's
# speech it answers (known exactly in headless runs), or None to use the pipeline's estimate.
SpeechEndProbe = Callable[[float], float | None]


@dataclass(frozen=True)
class StoredTurn:
    """A stored turn as the rehearsal reports it."""

    index: int
    speaker: str
    text: str
    start_s: float
    end_s: float
    latency_s: float | None
    events: list[dict[str, Any]]
    interrupted: bool = False


RETRY_FIRST_S, RETRY_MAX_S = 0.5, 5.0  # the first wait before a write is retried, the longest
FLUSH_WAIT_S = 60.0  # how long closing waits for writes still being retried
# How far the VAD's start of a turn may come before its first word (the word times are the
# recogniser's, on the wall clock) and still be that word's start: earlier, it is the start of a
# sound that brought no words (a cough, a door), which livekit-agents keeps for the next turn.
WORDLESS_LEAD_S = 1.0


@dataclass(eq=False)
class _Write:
    """A turn to write: a new one, or (with ``parent``) the rest of the answer ``parent``
    began; a candidate turn is measured on ``words``/``text`` (the whole answer) once stored."""

    turn: NewTurn
    parent: _Write | None = None
    flow_state: dict[str, Any] | None = None
    words: list[TimedWord] | None = None
    text: str = ""
    stored_index: int | None = None  # set once a new turn is committed
    in_flight: bool = False  # being written on a thread: no longer changed in place


# A write is retried when the database could not be reached; other errors would fail again.
_RETRIED = (OperationalError, InterfaceError, DisconnectionError)


class TurnJournal:
    """Writes turns to the database as the session adds them to its history."""

    def __init__(
        self,
        *,
        db: sessionmaker[Session],
        session_id: str,
        t0: float,
        interviewer: Interviewer,
        speech_end_probe: SpeechEndProbe | None = None,
    ) -> None:
        self._db = db
        self._session_id = session_id
        self._t0 = t0
        self._interviewer = interviewer
        self._probe = speech_end_probe
        self._last_user: llm.MetricsReport | None = None
        self._recruiter_spans: list[tuple[float, float]] = []  # wall start and end of each
        self._measuring: set[asyncio.Task[None]] = set()
        # The stored candidate turn no reply has answered yet: (index, words, text).
        # The answer no reply has answered yet: its first write, and all its words and text.
        self._open: _Write | None = None
        self._open_after_stop = False  # the open answer began after the candidate pressed End
        self._open_words: list[TimedWord] = []
        self._open_text = ""
        self._unsaved: list[_Write] = []  # writes waiting for the database, in order
        self._flusher: asyncio.Task[None] | None = None
        self._measure_runs: dict[int, int] = {}  # the latest measurement run of each turn
        # The closing after End, stored once the interview has ended (``_after_end``).
        self._closing: list[_Write] = []
        self._closing_task: asyncio.Task[None] | None = None
        self._closed = False  # aclose has begun: nothing waits for the interview's end
        self.turns: list[StoredTurn] = []
        self.measurements: dict[int, AnswerMeasures] = {}
        self.errors: list[str] = []

    def attach(self, session: AgentSession[None]) -> None:
        """Start listening to ``session``."""
        session.on("conversation_item_added", self._on_item)

    def _rel(self, wall: float | None) -> float:
        return round((wall if wall is not None else time.time()) - self._t0, 3)

    def _on_item(self, event: ConversationItemAddedEvent) -> None:
        item = event.item
        if not isinstance(item, llm.ChatMessage) or item.role not in ("user", "assistant"):
            return
        text = (item.text_content or "").strip()
        if not text:
            return
        metrics = item.metrics
        if item.role == "user":
            words = self._interviewer.words.take_turn()
            turn = self._candidate_turn(text, metrics, words)
            self._last_user = metrics
            if self._goes_on() and self._open is not None:
                words, text = [*self._open_words, *words], f"{self._open_text} {text}"
                self._open_words, self._open_text = words, text
                first = self._open
                if first in self._unsaved and not first.in_flight:
                    # The answer's first part still waits for the database: it grows there.
                    first.turn.text = f"{first.turn.text} {turn.text}".strip()
                    first.turn.end_s = max(first.turn.end_s, turn.end_s)
                    first.turn.words = [*(first.turn.words or []), *(turn.words or [])]
                    first.words, first.text = words, text
                    return
                self._submit(_Write(turn, parent=first, words=words, text=text))
            else:
                self._open = _Write(turn, words=words, text=text)
                self._open_words, self._open_text = words, text
                self._open_after_stop = self._interviewer.stopped
                self._submit(self._open)
        else:
            # The flow's state goes with the reply that spoke it: what a resumed interview
            # (after this process dies) starts from.
            write = _Write(self._recruiter_turn(text, metrics, interrupted=item.interrupted),
                           flow_state=state_snapshot(self._interviewer.state))  # fmt: skip
            closing = self._interviewer.stopped and not item.interrupted  # (not one cut by End)
            if closing and not self._interviewer.ended.is_set() and not self._closed:
                # The closing after End: words transcribed while it played still end the open
                # answer, and are stored before it.
                self._closing.append(write)
                if self._closing_task is None:
                    self._closing_task = asyncio.create_task(self._after_end(), name="closing")
            else:
                if not self._interviewer.answer_open:  # else cut off as it began: it goes on
                    self._open = None
                self._submit(write)
            started = metrics.get("started_speaking_at")
            if started is not None:
                ended = metrics.get("stopped_speaking_at") or time.time()
                self._recruiter_spans.append((started, ended))

    def _goes_on(self) -> bool:
        """Whether a candidate turn now continues the open answer (``self._open``)."""
        interviewer = self._interviewer
        if interviewer.answer_open:
            return True
        if not interviewer.stopped or interviewer.ended.is_set():
            return False
        # After End, before the closing is heard: words transcribed late end the answer that
        # was open at End, or the one begun after it; not an answer already replied to.
        return interviewer.open_at_stop or self._open_after_stop

    def _question_end(self, words: list[TimedWord]) -> float | None:
        """When the recruiter turn this answer responds to ended: the last that began before it.

        Late transcripts can put an answer's words in a later turn, so the answer's own first
        word decides, not the order of the turns. An answer that starts while the recruiter is
        still speaking has a negative latency.
        """
        if not words:
            return None
        first = words[0].start_s
        ends = [end for start, end in self._recruiter_spans if start < first]
        return ends[-1] if ends else None

    async def _measure(
        self, index: int, words: list[TimedWord], text: str, question_end: float | None
    ) -> None:
        """Measure a stored candidate turn and store the measurements beside it."""
        run = self._measure_runs[index] = self._measure_runs.get(index, 0) + 1
        try:
            measures = await self._interviewer.perceiver.measure(words, text, question_end)
            if run != self._measure_runs[index]:
                return  # the turn was extended meanwhile: the later run measures all of it
            self._interviewer.perceiver.remember(measures)
            await self._retried(self._store_measures, index, measures.as_dict())
        except Exception as e:  # the turn itself is stored; only its measurements are missing
            logger.error("could not measure a turn: %s", type(e).__name__)
            self.errors.append(f"measuring turn {index}: {type(e).__name__}: {e}")
            return
        self.measurements[index] = measures

    def _store_measures(self, index: int, data: dict[str, Any]) -> None:
        with self._db() as db:
            SessionRepository(db).add_measurement(self._session_id, index, data)
            db.commit()

    async def _retried(self, write: Callable[..., Any], *args: Any) -> Any:
        """``write(*args)`` in a thread, retried with backoff for ``FLUSH_WAIT_S`` at most."""
        delay, deadline = RETRY_FIRST_S, time.monotonic() + FLUSH_WAIT_S
        while True:
            try:
                return await asyncio.to_thread(write, *args)
            except _RETRIED:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_S)

    def end_requested(self, reason: str) -> None:
        """Store that the candidate pressed End (``reason``) now, retried like a turn: the
        closing after it is stored only once the interview has ended (``_after_end``)."""
        task = asyncio.get_running_loop().create_task(self._retried(self._request_end, reason))
        self._measuring.add(task)  # (awaited by ``aclose`` like a measurement)
        task.add_done_callback(self._measuring.discard)
        task.add_done_callback(self._end_request_done)

    def _request_end(self, reason: str) -> None:
        with self._db() as db:
            SessionRepository(db).request_end(self._session_id, reason)
            db.commit()

    def _end_request_done(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            logger.error("could not store the request to end: %s", type(error).__name__)
            self.errors.append(f"end request not stored: {type(error).__name__}")

    async def _after_end(self) -> None:
        """Store what the recruiter said after End once the interview has ended: the last
        words, transcribed late on a loaded machine, are stored after the closing has played
        (``agent.closing``) and were said before it, so they come first in the turns' order."""
        await self._interviewer.ended.wait()
        self._store_closing()

    def _store_closing(self) -> None:
        closing, self._closing = self._closing, []
        for write in closing:
            self._submit(write)

    async def aclose(self) -> None:
        """Wait for the measurements still being made and the writes still being retried
        (``FLUSH_WAIT_S`` at most; what is still unsaved then is logged as an error)."""
        self._closed = True
        if self._closing_task is not None:
            self._closing_task.cancel()
        self._store_closing()  # (the session closed before the interview ended)
        if self._flusher is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._flusher), FLUSH_WAIT_S)
            self._flusher.cancel()
        if self._measuring:
            await asyncio.gather(*self._measuring, return_exceptions=True)
        if self._unsaved:
            logger.error("%d turn write(s) could not be stored", len(self._unsaved))
            self.errors.append(f"{len(self._unsaved)} turn write(s) could not be stored")

    def _candidate_turn(
        self, text: str, metrics: llm.MetricsReport, words: list[TimedWord]
    ) -> NewTurn:
        start = metrics.get("started_speaking_at")
        if words and (start is None or start < words[0].start_s - WORDLESS_LEAD_S):
            start = words[0].start_s
        end = metrics.get("stopped_speaking_at") or (words[-1].end_s if words else None)
        return NewTurn(
            speaker="candidate",
            text=text,
            question_id=self._interviewer.awaiting_answer_to,
            start_s=self._rel(start),
            end_s=self._rel(end),
            words=[w.shifted(-self._t0).to_stored() for w in words],
        )

    def _recruiter_turn(
        self, text: str, metrics: llm.MetricsReport, *, interrupted: bool
    ) -> NewTurn:
        utterance = self._interviewer.utterance
        started = metrics.get("started_speaking_at")
        latency = metrics.get("e2e_latency")
        true_end = self._probe(started) if (self._probe and started) else None
        if true_end is not None and started is not None:
            latency = started - true_end
        elif latency is None and started is not None and self._last_user:
            # A reply said again (``DroppedReplyGuard``) has no end-to-end figure of its own.
            ended = self._last_user.get("stopped_speaking_at")
            latency = started - ended if ended is not None else None
        answering = self._last_user is not None and latency is not None
        turn = NewTurn(
            speaker="recruiter",
            text=text,
            question_id=utterance.question_id,
            start_s=self._rel(started),
            end_s=self._rel(metrics.get("stopped_speaking_at")),
            interrupted=interrupted,
            events=list(utterance.events),
            latency_s=round(latency, 3) if answering and latency is not None else None,
            endpointing_s=self._last_user.get("end_of_turn_delay")
            if answering and self._last_user
            else None,
            stt_s=self._last_user.get("transcription_delay")
            if answering and self._last_user
            else None,
            llm_ttft_s=utterance.llm_ttft_s,
            tts_ttfa_s=metrics.get("tts_node_ttfb"),
        )
        self._last_user = None
        return turn

    def _submit(self, entry: _Write) -> None:
        """Write ``entry`` now, or (no connection to the database, or earlier writes wait)
        keep it for the retrying writer, which keeps the order."""
        if not self._unsaved:
            try:
                index = self._write(entry)
            except _RETRIED as e:
                logger.error("could not store a turn (%s); kept and retried", type(e).__name__)
            except SQLAlchemyError as e:
                self._failed(entry, e)
                return
            else:
                self._stored(entry, index)
                return
        self._unsaved.append(entry)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush(), name="flush")

    async def _flush(self) -> None:
        """Retry the waiting writes in order, backing off from ``RETRY_FIRST_S`` to
        ``RETRY_MAX_S``, until they are all stored."""
        delay = RETRY_FIRST_S
        while self._unsaved:
            entry = self._unsaved[0]
            entry.in_flight = True
            try:
                index = await asyncio.to_thread(self._write, entry)
            except _RETRIED:
                entry.in_flight = False
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_S)
                continue
            except SQLAlchemyError as e:
                self._unsaved.pop(0)
                self._failed(entry, e)
                continue
            self._unsaved.pop(0)
            delay = RETRY_FIRST_S
            self._stored(entry, index)

    def _write(self, entry: _Write) -> int:
        """Commit one write; the index of the turn it made or extended."""
        with self._db() as db:
            repo = SessionRepository(db)
            if entry.parent is None:
                index = repo.add_turn(self._session_id, entry.turn,
                                      flow_state=entry.flow_state).index  # fmt: skip
            else:
                parent = entry.parent.stored_index
                if parent is None:
                    raise NoResultFound("the answer this part continues was not stored")
                index = parent
                repo.extend_turn(self._session_id, index, text=entry.turn.text,
                                 end_s=entry.turn.end_s, words=entry.turn.words or [])  # fmt: skip
            db.commit()
        return index

    def _failed(self, entry: _Write, error: Exception) -> None:
        logger.error("could not store a turn: %s", type(error).__name__)
        self.errors.append(f"{entry.turn.speaker} turn not stored: {type(error).__name__}")

    def _stored(self, entry: _Write, index: int) -> None:
        """After ``entry`` is committed: the rehearsal's copy, and a candidate turn measured."""
        turn = entry.turn
        if entry.parent is None:
            entry.stored_index = index
            self.turns.append(StoredTurn(index, turn.speaker, turn.text, turn.start_s,
                                         turn.end_s, turn.latency_s, turn.events,
                                         turn.interrupted))  # fmt: skip
        else:
            for i, stored in enumerate(self.turns):
                if stored.index == index:
                    self.turns[i] = replace(
                        stored, text=f"{stored.text} {turn.text}".strip(),
                        end_s=max(stored.end_s, turn.end_s),
                    )  # fmt: skip
        if turn.speaker != "candidate" or entry.words is None:
            return
        task = asyncio.get_running_loop().create_task(
            self._measure(index, entry.words, entry.text, self._question_end(entry.words))
        )
        self._measuring.add(task)
        task.add_done_callback(self._measuring.discard)
