"""Office hours: parsing and checking moments (Europe/Amsterdam)."""

from __future__ import annotations

from datetime import datetime

import pytest

from digiconsole.availability import OfficeHours, OfficeHoursError

HOURS = OfficeHours.parse("ma-vr 09:00-17:00")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-11-23T09:00:00+01:00", True),  # Monday, opening minute (inclusive)
        ("2026-11-23T08:59:59+01:00", False),
        ("2026-11-23T16:59:59+01:00", True),
        ("2026-11-23T17:00:00+01:00", False),  # closing time is exclusive
        ("2026-11-27T12:00:00+01:00", True),  # Friday
        ("2026-11-28T12:00:00+01:00", False),  # Saturday
        ("2026-11-29T12:00:00+01:00", False),  # Sunday
        ("2026-11-23T08:30:00+00:00", True),  # 09:30 in Amsterdam (winter, UTC+1)
        ("2026-11-23T16:30:00+00:00", False),  # 17:30 in Amsterdam
        ("2026-07-06T07:30:00+00:00", True),  # 09:30 in Amsterdam (summer, UTC+2)
        ("2026-07-06T06:30:00+00:00", False),  # 08:30 in Amsterdam
        ("2026-11-27T23:30:00+00:00", False),  # Saturday 00:30 in Amsterdam
    ],
)
def test_is_open(moment: str, expected: bool) -> None:
    assert HOURS.is_open(datetime.fromisoformat(moment)) is expected


def test_several_blocks_and_whole_days() -> None:
    hours = OfficeHours.parse("ma-do 08:30-17:00; vr 08:30-12:00, za 00:00-24:00")
    assert hours.is_open(datetime.fromisoformat("2026-11-27T11:59:00+01:00"))
    assert not hours.is_open(datetime.fromisoformat("2026-11-27T12:00:00+01:00"))
    assert hours.is_open(datetime.fromisoformat("2026-11-28T23:59:59+01:00"))
    assert not hours.is_open(datetime.fromisoformat("2026-11-29T00:00:00+01:00"))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ma-vr",
        "ma-vr 9:00-17:00",
        "mo-fr 09:00-17:00",
        "ma-vr 09:00-09:00",
        "ma-vr 12:00-11:00",
        "zo-ma 09:00-17:00",
        "ma-vr 09:60-17:00",
        "ma-vr 09:00-24:30",
        "ma-vr 09:00-17:00 extra",
    ],
)
def test_strict_parsing(text: str) -> None:
    with pytest.raises(OfficeHoursError):
        OfficeHours.parse(text)


def test_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        HOURS.is_open(datetime(2026, 11, 23, 10, 0))
