"""Narrowband benchmark: the same spoken answers heard from a microphone and over a phone line.

Each answer is synthesized once (piper joe at the candidate's two pitches) and heard two ways:
wideband (16 kHz, as a browser microphone sends it) and through a G.711 line (8 kHz mu-law and
back, ``tests.telephone``). For each STT model installed, it measures in one run:

- WER against the text that was spoken, per way, and their ratio (narrowband / wideband);
- the pace error: measured words per minute over the true rate, on the pace texts of the
  perception tests spoken at four known rates;
- the real-time factor of the transcription;
- interview codes said over the line to the phone desk (tiny.en with the desk's digits prompt):
  the share read right as one utterance and as two (the VAD cuts at the pause between the groups
  of four), and the share the desk opens with ``code_candidates`` (a repeated digit heard once
  too often or too few times).

Results go to ``bench/results/narrowband.json`` and ``.md``.
Usage: ``.venv/bin/python -m bench.narrowband`` (about 3 minutes on 2 cores).
"""

from __future__ import annotations

import json
import platform
import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from piper import SynthesisConfig

from agent.audio import resample
from agent.phone_desk import DIGITS_PROMPT
from agent.stt_whisper import WhisperOptions, WhisperSTT
from agent.tts_piper import load_voice, pcm_to_float, synthesize_pcm
from perception import measure_answer
from recruiter_config.settings import Settings
from recruiter_phone.codes import code_candidates, read_out, said_code_part
from recruiter_rehearsal.candidates import CandidateVoice
from tests.integration.speech import word_error_rate
from tests.integration.test_perception_audio import TEXT
from tests.telephone import over_the_phone

RESULTS = Path(__file__).parent / "results"
RATE = 16000
ANSWERS = 16  # the better answers of the first pairs of the validity set: varied, spoken-style
MODELS = ("whisper-tiny.en", "whisper-base")
CODES = 100  # random eight-digit codes, seeded


def _answers() -> list[str]:
    path = Path(__file__).parents[1] / "tests/fixtures/validity/pairs.yaml"
    pairs = yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]
    return [" ".join(p["better"].split()) for p in pairs[:ANSWERS]]


def _pace_audio(voice: Any, scale: float) -> np.ndarray:
    pcm = b"".join(synthesize_pcm(voice, TEXT, SynthesisConfig(length_scale=scale)))
    return resample(pcm_to_float(pcm), voice.config.sample_rate, RATE)


def _bench(settings: Settings) -> dict[str, Any]:
    voice = load_voice(settings.models_dir / "piper-joe/en_US-joe-medium.onnx")
    speakers = [CandidateVoice(voice, shift=1.0), CandidateVoice(voice, shift=1.3)]
    texts = _answers()
    spoken = [speakers[i % 2].render(t).samples for i, t in enumerate(texts)]
    pace = {s: _pace_audio(voice, s) for s in (0.8, 1.0, 1.3, 1.7)}
    results: dict[str, Any] = {}
    for model in MODELS:
        model_dir = settings.models_dir / model
        if not model_dir.is_dir():
            continue
        stt = WhisperSTT(WhisperOptions(model_dir=model_dir, language="en"))
        row: dict[str, Any] = {}
        for way, hear in (("wideband", lambda a: a), ("narrowband", over_the_phone)):
            audio = [hear(a) if way == "wideband" else hear(a, RATE) for a in spoken]
            start = time.process_time()
            heard = [stt.transcribe(a).text for a in audio]
            cpu = time.process_time() - start
            wers = [word_error_rate(t, h) for t, h in zip(texts, heard, strict=True)]
            errors = []
            for speech in pace.values():
                line = speech if way == "wideband" else over_the_phone(speech, RATE)
                padded = np.concatenate([np.zeros(RATE), line, np.zeros(RATE)])
                said = stt.transcribe(padded)
                m = measure_answer(list(said.words), transcript=said.text, audio=padded, rate=RATE)
                wpm = m.speech.words_per_minute
                true = len(TEXT.split()) * 60.0 / (speech.size / RATE)  # piper's audio is speech
                if wpm is not None:
                    errors.append(abs(wpm / true - 1))
            row[way] = {
                "wer_mean": round(float(np.mean(wers)), 3),
                "wer_max": round(max(wers), 3),
                "pace_error_mean": round(statistics.mean(errors), 3) if errors else None,
                "real_time_factor": round(cpu / (sum(a.size for a in audio) / RATE), 3),
            }
        wide = row["wideband"]["wer_mean"]
        row["wer_ratio"] = round(row["narrowband"]["wer_mean"] / wide, 2) if wide else None
        results[model] = row
    return {"answers": len(texts), "models": results}


