"""Anthropic's Messages API, both as a route the gateway serves and as a provider it calls."""
