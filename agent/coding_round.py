"""The coding round in a room: the candidate page's editor runs code through the agent.

The page calls two LiveKit RPC methods on the agent (payloads are JSON):

- ``code.run`` ``{"question_id", "language", "code", "submit"}``: the code is judged in the
  sandbox (``recruiter_coding``) on the visible examples, or on submit on the hidden tests, with
  the growth of its running time measured once every hidden test passes, and linted. The run
  is stored (``storage.CodeEvent``), the flow hears it (``CodeRan``: the recruiter says the
  result in a sentence) and the page gets the results back. Hidden tests are reported by count
  and the kind of error only (no message, no output: either could print an input).
- ``code.current`` (no payload): the coding question being asked and the code last stored for
  it, or null: what a page that joins (or reloads, or sees the recruiter come back) opens.
- ``code.event`` ``{"question_id", "kind", ...}``: ``snapshot`` (the code as it is, every few
  seconds while it changes: the report's replay), ``paste`` (``chars`` pasted at once, a signal
  from ``coding.paste_chars`` on) and ``tab-hidden``/``tab-shown`` (the page left or came back).

While a coding question is asked, ``CodingRound.watch`` gives the flow ``CodingStalled`` after
the question's ``stall_s`` (else ``coding.stall_s``) with neither an edit nor a word (stored as
an ``inactivity`` signal too), and ``AnswerOverTime`` once the question's time limit has passed
(``agent.coding_clock``). Signals are for a person to review; nothing is decided from them.
Code and signals are the candidate's data: they are never logged (counts and kinds only) and are
deleted with the session.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from dataclasses import asdict
from typing import Any

from livekit import rtc
from sqlalchemy.orm import Session, sessionmaker

from agent.coding_clock import CodingClock
from agent.interview import Interview
from agent.resume import ResumingInterviewer
from dialogue import CodeRan, CodingStalled, PlannedQuestion
from recruiter_coding import SandboxError
from recruiter_coding.judge import head_and_tail, judge, measure_growth
from recruiter_coding.problems import Problem
from recruiter_coding.quality import QualityError, lint
from recruiter_coding.shape import code_shape
from recruiter_config.settings import CodingSettings
from storage import CodeEvent, CodeEventKind, CodeEventRepository

__all__ = ["CodingRound", "coding_brief", "current_problem", "start_coding_round"]

logger = logging.getLogger("recruiter.coding")

_SIGNALS = ("paste", "tab-hidden", "tab-shown")
# At most this many signals are kept in any _SIGNAL_WINDOW_S (a page cannot flood the store);
# counted as they arrive, so two sent half a second apart and delivered together both count.
_SIGNAL_BURST, _SIGNAL_WINDOW_S = 10, 10.0
_MAX_BYTES = 14_000  # LiveKit's RPC payloads are at most 15 KiB, the JSON around the code too


def current_problem(live: Interview) -> tuple[PlannedQuestion, Problem] | None:
    """The coding question being asked and its problem, or None."""
    state = live.interviewer.state
    if state.current is None:
        return None
    question = state.plan.question(state.current)
    if question.kind != "coding":
        return None
    written = next((q for q in live.source.role.questions if q.id == question.id), None)
    problem = written.coding_problem() if written is not None else None
    return (question, problem) if problem is not None else None


def coding_brief(live: Interview) -> dict[str, str] | None:
    """What the page needs to open its editor on the coding question being asked (the
    question and problem ids; the page fetches the problem itself), or None."""
    found = current_problem(live)
    return None if found is None else {"question_id": found[0].id, "problem": found[1].id}


def start_coding_round(
    room: rtc.Room, live: Interview, db: sessionmaker[Session], settings: CodingSettings,
    candidate: str | None,
) -> set[asyncio.Task[None]]:  # fmt: skip
    """Serve the page's editor in ``room`` and watch the coding questions, when the role has
    any: the watching task (cancel it when the interview ends), else nothing."""
    if not any(q.kind == "coding" for q in live.interviewer.state.plan.questions):
        return set()
    coding = CodingRound(live, db, settings, candidate)
    coding.register(room)
    return {asyncio.create_task(coding.watch(), name="coding-round")}


class CodingRound:
    """Serves one interview's editor and watches its coding questions for stalls and time."""

    def __init__(
        self, live: Interview, db: sessionmaker[Session], settings: CodingSettings,
        candidate: str | None,
    ) -> None:  # fmt: skip
        """``candidate``: the only participant identity whose calls are served (None: any)."""
        self._live = live
        self._db = db
        self._settings = settings
        self._candidate = candidate
        self._last_snapshot: str | None = None
        self._snapshot_at = 0.0  # monotonic time of the last stored snapshot
        self._signals: deque[float] = deque(maxlen=_SIGNAL_BURST)  # when the last were kept
        self._clock = CodingClock(settings.stall_s)
        self._running = asyncio.Lock()  # one run at a time: the sandbox is CPU-bound
        self._saying: set[asyncio.Task[Any]] = set()
        self.runs = 0

    def register(self, room: rtc.Room) -> None:
        """Answer the page's ``code.run`` and ``code.event`` calls in ``room``."""
        room.local_participant.register_rpc_method("code.run", self._on_run)
        room.local_participant.register_rpc_method("code.event", self._on_event)
        room.local_participant.register_rpc_method("code.current", self._on_current)

    async def watch(self) -> None:
        """Until cancelled: stalls and time limits of the coding questions (``CodingClock``)."""
        interviewer, session = self._live.interviewer, self._live.session
        while True:
            await asyncio.sleep(1.0)
            found = current_problem(self._live)
            record = interviewer.state.record()
            asked = None if found is None or record is None or record.stage else found[0]
            heard = self._clock.tick(
                time.monotonic(), asked, away=interviewer.away,
                recruiter_speaking=session.agent_state == "speaking",
                candidate_speaking=session.user_state == "speaking",
                asked_before=self._asked_before,
            )  # fmt: skip
            if isinstance(heard, CodingStalled) and found is not None:
                signal = {"signal": "inactivity", "seconds": round(heard.seconds)}
                await self._store(found[0].id, found[1].id, "signal", detail=signal)
            if heard is not None:
                await interviewer.take(heard)

    def _asked_before(self, question_id: str) -> float:
        """How long ago (s) a resumed interview first asked ``question_id``, as its stored turns
        and clock say (the time the process was down is not counted); 0 for a new question."""
        interviewer = self._live.interviewer
        resumed = interviewer.resumption if isinstance(interviewer, ResumingInterviewer) else None
        asked_s = resumed.asked_s.get(question_id) if resumed is not None else None
        return 0.0 if asked_s is None else max(0.0, time.time() - self._live.t0 - asked_s)

    def _caller_ok(self, data: rtc.RpcInvocationData) -> bool:
        return self._candidate is None or data.caller_identity == self._candidate

    def _request(self, data: rtc.RpcInvocationData) -> tuple[dict[str, Any], Any]:
        """The call's JSON and the coding question it is about; raises RpcError otherwise."""
        if not self._caller_ok(data):
            raise rtc.RpcError(rtc.RpcError.ErrorCode.APPLICATION_ERROR, "not your interview")
        try:
            request = json.loads(data.payload)
            if not isinstance(request, dict):
                raise ValueError("not an object")
        except ValueError as e:
            raise rtc.RpcError(rtc.RpcError.ErrorCode.APPLICATION_ERROR, "not JSON") from e
        found = current_problem(self._live)
        if found is None or request.get("question_id") != found[0].id:
            raise rtc.RpcError(rtc.RpcError.ErrorCode.APPLICATION_ERROR,
                               "this problem is no longer being asked")  # fmt: skip
        code = request.get("code", "")
        limit = self._settings.max_code_chars
        if not isinstance(code, str) or len(code) > limit or len(code.encode()) > _MAX_BYTES:
            raise rtc.RpcError(rtc.RpcError.ErrorCode.APPLICATION_ERROR,
                               f"code is limited to {self._settings.max_code_chars} "
                               "characters")  # fmt: skip
        return request, found

    async def _on_current(self, data: rtc.RpcInvocationData) -> str:
        """The coding question being asked and the code last stored for it (a recruiter
        resumed after a crash, or a page that missed the question's start, opens the editor
        where the candidate was)."""
        if not self._caller_ok(data):
            raise rtc.RpcError(rtc.RpcError.ErrorCode.APPLICATION_ERROR, "not your interview")
        brief: dict[str, Any] | None = coding_brief(self._live)
        if brief is None or self._live.interviewer.state.record() is None:
            return "null"
        stored = [e for e in await asyncio.to_thread(self._events)
                  if e.question_id == brief["question_id"] and e.code is not None]  # fmt: skip
        if stored:
            brief |= {"language": stored[-1].language, "code": stored[-1].code}
            self._last_snapshot = stored[-1].code
        return json.dumps(brief)

    async def _on_event(self, data: rtc.RpcInvocationData) -> str:
        request, (question, problem) = self._request(data)
        kind = request.get("kind")
        now = time.monotonic()
        if kind == "snapshot":
            code, language = str(request.get("code", "")), request.get("language")
            if language not in problem.function:
                raise rtc.RpcError(rtc.RpcError.ErrorCode.APPLICATION_ERROR, "unknown language")
            # At most one a second (the page sends one every five while the code changes).
            if code != self._last_snapshot and now - self._snapshot_at >= 1.0:
                self._last_snapshot, self._snapshot_at = code, now
                self._clock.active(now)
                await self._store(question.id, problem.id, "snapshot", str(language), code)
        elif kind in _SIGNALS:
            flooding = len(self._signals) == _SIGNAL_BURST
            if flooding and now - self._signals[0] < _SIGNAL_WINDOW_S:
                return "{}"
            detail: dict[str, Any] = {"signal": kind}
            if kind == "paste":
                chars = request.get("chars")
                if not isinstance(chars, int) or chars < self._settings.paste_chars:
                    return "{}"
                detail["chars"] = chars
            self._signals.append(now)
            await self._store(question.id, problem.id, "signal", detail=detail)
        return "{}"

    async def _on_run(self, data: rtc.RpcInvocationData) -> str:
        request, (question, problem) = self._request(data)
        language, code = request.get("language"), str(request.get("code", ""))
        submit = bool(request.get("submit"))
        if language not in problem.function:
            raise rtc.RpcError(rtc.RpcError.ErrorCode.APPLICATION_ERROR,
                               f"this problem is in {', '.join(problem.function)}")  # fmt: skip
        if self._running.locked():  # one at a time: a second click waits for nothing
            raise rtc.RpcError(rtc.RpcError.ErrorCode.APPLICATION_ERROR,
                               "a run is still going; wait for its results")  # fmt: skip
        self._clock.active(time.monotonic())
        at_s = time.time() - self._live.t0
        try:
            async with self._running:
                result = await _judged(problem, str(language), code, submit)
        except SandboxError as e:
            logger.error("the sandbox could not run the code: %s", type(e).__name__)
            raise rtc.RpcError(rtc.RpcError.ErrorCode.APPLICATION_ERROR,
                               "the code could not be run; please try again") from e  # fmt: skip
        self.runs += 1
        await self._store(question.id, problem.id, "submit" if submit else "run", str(language),
                          code, detail=result)  # fmt: skip
        logger.info("code %s: %d of %d passed", "submit" if submit else "run",
                    result["passed"], result["total"])  # fmt: skip
        growth = result.get("growth") or {}
        # What the code does, for the question about its complexity (a submit that may pass).
        shape = await asyncio.to_thread(code_shape, str(language), code) if submit else None
        event = CodeRan(
            question.id, submit, result["passed"], result["total"], at_s,
            stopped=result["stopped"], growth=growth.get("exponent"),
            expected_growth=problem.exponent, complexity=problem.complexity,
            missed_edges=tuple(result.get("missed_edges") or ()),
            loop_depth=shape.loop_depth if shape else None,
            loops=shape.loops if shape else 0, sorts=bool(shape and shape.sorts),
            sort_in_loop=bool(shape and shape.sort_in_loop), hashes=bool(shape and shape.hashes),
        )  # fmt: skip
        # Said once the page has the results (the call returns first).
        task = asyncio.create_task(self._live.interviewer.take(event), name="code-result")
        self._saying.add(task)
        task.add_done_callback(self._saying.discard)
        return json.dumps(_shown(result))

    def _events(self) -> list[CodeEvent]:
        with self._db() as s:
            return CodeEventRepository(s).for_session(self._live.session_id)

    async def _store(
        self, question_id: str, problem_id: str, kind: CodeEventKind,
        language: str | None = None, code: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        """Store one event off the event loop (the voice pipeline's)."""
        await asyncio.to_thread(self._write, question_id, problem_id, kind, language, code, detail)

    def _write(
        self, question_id: str, problem_id: str, kind: CodeEventKind, language: str | None,
        code: str | None, detail: dict[str, Any] | None,
    ) -> None:  # fmt: skip
        with self._db() as s:
            CodeEventRepository(s).add(
                self._live.session_id, question_id=question_id, problem_id=problem_id,
                at_s=time.time() - self._live.t0, kind=kind, language=language, code=code,
                detail=detail,
            )  # fmt: skip
            s.commit()


async def _judged(problem: Problem, language: str, code: str, submit: bool) -> dict[str, Any]:
    """The results the page shows and the report keeps (JSON-ready).

    Raises:
        SandboxError: the sandbox cannot run.
    """
    cases = problem.tests if submit else problem.examples
    verdict = await judge(problem, language, code, list(cases))
    shown, missed = [], []
    for result, case in zip(verdict.results, cases, strict=True):
        item: dict[str, Any] = {"passed": result.passed, "error": result.error}
        # An edge failed, not one left unrun after an earlier case stopped the program.
        ran = not (result.error or "").startswith("not run")
        if submit and not result.passed and ran and case.edge:
            missed.append(case.edge)
        if not submit:  # examples are shown with what came back; hidden tests are not
            item |= {"args": case.args, "expected": case.expected, "got": result.got}
        shown.append(item)
    out: dict[str, Any] = {
        "submit": submit, "passed": verdict.passed, "total": len(cases), "cases": shown,
        "stopped": verdict.stopped, "stderr": head_and_tail(verdict.stderr), "growth": None,
        "lint": None, "missed_edges": missed,
    }  # fmt: skip
    if submit and verdict.all_passed:
        growth = await measure_growth(problem, language, code)
        out["growth"] = {**asdict(growth), "as_expected": growth.as_expected,
                         "complexity": problem.complexity}  # fmt: skip
    try:
        found = await asyncio.to_thread(lint, language, code)
    except QualityError:
        out["lint_failed"] = True  # the report says the linter did not run
    else:
        out["lint"] = None if found is None else [asdict(f) for f in found]
    return out


def _shown(result: dict[str, Any]) -> dict[str, Any]:
    """What the page gets of a run's results: on a submit, nothing of the hidden tests but
    each one's outcome and the kind of error (its message, like stderr, could print the
    test's input); the stored event keeps it all for the report."""
    if not result["submit"]:
        return result
    cases = [{"passed": c["passed"], "error": (c["error"] or "").split(":")[0] or None}
             for c in result["cases"]]  # fmt: skip
    kept = {k: v for k, v in result.items() if k != "missed_edges"}  # names hidden inputs
    return {**kept, "cases": cases, "stderr": ""}
