"""Highway stakes (桩号): ``K12+300`` is 12 km + 300 m from the route's origin.

Parsed into metres (a float, so decimals and chainage breaks survive) with the carriageway
when the prefix names one: ``ZK`` the left (左幅), ``YK`` the right (右幅), ``K`` either.
Ranges are two stakes joined by ``~``, ``～``, ``-`` or ``至``: ``K12+300~K12+450``; the
second may omit the prefix (``K12+300~450`` is not a stake, ``K12+300~+450`` is the same
kilometre). Formatting is the inverse: ``K12+300``, ``K12+300.5``, ``ZK3+040``.

A bad stake raises ``StakeError`` saying what is wrong, in the reader's language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

SIDES = {"K": "", "ZK": "left", "YK": "right"}
_STAKE = re.compile(r"^(ZK|YK|K)(\d{1,4})\+(\d{1,3})(\.\d{1,3})?$")
_SEPARATORS = re.compile(r"\s*(?:~|～|至|—|–|(?<=\d)-(?=[ZYK+]))\s*")


class StakeError(ValueError):
    """A stake or a range that cannot be read; the message says why."""


@dataclass(frozen=True)
class Stake:
    metres: float
    side: str = ""  # "", "left", "right"

    def __str__(self) -> str:
        return format_stake(self.metres, self.side)


@dataclass(frozen=True)
class StakeRange:
    start: Stake
    end: Stake

    @property
    def length(self) -> float:
        return round(self.end.metres - self.start.metres, 3)

    def __str__(self) -> str:
        if self.start == self.end:
            return str(self.start)
        return f"{self.start}~{self.end}"


def _clean(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def parse_stake(text: str) -> Stake:
    raw = _clean(text)
    if not raw:
        raise StakeError(_("Give a stake, e.g. K12+300."))
    match = _STAKE.match(raw)
    if match is None:
        raise StakeError(
            _("“%(text)s” is not a stake: write it as K12+300 (ZK or YK for one side).")
            % {"text": text.strip()}
        )
    prefix, km, metres, decimals = match.groups()
    if len(metres) != 3:
        raise StakeError(
            _("“%(text)s”: give the metres after “+” as three digits, e.g. K12+030.")
            % {"text": text.strip()}
        )
    value = int(km) * 1000 + int(metres) + (float(decimals) if decimals else 0.0)
    return Stake(round(value, 3), SIDES[prefix])


def parse_range(text: str) -> StakeRange:
    """A stake or a range; a single stake is a range of length 0."""
    raw = _clean(text)
    if not raw:
        raise StakeError(_("Give a stake, e.g. K12+300."))
    parts = [p for p in _SEPARATORS.split(raw) if p]
    if len(parts) == 1:
        stake = parse_stake(parts[0])
        return StakeRange(stake, stake)
    if len(parts) != 2:
        raise StakeError(
            _("“%(text)s” is not a range: write it as K12+300~K12+450.") % {"text": text.strip()}
        )
    start = parse_stake(parts[0])
    second = parts[1]
    if second.startswith("+"):  # the same kilometre: K12+300~+450
        km = int(start.metres // 1000)
        prefix = {"": "K", "left": "ZK", "right": "YK"}[start.side]
        second = f"{prefix}{km}{second}"
    end = parse_stake(second)
    if end.side and start.side and end.side != start.side:
        raise StakeError(
            _("“%(text)s” starts on one side of the road and ends on the other.")
            % {"text": text.strip()}
        )
    if end.metres < start.metres:
        raise StakeError(
            _("“%(text)s” ends before it starts: give the smaller stake first.")
            % {"text": text.strip()}
        )
    return StakeRange(start, Stake(end.metres, end.side or start.side))


def format_stake(metres: float, side: str = "") -> str:
    if metres < 0:
        raise StakeError(_("A stake cannot be negative."))
    prefix = {"": "K", "left": "ZK", "right": "YK"}[side]
    km, rest = divmod(round(metres, 3), 1000)
    whole = int(rest)
    fraction = round(rest - whole, 3)
    text = f"{prefix}{int(km)}+{whole:03d}"
    if fraction:
        text += f"{fraction:.3f}".lstrip("0").rstrip("0")
    return text
