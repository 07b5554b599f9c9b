"""The prepare stage: everything a request needs before anything leaves for the provider.

In order: parse the body (each route's wire format into the internal chat request:
`parse`), resolve the target (model or workspace) the key may use,
apply the firewall rules, count the request against the key's limits (the one
atomic usage update, before the provider call), pick the effective PII mode, build
the upstream body, and protect it (refuse credentials; block or mask personal data).
The usage update's round trip overlaps the last three steps, and its refusal takes
precedence over theirs, as if it had run first. Any step may refuse the request with
a gateway error; nothing has left for the provider by then.

The request's audit record receives each fact as it is established, so a refusal
is recorded with what was known when it happened (the key, the model, the mode).

A body over `OFF_LOOP_BYTES` is scanned in a worker thread: the scan is linear
but a hostile megabyte still takes long enough to stall every other request on
the event loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import anyio
from starlette.requests import Request

from gateway.audit import AuditRecord
from gateway.deadline import seconds_left
from gateway.eager import start_now
from gateway.errors import GatewayError, PolicyViolation
from gateway.keys.record import KeyRecord
from gateway.pipeline.search_call import SEARCH_PERSONA_HINT, SearchPlan, plan_search
from gateway.policy import Policy
from gateway.protection import Protected, effective_mode, protect
from gateway.schemas import ChatCompletionRequest
from gateway.services import Services
from gateway.targets import Target, resolve
from gateway.upstream.payload import DEFAULT_PERSONA, build_payload
from gateway.validation import parse_chat_request

OFF_LOOP_BYTES = 64 * 1024


@dataclass(frozen=True)
class Prepared:
    """A request ready to leave: the masked body, and what the answer side will need."""

    chat: ChatCompletionRequest
    key: KeyRecord
    target: Target
    protected: Protected
    plan: SearchPlan
    deadline: float  # event-loop time
    headers: dict[str, str]  # request-side facts for the response head (never values)

    def upstream_view(self) -> dict[str, Any] | None:
        """What left for the provider, for callers that ask (the playground's right-hand view)."""
        if not self.chat.show_upstream:
            return None
        messages = self.protected.payload["messages"]
        return {"upstream_request": {"model": self.target.spec.upstream_model, "messages": messages}}


async def prepare(
    request: Request,
    key: KeyRecord,
    services: Services,
    audit: AuditRecord,
    parse: Callable[[bytes], ChatCompletionRequest] = parse_chat_request,
) -> Prepared:
    audit.key_id = key.key_id
    raw = await request.body()
    chat = parse(raw)
    target = resolve(services.catalog, services.policy, chat.model, key)
    workspace = target.workspace
    audit.describe_target(
        target.spec.id, target.spec.provider, workspace.id if workspace else None, chat.stream
    )

    _enforce_policy(services.policy, key, chat, target)
    # The usage update leaves now (an eager task writes it before its first await) and its
    # round trip overlaps the scan below; nothing goes upstream before it has succeeded.
    admission = start_now(services.authenticator.admit(key))
    try:
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
        scan = partial(protect, payload, mode, services.masking_for(workspace), added_messages=added)
        protected = await anyio.to_thread.run_sync(scan) if len(raw) > OFF_LOOP_BYTES else scan()
        audit.pii_found, audit.secrets_found = protected.pii_counts, protected.secret_counts
    except BaseException:
        await _settled(admission)
        raise
    await admission

    deadline = asyncio.get_running_loop().time() + seconds_left(
        request.scope, request.headers, services.settings.deadline_s, time.time()
    )
    headers = {**protected.headers(), "x-gateway-web-search": plan.header}
    return Prepared(chat, key, target, protected, plan, deadline, headers)


async def _settled(admission: asyncio.Task[None]) -> None:
    """The scan refused the request: wait for the usage update, whose own refusal (401,
    429, 503) is the answer then, as it was when the update ran before the scan."""
    try:
        await admission
    except GatewayError as refusal:
        raise refusal from None


def _enforce_policy(policy: Policy, key: KeyRecord, chat: ChatCompletionRequest, target: Target) -> None:
    rules = policy.rules_for(key.key_id, target.workspace)
    if not rules:
        return
    violated = policy.violation(rules, chat.texts(), time.gmtime().tm_hour)
    if violated is not None:
        raise PolicyViolation(f"The request was refused by the firewall rule '{violated}'.", param="messages")
