"""A chat request's stages, in the order it walks them (`api/chat.py` is the walk itself).

    prepare.py       parse, target, policy, usage/limits, PII mode, protect: a `Prepared`
    call.py          one `Call` (plain provider, or `search_call.py`'s tool loop): the answer
    guards.py        the answer's guard: restore and scrub every model-written string
    relay.py         guard + `render.py` (the caller's wire format), whole or streamed
    finish.py        tokens and the audit record, for every way a request ends

Each stage owns the state it produces and hands it down; nothing comes back up to be
changed by an earlier stage. Routes for other wire formats (issue 15) translate their
request into a `ChatCompletionRequest` and write the same `Piece`s their own way.
"""
