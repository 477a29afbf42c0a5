"""gRPC client side: attach ``authorization: Bearer …`` to outgoing calls.

Two ways, because gRPC only lets call credentials travel over a secure (TLS or local)
channel: :func:`bearer_call_credentials` for those, and :func:`bearer_metadata` for the
``metadata=`` argument of a call — also how a service forwards an official's own token
(``bearer_metadata(principal.token)``) so the callee applies the official's rights, not ours.
"""

from __future__ import annotations

from typing import Any

import grpc

from smartcommune.kit.auth.client_credentials import TokenSource


def bearer_metadata(token: str) -> tuple[tuple[str, str]]:
    return (("authorization", f"Bearer {token}"),)


class _BearerPlugin(grpc.AuthMetadataPlugin):
    def __init__(self, source: TokenSource) -> None:
        self._source = source

    def __call__(self, context: Any, callback: Any) -> None:
        # Runs on a gRPC thread; an exception here becomes the call's UNAVAILABLE status.
        try:
            metadata = bearer_metadata(self._source.token())
        except Exception as exc:
            callback((), exc)
        else:
            callback(metadata, None)


def bearer_call_credentials(source: TokenSource) -> grpc.CallCredentials:
    """Call credentials asking ``source`` (e.g. :class:`ClientCredentials`) for every call."""
    return grpc.metadata_call_credentials(_BearerPlugin(source), name="smartcommune-bearer")
