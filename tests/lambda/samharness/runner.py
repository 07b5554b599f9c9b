"""Child process: import a Lambda handler as the python3.12 runtime would, then serve invokes.

Run as `python -I runner.py SPEC_JSON`. `-I` keeps the caller's PYTHONPATH, the
current directory and the script's directory off sys.path, so the only code that
can be imported is what Lambda would have: the function's CodeUri (/var/task), each
layer's content (/opt/python), and the interpreter's site-packages (standing in
for the runtime's, which is where boto3 comes from).

Protocol: after the import, one JSON line on the original stdout describing the
start; then for each JSON event line on stdin, one JSON response line. The app's
own output (logs, metrics) is sent to stderr so it cannot corrupt the protocol.
Like a warm Lambda sandbox, one process serves every invoke.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
import uuid
from typing import Any


class LambdaContext:
    """The attributes of the runtime's context object that Mangum and Powertools read."""

    def __init__(self, function_name: str, memory: str, timeout_s: float) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "2024/01/01/[$LATEST]0123456789abcdef"
        self.identity = None
        self.client_context = None
        self._deadline = time.time() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.time()) * 1000))


def main() -> int:
    spec = json.loads(sys.argv[1])
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    # Lambda's order: /var/task, then /opt/python, then the runtime.
    sys.path[:0] = [spec["task_root"], *spec["layer_dirs"]]
    os.chdir(spec["task_root"])
    started = time.perf_counter()
    try:
        module_name, _, attr = spec["handler"].rpartition(".")
        handler = getattr(importlib.import_module(module_name), attr)
    except BaseException:
        out.write(json.dumps({"init_error": traceback.format_exc()}) + "\n")
        return 1
    modules = {}
    for name in spec.get("module_checks", []):
        module = sys.modules.get(name) or importlib.import_module(name)
        modules[name] = getattr(module, "__file__", None)
    out.write(
        json.dumps(
            {
                "import_s": time.perf_counter() - started,
                "modules": modules,
                "boto3_loaded_at_import": "boto3" in sys.modules,
            }
        )
        + "\n"
    )
    for line in sys.stdin:
        event = json.loads(line)
        context = LambdaContext(
            os.environ["AWS_LAMBDA_FUNCTION_NAME"],
            os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"],
            float(spec.get("timeout_s", 30)),
        )
        try:
            response: Any = {"response": handler(event, context)}
        except BaseException:
            response = {"invoke_error": traceback.format_exc()}
        out.write(json.dumps(response) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
