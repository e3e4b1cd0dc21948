"""The livekit-agents edge: plugins, headless audio I/O, the interviewer agent, the CLI."""
