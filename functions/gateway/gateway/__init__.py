"""Secure AI Gateway: an OpenAI-compatible chat-completions gateway."""
