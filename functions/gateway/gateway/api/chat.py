"""`POST /chat/completions`: the request flow of DESIGN §3, one step per call.

auth -> parse -> route (model or workspace) -> policy -> usage/limits -> PII mode
-> scan/mask -> upstream -> guard -> caller, with the audit record and token count
written before the response ends. Retries end when the provider's response
starts, before our headers go out, so a failure before that is a normal HTTP
error and one after it is a final SSE event.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from gateway.answer import Outcome, guard_completion, relay_stream
from gateway.audit import AuditRecord
from gateway.deadline import seconds_left
from gateway.deps import ApiKeyDep, AuditDep, ServicesDep
from gateway.disconnect import unless_disconnected
from gateway.errors import PolicyViolation, UpstreamError
from gateway.keys.store import KeyRecord
from gateway.policy import Workspace
from gateway.protection import GuardSet, effective_mode, protect, scrub
from gateway.routing import resolve
from gateway.schemas import ChatCompletionRequest
from gateway.search.loop import SEARCH_PERSONA_HINT, SearchLoop, SearchPlan, plan_search
from gateway.services import Services
from gateway.settings import PiiMode
from gateway.upstream.client import EventStream
from gateway.upstream.payload import DEFAULT_PERSONA, build_payload
from gateway.validation import parse_chat_request

router = APIRouter()
logger = logging.getLogger("gateway")

_STREAM_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


@router.post("/chat/completions", response_model=None)
async def chat_completions(
    audit: AuditDep, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JSONResponse | StreamingResponse:
    audit.key_id = key.key_id
    chat = parse_chat_request(await request.body())
    target = resolve(services.catalog, services.policy, chat.model, key)
    workspace = target.workspace
    audit.model, audit.provider, audit.stream = target.spec.id, target.spec.provider, chat.stream
    audit.workspace = workspace.id if workspace else None

    _enforce_policy(services, key, chat, target.workspace)
    await services.authenticator.admit(key)
    mode = effective_mode(
        chat.pii,
        request.headers.get("x-gateway-pii"),
        workspace.pii_floor if workspace else None,
        key.pii_floor,
        services.settings.pii_floor,
    )
    audit.pii_mode = mode
    plan = plan_search(
        chat, target.spec, workspace.web_search if workspace else None, services.search is not None
    )
    persona = DEFAULT_PERSONA + (SEARCH_PERSONA_HINT if plan.mode != "off" else "")
    if workspace and workspace.system:
        persona = workspace.system
    payload = build_payload(chat, target.spec, persona=persona, guideline=services.policy.guideline)
    added = len(payload["messages"]) - len(chat.messages)
    protected = protect(payload, mode, services.masking, added_messages=added)
    audit.pii_found, audit.secrets_found = protected.pii_counts, protected.secret_counts
    guards = GuardSet(protected, services.masking)
    deadline = asyncio.get_running_loop().time() + seconds_left(
        request.scope, request.headers, services.settings.deadline_s, time.time()
    )
    search = _search_loop(services, plan, mode)
    if search is not None and plan.mode == "upfront":
        await unless_disconnected(request, search.search_upfront(protected.payload))
    headers = {**protected.headers(), "x-gateway-web-search": plan.header}
    # What left for the provider, for callers that ask (the playground's right-hand view).
    shown = (
        {"upstream_request": {"model": target.spec.upstream_model, "messages": protected.payload["messages"]}}
        if chat.show_upstream
        else None
    )

    if chat.stream:
        upstream: EventStream
        if search is not None and plan.mode == "tools":
            upstream = await unless_disconnected(
                request, search.stream(target.spec, protected.payload, deadline)
            )
        else:
            upstream = await unless_disconnected(
                request, services.upstream.stream(target.spec, protected.payload, deadline)
            )
        audit.upstream_status = upstream.response.status_code

        async def finish(outcome: Outcome) -> None:
            audit.web_searches = search.searches if search else 0
            audit.redacted = dict(protected.redactions)
            audit.set_usage(outcome.usage)
            if outcome.error is not None:
                audit.fail(outcome.error.status, outcome.error.code)
            elif outcome.disconnected:
                audit.fail(499, "client_disconnected")
            await _account(services, key, audit)

        body = relay_stream(
            upstream,
            public_model=chat.model,
            include_usage=bool(chat.stream_options and chat.stream_options.include_usage),
            guards=guards,
            on_first_byte=audit.mark_first_byte,
            on_finish=finish,
            first_chunk_extra=shown,
        )
        return StreamingResponse(body, media_type="text/event-stream", headers={**_STREAM_HEADERS, **headers})

    completion: dict[str, Any]
    if search is not None and plan.mode == "tools":
        completion = await unless_disconnected(
            request, search.complete(target.spec, protected.payload, deadline)
        )
    else:
        completion = await unless_disconnected(
            request, services.upstream.complete(target.spec, protected.payload, deadline)
        )
    audit.upstream_status = 200
    audit.web_searches = search.searches if search else 0
    try:
        guard_completion(completion, chat.model, guards)
    except (TypeError, ValueError, AttributeError):
        raise UpstreamError("The provider sent an answer that is not a chat completion.") from None
    if shown:
        completion.update(shown)
    if protected.redactions:
        headers["x-gateway-redacted"] = ",".join(
            f"{kind}={count}" for kind, count in sorted(protected.redactions.items())
        )
    audit.redacted = dict(protected.redactions)
    audit.set_usage(completion.get("usage") if isinstance(completion.get("usage"), dict) else None)
    audit.mark_first_byte()
    await _account(services, key, audit)
    return JSONResponse(completion, headers=headers)


def _enforce_policy(
    services: Services, key: KeyRecord, chat: ChatCompletionRequest, workspace: Workspace | None
) -> None:
    rules = services.policy.rules_for(key.key_id, workspace)
    if not rules:
        return
    violated = services.policy.violation(rules, chat.texts(), time.gmtime().tm_hour)
    if violated is not None:
        raise PolicyViolation(f"The request was refused by the firewall rule '{violated}'.", param="messages")


def _search_loop(services: Services, plan: SearchPlan, mode: PiiMode) -> SearchLoop | None:
    if plan.mode == "off" or services.search is None:
        return None
    config = services.masking
    return SearchLoop(
        upstream=services.upstream,
        backend=services.search,
        scrub=lambda text: scrub(text, mode, config),
        max_rounds=services.settings.web_search_max_rounds,
    )


async def _account(services: Services, key: KeyRecord, audit: AuditRecord) -> None:
    """Tokens and the audit record, before the response's last byte (Lambda freezes after)."""
    if audit.total_tokens:
        try:
            await services.authenticator.add_tokens(key, audit.total_tokens)
        except Exception as exc:  # counting must not turn a delivered answer into an error
            logger.error("token accounting failed: %s", type(exc).__name__)
    services.auditor.write(audit)
