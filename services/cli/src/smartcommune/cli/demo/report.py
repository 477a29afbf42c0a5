"""What the demo prints: a few tables of what the services computed, and where to look next."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from .api import OFFICIALS, PLATFORM_ROLES
from .scenario import Outcome
from .stack import DemoStack
from .steps import audit as audit_steps


def show(console: Console, outcome: Outcome, stack: DemoStack, took: float) -> None:
    commune = outcome.commune
    console.print(
        f"\n[bold]{commune.name} ({commune.code})[/], {len(commune.villages)} villages — "
        f"{commune.path}"
    )
    _officials(console, outcome)
    _villages(console, outcome)
    _dossiers(console, outcome)
    _facts(console, outcome)
    _scorecards(console, outcome)
    _commune_card(console, outcome)
    _decision(console, outcome)
    _audit(console, outcome)
    for note in stack.notes + outcome.skipped:
        console.print(f"[yellow]![/] {note}")
    start = ", ".join(f"{name} {secs:.0f}s" for name, secs in stack.timings.items())
    steps = ", ".join(f"{name} {secs:.0f}s" for name, secs in outcome.timings.items())
    console.print(
        f"[dim]Start: {start}. Scenario {sum(outcome.timings.values()):.0f}s ({outcome.calls} "
        f"REST calls: {steps}). Total {took:.0f}s."
    )


def _officials(console: Console, outcome: Outcome) -> None:
    if not outcome.officials:
        return
    table = Table(title="Officials signed in through Keycloak (password grant, tokens verified)")
    for column in ("official", "role", "unit", "signing certificate"):
        table.add_column(column, no_wrap=True)
    certificates = outcome.people.official_certificates if outcome.people else {}
    for official in outcome.officials.values():
        assert official.principal is not None
        roles = ", ".join(sorted(official.principal.roles & PLATFORM_ROLES))
        serial = certificates.get(official.username, "")
        table.add_row(
            official.username, roles, official.principal.admin_unit or "",
            f"serial {serial[:12]}…" if serial else "",
        )  # fmt: skip
    console.print(table)


def _villages(console: Console, outcome: Outcome) -> None:
    people = outcome.people
    if people is None:
        return
    table = Table(title="Registered in the identity service (personal data encrypted)")
    for column in ("village", "code", "households", "residents", "VNeID lvl 2", "e-signature"):
        table.add_column(column, justify="left" if column in ("village", "code") else "right")
    for village in outcome.commune.villages:
        adults = [p for p in village.people if p.age >= 14]
        level2 = sum(p.vneid_level == "level_2" for p in adults)
        table.add_row(
            village.name, village.code, str(len(village.homes)), str(len(village.people)),
            f"{level2}/{len(adults)}", str(sum(p.e_signature for p in village.people)),
        )  # fmt: skip
    console.print(table)


def _share(value: dict[str, Any]) -> str:
    num, den = value.get("numerator", 0), value.get("denominator", 0)
    return f"{num}/{den} ({100 * num / den:.0f}%)" if den else "—"


def _dossiers(console: Console, outcome: Outcome) -> None:
    result = outcome.dossiers
    if result is None:
        return
    figures = result.statistics.get("figures", {})
    table = Table(title="Dossiers of the year, as the dossiers service counts them")
    for column in ("imported", "walked live", "resolved", "online", "on time", "satisfied"):
        table.add_column(column, justify="right")
    table.add_row(
        str(result.imported), str(len(result.live)), str(figures.get("resolved", "")),
        _share(figures.get("share_resolved_online", {})), _share(figures.get("share_on_time", {})),
        _share(figures.get("share_satisfied", {})),
    )  # fmt: skip
    console.print(table)


def explore(console: Console, stack: DemoStack, outcome: Outcome | None) -> None:
    """How to look around after `--keep-running`."""
    runtime = stack.runtime
    if runtime is None:
        return
    console.print("\n[bold]Left running with the data — explore:[/]")
    for spec in stack.specs:
        grpc = runtime.grpc_address(spec)
        extra = f"  (gRPC {grpc})" if grpc else ""
        console.print(f"  {spec.name:<10} {runtime.url(spec)}/docs{extra}")
    env = runtime.servers_env
    keycloak = env.get("SMARTCOMMUNE_KEYCLOAK_URL", "").rstrip("/")
    realm = env.get("SMARTCOMMUNE_KEYCLOAK_REALM", "smartcommune")
    user, password = OFFICIALS["commune"]
    console.print("  a token (commune officer; tokens live 5 minutes):")
    console.print(
        f"    TOKEN=$(curl -s {keycloak}/realms/{realm}/protocol/openid-connect/token "
        f"-d grant_type=password -d client_id=smartcommune-cli -d username={user} "
        f"-d password={password} | python3 -c 'import json,sys; "
        'print(json.load(sys.stdin)["access_token"])\')',
        soft_wrap=True,
    )
    code = outcome.commune.code if outcome else "08920"
    scoring = next((s for s in stack.specs if s.name == "scoring"), None)
    if scoring is not None:
        console.print(
            f'    curl -H "Authorization: Bearer $TOKEN" '
            f"'{runtime.url(scoring)}/units/{code}01/scorecard?criteria_set=vp-smart-village'",
            soft_wrap=True,
        )
    args = audit_steps.command(
        code, env.get("SMARTCOMMUNE_KAFKA_BOOTSTRAP", ""), stack.topic_prefix, stack.state_dir
    )
    for flag in ("--quiet",):
        args.remove(flag)
    json_at = args.index("--json")
    del args[json_at : json_at + 2]
    console.print("  the auditor's replay:")
    console.print("    smartcommune " + " ".join(args), soft_wrap=True)
    console.print(
        "  stop everything (services and servers alike): [bold]smartcommune stack down[/]"
        + (f"  (SMARTCOMMUNE_RUN_DIR={stack.config.run_dir})" if _custom_run_dir(stack) else "")
    )


def _custom_run_dir(stack: DemoStack) -> bool:
    return stack.config.run_dir != (Path.cwd() / ".run").resolve()


def _facts(console: Console, outcome: Outcome) -> None:
    teams, payments = outcome.teams, outcome.payments
    if teams is None and payments is None:
        return
    lines = []
    if teams is not None:
        lines.append(
            f"Tech teams: {len(teams.teams)} teams ({teams.members} members), "
            f"{teams.tasks_done} household visits done, {teams.surveys} household surveys, "
            f"{teams.attestations} facility attestations, {teams.trainings} trainings"
        )
    if payments is not None:
        fee = payments.fee or {}
        paid = f"; fee {fee.get('bill_number')} paid by VietQR" if fee.get("paid") else ""
        lines.append(
            f"Payments: {payments.accounts} e-payment accounts, {payments.merchants} merchants, "
            f"{payments.imported} cashless payments from providers' statements{paid}"
        )
    if events := outcome.extra.get("events"):
        total = sum(events.values())
        lines.append(f"Events on Kafka read by the scoring service: {total}")
    console.print("\n".join(lines))


#: indicator id → column header of the scorecard table (the mandatory ones, then a summary)
COLUMNS = {
    "households-broadband": "4G",
    "tech-team": "team",
    "free-wifi": "wifi",
    "security-cameras": "cams",
    "working-age-smartphones": "phone",
    "working-age-epayment": "e-pay",
    "digital-skills": "skill",
    "vneid-level-2": "VNeID",
}


def _value(indicator: dict[str, Any]) -> str:
    value = indicator["value"]
    if value.get("denominator") is None:
        text = str(value["numerator"])
    elif indicator.get("value_permille") is None:
        text = "—"
    else:
        text = f"{indicator['value_permille'] / 10:.0f}%"
    return f"[green]{text}" if indicator["met"] else f"[red]{text}"


def _scorecards(console: Console, outcome: Outcome) -> None:
    rec = outcome.recognition
    if rec is None or not rec.scorecards:
        return
    first = next(iter(rec.scorecards.values()))
    ref = first["criteria_set"]
    table = Table(
        title=f"Scorecards as of {first['as_of']} — {ref.get('id')} v{ref.get('version')} "
        "(green: threshold met)"
    )
    table.add_column("village", no_wrap=True)
    for header in COLUMNS.values():
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("opt.", justify="right", no_wrap=True)
    table.add_column("meets", no_wrap=True)
    names = {v.code: v.name.removeprefix("Thôn ") for v in outcome.commune.villages}
    for code, card in rec.scorecards.items():
        by_id = {i["indicator_id"]: i for i in card["indicators"]}
        cells = [_value(by_id[i]) if i in by_id else "" for i in COLUMNS]
        optional = f"{card['optional_met']}/{card['optional_needed']}"
        verdict = "[green]yes" if card["meets"] else "[red]no"
        table.add_row(names.get(code, code), *cells, optional, verdict)
    console.print(table)


def _commune_card(console: Console, outcome: Outcome) -> None:
    rec = outcome.recognition
    card = rec.commune_card if rec else None
    if not card:
        return
    parts = []
    for indicator in card["indicators"]:
        value = _value(indicator)
        parts.append(f"{indicator['indicator_id']} {value}[/]")
    verdict = "[green]met" if card["meets"] else "[yellow]not met yet"
    ref = card["criteria_set"]
    console.print(
        f"Commune {card['unit_code']}, {ref.get('id')} v{ref.get('version')}: {verdict}[/] — "
        + ", ".join(parts)
    )


def _decision(console: Console, outcome: Outcome) -> None:
    rec = outcome.recognition
    if rec is None or not rec.decision:
        return
    payload = rec.decision["payload"]
    names = ", ".join(u.get("name", u["code"]) for u in payload["units"])
    signer = payload.get("signer", {})
    authority = payload.get("authority", {})
    console.print(
        f"[bold]Decision {payload['decision_number']}[/] of {payload['decided_on']} by "
        f"{authority.get('unit_path')} ({authority.get('role')}): "
        f"[bold green]{len(payload['units'])} villages recognised as smart villages[/] — "
        f"{names}.\n  Signed (detached CMS) by {signer.get('username', signer.get('subject'))} "
        f"with certificate {str(signer.get('certificate_serial', ''))[:20]}; criteria set "
        f"{payload['criteria_set']['id']} v{payload['criteria_set']['version']} "
        f"sha256 {payload['criteria_set']['sha256'][:12]}…; evidence frontier: "
        + ", ".join(f"{f['service']}#{f['chain_seq']}" for f in payload["evidence_frontier"])
    )


def _audit(console: Console, outcome: Outcome) -> None:
    audit = outcome.audit
    if audit is None:
        return
    report = audit.report
    chains = report.get("chains", [])
    ok_chains = sum(1 for c in chains if c["verified"])
    table = Table(title=f"Auditor's replay of commune {outcome.commune.code} from Kafka alone")
    for column in ("decision", "checks passed", "values re-computed", "verdict"):
        table.add_column(column, no_wrap=True)
    for decision in report.get("decisions", []):
        checks = decision["checks"]
        passed = f"{sum(c['ok'] for c in checks)}/{len(checks)} (signature, chain, CRL, …)"
        agree = sum(1 for c in decision["comparisons"] if c["agrees"])
        verdict = "[green]verified" if decision["verified"] else "[red]NOT verified"
        table.add_row(
            str(decision["decision_number"]), passed,
            f"{agree}/{len(decision['comparisons'])} agree", verdict,
        )  # fmt: skip
    console.print(table)
    verdict = report.get("verdict", {})
    colour = "green" if audit.exit_code == 0 else "red"
    console.print(
        f"  {report.get('read', {}).get('records', 0)} events read, {ok_chains}/{len(chains)} "
        f"hash chains verified; verdict [{colour}]{verdict.get('name', audit.exit_code)}[/] "
        f"(exit {audit.exit_code}) in {audit.seconds:.0f}s"
    )


def next_steps(console: Console, outcome: Outcome, stack: DemoStack, running: bool) -> None:
    """Where to look next."""
    console.print("\n[bold]Where to look next[/]")
    if outcome.audit is not None and outcome.audit.html is not None:
        console.print(f"  audit report (HTML):  {outcome.audit.html}")
    rec = outcome.recognition
    if rec is not None and rec.scorecards_path is not None:
        console.print(f"  scorecards (JSON):    {rec.scorecards_path}")
    if rec is not None and rec.document_path is not None:
        console.print(f"  decision document:    {rec.document_path}")
        if running:
            console.print(f"                        {rec.document_url}", soft_wrap=True)
    if not running:
        console.print(
            "  API docs:             docs/api/*.openapi.json (live /docs with --keep-running)"
        )
