"""Every write to the case ledger. Each function locks the case, checks the move against the
state machine and the actor's rights, writes the timeline row, and queues notices in the same
transaction (they are delivered after it commits)."""

from community_brain.cases.services.diary import log_visit, raise_case
from community_brain.cases.services.intake import report, similar_cases
from community_brain.cases.services.workflow import (
    accept,
    add_co_handler,
    add_info,
    assign,
    close,
    comment,
    decide_extension,
    mark_duplicate,
    pause,
    rate,
    reject,
    reopen,
    request_extension,
    resolve,
    resume,
    return_case,
    send_back,
    start,
    transfer,
    verify,
)

__all__ = [
    "accept",
    "add_co_handler",
    "add_info",
    "assign",
    "close",
    "comment",
    "decide_extension",
    "log_visit",
    "mark_duplicate",
    "pause",
    "raise_case",
    "rate",
    "reject",
    "reopen",
    "report",
    "request_extension",
    "resolve",
    "resume",
    "return_case",
    "send_back",
    "similar_cases",
    "start",
    "transfer",
    "verify",
]
