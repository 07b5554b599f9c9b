#!/bin/bash
# Entry point of StreamFunction under the AWS Lambda Web Adapter: the adapter
# forwards each invocation to this uvicorn and streams the response back.
# The masking layer is mounted at /opt/python.
# boto3 comes from the runtime (LAMBDA_RUNTIME_DIR), not from our package.
#
# asyncio + h11, named so uvicorn never picks another stack where one happens to be
# installed: bench/overhead.py measured uvloop + httptools at no CPU gain here, and
# uvloop's 1.8 MB (stripped) does not fit the 40 MB function + layer budget. No
# websockets (the adapter forwards HTTP only): uvicorn then imports no ws library.
# MALLOC_ARENA_MAX=2: each thread that allocates (the resolver, scans of bodies over
# 64 KB) would otherwise get its own glibc arena; two arenas kept the process about 25 MB
# smaller under concurrency (bench/soak.py, when key lookups still ran in threads) at no
# measurable CPU cost.
export PYTHONPATH="/opt/python:${LAMBDA_TASK_ROOT:-$(dirname "$0")}:${LAMBDA_RUNTIME_DIR:-}:${PYTHONPATH:-}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec python -m uvicorn gateway.asgi:app --host 127.0.0.1 --port "${PORT:-8000}" --no-access-log \
  --timeout-keep-alive 60 --loop asyncio --http h11 --ws none
