"""Perception benchmark: cost per minute of audio and per webcam frame, and how well it measures.

Measured in one run on this machine:

- CPU seconds per minute of candidate audio for the full per-answer pass (pace, pauses,
  fillers, level, pitch, spelling) and for the cheap pass used for live cues. STT is not
  counted: the voice pipeline transcribes anyway.
- Milliseconds per 640x480 webcam frame for the face landmarker, alone and while Whisper
  transcribes on another thread (the pipeline's heaviest neighbour).
- The share of two cores that perception needs for a live interview (audio analysis plus
  five frames a second): it keeps up with real time when the share is well under 1.
- Filler recall with and without the verbatim prompt, false fillers on clean speech, and the
  pace measured on speech synthesized at known rates.
- Face sizes: the share of frames where a frontal face of 6-30% of the frame's height is found,
  at 4:3, 16:9 and portrait, by the landmarker alone and with the search (the squares of
  ``perception.face_search.face_crops``, then the frame upside down), upright and upside down (a
  camera mounted the wrong way up), and what a frame with no face costs each way.

Results go to ``bench/results/perception.json`` and ``.md``.
Usage: ``.venv/bin/python -m bench.perception`` from the repository root (or ``make bench``);
it reuses the test suite's speech texts and webcam video.
"""

from __future__ import annotations

import json
import platform
import re
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from piper import SynthesisConfig

from agent.audio import resample
from agent.stt_whisper import WhisperOptions, WhisperSTT
from agent.tts_piper import load_voice, pcm_to_float, synthesize_pcm
from perception import FaceAnalyzer, Frame, measure_answer
from recruiter_config.assets import require_asset
from recruiter_config.settings import Settings
from recruiter_rehearsal.candidates import CandidateVoice
from tests.integration.test_perception_audio import INSERTED, TEXT, WITH_FILLERS
from tests.webcam_video import face_frame, steady_frames

RESULTS = Path(__file__).parent / "results"
RATE = 16000
FPS = 5.0
CLEAN = [
    "I have worked for three years on the help desk of an online bookshop.",
    "Last spring a customer wrote in because his order had been lost twice.",
    "We split the monolith into three services and moved the billing jobs onto a queue.",
    "The hardest part was agreeing on the data model with the mobile team.",
]
_FILLER = re.compile(r"\b(um+|uh+|er+m?|hmm+|ah+)\b")


def _words(stt: WhisperSTT, audio: np.ndarray) -> tuple[list[dict[str, Any]], str]:
    heard = stt.transcribe(audio)
    return list(heard.words), heard.text


def audio_cost(stt: WhisperSTT, voice: CandidateVoice) -> dict[str, float]:
    """CPU seconds per minute of audio for the full and the cheap per-answer pass."""
    audio = voice.render(f"{TEXT} [pause 1.5] {TEXT} [pause 0.8] {TEXT}").samples
    words, text = _words(stt, audio)
    minutes = audio.size / RATE / 60.0
    measure_answer(words, transcript=text, audio=audio)  # warm: the spelling dictionary loads
    out: dict[str, float] = {"audio_minutes": round(minutes, 2)}
    for name, full in (("full", True), ("cheap", False)):
        runs = []
        for _ in range(5):
            t = time.process_time()
            measure_answer(words, transcript=text, audio=audio, prosody=full, language=full)
            runs.append(time.process_time() - t)
        out[f"{name}_cpu_s_per_audio_min"] = round(statistics.median(runs) / minutes, 4)
    return out


def frame_cost(model: Path, stt: WhisperSTT, voice: CandidateVoice) -> dict[str, float]:
    """Milliseconds per frame, alone and with Whisper transcribing beside it."""
    frames = [Frame(i / FPS, rgb) for i, rgb in enumerate(steady_frames())][:60]
    busy_audio = voice.render(TEXT).samples
    with FaceAnalyzer(model) as face:
        face.observe(frames[0])  # warm
        t = time.perf_counter()
        for frame in frames:
            face.observe(frame)
        alone = (time.perf_counter() - t) / len(frames) * 1000
        stop = threading.Event()

        def transcribe() -> None:
            while not stop.is_set():
                stt.transcribe(busy_audio)

        worker = threading.Thread(target=transcribe)
        worker.start()
        time.sleep(0.5)
        t = time.perf_counter()
        for frame in frames:
            face.observe(frame)
        loaded = (time.perf_counter() - t) / len(frames) * 1000
        stop.set()
        worker.join()
    return {"frames": len(frames), "ms_per_frame": round(alone, 1),
            "ms_per_frame_beside_whisper": round(loaded, 1)}  # fmt: skip


