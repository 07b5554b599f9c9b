"""Write the env.json that `sam local` needs to run the functions against a deployed stack.

    .venv/bin/python scripts/sam_local_env.py --stack-name secure-ai-gateway > env.json
    sam local invoke ApiFunction -e events/httpapi-models.json --env-vars env.json

Locally, SAM resolves `!Ref KeysTable` to the text "KeysTable", so every variable that
names a stack resource must be overridden with the deployed name or ARN, read here from
the stack's outputs: the keys table and providers secret for both functions, and the
admin secret for ApiFunction, the only one that reads it (the admin routes live there).
StreamFunction runs its web adapter buffered: sam local's emulator does not do Lambda
response streaming, so a streamed answer arrives whole.

tests/lambda builds its env.json with `env_json()` from the outputs of its own stand-in
stack, so what this writes is what the tests run with.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from typing import Any

# Stack output -> the variable it fills, and for which function ("Parameters": all).
OUTPUT_VARIABLES: tuple[tuple[str, str, str], ...] = (
    ("KeysTableName", "GATEWAY_KEYS_TABLE", "Parameters"),
    ("ProvidersSecretArn", "GATEWAY_PROVIDERS_SECRET", "Parameters"),
    ("AdminSecretArn", "GATEWAY_ADMIN_SECRET", "ApiFunction"),
)


def env_json(outputs: Mapping[str, str]) -> dict[str, dict[str, str]]:
    missing = [name for name, _, _ in OUTPUT_VARIABLES if not outputs.get(name)]
    if missing:
        raise SystemExit(f"the stack has no output {', '.join(missing)}: is it this repository's stack?")
    env: dict[str, dict[str, str]] = {"Parameters": {}, "ApiFunction": {}, "StreamFunction": {}}
    for output, variable, section in OUTPUT_VARIABLES:
        env[section][variable] = outputs[output]
    env["StreamFunction"]["AWS_LWA_INVOKE_MODE"] = "buffered"
    return env


def stack_outputs(stack_name: str, region: str | None) -> dict[str, str]:
    import boto3

    client: Any = boto3.client("cloudformation", region_name=region)
    (stack,) = client.describe_stacks(StackName=stack_name)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack-name", default="secure-ai-gateway")
    parser.add_argument("--region", default=None, help="default: your AWS configuration's")
    args = parser.parse_args(argv)
    json.dump(env_json(stack_outputs(args.stack_name, args.region)), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
