"""Wire formats other than chat completions, each translated in one place.

The gateway has one internal request (the chat-completions body that `prepare` builds and
`masking.protect_request` scans) and one internal answer (`gateway.answers`' typed pieces).
Each format is a package that translates between those and its own wire, never between two
formats directly, so every route reaches every provider:

    anthropic/   inbound (a Messages request into the internal one), writer (pieces into a
                 Messages answer or its events), outbound (the masked payload into a Messages
                 request to Anthropic), reader (Anthropic's answer into pieces), errors
    responses/   inbound (a Responses request), writer (pieces into a Response or its events)
    bedrock/     outbound (the masked payload into a Converse request), reader (Converse
                 answers into pieces), eventstream (the binary framing of ConverseStream)
    turns.py     the masked payload as a provider-neutral conversation (system apart, turns
                 alternating, tool inputs as objects), shared by the two outbound translators
    arguments.py tool-call arguments as the JSON objects those two APIs require
    checks.py    typed reads of a caller's body with errors that name the caller's field

Chat completions itself keeps its existing homes: `validation.py` (inbound),
`upstream/payload.py` and `upstream/read.py` (provider side), `pipeline/render.py` (writer).
"""