def filler_recall(model_dir: Path, voice: CandidateVoice, takes: int) -> dict[str, Any]:
    """Fillers found of those spoken, with and without the verbatim prompt."""
    out: dict[str, Any] = {"spoken": INSERTED * takes}
    rendered = [[voice.render(t).samples for t in WITH_FILLERS] for _ in range(takes)]
    clean = [voice.render(t).samples for t in CLEAN]
    for verbatim in (False, True):
        stt = WhisperSTT(WhisperOptions(model_dir=model_dir, verbatim=verbatim))
        found = 0
        for take in rendered:
            for audio in take:
                words, text = _words(stt, audio)
                found += min(
                    measure_answer(words, transcript=text, language=False).speech.fillers,
                    INSERTED,
                )
        false = sum(len(_FILLER.findall(stt.transcribe(a).text.lower())) for a in clean)
        key = "verbatim" if verbatim else "default"
        out[key] = {"found": found, "recall": round(found / (INSERTED * takes), 2),
                    "false_fillers_on_clean": false}  # fmt: skip
    return out


def pace_accuracy(stt: WhisperSTT, piper_voice: Any) -> list[dict[str, float]]:
    """Measured against true words per minute at four speaking rates."""
    rows = []
    n = len(TEXT.split())
    for scale in (0.8, 1.0, 1.3, 1.7):
        pcm = b"".join(synthesize_pcm(piper_voice, TEXT, SynthesisConfig(length_scale=scale)))
        speech = resample(pcm_to_float(pcm), piper_voice.config.sample_rate, RATE)
        truth = n * 60.0 / (speech.size / RATE)
        padded = np.concatenate([np.zeros(RATE), speech, np.zeros(RATE)])
        words, text = _words(stt, padded)
        got = measure_answer(words, transcript=text, audio=padded).speech.words_per_minute or 0.0
        rows.append({"length_scale": scale, "true_wpm": round(truth, 1), "measured_wpm": got,
                     "ratio": round(got / truth, 3)})  # fmt: skip
    return rows


FRAME_SIZES = ((640, 480), (1280, 720), (1920, 1080), (720, 1280))
FACE_SIZES = (0.06, 0.08, 0.10, 0.12, 0.14, 0.16, 0.18, 0.20, 0.24, 0.30)
PLACES = [(cx, cy) for cx in (0.3, 0.5, 0.7) for cy in (0.35, 0.5)]


def face_sizes(model: Path) -> dict[str, Any]:
    """Share of frames with the face found, per frame size and face height, each way."""
    out: dict[str, Any] = {"face_sizes": list(FACE_SIZES), "places": len(PLACES), "frames": {}}
    ways = (("landmarker_alone", False, False), ("with_search", True, False),
            ("upside_down_with_search", True, True))  # fmt: skip
    for way, search, upside_down in ways:
        with FaceAnalyzer(model, search_crops=search) as face:
            for width, height in FRAME_SIZES:
                row = out["frames"].setdefault(f"{width}x{height}", {})
                found = []
                for size in FACE_SIZES:
                    hits = 0
                    for cx, cy in PLACES:
                        image = face_frame(width, height, size, cx, cy)
                        if upside_down:  # a camera mounted the wrong way up
                            image = np.ascontiguousarray(image[::-1, ::-1])
                        hits += face.observe(Frame(0.0, image)).faces > 0
                    found.append(round(hits / len(PLACES), 2))
                empty = Frame(0.0, np.full((height, width, 3), 90, np.uint8))
                face.observe(empty)
                t = time.perf_counter()
                for _ in range(10):
                    face.observe(empty)
                ms = (time.perf_counter() - t) / 10 * 1000
                row[way] = {"found": found, "ms_no_face": round(ms, 1)}
    return out


