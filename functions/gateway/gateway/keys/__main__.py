"""`python -m gateway.keys create|list|revoke`: API key administration from a shell.

It talks to the same DynamoDB table as the gateway (GATEWAY_KEYS_TABLE, and
AWS_ENDPOINT_URL for moto) through the same code as the admin API. A new key is
printed once; only its hash is stored, so it cannot be shown again. Against the
`make dev` stack, `make keys ARGS="..."` sets all of that up.

Every failure is one line on stderr that says what to do, never a traceback:
the people running this are setting up, and a stack trace hides the one fact
they need (no region, no credentials, nothing listening, no table). Credentials
are the environment's, else boto3's default chain (a profile, SSO): boto3 is
fine in a tool run from a shell.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from pydantic import ValidationError

from gateway.aws.access import MissingCredentials, MissingRegion
from gateway.aws.json_api import DYNAMODB, AwsError, connect
from gateway.catalog import Catalog
from gateway.keys.issue import KeySpec, UnknownModels, issue_key
from gateway.keys.store import KeyStore
from gateway.policy import PolicyError, load_policy
from gateway.settings import PII_MODES, Settings, SettingsError

PROG = "python -m gateway.keys"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line instead of argparse's usage block."""
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


class CliError(Exception):
    """A failure with its one-line explanation."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
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
    try:
        return _run(args)
    except CliError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        print(f"{PROG}: {_explain(exc)}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        raise CliError(f"{exc}; fix the environment variable and run again") from None
    return asyncio.run(_command(args, settings))


async def _command(args: argparse.Namespace, settings: Settings) -> int:
    store = KeyStore(functools.cache(lambda: connect(settings.aws, DYNAMODB)), settings.keys_table)
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
            key, record = await issue_key(store, Catalog(settings), load_policy(settings.policy_file), spec)
        except UnknownModels as exc:
            raise CliError(f"unknown model(s): {exc}; GET /api/v1/models lists the ids") from None
        except ValidationError as exc:
            error = exc.errors(include_input=False)[0]
            field = str(error["loc"][0]) if error["loc"] else "value"
            flag = {"models": "model"}.get(field, field).replace("_", "-")
            raise CliError(f"invalid --{flag}: {error['msg']}") from None
        except PolicyError as exc:
            raise CliError(f"{exc}; fix GATEWAY_POLICY_FILE") from None
        print(json.dumps({**record.public(), "key": key.plaintext}, indent=2))
        print("Store this key now: it is not shown again.", file=sys.stderr)
    elif args.command == "list":
        print(json.dumps([record.public() for record in await store.list()], indent=2))
    elif await store.revoke(args.key_id):
        print(f"revoked {args.key_id}")
    else:
        print(f"{PROG}: no key with id {args.key_id}; `list` shows the ids", file=sys.stderr)
        return 1
    return 0


def _explain(exc: Exception) -> str:
    """What went wrong with AWS, in one line that says what to do."""
    table = os.environ.get("GATEWAY_KEYS_TABLE") or Settings.keys_table
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if isinstance(exc, MissingRegion):
        return "no AWS region: set AWS_DEFAULT_REGION (for `make dev`, use `make keys ARGS=...` instead)"
    if isinstance(exc, MissingCredentials) or type(exc).__name__ == "PartialCredentialsError":
        return "no AWS credentials: run `aws configure` or set AWS_PROFILE; for `make dev` use `make keys`"
    if isinstance(exc, OSError | TimeoutError):  # refused, unresolvable, reset, no answer
        where = endpoint or "DynamoDB"
        return f"cannot reach {where}: is `make dev` running? (or unset AWS_ENDPOINT_URL to use AWS)"
    code = exc.code if isinstance(exc, AwsError) else ""
    if code == "ResourceNotFoundException":
        return (
            f"table {table} does not exist here: set GATEWAY_KEYS_TABLE to the stack's KeysTableName output"
        )
    if code in ("UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException"):
        return f"AWS refused the credentials ({code}): refresh them and run again"
    if code in ("AccessDeniedException", "AccessDenied"):
        return f"not allowed to use table {table} ({code}): use credentials with access to it"
    if code:
        return f"DynamoDB answered {code}; check GATEWAY_KEYS_TABLE and your AWS settings"
    return f"failed with {type(exc).__name__}; check GATEWAY_KEYS_TABLE and your AWS settings"


if __name__ == "__main__":
    sys.exit(main())
