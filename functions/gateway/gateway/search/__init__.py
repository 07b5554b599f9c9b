"""Web search backends for the gateway's `web_search` tool (DESIGN §7).

One module per backend API, all behind the `SearchBackend` protocol in `types.py`;
`factory.build_backend` picks one from settings, `format` turns results (or a
failure) into the text of a `tool` message.
"""
