"""Stakes parse and format both ways; bad stakes are named with the reason."""

import pytest

from community_brain.inspections.stakes import (
    Stake,
    StakeError,
    format_stake,
    parse_range,
    parse_stake,
)


@pytest.mark.parametrize(
    ("text", "metres", "side"),
    [
        ("K12+300", 12300, ""),
        ("k0+000", 0, ""),
        ("K12+300.5", 12300.5, ""),
        (" ZK3+040 ", 3040, "left"),
        ("YK101+999.25", 101999.25, "right"),
        ("Ｋ１２＋３００", 12300, ""),  # full-width, as typed on a Chinese keyboard
    ],
)
def test_stakes_parse(text, metres, side):
    assert parse_stake(text) == Stake(metres, side)


@pytest.mark.parametrize(
    ("metres", "side", "text"),
    [
        (12300, "", "K12+300"),
        (3040, "left", "ZK3+040"),
        (12300.5, "", "K12+300.5"),
        (101999.25, "right", "YK101+999.25"),
        (0, "", "K0+000"),
    ],
)
def test_stakes_format_and_come_back(metres, side, text):
    assert format_stake(metres, side) == text
    assert parse_stake(text) == Stake(metres, side)


@pytest.mark.parametrize(
    ("text", "start", "end", "length"),
    [
        ("K12+300~K12+450", "K12+300", "K12+450", 150),
        ("K12+300～K13+020", "K12+300", "K13+020", 720),
        ("K12+300至K12+310.5", "K12+300", "K12+310.5", 10.5),
        ("ZK5+100-ZK5+200", "ZK5+100", "ZK5+200", 100),
        ("YK5+100~+180", "YK5+100", "YK5+180", 80),
        ("K7+000", "K7+000", "K7+000", 0),
    ],
)
def test_ranges_parse(text, start, end, length):
    stakes = parse_range(text)
    assert (str(stakes.start), str(stakes.end), stakes.length) == (start, end, length)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "Give a stake"),
        ("12+300", "is not a stake"),
        ("K12-300", "is not a stake"),
        ("K12+30", "three digits"),
        ("K12+3000", "is not a stake"),
        ("AK1+000", "is not a stake"),
        ("K12+450~K12+300", "ends before it starts"),
        ("ZK1+000~YK1+100", "one side of the road"),
        ("K1+000~K2+000~K3+000", "is not a range"),
    ],
)
def test_bad_stakes_say_why(text, reason):
    from django.utils import translation

    with translation.override("en"), pytest.raises(StakeError, match=reason):
        parse_range(text)


def test_a_negative_stake_cannot_be_written():
    with pytest.raises(StakeError):
        format_stake(-1)
