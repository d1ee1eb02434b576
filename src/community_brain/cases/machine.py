"""The case's state machine: which action may move a case from which states, to where.

One table, one function to check a move; an illegal move raises IllegalTransition naming the
current state. Actions that do not change the state (pause, comment…) list the states in
which they are allowed, with ``None`` as the target.
"""

from __future__ import annotations

from community_brain.accounts.roles import DISPATCH, HANDLE, REPORT
from community_brain.cases.choices import Status as S
from community_brain.core.errors import IllegalTransition

WORKING = frozenset({S.ASSIGNED, S.IN_PROGRESS})

# action: (allowed from, to — None keeps the state, "rating" decides, who may act)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None, str]] = {
    "accept": (frozenset({S.REPORTED}), S.ACCEPTED, DISPATCH),
    "assign": (frozenset({S.REPORTED, S.ACCEPTED}), S.ASSIGNED, DISPATCH),
    "start": (frozenset({S.ASSIGNED}), S.IN_PROGRESS, HANDLE),
    "transfer": (WORKING | {S.ACCEPTED}, S.ASSIGNED, DISPATCH),
    "return": (WORKING, S.ACCEPTED, HANDLE),
    "resolve": (WORKING, S.RESOLVED, HANDLE),
    "send_back": (frozenset({S.RESOLVED}), S.IN_PROGRESS, DISPATCH),
    "verify": (frozenset({S.RESOLVED}), S.VERIFIED, DISPATCH),
    "rate": (frozenset({S.VERIFIED, S.CLOSED}), "rating", REPORT),
    "close": (frozenset({S.VERIFIED}), S.CLOSED, DISPATCH),
    "reopen": (frozenset({S.CLOSED, S.VERIFIED}), S.ASSIGNED, DISPATCH),
    "reject": (frozenset({S.REPORTED, S.ACCEPTED}), S.REJECTED, DISPATCH),
    "duplicate": (frozenset({S.REPORTED, S.ACCEPTED, S.ASSIGNED}), S.DUPLICATE, DISPATCH),
    "pause": (WORKING, None, HANDLE),
    "resume": (WORKING, None, HANDLE),
    "request_extension": (WORKING, None, HANDLE),
    "decide_extension": (WORKING, None, DISPATCH),
    "add_co_handler": (WORKING | {S.ACCEPTED}, None, DISPATCH),
}


def check(case, action: str) -> None:
    allowed, _target, _who = TRANSITIONS[action]
    if case.status not in allowed:
        raise IllegalTransition("case", case.status, action)


def allowed_actions(case) -> list[str]:
    return [a for a, (allowed, _t, _w) in TRANSITIONS.items() if case.status in allowed]


def who(action: str) -> str:
    return TRANSITIONS[action][2]
