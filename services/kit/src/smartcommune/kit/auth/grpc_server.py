"""gRPC server side: authenticate every call and check the method's explicit rule.

A method missing from the rule table is refused, so adding a method to a ``.proto`` cannot
silently open it to everyone. The verified principal is handed to the handler through a
context variable (:func:`current_principal`), so servicer signatures stay as generated.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

import grpc

from smartcommune.kit.auth.errors import Forbidden, Unauthorized
from smartcommune.kit.auth.principal import Principal
from smartcommune.kit.auth.scoping import Rule, authorize
from smartcommune.kit.auth.verifier import TokenVerifier

_principal: contextvars.ContextVar[Principal] = contextvars.ContextVar("smartcommune_principal")


def current_principal() -> Principal:
    """The caller of the gRPC method being handled."""
    try:
        return _principal.get()
    except LookupError:
        raise RuntimeError("no principal: is the server built with AuthInterceptor?") from None


@dataclass(frozen=True)
class MethodRule:
    """A rule plus how to read the target admin unit from the (deserialised) request.

    ``unit_from`` only sees unary requests; on a client-streaming method a subtree rule can
    admit service accounts only, because no single message names the unit up front.
    ``public`` skips authentication altogether: only for probes such as the standard health
    service, which the kubelet calls without a token. Use :data:`PUBLIC`.
    """

    rule: Rule
    unit_from: Callable[[Any], str | None] | None = None
    public: bool = False


PUBLIC = MethodRule(Rule(scope="any"), public=True)


class AuthInterceptor(grpc.ServerInterceptor):
    def __init__(self, verifier: TokenVerifier, rules: Mapping[str, Rule | MethodRule]) -> None:
        self._verifier = verifier
        self._rules = {
            m: r if isinstance(r, MethodRule) else MethodRule(r) for m, r in rules.items()
        }
        for method, mr in self._rules.items():
            if mr.rule.scope == "subtree" and mr.rule.roles and mr.unit_from is None:
                raise ValueError(f"{method}: a subtree rule for people needs unit_from")

    def intercept_service(self, continuation: Any, handler_call_details: Any) -> Any:
        handler = continuation(handler_call_details)
        if handler is None:  # unknown method: let gRPC answer UNIMPLEMENTED
            return None
        method: str = handler_call_details.method

        def admit(request: Any, context: grpc.ServicerContext) -> Principal | None:
            method_rule = self._rules.get(method)
            if method_rule is None:
                _abort(context, grpc.StatusCode.PERMISSION_DENIED, f"no access rule for {method}")
            if method_rule.public:
                return None
            try:
                principal = self._verifier.verify(_bearer(context))
                unit = method_rule.unit_from(request) if method_rule.unit_from else None
                authorize(principal, method_rule.rule, unit)
            except Unauthorized as exc:
                _abort(context, grpc.StatusCode.UNAUTHENTICATED, exc.reason)
            except Forbidden as exc:
                _abort(context, grpc.StatusCode.PERMISSION_DENIED, exc.reason)
            return principal

        return _wrap(handler, admit)


def _abort(context: grpc.ServicerContext, code: grpc.StatusCode, details: str) -> NoReturn:
    context.abort(code, details)
    raise AssertionError("ServicerContext.abort returned")  # it always raises


def _bearer(context: grpc.ServicerContext) -> str:
    for key, value in context.invocation_metadata():
        if key == "authorization" and isinstance(value, str):
            scheme, _, token = value.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    raise Unauthorized("a bearer token is required", token_present=False)


def _wrap(handler: Any, admit: Callable[[Any, grpc.ServicerContext], Principal | None]) -> Any:
    """Rebuild ``handler`` so its behaviour runs in a copied context holding the principal.

    A copied context (rather than set/reset) keeps one call's principal from leaking into the
    next call served by the same worker thread, also for streamed responses.
    """
    kind = (
        ("stream" if handler.request_streaming else "unary")
        + "_"
        + ("stream" if handler.response_streaming else "unary")
    )
    behavior = getattr(handler, kind)
    factory = getattr(grpc, f"{kind}_rpc_method_handler")

    def enter(request: Any, context: grpc.ServicerContext) -> None:
        principal = admit(None if handler.request_streaming else request, context)
        if principal is not None:
            _principal.set(principal)

    def unary_response(request: Any, context: grpc.ServicerContext) -> Any:
        ctx = contextvars.copy_context()
        ctx.run(enter, request, context)
        return ctx.run(behavior, request, context)

    def streamed_response(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        ctx = contextvars.copy_context()
        ctx.run(enter, request, context)
        responses = ctx.run(lambda: iter(behavior(request, context)))
        while True:
            try:
                item = ctx.run(next, responses)
            except StopIteration:
                return
            yield item

    return factory(
        streamed_response if handler.response_streaming else unary_response,
        request_deserializer=handler.request_deserializer,
        response_serializer=handler.response_serializer,
    )
