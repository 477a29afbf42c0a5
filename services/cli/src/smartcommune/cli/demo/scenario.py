"""The demo scenario: a commune's year, its villages' scorecards, a signed recognition decision
and the auditor's replay — all through the services' real APIs, as the officials who signed in
through Keycloak.

It does not care where its servers and services come from (`DemoStack` for `make demo`, the
test fixtures for the e2e test): it takes their addresses. A service that is not built yet is
skipped, and the outcome says so; nothing is ever made up in its place.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .api import Api, Official, sign_in
from .commune import Commune, plan
from .steps import audit as audit_steps
from .steps import dossiers as dossier_steps
from .steps import identity as identity_steps
from .steps import payments as payment_steps
from .steps import scoring as scoring_steps
from .steps import sync
from .steps import techteams as team_steps

#: the topics the scoring service's consumer group reads, and that group
SCORING_SOURCES = ("dossiers", "identity", "payments", "techteams")
SCORING_GROUP = "scoring.indicators"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Endpoints:
    """Where the scenario finds everything."""

    keycloak_url: str
    realm: str
    kafka_bootstrap: str
    #: service name → base URL of its REST API (only the services that run)
    services: dict[str, str]
    #: service name → gRPC address (identity's signing service, scoring's API)
    grpc: dict[str, str] = field(default_factory=dict)
    topic_prefix: str = ""
    #: where reports and downloaded documents go
    workdir: Path = Path(".")


@dataclass
class Outcome:
    commune: Commune
    officials: dict[str, Official] = field(default_factory=dict)
    people: identity_steps.People | None = None
    dossiers: dossier_steps.Dossiers | None = None
    payments: payment_steps.Payments | None = None
    teams: team_steps.Teams | None = None
    recognition: scoring_steps.Recognition | None = None
    audit: audit_steps.Replay | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    calls: int = 0

    @property
    def decided(self) -> list[str]:
        """The village codes the signed decision recognises."""
        if self.recognition is None or not self.recognition.decision:
            return []
        return [u["code"] for u in self.recognition.decision["payload"]["units"]]

    @property
    def verified(self) -> bool:
        """A decision was issued for exactly the qualifying villages, and the replay agrees."""
        return (
            self.recognition is not None
            and bool(self.decided)
            and sorted(self.decided) == sorted(self.recognition.qualifying)
            and self.audit is not None
            and self.audit.verified
        )


class Scenario:
    def __init__(self, endpoints: Endpoints, progress: Progress = lambda _: None) -> None:
        self.endpoints = endpoints
        self.progress = progress
        self.outcome = Outcome(commune=plan())
        self.apis: dict[str, Api] = {}

    @contextmanager
    def step(self, key: str, what: str) -> Iterator[None]:
        """One step: `what` is shown while it runs, its time is kept under `key`."""
        self.progress(what)
        began = time.monotonic()
        yield
        self.outcome.timings[key] = time.monotonic() - began

    def api(self, service: str, official: str = "commune") -> Api | None:
        url = self.endpoints.services.get(service)
        if url is None:
            return None
        if service not in self.apis:
            self.apis[service] = Api(service, url, self.outcome.officials["commune"])
        return self.apis[service].as_(self.outcome.officials[official])

    def run(self) -> Outcome:
        o, commune = self.outcome, self.outcome.commune
        with self.step("login", "officials sign in through Keycloak"):
            o.officials = sign_in(self.endpoints.keycloak_url, self.endpoints.realm)
        identity = self.api("identity")
        if identity is None:
            o.skipped.append("identity (not running): no residents, nothing to score")
            return o
        with self.step("residents", "households and residents registered"):
            o.people = identity_steps.register(identity, commune)
        with self.step("vneid", "VNeID levels recorded"):
            identity_steps.record_vneid(identity, commune, o.people)
        with self.step("certificates", "e-signature certificates issued"):
            identity_steps.issue_official_certificates(identity, o.officials, commune, o.people)
            identity_steps.issue_resident_certificates(identity, commune, o.people)
        dossiers = self.api("dossiers")
        if dossiers is None:
            o.skipped.append("dossiers (not running)")
        else:
            with self.step("dossiers", "a year of dossiers imported, three walked step by step"):
                o.dossiers = dossier_steps.import_year(dossiers, commune, o.people)
                o.dossiers.live = dossier_steps.walk_live(dossiers, commune, o.people)
                o.dossiers.statistics = dossier_steps.statistics(dossiers, commune)
        self.techteams()
        self.payments()
        self.recognise()
        self.audit()
        return o

    def payments(self) -> None:
        o, commune = self.outcome, self.outcome.commune
        payments = self.api("payments")
        if payments is None or o.people is None:
            o.skipped.append("payments (not running): no accounts, no cashless payments")
            return
        result = o.payments = payment_steps.Payments()
        with self.step("accounts", "e-payment accounts opened, merchants registered"):
            result.accounts = payment_steps.open_accounts(payments, commune, o.people)
            result.merchants, qr = payment_steps.register_merchants(payments, commune)
        with self.step("payments", "a year of cashless payments from providers' statements"):
            result.imported = payment_steps.import_statements(payments, commune, o.people, qr)
        with_fee = [d for d in (o.dossiers.live if o.dossiers else []) if d["fee_vnd"] > 0]
        if with_fee:
            with self.step("fee", "a dossier fee paid by VietQR"):
                result.fee = payment_steps.pay_fee(payments, with_fee[0])
        result.adoption = payment_steps.adoption(payments, commune)

    def techteams(self) -> None:
        o, commune = self.outcome, self.outcome.commune
        techteams = self.api("techteams")
        if techteams is None or o.people is None:
            o.skipped.append("techteams (not running): no teams, surveys or attestations")
            return
        with self.step("techteams", "tech teams: visits, surveys, attestations, trainings"):
            o.teams = team_steps.run(techteams, o.officials, commune, o.people)

    def recognise(self) -> None:
        o, commune, ends = self.outcome, self.outcome.commune, self.endpoints
        scoring, district = self.api("scoring"), self.api("scoring", "district")
        if scoring is None or district is None:
            o.skipped.append("scoring (not running): no scorecards, no decision")
            return
        result = o.recognition = scoring_steps.Recognition()
        with self.step("kafka→scoring", "every fact reaches the scoring service through Kafka"):
            topics = [f"{ends.topic_prefix}{name}.events.v1" for name in SCORING_SOURCES]
            o.extra["events"] = sync.wait_for_consumer(ends.kafka_bootstrap, SCORING_GROUP, topics)
        with self.step("scorecards", "scorecards of every village"):
            scoring_steps.attest_commune_facts(scoring, commune)
            scoring_steps.scorecards(scoring, commune, result, ends.workdir)
        if not result.qualifying:
            o.skipped.append("no village meets the criteria: nothing to propose")
            return
        with self.step("decision", "commune officer proposes; district officer decides and signs"):
            scoring_steps.propose(scoring, result)
            scoring_steps.decide(district, result, ends.workdir)

    def audit(self) -> None:
        o, ends = self.outcome, self.endpoints
        identity = ends.services.get("identity")
        if o.recognition is None or not o.recognition.decision or identity is None:
            return
        with self.step("replay", "the auditor replays the commune from Kafka alone"):
            sync.wait_for_topic(
                ends.kafka_bootstrap, f"{ends.topic_prefix}scoring.events.v1",
                int(o.recognition.decision["chain_seq"]),
            )  # fmt: skip
            o.audit = audit_steps.replay(
                identity, o.commune.code, ends.kafka_bootstrap, ends.topic_prefix, ends.workdir
            )

    def close(self) -> None:
        self.outcome.calls = sum(api.calls for api in self.apis.values())
        for api in self.apis.values():
            api.close()


def run(endpoints: Endpoints, progress: Progress = lambda _: None) -> Outcome:
    """Play it; a failing step raises (`Scenario.outcome` keeps what was done until then)."""
    scenario = Scenario(endpoints, progress)
    try:
        return scenario.run()
    finally:
        scenario.close()