def _face_size_lines(r: dict[str, Any]) -> list[str]:
    sizes = r["face_sizes"]
    head = " | ".join(f"{s:.0%}" for s in sizes)
    lines = [
        "",
        "## Faces of every size (frontal face, share of frames found)",
        "",
        f"Face height as a share of the frame's height, {r['places']} places per size. The product "
        "reads cues from a face of 12% (`SMALL_FACE`); under it the face counts as present.",
        "",
        f"| frame | search | {head} | ms per frame with no face |",
        "|---|---|" + "---|" * len(sizes) + "---|",
    ]
    for frame, ways in r["frames"].items():
        for way, v in ways.items():
            cells = " | ".join(f"{x:.2f}" for x in v["found"])
            lines.append(f"| {frame} | {way.replace('_', ' ')} | {cells} | {v['ms_no_face']} |")
    return lines


def _markdown(r: dict[str, Any]) -> str:
    a, f, load = r["audio"], r["frames"], r["live_load"]
    fill = r["fillers"]
    lines = [
        "# Perception benchmark",
        "",
        f"{r['when']} · {r['machine']} · `bench/perception.py`",
        "",
        "## Cost",
        "",
        "| what | value |",
        "|---|---|",
        f"| full answer pass, CPU s per minute of audio | {a['full_cpu_s_per_audio_min']} |",
        f"| cheap pass (live cues), CPU s per minute of audio | {a['cheap_cpu_s_per_audio_min']} |",
        f"| face landmarker, ms per 640x480 frame | {f['ms_per_frame']} |",
        f"| ... while Whisper transcribes beside it | {f['ms_per_frame_beside_whisper']} |",
        f"| live load at {FPS:.0f} fps, share of one core | {load['share_of_one_core']} |",
        f"| live load, share of the machine's 2 cores | {load['share_of_two_cores']} |",
        "",
        "The live load is the contended frame time times the frame rate plus the audio pass per "
        "second of speech: perception keeps up with real time when it is well under 1.",
        "",
        "## Fillers (simulated candidate voice, Whisper tiny.en)",
        "",
        "| transcription | found / spoken | recall | false fillers on clean speech |",
        "|---|---|---|---|",
    ]
    for key in ("default", "verbatim"):
        v = fill[key]
        lines.append(f"| {key} | {v['found']} / {fill['spoken']} | {v['recall']} |"
                     f" {v['false_fillers_on_clean']} |")  # fmt: skip
    lines += ["", "## Pace at known rates", "", "| length scale | true wpm | measured | ratio |",
              "|---|---|---|---|"]  # fmt: skip
    for row in r["pace"]:
        lines.append(f"| {row['length_scale']} | {row['true_wpm']} | {row['measured_wpm']} |"
                     f" {row['ratio']} |")  # fmt: skip
    lines += _face_size_lines(r["faces"])
    return "\n".join(lines) + "\n"


def main() -> int:
    """Run every measurement and write the results."""
    settings = Settings()
    models = settings.models_dir
    piper_voice = load_voice(require_asset(models, "piper-joe") / "en_US-joe-medium.onnx")
    voice = CandidateVoice(piper_voice)
    whisper_dir = require_asset(models, "whisper-tiny.en")
    stt = WhisperSTT(WhisperOptions(model_dir=whisper_dir))
    audio = audio_cost(stt, voice)
    frames = frame_cost(require_asset(models, "face-landmarker"), stt, voice)
    per_second = frames["ms_per_frame_beside_whisper"] / 1000 * FPS
    per_second += audio["full_cpu_s_per_audio_min"] / 60
    result = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, 2 cores",
        "audio": audio,
        "frames": frames,
        "live_load": {
            "share_of_one_core": round(per_second, 3),
            "share_of_two_cores": round(per_second / 2, 3),
        },
        "fillers": filler_recall(whisper_dir, voice, takes=3),
        "pace": pace_accuracy(stt, piper_voice),
        "faces": face_sizes(require_asset(models, "face-landmarker")),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "perception.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "perception.md").write_text(_markdown(result))
    print(_markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
