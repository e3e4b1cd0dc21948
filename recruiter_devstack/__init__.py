"""The servers a machine runs for the product: the embedded LLM server, the LiveKit dev
server, the agent worker and web app as child processes (``recruiter up``)."""
