"""End of turn on recorded human speech, not synthetic voices.

The turn-taking settings (``recruiter_config.settings.TurnSettings``) were set on piper's voice,
whose pauses are the ones a persona script writes. Here recordings of people answer: each answers
one question of the demo role in a headless rehearsal through the whole pipeline (silero VAD,
Whisper, the turn detector, the flow's holds, the LLM, piper), as ``recruiter rehearse
--answers DIR`` runs it. The recordings (``recruiter_config.recordings``: one man speaking
unscripted, at two levels, a lecture, and four people in meetings, each where they speak alone)
come out of source archives on PyPI.

Per recording: its pauses (silences of 0.3 s or more between stretches of speech, by silero VAD
as faster-whisper wraps it, on the recording alone) and the words Whisper heard before each; the
recruiter turns that began inside it (a cut-off: the recruiter spoke into a pause), the candidate
turns it was stored as (more than one: the answer was split), and the time from its end of speech
to the recruiter's first audio (the rehearsal's latency sample for the reply). Results go to
``bench/results/real_speech.json`` and ``.md``.

Usage: ``.venv/bin/python -m bench.real_speech`` (about 20 minutes on 2 cores; the first run
downloads 70 MB).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import platform
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from agent.audio import write_wav
from agent.bootstrap import load_voice_models
from perception.audio_file import read_recording
from recruiter_config.recordings import EXCERPTS, RecordingError, fetch_recordings
from recruiter_config.settings import Settings
from recruiter_devstack.llm_sharing import llm_endpoint
from recruiter_llm.client import OpenAIChatClient
from recruiter_rehearsal.candidates import MIC_RATE, VOICED_LEVEL, speech_stretches
from recruiter_rehearsal.run import RehearsalOptions, RehearsalResult, run_rehearsal

RESULTS = Path(__file__).parent / "results"
PAUSE_S = 0.3  # the shortest silence counted as a pause (the VAD's own min_silence_s)
LONG_PAUSE_S = 1.0
PER_REHEARSAL = 2
RECORDED_S = 10.0  # every recording is longer; the line said when asked again is shorter


@dataclass
class Pause:
    """A silence inside a recording: where it starts (seconds into it), how long, and the last
    words Whisper heard before it."""

    at_s: float
    length_s: float
    before: str


@dataclass
class Answer:
    """One recording as the rehearsal heard it."""

    name: str
    question_id: str
    speech_s: float  # first to last speech (the VAD's)
    pauses: list[Pause]
    candidate_turns: int  # the turns it was stored as
    cut_offs: int  # recruiter turns begun inside it
    reply_s: float | None  # its last word (the VAD's) to the recruiter's next turn
    stored_reply_s: float | None  # the rehearsal's latency for that reply, as stored
    endpointing_s: float | None


def _pauses(stretches: list[tuple[int, int]], words: list[tuple[str, float, float]]) -> list[Pause]:
    """The silences of ``PAUSE_S`` or more between a recording's stretches of speech
    (``speech_stretches``), with the words Whisper heard before each."""
    pauses: list[Pause] = []
    for (_, end), (start, _) in itertools.pairwise(stretches):
        at, length = end / MIC_RATE, (start - end) / MIC_RATE
        if length < PAUSE_S:
            continue
        said = [w for w, _, stop in words if stop <= at + 0.2]
        pauses.append(Pause(round(at, 2), round(length, 2), " ".join(said[-5:])))
    return pauses


def _answers(
    result: RehearsalResult,
    recordings: list[Path],
    audio: dict[Path, np.ndarray],
    stretches: dict[Path, list[tuple[int, int]]],
) -> list[Answer]:
    """Each recording's turns: stored for it, begun by the recruiter inside its speech, and the
    reply after its last word (the VAD's, ``speech_stretches``).

    The answers spoken longer than ``RECORDED_S`` are the recordings, in name order
    (``WavAnswers``); the others are the short line said when the recruiter asks again."""
    # The latency samples are the recruiter turns that answer a candidate turn, in order.
    timed = [t for t in result.turns if t.speaker == "recruiter" and t.latency_s is not None]
    samples = dict(zip((t.index for t in timed), result.latency, strict=True))
    spans = [(a, b) for a, b in zip(result.speech_starts, result.speech_ends, strict=True)
             if b - a > RECORDED_S]  # fmt: skip
    out: list[Answer] = []
    for path, (heard_at, end) in zip(recordings, spans, strict=False):
        # The rehearsal ends an answer at its last speech (the VAD's) and starts it at its first
        # sample over the voiced level, which room noise may put before the first speech.
        first = stretches[path][0][0] if stretches[path] else 0
        voiced = np.flatnonzero(np.abs(audio[path]) > VOICED_LEVEL)
        onset = voiced[0] if voiced.size else first
        start = heard_at + (first - onset) / MIC_RATE  # session seconds
        inside = [t for t in result.turns if start - 0.5 <= t.start_s < end - 0.1]
        reply = next((t for t in result.turns if t.speaker == "recruiter"
                      and t.start_s >= end - 0.1), None)  # fmt: skip
        sample = samples.get(reply.index) if reply is not None else None
        out.append(
            Answer(
                name=path.stem,
                question_id=sample.question_id if sample is not None else "",
                speech_s=round(end - start, 2),
                pauses=[],
                candidate_turns=sum(t.speaker == "candidate" for t in inside),
                cut_offs=sum(t.speaker == "recruiter" for t in inside),
                reply_s=round(reply.start_s - end, 2) if reply is not None else None,
                stored_reply_s=sample.end_of_speech_to_first_audio_s if sample else None,
                endpointing_s=round(sample.endpointing_s, 2)
                if sample and sample.endpointing_s is not None
                else None,
            )
        )
    return out


def _answer_audio(path: Path) -> np.ndarray:
    """A recording as the candidate's answer, mono at ``MIC_RATE``: its ``EXCERPTS`` stretch,
    where one person speaks alone, or all of it."""
    samples = read_recording(path, rate=MIC_RATE).samples
    start, end = EXCERPTS.get(path.stem, (0.0, samples.size / MIC_RATE))
    return samples[round(start * MIC_RATE) : round(end * MIC_RATE)]


async def _bench(settings: Settings, recordings: list[Path]) -> tuple[list[Answer], str]:
    models = load_voice_models(settings)
    audio = {p: _answer_audio(p) for p in recordings}
    stretches = {p: speech_stretches(samples) for p, samples in audio.items()}
    answers: list[Answer] = []
    with llm_endpoint(settings) as endpoint:
        chat = OpenAIChatClient(endpoint)
        try:
            # Two recordings a rehearsal: the first two questions are always asked, while the
            # flow may end the interview before the fourth.
            for at in range(0, len(recordings), PER_REHEARSAL):
                pair = recordings[at : at + PER_REHEARSAL]
                with tempfile.TemporaryDirectory() as folder:
                    for path in pair:
                        write_wav(Path(folder) / path.name, audio[path], MIC_RATE)
                    options = RehearsalOptions(role="demo", answers_dir=Path(folder))
                    result = await run_rehearsal(settings, options, chat=chat, models=models)
                answers += _answers(result, pair, audio, stretches)
                print(f"{', '.join(p.stem for p in pair)}: {len(result.turns)} turns",
                      file=sys.stderr)  # fmt: skip
        finally:
            await chat.aclose()
    by_name = {p.stem: p for p in recordings}
    for answer in answers:
        path = by_name[answer.name]
        said = [(w.word.strip(), w.start_s, w.end_s)
                for w in models.stt.transcribe(audio[path]).words]  # fmt: skip
        answer.pauses = _pauses(stretches[path], said)
    return answers, endpoint.model


def _write(answers: list[Answer], settings: Settings, model: str) -> dict[str, object]:
    pauses = [p for a in answers for p in a.pauses]
    replies = [a.reply_s for a in answers if a.reply_s is not None]
    turn = settings.turn
    summary: dict[str, object] = {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.system()}",
        "llm": model,
        "turn_settings": turn.model_dump(),
        "recordings": len(answers),
        "speech_s": round(sum(a.speech_s for a in answers), 1),
        "pauses": len(pauses),
        "pauses_of_1s_or_more": sum(p.length_s >= LONG_PAUSE_S for p in pauses),
        "longest_pause_s": max((p.length_s for p in pauses), default=None),
        "cut_offs": sum(a.cut_offs for a in answers),
        "answers_split": sum(a.candidate_turns > 1 for a in answers),
        "reply_median_s": round(statistics.median(replies), 2) if replies else None,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "real_speech.json").write_text(
        json.dumps({"summary": summary, "answers": [asdict(a) for a in answers]}, indent=2),
        encoding="utf-8",
    )
    lines = [
        "# End of turn on recorded human speech",
        "",
        f"Taken {summary['taken_at']} on {summary['machine']}; LLM `{model}`. Written by "
        "`python -m bench.real_speech`: recordings of people (source packages on PyPI, see the "
        "script) answer the demo role in a headless rehearsal through the whole pipeline. "
        f"Turn settings: VAD silence {turn.vad_min_silence_s} s, endpointing "
        f"{turn.min_delay_s}-{turn.max_delay_s} s.",
        "",
        f"- recordings: {len(answers)}, {summary['speech_s']} s of speech; pauses of "
        f"{PAUSE_S} s or more inside them: {len(pauses)}, of which {LONG_PAUSE_S:.0f} s or more: "
        f"{summary['pauses_of_1s_or_more']} (longest {summary['longest_pause_s']} s)",
        f"- **recruiter turns begun inside an answer (cut-offs): {summary['cut_offs']}**; "
        f"answers stored as more than one turn: {summary['answers_split']}",
        f"- the answer's last word (the VAD's) to the recruiter's next turn, median: "
        f"**{summary['reply_median_s']} s**",
        "",
        "| recording | question | speech | pauses (>= 1 s) | longest | turns stored | cut-offs "
        "| reply (last word to next turn) | latency stored | endpointing |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for a in answers:
        longest = max((p.length_s for p in a.pauses), default=0.0)
        lines.append(
            f"| {a.name} | {a.question_id} | {a.speech_s} s | {len(a.pauses)} "
            f"({sum(p.length_s >= LONG_PAUSE_S for p in a.pauses)}) | {longest} s "
            f"| {a.candidate_turns} | {a.cut_offs} | {a.reply_s} s | {a.stored_reply_s} s "
            f"| {a.endpointing_s} s |"
        )
    lines += ["", "## Pauses of 0.6 s or more, and the words before them", "",
              "| recording | at | pause | words before |", "|---|---|---|---|"]  # fmt: skip
    for a in answers:
        for p in a.pauses:
            if p.length_s >= 0.6:
                lines.append(f"| {a.name} | {p.at_s} s | {p.length_s} s | {p.before} |")
    (RESULTS / "real_speech.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return summary


def main() -> None:
    """Fetch the recordings, run the rehearsal and write the results."""
    settings = Settings()
    try:
        recordings = fetch_recordings(settings.home / "recordings")
    except RecordingError as e:
        raise SystemExit(str(e)) from e
    answers, model = asyncio.run(_bench(settings, recordings))
    if len(answers) < len(recordings):
        print(f"only {len(answers)} of {len(recordings)} recordings were heard", file=sys.stderr)
    print(json.dumps(_write(answers, settings, model), indent=2))


if __name__ == "__main__":
    main()
