"""The rules engine: given messages just stored, evaluate the rules of their devices and
raise, update or clear alarms. (Being written: this is the interface ingest calls.)"""

from __future__ import annotations

from community_brain.devices.messages import Message


def process(messages: list[Message]) -> None:
    """Evaluate the rules for newly stored messages (duplicates are not passed in). Called by
    ingest inside the transaction that stored them."""
    return None
