"""FastAPI's native OpenTelemetry is off in the gateway's app.

Its logs record exception messages (which may quote a request) and its per-request check
for configured providers is CPU on every request; the audit record and its EMF metrics are
the gateway's telemetry (DESIGN §8)."""

from __future__ import annotations

from gateway.app import create_app
from gateway.settings import Settings


def test_fastapi_telemetry_is_off_whatever_providers_a_deployment_configures() -> None:
    app = create_app(Settings())
    config = app._telemetry
    assert (config["tracing"], config["metrics"], config["logs"]) == (False, False, False)
    assert not app._native_telemetry.enabled()
