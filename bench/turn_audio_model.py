"""Audio end-of-turn model benchmark: would Smart Turn v3.2 shorten holds without cutting answers?

The session holds a turn 1.5 s (``turn.max_delay_s``) when the text end-of-turn model (LiveKit's
``v1-mini``) finds an end unlikely; on long answers it sometimes does at a true end. Pipecat's
Smart Turn v3.2 (BSD-2, an 8.7 MB ONNX model in the ``pipecat-ai==1.14.0`` wheel) reads the audio
instead of the words, and could release such holds: a hold would be cut to the 0.8 s minimum
where the audio model calls the end complete. That helps only if it tells true ends from
thinking pauses.

This measures that on the simulated candidates every rehearsal uses: each answer of every
shipped persona (all roles) is synthesized as the rehearsal synthesizes it, and the model is
asked at every thinking pause (``[pause N]`` in the persona's text: the answer goes on) and at
the end of every answer, each time on the last 8 s of audio with 0.3 s of silence after the
speech (the VAD's minimum silence, when livekit-agents asks its end-of-turn model).

Features: faster-whisper's log-mel extractor over 8 s with the waveform normalised to zero mean
and unit variance, which is what the model was trained on (``WhisperFeatureExtractor(
chunk_length=8, do_normalize=True)``; on a 6 s answer padded to 8 s it matched pipecat's own
extractor to 1e-6).

Results go to ``bench/results/turn_audio_model.json`` and ``.md``. Usage:
``.venv/bin/recruiter models install --only smart-turn-v3.2`` once, then
``.venv/bin/python -m bench.turn_audio_model``.
"""

from __future__ import annotations

import json
import platform
import re
import sys
import time
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import yaml
from faster_whisper.feature_extractor import FeatureExtractor

from agent.tts_piper import load_voice
from recruiter_config.assets import AssetError, require_asset
from recruiter_config.settings import Settings
from recruiter_rehearsal.candidates import MIC_RATE, CandidateVoice

RESULTS = Path(__file__).parent / "results"
WINDOW_S = 8  # the model's input: the last 8 s of audio (Smart Turn v3's model card)
SILENCE_S = 0.3  # turn.vad_min_silence_s: the silence after which the end of turn is judged
COMPLETE = 0.5  # the model's own decision threshold (probability of a complete turn)
_PAUSE = re.compile(r"\[pause\s+\d+(?:\.\d+)?\]")


class SmartTurn:
    """Smart Turn v3.2 on 16 kHz mono float audio."""

    def __init__(self, model_path: Path) -> None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self._features = FeatureExtractor(feature_size=80, chunk_length=WINDOW_S)

    def probability(self, audio: np.ndarray) -> float:
        """Probability (0-1) that the turn is complete, from the last 8 s of ``audio``.

        ``audio``: shape (n,), float32 at 16 kHz; shorter audio is padded with leading zeros.
        """
        n = WINDOW_S * MIC_RATE
        window = audio[-n:].astype(np.float32)
        if window.size < n:
            window = np.pad(window, (n - window.size, 0))
        window = (window - window.mean()) / np.sqrt(window.var() + 1e-7)
        mel = self._features(window, padding=0)
        out = self._session.run(None, {"input_features": mel[None].astype(np.float32)})
        return float(np.asarray(out[0]).ravel()[0])


def _spoken(voice: CandidateVoice, text: str) -> np.ndarray:
    """``text`` as the rehearsal speaks it, cut 0.3 s after its last voiced sample."""
    answer = voice.render(text)
    return np.concatenate(
        [answer.samples[: answer.voiced_end], np.zeros(int(SILENCE_S * MIC_RATE), np.float32)]
    )


def _answers() -> list[tuple[str, str, str]]:
    """(role, persona, answer text) for every answer of every shipped persona."""
    found = []
    folder = Path(str(resources.files("recruiter_rehearsal").joinpath("personas")))
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, persona in data["personas"].items():
            for text in persona["answers"].values():
                for one in text if isinstance(text, list) else [text]:
                    found.append((data["role"], name, one.strip()))
    return found


