"""Command handlers: load, authorise, let the aggregate decide, store — one transaction each.

Every handler has the same shape `(command, caller, deps, dossier_id)` so that the routing table
at the end, `COMMAND_HANDLERS`, is the service's map: what can be asked, and who answers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from smartcommune.kit.store import ConcurrencyConflict

from ..domain.dossier import Dossier
from ..domain.events import DossierSubmitted
from . import commands as c
from .checks import business_time, check_applicant_units, commune, dossier_id_for
from .errors import DossierExists, DossierNotFound
from .importing import ImportDossiers, import_dossiers
from .ports import Caller, Dependencies


def submit(cmd: c.SubmitDossier, caller: Caller, deps: Dependencies, _: str | None) -> Dossier:
    home = commune(deps.units, cmd.commune_code, "commune_code")
    caller.authorize(home.path)
    check_applicant_units(deps.units, cmd.applicant_home_commune, cmd.applicant_village)
    at = business_time(cmd.submitted_at, deps, "submitted_at")
    facts = DossierSubmitted(**cmd.model_dump(exclude={"commune_code", "submitted_at"}))
    dossier_id = dossier_id_for(home.code, cmd.dossier_number)
    dossier = Dossier.submit(dossier_id, home.code, home.path, facts, at)
    with deps.uow() as uow:
        try:
            uow.dossiers.add(dossier, caller.actor, caller.trace)
        except ConcurrencyConflict:
            raise DossierExists(dossier_id, cmd.dossier_number) from None
        uow.commit()
    return dossier


def _change(
    dossier_id: str | None,
    cmd: c.Transition,
    caller: Caller,
    deps: Dependencies,
    act: Callable[[Dossier, datetime], None],
) -> Dossier:
    assert dossier_id is not None, "a step names its dossier"
    at = business_time(cmd.occurred_at, deps, "occurred_at")
    with deps.uow() as uow:
        dossier = uow.dossiers.get(dossier_id)
        if dossier is None:
            raise DossierNotFound(dossier_id)
        caller.authorize(dossier.unit_path)
        if dossier.version != cmd.expected_version:
            raise ConcurrencyConflict(dossier_id, cmd.expected_version, dossier.version)
        act(dossier, at)
        uow.dossiers.add(dossier, caller.actor, caller.trace)
        uow.commit()
    return dossier


def receive(cmd: c.ReceiveDossier, caller: Caller, deps: Dependencies, id_: str | None) -> Dossier:
    return _change(id_, cmd, caller, deps, lambda d, at: d.receive(cmd.appointment_date, at))


def refuse(cmd: c.RefuseDossier, caller: Caller, deps: Dependencies, id_: str | None) -> Dossier:
    return _change(id_, cmd, caller, deps, lambda d, at: d.refuse(cmd.reason, at))


def start(cmd: c.StartProcessing, caller: Caller, deps: Dependencies, id_: str | None) -> Dossier:
    return _change(id_, cmd, caller, deps, lambda d, at: d.start_processing(at))


def ask(cmd: c.RequestSupplement, caller: Caller, deps: Dependencies, id_: str | None) -> Dossier:
    return _change(id_, cmd, caller, deps, lambda d, at: d.request_supplement(cmd.reason, at))


def supplement(
    cmd: c.SupplementDossier, caller: Caller, deps: Dependencies, id_: str | None
) -> Dossier:
    pause = deps.pause_clock_during_supplement
    return _change(id_, cmd, caller, deps, lambda d, at: d.supplement(at, pause_clock=pause))


def extend(cmd: c.ExtendDossier, caller: Caller, deps: Dependencies, id_: str | None) -> Dossier:
    return _change(
        id_,
        cmd,
        caller,
        deps,
        lambda d, at: d.extend(cmd.new_due_date, cmd.reason, cmd.apology, at),
    )


def stop(cmd: c.StopDossier, caller: Caller, deps: Dependencies, id_: str | None) -> Dossier:
    return _change(id_, cmd, caller, deps, lambda d, at: d.stop(cmd.reason, at))


def resolve(cmd: c.ResolveDossier, caller: Caller, deps: Dependencies, id_: str | None) -> Dossier:
    return _change(id_, cmd, caller, deps, lambda d, at: d.resolve(cmd.outcome, at))


def hand_back(cmd: c.ReturnResult, caller: Caller, deps: Dependencies, id_: str | None) -> Dossier:
    return _change(id_, cmd, caller, deps, lambda d, at: d.return_result(at))


def rate(cmd: c.RateDossier, caller: Caller, deps: Dependencies, id_: str | None) -> Dossier:
    return _change(id_, cmd, caller, deps, lambda d, at: d.rate(cmd.satisfaction, at))


Handler = Callable[[Any, Caller, Dependencies, str | None], Any]

COMMAND_HANDLERS: dict[type[Any], Handler] = {
    c.SubmitDossier: submit,
    c.ReceiveDossier: receive,
    c.RefuseDossier: refuse,
    c.StartProcessing: start,
    c.RequestSupplement: ask,
    c.SupplementDossier: supplement,
    c.ExtendDossier: extend,
    c.StopDossier: stop,
    c.ResolveDossier: resolve,
    c.ReturnResult: hand_back,
    c.RateDossier: rate,
    ImportDossiers: import_dossiers,
}
