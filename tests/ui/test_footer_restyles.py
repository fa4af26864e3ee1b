"""The footer is rebuilt only when the keys it shows change, and its keys are not restyled on the way
(ui/widgets/footer.py).

Textual rebuilds the footer each time the screen's bindings are updated: every focus move, and four times as the
provider form opened, most often to show the same keys. And Textual's FooterKey starts compact and is then bound
to the footer's (not compact) value: each key of each rebuild was restyled twice, ending as it began. Counted
here, not timed: the rebuilds (the keys are new widgets) and the styles updates that reach a key."""

from __future__ import annotations

from textual.widgets._footer import FooterKey
from ui_helpers import first_screen, make_app, resolution, restyles, settle, until


def keys(app) -> list[FooterKey]:
    return list(app.screen.query(FooterKey))


async def test_a_focus_move_rebuilds_the_footer_only_when_its_keys_change(monkeypatch) -> None:
    restyled = restyles(monkeypatch, FooterKey)
    app = make_app(resolution("openai"))
    async with app.run_test(size=(80, 24)) as pilot:
        await first_screen(pilot)
        await until(pilot, lambda: bool(keys(app)), "the footer's keys")
        await settle(pilot)
        drawn = keys(app)
        await pilot.press("tab")   # home: the focus moves on to the body, whose keys are the screen's
        await settle(pilot)
        assert app.screen.focused is not None and keys(app) == drawn
        await pilot.press("p")     # another screen, another footer: its first link has the focus
        await until(pilot, lambda: app.screen.name == "privacy" and [key.key for key in keys(app)] == [
            "enter", "c", "escape", "u", "slash", "q", "ctrl+p"], "the privacy footer with the link's keys")
        await settle(pilot)
        drawn = keys(app)
        await pilot.press("tab")   # the second link: the same keys
        await settle(pilot)
        assert app.screen.focused.id == "provider-privacy-link" and keys(app) == drawn
        await pilot.press("tab")   # a button: a link's keys go
        await until(pilot, lambda: [key.key for key in keys(app)] == ["escape", "u", "slash", "q", "ctrl+p"],
                    "the footer without the link's keys")
        # As Textual draws them: the keys bound to the footer not compact, the palette's key (unbound) compact.
        compact = {key.key: key.has_class("-compact") for key in keys(app)}
        assert [key for key, is_compact in compact.items() if is_compact] == ["ctrl+p"]
    assert restyled == []
