"""`smartcommune-scoring` / `python -m smartcommune.scoring.entrypoints.serve`: the REST API
under uvicorn and the `scoring.v1.Scorecards` gRPC server beside it, configured from the
environment (`SMARTCOMMUNE_SCORING_HOST`/`_PORT` for REST, default 8085; `_GRPC_HOST`/`_GRPC_PORT`
for gRPC, default 50055)."""

from __future__ import annotations

import os
import sys

import uvicorn

from smartcommune.kit.telemetry import configure_logging

from ..application.context import SERVICE
from ..bootstrap import bootstrap
from ..settings import Settings
from .app import create_app
from .grpc_server import start_scorecards_server


def main() -> int:
    settings = Settings()
    configure_logging(SERVICE, settings.log_level)
    service = bootstrap(settings)
    serving = start_scorecards_server(
        service.context, service.verifier, host=settings.grpc_host, port=settings.grpc_port,
        tracer=service.telemetry.tracer,
    )  # fmt: skip
    host = os.environ.get("SMARTCOMMUNE_SCORING_HOST", "127.0.0.1")
    port = int(os.environ.get("SMARTCOMMUNE_SCORING_PORT", "8085"))
    try:
        uvicorn.run(create_app(settings, service=service), host=host, port=port, log_config=None)
    finally:
        serving.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
