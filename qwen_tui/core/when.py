"""Times as people read them: "valid for 59 min, until 05:31", "expired 2 min ago" — relative to now and in
local time, where the files hold ISO 8601 in UTC."""

from __future__ import annotations

from datetime import datetime, timedelta

from qwen_tui.core.i18n import t


def duration(span: timedelta) -> str:
    """A rounded span: "less than a minute", "59 min", "3 h 5 min", "4 days"."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return t("when.under_a_minute")
    if minutes < 60:
        return t("when.minutes", n=minutes)
    if minutes < 48 * 60:
        return t("when.hours", h=minutes // 60, m=minutes % 60)
    return t("when.days", n=minutes // (24 * 60))


def human_expiry(iso: str, now: datetime | None = None) -> str:
    """An ISO 8601 expiry as "valid for …, until HH:MM" (a date too when not today) or "expired … ago"; the
    text itself when it is not a time (e.g. the resolver's "invalid expiry")."""
    try:
        expiry = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if expiry.tzinfo is None:
        return iso
    now = now or datetime.now().astimezone()
    local = expiry.astimezone(now.tzinfo)
    if local <= now:
        return t("when.expired", ago=duration(now - local))
    until = local.strftime("%H:%M") if local.date() == now.date() else local.strftime("%Y-%m-%d %H:%M")
    return t("when.valid", left=duration(local - now), until=until)
