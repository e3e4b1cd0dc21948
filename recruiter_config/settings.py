"""The one settings root, read from the environment (prefix ``RECRUITER_``) at the entry point."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "CodingSettings",
    "LLMSettings",
    "LiveKitSettings",
    "PhoneSettings",
    "STTSettings",
    "Settings",
    "TTSSettings",
    "TurnSettings",
    "WebSettings",
    "default_home",
]


def default_home() -> Path:
    """Return the default data directory (``~/.local/share/virtual-recruiter``)."""
    return Path.home() / ".local" / "share" / "virtual-recruiter"


class LLMSettings(BaseModel):
    """Where the language model is reached: one OpenAI-compatible endpoint.

    With no ``base_url`` the embedded llama.cpp server is started on ``port`` with ``gguf``;
    ``recruiter llm serve --engine vllm`` starts vLLM's server on the same port instead.
    """

    base_url: str | None = None
    model: str | None = None
    api_key: str = "not-needed"
    # How the configured server takes a JSON schema (vLLM: json_schema; llama.cpp: json_object).
    json_mode: Literal["json_schema", "json_object"] = "json_schema"
    gguf: Literal["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b", "smollm2-135m"] = "qwen2.5-coder-0.5b"
    port: int = 8765
    threads: int = 2
    context: int = 4096
    # The embedded server no command uses any more (the last one was killed with SIGKILL) stops
    # this long after (seconds); a command started meanwhile uses it (our choice: time to run
    # `rehearse --resume` without waiting for the model to load again).
    idle_stop_s: float = Field(default=300.0, ge=0.0)
    # An LLM follow-up not ready this long after the end of the answer gives way to the
    # script's (a short lead-in plays meanwhile; the first words never wait on the LLM).
    follow_up_wait_s: float = 1.5
    # Ask for the follow-up while the candidate is still answering (on each transcribed segment).
    # Worth it when the LLM runs on its own hardware (vLLM on a GPU); off by default because on
    # a 2-core machine the embedded server then takes the cores the VAD and STT need to hear the
    # end of the answer on time.
    ask_early: bool = False
    max_reply_tokens: int = 48
    temperature: float = 0.3
    # vLLM (`recruiter llm serve --engine vllm`): its `vllm` executable (default: the one
    # scripts/install_vllm.sh puts in .venv-vllm beside the project, else `vllm` on PATH) and
    # extra arguments for `vllm serve` (e.g. ["--gpu-memory-utilization", "0.5"]).
    vllm_executable: Path | None = None
    vllm_args: list[str] = Field(default_factory=list)


class STTSettings(BaseModel):
    """Speech-to-text options (faster-whisper)."""

    model: Literal["whisper-tiny.en", "whisper-base"] = "whisper-tiny.en"
    compute_type: str = "int8"
    threads: int = 2
    language: str = "en"
    verbatim: bool = True  # keep "um" and "uh" in transcripts (perception counts them)


class TTSSettings(BaseModel):
    """Text-to-speech options (piper)."""

    voice: Literal["piper-joe"] = "piper-joe"
    length_scale: float = 1.0
    # How written forms are said, beyond numbers and symbols: {"Acme": "Ack me", "SQL": "sequel"}.
    lexicon: dict[str, str] = Field(default_factory=dict)
    # ISO 3166 country the role scripts are written for: national phone numbers ("020 7946
    # 0958" is a number in "GB") and the order of day and month in 04/03/2027.
    region: str = Field(default="US", pattern=r"^[A-Z]{2}$")


class CodingSettings(BaseModel):
    """The coding round (a role's coding questions, in the browser's editor)."""

    # Neither an edit nor a word for this long is a stall: a hint in practice mode, and an
    # inactivity signal in the report either way. Two minutes: long enough to read and think.
    stall_s: float = Field(default=120.0, gt=0)
    # A paste at least this long is an integrity signal for the reviewer (a line of code is
    # rarely longer; a pasted solution is).
    paste_chars: int = Field(default=200, gt=0)
    # The longest code a run or snapshot may carry; LiveKit's RPC payloads are 15 KiB at most.
    max_code_chars: int = Field(default=12_000, gt=0, le=14_000)


class TurnSettings(BaseModel):
    """Turn-taking: tuned so a thinking pause of 2-3 s inside an answer keeps the turn."""

    vad_min_silence_s: float = 0.3
    eot_unlikely_threshold: float = 0.25
    # After a likely end of turn. 0.8 s kept 0 replies talked over, 0 split answers and 0 false
    # late flags over every demo persona (bench/results/latency.md, 36 replies), as 1.0 s did.
    min_delay_s: float = 0.8
    # When the turn detector finds an end unlikely. Thinking pauses the words give away ("let
    # me think", a dangling "and", a story begun in a few words) get thinking_delay_s instead;
    # 5 s here held the floor after every long answer the detector misread. On this voice its
    # scores overlap (true ends 0.16-0.20, thinking pauses 0.21-0.64), so the words decide and
    # this stays short: 2 s and 1.5 s both gave 0 cut-offs over every persona, and 2 s held
    # three true ends past 1.8 s (bench/results/latency.md, 36 replies).
    max_delay_s: float = 1.5
    # Delay used for one turn when the words so far end in a thinking phrase or a dangling word.
    thinking_delay_s: float = 3.5
    # After the recruiter asks, this long without speech gets a gentle prompt.
    silence_prompt_s: float = 8.0
    # Added to min_delay_s where the candidate's audio comes over the network (a room, a phone
    # call): a packet late on a busy link or server is heard as silence and makes a pause
    # longer. In bench.room_latency, with each answer's last words transcribed by the time the
    # VAD ended them, 0.8 s in a room spoke over 1 of 37 answers (a 0.62 s pause in the voice);
    # with the room's transcripts 0.14 s slower (turns committed at about 0.95 s), none.
    network_hold_s: float = Field(default=0.15, ge=0.0)

    def over_network(self) -> TurnSettings:
        """These settings for audio that arrives over the network: ``min_delay_s`` raised by
        ``network_hold_s`` (and ``max_delay_s`` kept at least as long)."""
        low = self.min_delay_s + self.network_hold_s
        return self.model_copy(update={"min_delay_s": low,
                                       "max_delay_s": max(self.max_delay_s, low)})  # fmt: skip

    @model_validator(mode="after")
    def _delays_in_order(self) -> TurnSettings:
        """Raises ValueError when the endpointing delays cannot be ordered min <= max."""
        if self.min_delay_s > self.max_delay_s:
            raise ValueError(
                f"turn.min_delay_s ({self.min_delay_s} s) is above turn.max_delay_s "
                f"({self.max_delay_s} s): the hold for an unlikely end would be the shorter one"
            )
        return self


class LiveKitSettings(BaseSettings):
    """The LiveKit server rooms run on, from the standard ``LIVEKIT_*`` variables.

    With no ``LIVEKIT_URL`` the development server (``recruiter up``) on loopback is used.
    """

    model_config = SettingsConfigDict(env_prefix="LIVEKIT_", extra="ignore")

    url: str = "ws://127.0.0.1:7880"
    api_key: str = "devkey"
    # The development server's key pair (loopback only); real deployments set their own.
    api_secret: str = "dev-secret-for-the-loopback-server-only"
    # The URL browsers use, when it differs from the one the worker and web app use.
    public_url: str | None = None

    @property
    def browser_url(self) -> str:
        """Where a candidate's browser connects."""
        return self.public_url or self.url

    @property
    def http_url(self) -> str:
        """The server's HTTP API (the same host as the WebSocket URL)."""
        return self.url.replace("wss://", "https://", 1).replace("ws://", "http://", 1)


