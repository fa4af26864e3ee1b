"""The footer is rebuilt on every focus move; its keys must not be restyled on the way (ui/widgets/footer.py).

Textual's FooterKey starts compact and is then bound to the footer's (not compact) value: each key of each
rebuild was restyled twice, ending as it began. Counted here, not timed: the styles updates that reach a key."""

from __future__ import annotations

from textual.widgets._footer import FooterKey
from ui_helpers import first_screen, make_app, resolution, restyles, until


async def test_moving_the_focus_rebuilds_the_footer_without_restyling_its_keys(monkeypatch) -> None:
    restyled = restyles(monkeypatch, FooterKey)
    app = make_app(resolution("openai"))
    async with app.run_test(size=(80, 24)) as pilot:
        await first_screen(pilot)
        await until(pilot, lambda: bool(app.screen.query(FooterKey)), "the footer's keys")
        keys_before = list(app.screen.query(FooterKey))
        await pilot.press("tab")   # the focus moves: the footer is composed again
        await until(pilot, lambda: list(app.screen.query(FooterKey)) != keys_before and
                    bool(app.screen.query(FooterKey)), "the footer rebuilt")
        await pilot.press("s")     # another screen, another footer
        await until(pilot, lambda: app.screen.name != "home" and bool(app.screen.query(FooterKey)),
                    "the settings footer")
        # As Textual draws them: the keys bound to the footer not compact, the palette's key (unbound) compact.
        compact = {key.key: key.has_class("-compact") for key in app.screen.query(FooterKey)}
        assert len(compact) > 2 and [key for key, is_compact in compact.items() if is_compact] == ["ctrl+p"]
    assert restyled == []
