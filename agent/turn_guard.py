"""Hold the turn while the candidate thinks: a longer endpointing delay after unfinished speech.

The turn detector already tells most thinking pauses from real ends; this covers the rest. When
the transcript so far ends in "let me think", "um" or a dangling word, or is too short to answer
the question being asked (a story question answered in a few words), the minimum endpointing
delay is raised for this turn only, and restored once the turn completes.
"""

from __future__ import annotations

from collections.abc import Callable

from livekit.agents import AgentSession, llm
from livekit.agents.voice.events import ConversationItemAddedEvent, UserInputTranscribedEvent

from dialogue import sounds_unfinished
from recruiter_config.settings import TurnSettings

__all__ = ["ThinkingPauseGuard"]


class ThinkingPauseGuard:
    """Switches the session's endpointing between its normal and its thinking delay."""

    def __init__(
        self,
        session: AgentSession[None],
        turn: TurnSettings,
        too_short: Callable[[str], bool] | None = None,
    ) -> None:
        """``too_short(answer so far)`` says the words cannot yet answer the current question."""
        self._session = session
        self._turn = turn
        self._too_short = too_short
        self._heard: list[str] = []
        self._extended = False
        self.extensions = 0

    def attach(self) -> None:
        """Start following the session's transcripts."""
        self._session.on("user_input_transcribed", self._on_transcript)
        self._session.on("conversation_item_added", self._on_item)

    def _set(self, extended: bool) -> None:
        if extended == self._extended:
            return
        self._extended = extended
        self.extensions += extended
        delay = self._turn.thinking_delay_s if extended else self._turn.min_delay_s
        self._session.update_options(
            endpointing_opts={"min_delay": delay, "max_delay": max(delay, self._turn.max_delay_s)}
        )

    def _on_transcript(self, event: UserInputTranscribedEvent) -> None:
        if not event.is_final:
            return
        self._heard.append(event.transcript)
        heard = " ".join(self._heard)
        self._set(
            sounds_unfinished(heard) or (self._too_short is not None and self._too_short(heard))
        )

    def _on_item(self, event: ConversationItemAddedEvent) -> None:
        if isinstance(event.item, llm.ChatMessage) and event.item.role == "user":
            self._heard.clear()
            self._set(False)
