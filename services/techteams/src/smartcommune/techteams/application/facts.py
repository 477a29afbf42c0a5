"""Handlers of the facts a team records: household surveys, facility attestations, trainings."""

from __future__ import annotations

from ..domain.errors import InconsistentCommand
from ..domain.events import FacilityAttested, HouseholdSurveyed, TrainingHeld
from ..domain.facts import DatedFacts, Training, facility_stream, new_training_id
from . import commands as c
from .access import acting_member, business_day, finish, village
from .ports import Caller, Dependencies, TechteamsUnitOfWork, Unit


def _stream(uow: TechteamsUnitOfWork, stream_id: str, unit: Unit) -> DatedFacts:
    facts = uow.streams.facts(stream_id)
    if facts is None:
        assert unit.parent is not None
        return DatedFacts(stream_id, unit.parent, unit.path)
    if facts.unit_path != unit.path:
        raise InconsistentCommand("village_code", f"{stream_id} belongs to {facts.unit_path}")
    return facts


def survey(cmd: c.RecordSurvey, caller: Caller, deps: Dependencies, _: str | None) -> DatedFacts:
    unit = village(deps, cmd.village_code)
    caller.authorize(unit.path)
    day = business_day(cmd.surveyed_on, deps, "surveyed_on")
    now = deps.clock()
    with deps.uow() as uow:
        by = acting_member(
            uow, caller, cmd.village_code, cmd.surveyed_by, "surveyed_by", required=False
        )
        known = uow.lookups.household(cmd.household_id)
        if known is not None and known["village_code"] != cmd.village_code:
            message = f"the household lives in village {known['village_code']}"
            raise InconsistentCommand("village_code", message)
        facts = HouseholdSurveyed(
            **cmd.model_dump(exclude={"surveyed_on", "surveyed_by"}), surveyed_on=day,
            surveyed_by=by,
        )  # fmt: skip
        stream = _stream(uow, cmd.household_id, unit)
        stream.record(facts, now)
        uow.streams.add(stream, caller.actor, caller.trace)
        finish(uow, caller, stream)
    return stream


def attest(cmd: c.AttestFacility, caller: Caller, deps: Dependencies, _: str | None) -> DatedFacts:
    unit = village(deps, cmd.village_code)
    caller.authorize(unit.path)
    day = business_day(cmd.attested_on, deps, "attested_on")
    now = deps.clock()
    with deps.uow() as uow:
        by = acting_member(
            uow, caller, cmd.village_code, cmd.attested_by, "attested_by", required=True
        )
        assert by is not None
        facts = FacilityAttested(
            **cmd.model_dump(exclude={"attested_on", "attested_by"}), attested_on=day,
            attested_by=by,
        )  # fmt: skip
        stream = _stream(uow, facility_stream(cmd.village_code, cmd.facility.value), unit)
        stream.record(facts, now)
        uow.streams.add(stream, caller.actor, caller.trace)
        finish(uow, caller, stream)
    return stream


def train(cmd: c.RecordTraining, caller: Caller, deps: Dependencies, _: str | None) -> Training:
    unit = village(deps, cmd.village_code)
    caller.authorize(unit.path)
    day = business_day(cmd.held_on, deps, "held_on")
    now = deps.clock()
    with deps.uow() as uow:
        by = acting_member(uow, caller, cmd.village_code, cmd.led_by, "led_by", required=False)
        facts = TrainingHeld(
            village_code=cmd.village_code, held_on=day, topic=cmd.topic,
            attendee_ids=tuple(cmd.attendee_ids), led_by=by,
        )  # fmt: skip
        assert unit.parent is not None
        training = Training.hold(new_training_id(), unit.parent, unit.path, facts, now)
        uow.streams.add(training, caller.actor, caller.trace)
        finish(uow, caller, training)
    return training
