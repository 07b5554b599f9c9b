"""`make dev`: the whole gateway on a laptop with no AWS account and no provider key.

Three processes on loopback: moto (Secrets Manager and DynamoDB, reached over HTTP
through AWS_ENDPOINT_URL exactly as boto3 reaches AWS) and the `local/echo`
provider as children, and the gateway itself under uvicorn in the foreground, in
this process, alone (as in a Lambda sandbox). Ports: the gateway on GATEWAY_PORT
(3000), the echo provider on the next one, moto on the one after.

State survives a restart (`dev/state.py`): the same dev API key, admin key, keys
and usage counters come back, so an exported GATEWAY_KEY stays valid. Ctrl-C saves
the state and stops all three.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import uvicorn

from dev import aws
from dev.echo_server import start_echo
from dev.moto_server import start_moto
from dev.processes import ROOT, Child, ChildFailed, wait_ready
from dev.state import STATE_DIR, DevState, Stack, forget_stack, load_state, save_stack, save_state
from gateway.app import create_app
from gateway.services import Services
from gateway.settings import Settings, SettingsError, key_variables

REGION = "us-east-1"
STATE_FILE = STATE_DIR / "state.json"


@contextmanager
def step(what: str) -> Iterator[None]:
    """One progress line: what is happening, then how long it took."""
    print(f"make dev: {what} ...", end="", flush=True)
    started = time.monotonic()
    yield
    print(f" done ({time.monotonic() - started:.1f} s)", flush=True)


def main() -> None:
    began = time.monotonic()
    port = int(os.environ.get("GATEWAY_PORT", "3000"))
    echo_port, moto_port = port + 1, port + 2
    children: list[Child] = []
    seeded: aws.Seeded | None = None
    try:
        with step(f"starting moto on 127.0.0.1:{moto_port} and the echo provider on 127.0.0.1:{echo_port}"):
            children += [start_moto(moto_port), start_echo(echo_port)]
            for child in children:
                wait_ready(child)
        _use_moto(moto_port)
        state = load_state()
        provider_keys = {p: os.environ[v] for p, v in key_variables().items() if os.environ.get(v)}
        what = (
            "restoring keys and usage from .dev/state.json"
            if state
            else "creating the keys table and secrets"
        )
        with step(what):
            seeded = aws.seed(
                boto3.client("dynamodb"),
                boto3.client("secretsmanager"),
                provider_keys=provider_keys,
                api_key=os.environ.get("GATEWAY_DEV_API_KEY") or (state.api_key if state else None),
                admin_key=os.environ.get("GATEWAY_DEV_ADMIN_KEY") or (state.admin_key if state else None),
                items=state.items if state else None,
            )
            _save(seeded)
        os.environ.update(
            {
                "GATEWAY_ENV": "dev",
                "GATEWAY_LOCAL_ECHO": "1",
                "GATEWAY_LOCAL_ECHO_URL": f"http://127.0.0.1:{echo_port}/v1",
                "GATEWAY_KEYS_TABLE": aws.KEYS_TABLE,
                "GATEWAY_PROVIDERS_SECRET": aws.PROVIDERS_SECRET,
                "GATEWAY_ADMIN_SECRET": aws.ADMIN_SECRET,
            }
        )
        with step("loading the gateway"):
            settings = Settings.from_env(os.environ)
            app = create_app(settings)
            answering = asyncio.run(_answering(app.state.services))
        stack = Stack(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{moto_port}", REGION, aws.KEYS_TABLE)
        save_stack(stack)
        print(_banner(stack, seeded, settings, answering, time.monotonic() - began), flush=True)
        # The stack run.sh names (docs/benchmarks.md: neither uvloop nor httptools measured faster).
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="info", loop="asyncio", http="h11", ws="none")
    except (ChildFailed, SettingsError, ValueError) as exc:
        sys.exit(f"\nmake dev: {exc}")
    finally:
        forget_stack()
        if seeded is not None and children[0].process.poll() is None:
            with step(f"saving keys and usage to {_shown(STATE_FILE)}"):
                _save(seeded)
        for child in reversed(children):
            child.stop()


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _use_moto(moto_port: int) -> None:
    # Dummy credentials: everything AWS goes to moto, never to a real account.
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
    )
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION"):
        os.environ.pop(name, None)


def _save(seeded: aws.Seeded) -> None:
    """The dev keys and every item of the table (keys made since, usage counters)."""
    items = aws.table_items(boto3.client("dynamodb"))
    save_state(DevState(api_key=seeded.api_key.plaintext, admin_key=seeded.admin_key, items=items))


async def _answering(services: Services) -> list[str]:
    return [spec.id for spec in services.catalog.models() if await services.upstream.can_answer(spec)]


def _banner(stack: Stack, seeded: aws.Seeded, settings: Settings, answering: list[str], took: float) -> str:
    base, key = stack.gateway_url, seeded.api_key.plaintext
    search = settings.search_backend or "off (set GATEWAY_SEARCH_BACKEND and its key to turn it on)"
    exports = " ".join(f"{name}={value}" for name, value in stack.environment().items())
    return f"""
Secure AI Gateway (dev) on {base}, ready in {took:.1f} s
  API key:      {key}
                (kept in {_shown(STATE_FILE)}: the same after a restart; delete it to start afresh)
  admin key:    {seeded.admin_key}   (for {base}/api/v1/keys)
  models:       {", ".join(answering)}
                (others answer once OPENAI_API_KEY, GEMINI_API_KEY, XAI_API_KEY or DEEPSEEK_API_KEY is set)
  web search:   {search}
  moto:         {stack.aws_endpoint_url}   (DynamoDB, Secrets Manager)
  playground:   {base}/playground      API docs: {base}/docs

Try it:
  export GATEWAY_KEY={key}
  curl -s {base}/api/v1/chat/completions \\
    -H "Authorization: Bearer $GATEWAY_KEY" -H "Content-Type: application/json" \\
    -d '{{"model": "local/echo", "messages": [{{"role": "user", "content": "Hello from the gateway"}}]}}'

Manage keys from another terminal:
  make keys ARGS="create --name alice"      (also: list, revoke <id>)
  or with the AWS CLI or boto3: export {exports}

Ctrl-C saves the state and stops the gateway, the echo provider and moto.
"""


if __name__ == "__main__":
    main()
