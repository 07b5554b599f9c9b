"""`python -m gateway.keys create|list|revoke`: API key administration from a shell.

It talks to the same DynamoDB table as the gateway (GATEWAY_KEYS_TABLE, and
AWS_ENDPOINT_URL for moto) through the same code as the admin API. A new key is
printed once; only its hash is stored, so it cannot be shown again.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from gateway.catalog import Catalog
from gateway.keys.issue import KeySpec, UnknownModels, issue_key
from gateway.keys.store import KeyStore
from gateway.policy import load_policy
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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env(os.environ)
    import boto3

    client = boto3.client("dynamodb")
    store = KeyStore(lambda: client, settings.keys_table)
    if args.command == "create":
        try:
            spec = KeySpec(
                name=args.name,
                models=args.model,
                pii_floor=args.pii_floor,
                expires_in_days=args.expires_in_days,
                rpm=args.rpm,
                tpd=args.tpd,
            )
            key, record = issue_key(store, Catalog(settings), load_policy(settings.policy_file), spec)
        except UnknownModels as exc:
            print(f"unknown model(s): {exc}", file=sys.stderr)
            return 2
        except ValidationError as exc:
            print(f"invalid key settings: {exc.errors(include_input=False)[0]['msg']}", file=sys.stderr)
            return 2
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
