"""A briefing's period: one calendar month, written `YYYY-MM`."""

import calendar
import datetime
import re
from dataclasses import dataclass

MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Period":
        """`YYYY-MM` with a month from 01 to 12; ValueError otherwise."""
        match = MONTH.fullmatch(text.strip())
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
            raise ValueError(text)
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def containing(cls, day: datetime.date) -> "Period":
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def last(self) -> datetime.date:
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def following(self) -> "Period":
        return Period(self.year + self.month // 12, self.month % 12 + 1)
