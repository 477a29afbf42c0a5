"""`smartcommune-techteams` / `python -m smartcommune.techteams.entrypoints.serve`: the REST API
under uvicorn, configured from the environment (host and port: `SMARTCOMMUNE_TECHTEAMS_HOST`,
`SMARTCOMMUNE_TECHTEAMS_PORT`, default 127.0.0.1:8084)."""

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
    host = os.environ.get("SMARTCOMMUNE_TECHTEAMS_HOST", "127.0.0.1")
    port = int(os.environ.get("SMARTCOMMUNE_TECHTEAMS_PORT", "8084"))
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