def _share(values: list[float]) -> float:
    return round(sum(v > COMPLETE for v in values) / len(values), 3) if values else 0.0


def measure(model: SmartTurn, voice: CandidateVoice) -> dict[str, Any]:
    """Probabilities at every thinking pause and every end of answer, with the time per call."""
    ends: list[float] = []
    pauses: list[dict[str, Any]] = []
    calls: list[float] = []
    for role, persona, text in _answers():
        for mark in _PAUSE.finditer(text):
            before = text[: mark.start()]
            started = time.perf_counter()
            p = model.probability(_spoken(voice, before))
            calls.append(time.perf_counter() - started)
            words = _PAUSE.sub(" ", before).split()
            pauses.append({"role": role, "persona": persona, "p": round(p, 3),
                           "before": " ".join(words[-6:])})  # fmt: skip
        ends.append(model.probability(_spoken(voice, text)))
    pause_p = [x["p"] for x in pauses]
    return {
        "ends": len(ends),
        "pauses": len(pauses),
        "ends_complete": _share(ends),
        "pauses_complete": _share(pause_p),
        "ends_quartiles": [round(float(q), 3) for q in np.quantile(ends, [0.25, 0.5, 0.75])],
        "pauses_quartiles": [round(float(q), 3) for q in np.quantile(pause_p, [0.25, 0.5, 0.75])],
        "ms_per_call": round(1000 * float(np.median(calls)), 1),
        "pause_rows": pauses,
    }


def _markdown(r: dict[str, Any]) -> str:
    lines = [
        "# Audio end-of-turn model (Smart Turn v3.2) on the simulated candidates",
        "",
        f"Taken {r['taken']} on {r['machine']}; every answer of every shipped persona, synthesized "
        "as rehearsals speak it; the model asked 0.3 s after the speech stops.",
        "",
        "| where | count | called complete (p > 0.5) | p quartiles |",
        "|---|---|---|---|",
        f"| end of answer | {r['ends']} | {r['ends_complete']:.0%} | "
        f"{' / '.join(str(q) for q in r['ends_quartiles'])} |",
        f"| thinking pause (the answer goes on) | {r['pauses']} | {r['pauses_complete']:.0%} | "
        f"{' / '.join(str(q) for q in r['pauses_quartiles'])} |",
        "",
        f"Median time per call: {r['ms_per_call']} ms (one thread).",
        "",
        "Used to release the text model's hold where it calls the end complete, it would release "
        f"{r['pauses_complete']:.0%} of thinking pauses (a cut-off wherever the words do not hold "
        f"the turn) for {r['ends_complete']:.0%} of true ends. It is not used: on this audio it "
        "does not tell a thinking pause from an end. Each piece of a persona's answer is "
        "synthesized alone, so it ends with a statement's falling pitch; recorded speech may "
        "differ, and none ships here to measure it on.",
        "",
        "## Thinking pauses",
        "",
        "| role | persona | p | last words before the pause |",
        "|---|---|---|---|",
    ]
    lines += [f"| {x['role']} | {x['persona']} | {x['p']} | {x['before']} |"
              for x in r["pause_rows"]]  # fmt: skip
    return "\n".join(lines) + "\n"


def main() -> int:
    """Run the measurement and write the results; 1 when the model asset is not installed."""
    settings = Settings()
    try:
        path = require_asset(settings.models_dir, "smart-turn-v3.2")
    except AssetError as e:
        print(e, file=sys.stderr)
        return 1
    voice = CandidateVoice(load_voice(settings.models_dir / "piper-joe/en_US-joe-medium.onnx"))
    result = {
        "taken": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
        **measure(SmartTurn(path), voice),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "turn_audio_model.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "turn_audio_model.md").write_text(_markdown(result))
    print(_markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
