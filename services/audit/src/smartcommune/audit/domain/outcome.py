"""The verdict of a replay as a process exit status — the auditor's one-line answer.

Several failures can hold at once; the status is the most serious one, in this order:
infrastructure (nothing could be judged), tampering (the log itself is not trustworthy), a
signature or certificate failure (the decision was not made by whom it claims, or not while
entitled), divergence (the recorded numbers are not what the evidence gives), incomplete (a
decision could not be re-evaluated at all, e.g. no evaluator installed).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    VERIFIED = 0
    #: 1 is Python's own status for an unhandled crash, 2 is click's for bad usage.
    TAMPERING = 3
    DIVERGENCE = 4
    SIGNATURE = 5
    INFRASTRUCTURE = 6
    INCOMPLETE = 7


#: Most serious first: the exit status is the first of these that applies.
SEVERITY: tuple[ExitCode, ...] = (
    ExitCode.INFRASTRUCTURE,
    ExitCode.TAMPERING,
    ExitCode.SIGNATURE,
    ExitCode.DIVERGENCE,
    ExitCode.INCOMPLETE,
)

MEANING: dict[ExitCode, str] = {
    ExitCode.VERIFIED: "every chain, decision, signature and certificate verified",
    ExitCode.TAMPERING: (
        "a chain is broken (altered, dropped, reordered, injected, foreign or unreadable event),"
        " or a decision's evidence frontier is not in the verified log"
    ),
    ExitCode.DIVERGENCE: (
        "a decision's recorded values differ from those recomputed from the events, or its"
        " criteria set's hash does not match the repository's"
    ),
    ExitCode.SIGNATURE: (
        "a decision's CMS signature does not verify, its certificate does not chain to the"
        " configured root, was not issued by the platform CA, or was revoked or expired when"
        " it signed"
    ),
    ExitCode.INFRASTRUCTURE: (
        "the broker could not be reached or read, or holds no event topic (nothing was judged)"
    ),
    ExitCode.INCOMPLETE: "a decision could not be re-evaluated (no evaluator, or it failed)",
}


def worst(codes: set[ExitCode]) -> ExitCode:
    for code in SEVERITY:
        if code in codes:
            return code
    return ExitCode.VERIFIED


def exit_codes_help() -> str:
    """The table printed in `--help` and mirrored in docs/audit.md."""
    return "\n\n".join(f"{int(code)}: {MEANING[code]}" for code in ExitCode)