class WebSettings(BaseModel):
    """The web app: candidate pages, the recruiter dashboard and the HTTP API."""

    host: str = "127.0.0.1"
    port: int = 8000
    # Signs invitations and sign-in cookies; required (``recruiter up`` makes one per run).
    secret: str | None = None
    # Where links in invitations point (default: http://host:port).
    public_url: str | None = None
    # A LiveKit token is good for joining within this many seconds.
    token_ttl_s: int = Field(default=600, gt=0)
    invite_ttl_hours: float = Field(default=72.0, gt=0)
    session_hours: float = Field(default=12.0, gt=0)
    # Sign-in guessing: after this many refused sign-ins for one recruiter id from one
    # address, from one address in all, or for one recruiter id from everywhere, within the
    # window, sign-in is refused (429) until the window has passed. OWASP's authentication
    # guidance asks for such a throttle; counting an account per address keeps a stranger from
    # locking its owner out, the account-wide bound stops guessing spread over many addresses.
    sign_in_failures_per_account: int = Field(default=10, ge=1)
    sign_in_failures_per_address: int = Field(default=30, ge=1)
    sign_in_failures_per_account_anywhere: int = Field(default=100, ge=1)
    # Reverse proxies (comma-separated addresses or CIDRs) whose X-Forwarded-For is believed.
    trusted_proxies: str | None = None
    # At most a day: failures older than a day are deleted (storage.attempts).
    sign_in_window_s: float = Field(default=900.0, gt=0, le=86400)
    # The agent name the worker registers and the web app dispatches to.
    agent_name: str = "recruiter"
    # A candidate whose page leaves the room mid-interview (a reload, a dropped connection) has
    # this long (s) to come back before the interview ends as left; 0: it ends at once.
    rejoin_s: float = Field(default=60.0, ge=0)

    @property
    def base_url(self) -> str:
        """The app's own address, as links use it."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


class PhoneSettings(BaseModel):
    """The phone line: the numbers callers dial (E.164) and who may send calls to it.

    ``enabled``: the line is offered, so every invitation carries its number and a code
    (``recruiter up --phone`` turns it on; a deployment with a SIP trunk sets it).
    ``interview_number`` asks the caller for the interview code of an invitation;
    ``practice_number`` (None: no such line) runs ``practice_role`` in practice mode with no
    code. ``allowed_addresses`` are the SIP trunk provider's addresses (CIDR); the dev stack
    and tests call from 127.0.0.1.
    """

    enabled: bool = False
    interview_number: str = "+15550100100"
    practice_number: str | None = "+15550100101"
    practice_role: str = "demo"
    allowed_addresses: list[str] = Field(default_factory=lambda: ["127.0.0.1/32"])
    code_tries: int = Field(default=3, ge=1)  # an unknown code gets two more tries
    # 8 digits: guessing one of N live codes takes about 9e7 / (3 N) calls at 3 tries a call.
    code_digits: int = Field(default=8, ge=4, le=12)
    # Guessing across calls: a caller with this many wrong codes within the window (two calls'
    # worth), or the whole line with the second figure, is refused codes until the window has
    # passed; the invitation link still works. At 100 an hour on the line, finding one of 100 live
    # 8-digit codes takes about 9e7 / 100 / 100 = 9,000 hours of guessing.
    code_failures_per_caller: int = Field(default=6, ge=1)
    code_failures_per_line: int = Field(default=100, ge=1)
    code_failure_window_s: float = Field(default=3600.0, gt=0, le=86400)  # at most a day


CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")  # cgroup v2: "<quota> <period>" or "max ..."


def usable_cpus(cpu_max: Path = CGROUP_CPU_MAX) -> int:
    """The whole CPUs this process may use: its affinity where the OS says (else all), capped by
    a cgroup v2 CPU quota (a container limited to 2 CPUs on a larger host gets 2), at least 1."""
    affinity = getattr(os, "sched_getaffinity", None)
    cpus = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    try:
        quota, period = cpu_max.read_text().split()[:2]
        if quota != "max":
            cpus = min(cpus, int(quota) // int(period))
    except (OSError, ValueError):
        pass  # no cgroup v2 quota to read: the affinity stands
    return max(1, cpus)


class Settings(BaseSettings):
    """Everything the recruiter reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="RECRUITER_", env_nested_delimiter="__", extra="ignore"
    )

    home: Path = Field(default_factory=default_home)
    # The role a worker job runs when its metadata names none (console mode).
    default_role: str = "demo"
    database_url: str | None = None
    llm: LLMSettings = Field(default_factory=LLMSettings)
    stt: STTSettings = Field(default_factory=STTSettings)
    tts: TTSSettings = Field(default_factory=TTSSettings)
    turn: TurnSettings = Field(default_factory=TurnSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    livekit: LiveKitSettings = Field(default_factory=LiveKitSettings)
    phone: PhoneSettings = Field(default_factory=PhoneSettings)
    coding: CodingSettings = Field(default_factory=CodingSettings)
    # Candidate audio older than this many days is deleted (transcripts and scores are kept);
    # None keeps it until the candidate's data is deleted.
    audio_retention_days: int | None = Field(default=30, gt=0)
    # Interviews one worker holds at once; the worker reports its load to the LiveKit server
    # as the share of these in use. One per core it may run on: bench.load measured 2 cores
    # holding two interviews (median reply 1.35 times one interview's) and not three (2.7).
    interviews_per_worker: int = Field(default_factory=lambda: usable_cpus(), ge=1)

    @property
    def models_dir(self) -> Path:
        """Directory holding the assembled model assets."""
        return self.home / "models"

    @property
    def sessions_dir(self) -> Path:
        """Directory holding per-session files (audio, reports)."""
        return self.home / "sessions"

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite inside the data directory."""
        return self.database_url or f"sqlite:///{self.home / 'recruiter.db'}"
