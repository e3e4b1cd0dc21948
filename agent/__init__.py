"""The livekit-agents edge: STT/TTS/LLM plugins, audio I/O, the interviewer agent, the worker,
rehearsals with simulated candidates."""
