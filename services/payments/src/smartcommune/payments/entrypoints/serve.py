"""`smartcommune-payments` / `python -m smartcommune.payments.entrypoints.serve`: the REST API
under uvicorn, configured from the environment (host and port: `SMARTCOMMUNE_PAYMENTS_HOST`,
`SMARTCOMMUNE_PAYMENTS_PORT`)."""

from __future__ import annotations

import os
import sys

import uvicorn

from smartcommune.kit.telemetry import configure_logging

from ..bootstrap import SERVICE
from ..settings import Settings
from .app import create_app


def main() -> int:
    settings = Settings()
    configure_logging(SERVICE, settings.log_level)
    host = os.environ.get("SMARTCOMMUNE_PAYMENTS_HOST", "127.0.0.1")
    port = int(os.environ.get("SMARTCOMMUNE_PAYMENTS_PORT", "8083"))
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
