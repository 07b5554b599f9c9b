"""What `sam local` would run, as SAM CLI itself works it out (run with .venv-sam's python).

    .venv-sam/bin/python sam_view.py BUILT_TEMPLATE ENV_JSON

Prints one JSON object: for each function of the built template, its handler, code
directory, layers (built directories, or ARNs), runtime, architectures, timeout,
memory, and the environment `sam local invoke --env-vars ENV_JSON` gives it, computed
by SAM CLI's own classes (intrinsics resolved the way sam local resolves them, then
env.json's "Parameters" and per-function sections applied, then the AWS_* variables
of the local runtime). So the harness cannot drift from sam local on any of these,
and an env.json that misses a setting leaves the same unresolved value sam local
would (a logical id where a table name should be).

Also lists the routes `sam local start-api` mounts, keyed as it keys them (method
and path; a later route with the same key replaces an earlier one).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from samcli.commands.local.lib.local_lambda import LocalLambdaRunner
from samcli.lib.providers.api_provider import ApiProvider
from samcli.lib.providers.sam_function_provider import SamFunctionProvider
from samcli.lib.providers.sam_stack_provider import SamLocalStackProvider


def main(template: str, env_json: str) -> int:
    stacks, _ = SamLocalStackProvider.get_stacks(template)
    functions = SamFunctionProvider(stacks)
    runner = LocalLambdaRunner(
        local_runtime=None,  # type: ignore[arg-type]  # only the environment is asked for
        function_provider=functions,
        cwd=str(Path(template).parent),
        real_path=str(Path(template).parent),
        env_vars_values=json.loads(Path(env_json).read_text()),
    )
    out: dict[str, Any] = {"functions": {}, "start_api_routes": {}}
    for fn in functions.get_all():
        layers = [{"name": layer.name, "arn": layer.arn, "codeuri": layer.codeuri} for layer in fn.layers]
        out["functions"][fn.name] = {
            "handler": fn.handler,
            "codeuri": fn.codeuri,
            "runtime": fn.runtime,
            "architectures": fn.architectures,
            "timeout": fn.timeout,
            "memory": fn.memory,
            "layers": layers,
            "environment": runner._make_env_vars(fn).resolve(),
        }
    for route in ApiProvider(stacks).api.routes:
        for method in route.methods:
            out["start_api_routes"][f"{method} {route.path}"] = route.function_name
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
