"""Home's first frame builds only widgets that draw something (launch budget, bench/instructions.py): each widget
mounted is styled (its component classes too), laid out and rendered. Counted here, not timed."""

from __future__ import annotations

from ui_helpers import first_screen, make_app, notice_text, resolution, until


async def test_a_hidden_notice_box_holds_no_widgets_until_there_is_a_notice() -> None:
    app = make_app(resolution("openai"))
    async with app.run_test(size=(80, 24)) as pilot:
        await first_screen(pilot)
        box = app.screen.query_one("#notices")
        assert not box.display and not box.children
        app.notices.give("test", "Move the key to the keyring.")
        await until(pilot, lambda: "Move the key" in notice_text(app), "the notice")
        assert box.display and len(box.children) == 2      # its title and its lines
        app.notices.give("test", None)
        await until(pilot, lambda: not box.display, "the box hidden again")
        assert not box.children
