"""Issue 14 point 10: times human and local ("valid for 59 min, until 05:31", "expired 2 min ago")."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from qwen_tui.core.i18n import set_language
from qwen_tui.core.when import human_expiry

PARIS = timezone(timedelta(hours=1))
NOW = datetime(2026, 11, 30, 4, 32, 0, tzinfo=PARIS)


@pytest.mark.parametrize(("iso", "expected"), [
    ("2026-11-30T04:31:30+00:00", "valid for 59 min, until 05:31"),        # UTC in the file, local on screen
    ("2026-11-30T03:30:00+00:00", "expired 2 min ago"),
    ("2026-11-30T03:31:50+00:00", "expired less than a minute ago"),
    ("2026-11-30T06:40:00+00:00", "valid for 3 h 8 min, until 07:40"),
    ("2026-12-04T10:00:00+00:00", "valid for 4 days, until 2026-12-04 11:00"),
    ("not a time", "not a time"),
])
def test_expiry_reads_as_people_say_it(iso: str, expected: str) -> None:
    set_language("en")
    assert human_expiry(iso, NOW) == expected


def test_in_french() -> None:
    set_language("fr")
    try:
        assert human_expiry("2026-11-30T03:30:00+00:00", NOW) == "expiré depuis 2 min"
    finally:
        set_language("en")
