"""The LLM port (``ChatClient``) and its OpenAI-compatible client (vLLM, llama.cpp, any server)."""
