"""`make dev`: the whole gateway on a laptop with no AWS account and no provider key.

One process runs three servers on loopback: moto (Secrets Manager and DynamoDB,
reached over HTTP through AWS_ENDPOINT_URL exactly as boto3 reaches AWS), the
`local/echo` provider, and the gateway itself under uvicorn in the foreground.
Ctrl-C stops all three.
"""

from __future__ import annotations

import logging
import os
import sys

import boto3
import uvicorn

from dev import aws
from dev.echo_server import app as echo_app
from dev.moto_server import SerialMotoServer
from dev.ports import free_port
from dev.threaded_server import ThreadedServer
from gateway.app import create_app
from gateway.settings import PROVIDER_KEY_VARS, Settings


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's per-request lines
    port = int(os.environ.get("GATEWAY_PORT", "3000"))
    moto_port, echo_port = free_port(), free_port()

    moto = SerialMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    moto.start()
    # Dummy credentials: everything AWS goes to moto, never to a real account.
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}",
            "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
    )
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    provider_keys = {p: os.environ[v] for p, v in PROVIDER_KEY_VARS.items() if os.environ.get(v)}
    try:
        seeded = aws.seed(
            boto3.client("dynamodb"),
            boto3.client("secretsmanager"),
            provider_keys=provider_keys,
            api_key=os.environ.get("GATEWAY_DEV_API_KEY") or None,
            admin_key=os.environ.get("GATEWAY_DEV_ADMIN_KEY") or None,
        )
    except ValueError as exc:
        sys.exit(f"make dev: {exc}")

    ThreadedServer(echo_app, echo_port, name="echo-provider").start()
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
    app = create_app(Settings.from_env(os.environ))
    base = f"http://127.0.0.1:{port}"
    configured = ", ".join(sorted(provider_keys)) or "none (only local/echo answers)"
    print(
        f"""
Secure AI Gateway (dev) on {base}
  API key:         {seeded.api_key.plaintext}
  admin key:       {seeded.admin_key}   (for {base}/api/v1/keys)
  provider keys:   {configured}
  API docs:        {base}/docs

Try it:
  curl -s {base}/api/v1/chat/completions \\
    -H "Authorization: Bearer {seeded.api_key.plaintext}" -H "Content-Type: application/json" \\
    -d '{{"model": "local/echo", "messages": [{{"role": "user", "content": "Hello from the gateway"}}]}}'

Ctrl-C stops the gateway, the echo provider and moto.
""",
        flush=True,
    )
    try:
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="info")
    finally:
        moto.stop()


if __name__ == "__main__":
    main()
