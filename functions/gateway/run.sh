#!/bin/bash
# Entry point of StreamFunction under the AWS Lambda Web Adapter: the adapter
# forwards each invocation to this uvicorn and streams the response back.
# The masking layer is mounted at /opt/python.
# boto3 comes from the runtime (LAMBDA_RUNTIME_DIR), not from our package.
export PYTHONPATH="/opt/python:${LAMBDA_TASK_ROOT:-$(dirname "$0")}:${LAMBDA_RUNTIME_DIR:-}:${PYTHONPATH:-}"
exec python -m uvicorn gateway.asgi:app --host 127.0.0.1 --port "${PORT:-8000}" --no-access-log --timeout-keep-alive 60
