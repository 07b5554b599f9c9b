"""`python -m gateway.keys create|list|revoke`: API key administration from a shell.

It talks to the same DynamoDB table as the gateway (GATEWAY_KEYS_TABLE, and
AWS_ENDPOINT_URL for moto), through the same `KeyStore`. A new key is printed
once; only its hash is stored, so it cannot be shown again.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence

from gateway.catalog import Catalog
from gateway.keys.format import generate_key
from gateway.keys.store import KeyStore
from gateway.settings import PII_MODES, Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gateway.keys", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create a key and print it once")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--model", action="append", default=[], help="allowed model (repeatable; default all)"
    )
    create.add_argument("--pii-floor", choices=PII_MODES)
    create.add_argument("--expires-in-days", type=int)
    create.add_argument("--rpm", type=int, help="requests per minute")
    create.add_argument("--tpd", type=int, help="tokens per day")
    commands.add_parser("list", help="list keys (never their values)")
    revoke = commands.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    return parser


def main(argv: Sequence[str] | None = None, store: KeyStore | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env(os.environ)
    if store is None:
        import boto3

        client = boto3.client("dynamodb")
        store = KeyStore(lambda: client, settings.keys_table)
    if args.command == "create":
        catalog = Catalog(settings)
        unknown = [m for m in args.model if catalog.resolve(m) is None]
        if unknown:
            print(f"unknown model(s): {', '.join(unknown)}", file=sys.stderr)
            return 2
        key = generate_key()
        expires = int(time.time()) + args.expires_in_days * 86400 if args.expires_in_days else None
        record = store.put(
            key,
            name=args.name,
            models=tuple(args.model),
            pii_floor=args.pii_floor,
            expires_at=expires,
            rpm=args.rpm,
            tpd=args.tpd,
        )
        print(json.dumps({**record.public(), "key": key.plaintext}, indent=2))
        print("Store this key now: it is not shown again.", file=sys.stderr)
    elif args.command == "list":
        print(json.dumps([record.public() for record in store.list()], indent=2))
    elif store.revoke(args.key_id):
        print(f"revoked {args.key_id}")
    else:
        print(f"no key with id {args.key_id}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