def _spoken_codes(settings: Settings) -> dict[str, Any]:
    """Codes said in two groups of four over G.711, read by the phone desk's recogniser."""
    voice = CandidateVoice(load_voice(settings.models_dir / "piper-joe/en_US-joe-medium.onnx"))
    stt = WhisperSTT(WhisperOptions(model_dir=settings.models_dir / "whisper-tiny.en"))
    desk = stt.with_prompt(DIGITS_PROMPT)
    rng = random.Random(17)
    whole = split = opened = 0
    misread: list[dict[str, str]] = []
    for _ in range(CODES):
        code = "".join(rng.choice("0123456789") for _ in range(8))
        first, second = read_out(code[:4]) + ",", read_out(code[4:]) + "."
        heard_whole = said_code_part(desk.transcribe(_line(voice, f"{first} {second}")).text)
        heard = "".join(said_code_part(desk.transcribe(_line(voice, g)).text)
                        for g in (first, second))  # fmt: skip
        whole += heard_whole == code
        split += heard == code
        opened += code in code_candidates(heard, 8)
        if heard != code:
            misread.append({"code": code, "heard": heard})
    return {"codes": CODES, "read_right_whole": round(whole / CODES, 3),
            "read_right_in_two": round(split / CODES, 3),
            "opened_in_two": round(opened / CODES, 3), "misread_in_two": misread}  # fmt: skip


def _line(voice: CandidateVoice, text: str) -> np.ndarray:
    return over_the_phone(voice.render(text).samples, RATE)


def _write(summary: dict[str, Any]) -> None:
    taken = datetime.now(UTC).isoformat(timespec="seconds")
    summary = {"taken": taken, "machine": platform.machine(), **summary}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "narrowband.json").write_text(json.dumps(summary, indent=2) + "\n")
    lines = [
        "# Narrowband (phone line) versus wideband (microphone): the same answers",
        "",
        f"Taken {taken} on {summary['machine']}; {summary['answers']} answers of the validity"
        " set (piper joe, two pitches) heard at 16 kHz and through 8 kHz G.711 mu-law; pace on"
        " the perception tests' text at four known rates.",
        "",
        "| STT model | way | WER mean | WER max | pace error mean | real-time factor |",
        "|---|---|---|---|---|---|",
    ]
    for model, row in summary["models"].items():
        for way in ("wideband", "narrowband"):
            r = row[way]
            lines.append(
                f"| {model} | {way} | {r['wer_mean']} | {r['wer_max']} | {r['pace_error_mean']}"
                f" | {r['real_time_factor']} |"
            )
        lines.append(f"| {model} | **narrowband / wideband WER** | **{row['wer_ratio']}** | | | |")
    c = summary["spoken_codes"]
    lines += [
        "",
        "## Interview codes said to the phone desk",
        "",
        f"{c['codes']} random eight-digit codes said one digit at a time in two groups of four,"
        " over G.711, read by tiny.en with the desk's digits prompt.",
        "",
        "| what | share |",
        "|---|---|",
        f"| read right as one utterance | {c['read_right_whole']} |",
        "| read right as two utterances (the desk's VAD cuts at the pause) |"
        f" {c['read_right_in_two']} |",
        f"| opened in two utterances, with `code_candidates` | {c['opened_in_two']} |",
        "",
    ]
    (RESULTS / "narrowband.md").write_text("\n".join(lines))


def main() -> None:
    """Run the benchmark and write its results."""
    settings = Settings()
    summary = {**_bench(settings), "spoken_codes": _spoken_codes(settings)}
    _write(summary)
    print(json.dumps(summary["models"], indent=2))


if __name__ == "__main__":
    main()
