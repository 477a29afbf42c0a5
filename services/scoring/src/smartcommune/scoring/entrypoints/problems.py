"""The service's problems on the kit's vocabulary (`smartcommune.kit.problems`): the generic
handlers (401/403, request validation, HTTP errors, version conflicts, a catch-all 500) plus one
entry per use-case error, whose class states its status, `type` and titles."""

from __future__ import annotations

from fastapi import FastAPI

from smartcommune.kit.problems import PROBLEM_JSON, ProblemCatalogue, install_problem_handlers

from ..application import errors

__all__ = ["PROBLEM_JSON", "catalogue", "install"]


def catalogue() -> ProblemCatalogue:
    problems = ProblemCatalogue()
    kinds: list[type[errors.ScoringError]] = [
        errors.ScoringError, errors.InputError, errors.NotFoundError,
        errors.StateConflictError, errors.AlreadyExistsError, errors.CriteriaUnmetError,
        errors.SigningRefusedError, errors.SigningUnavailableError,
    ]  # fmt: skip
    for kind in kinds:
        problems.add(
            kind, kind.status, kind.kind, kind.title, kind.title_vi,
            detail=lambda exc: exc.detail, extra=lambda exc: exc.extra,
        )  # fmt: skip
    return problems


def install(app: FastAPI) -> None:
    install_problem_handlers(app, catalogue())
