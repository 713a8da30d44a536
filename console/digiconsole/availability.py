"""Office hours ("kantooruren"): parsing the KANTOORUREN setting and checking a moment.

The format is one or more blocks separated by ``;`` or ``,``, each ``<days> HH:MM-HH:MM``
where ``<days>`` is a Dutch day abbreviation (``ma di wo do vr za zo``) or a range of two
(``ma-vr``). Times are local to Europe/Amsterdam; the start is inclusive, the end exclusive.
Example: ``ma-vr 09:00-17:00; za 10:00-12:00``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAGEN = ("ma", "di", "wo", "do", "vr", "za", "zo")
_BLOCK = re.compile(
    r"^(?P<d1>[a-z]{2})(?:-(?P<d2>[a-z]{2}))?\s+"
    r"(?P<h1>\d{2}):(?P<m1>\d{2})-(?P<h2>\d{2}):(?P<m2>\d{2})$"
)


class OfficeHoursError(ValueError):
    """The office-hours text cannot be parsed."""


@dataclass(frozen=True)
class Block:
    """One opening period on one weekday (0 = Monday)."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class OfficeHours:
    """Weekly opening hours in Europe/Amsterdam."""

    blocks: tuple[Block, ...]
    text: str

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """Parse an office-hours text strictly.

        Args:
            text: e.g. ``"ma-vr 09:00-17:00"``.

        Returns:
            The parsed office hours.

        Raises:
            OfficeHoursError: on any part that does not match the format.
        """
        blocks: list[Block] = []
        parts = [p.strip() for p in re.split(r"[;,]", text.strip().lower())]
        if not parts or any(not p for p in parts):
            raise OfficeHoursError(f"expected e.g. 'ma-vr 09:00-17:00', got {text!r}")
        for part in parts:
            m = _BLOCK.match(re.sub(r"\s+", " ", part))
            if not m:
                raise OfficeHoursError(f"expected e.g. 'ma-vr 09:00-17:00', got {part!r}")
            d1, d2 = m["d1"], m["d2"] or m["d1"]
            if d1 not in DAGEN or d2 not in DAGEN:
                raise OfficeHoursError(f"unknown day in {part!r}; use {' '.join(DAGEN)}")
            i1, i2 = DAGEN.index(d1), DAGEN.index(d2)
            if i2 < i1:
                raise OfficeHoursError(f"day range runs backwards in {part!r}")
            h1, m1, h2, m2 = (int(m[k]) for k in ("h1", "m1", "h2", "m2"))
            if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2 != 0):
                raise OfficeHoursError(f"invalid time in {part!r}")
            start = time(h1, m1)
            end = time.max if h2 == 24 else time(h2, m2)
            if end <= start:
                raise OfficeHoursError(f"end time is not after start time in {part!r}")
            blocks.extend(Block(day, start, end) for day in range(i1, i2 + 1))
        return cls(tuple(blocks), text)

    def is_open(self, moment: datetime) -> bool:
        """Tell whether the desk is open at a moment.

        Args:
            moment: a timezone-aware datetime (any zone).

        Returns:
            True when the moment falls inside a block (start inclusive, end exclusive).
        """
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        local = moment.astimezone(AMSTERDAM)
        t = local.time().replace(tzinfo=None)
        return any(b.weekday == local.weekday() and b.start <= t < b.end for b in self.blocks)
