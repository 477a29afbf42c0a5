"""`smartcommune-identity` / `python -m smartcommune.identity.entrypoints.serve`: the REST API
under uvicorn and the gRPC signing service beside it, in one process, configured from the
environment (`SMARTCOMMUNE_IDENTITY_HOST` / `_PORT`, `_GRPC_HOST` / `_GRPC_PORT`).

A missing or malformed master key stops the process here, with the reason, before anything
listens. The gRPC server stops (draining, NOT_SERVING first) when uvicorn returns.
"""

from __future__ import annotations

import logging
import sys

import uvicorn

from smartcommune.kit.telemetry import configure_logging

from ..adapters.crypto import KeyConfigurationError
from ..bootstrap import SERVICE, bootstrap, run_migrations, start_grpc
from ..ca import initialise
from ..settings import Settings
from .app import create_app

_log = logging.getLogger(__name__)


def main() -> int:
    settings = Settings()
    configure_logging(SERVICE, settings.log_level)
    try:
        service = bootstrap(settings)
    except KeyConfigurationError as refused:
        _log.critical("identity service not started: %s", refused)
        return 2
    if settings.migrate_on_start:
        run_migrations(settings)
    if service.ca.settings.init_on_start:
        initialise(service.ca)  # before gRPC serves: Sign needs the issuing CA
    serving = start_grpc(service)
    _log.info("signing service listening", extra={"port": serving.port})
    try:
        app = create_app(settings, service=service)
        uvicorn.run(app, host=settings.host, port=settings.port, log_config=None)
    finally:
        serving.stop(grace=5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
