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


async def test_the_footer_takes_the_place_of_its_first_frame_space_which_draws_the_same_row() -> None:
    """Textual's Footer draws no key in the frame it is mounted in: the first frame has FooterSpace instead,
    the same background row; once that frame is out it holds the Footer (and its keys)."""
    from textual.widgets import Footer

    from qwen_tui.ui.widgets.footer_space import FooterSpace

    app = make_app(resolution("openai"))
    async with app.run_test(size=(80, 24)) as pilot:
        await first_screen(pilot)
        space = app.screen.query_one(FooterSpace)   # drawn in the first frame, then holding the Footer
        real = space.query_one(Footer)
        await until(pilot, lambda: bool(real.children), "the footer's keys")
        space = FooterSpace()
        await app.screen.mount(space, before=0)
        await until(pilot, lambda: bool(space.region.width), "the space laid out")
        assert space.styles.background == real.styles.background
        assert (space.styles.dock, space.region.height, space.region.width) == ("bottom", 1, real.region.width)


async def test_the_problems_box_is_one_widget_holding_its_title_and_lines() -> None:
    """Drawn the same as a titled box of two texts (tests/ui/test_snapshots.py), by one widget."""
    app = make_app(resolution("openai", problems=("first [b]problem[/b]", "second\x1b[31m")))
    async with app.run_test(size=(80, 24)) as pilot:
        await first_screen(pilot)
        box = app.screen.query_one("#problems")
        assert not box.children
        text = str(box.render())
        assert text.startswith("Problems\n• first [b]problem[/b]\n• second") and "\x1b" not in text


async def test_a_rows_value_is_drawn_in_the_rows_own_style_not_a_styled_component() -> None:
    """Each component class is styled as a node of its own before the first frame (six rows on home); no rule
    styles the value, which takes the row's own style, so only the label, error and source ones are styled."""
    from qwen_tui.ui.widgets.sourced_row import SourcedRow

    app = make_app(resolution("openai"))
    async with app.run_test(size=(80, 24)) as pilot:
        await first_screen(pilot)
        rows = list(app.screen.query(SourcedRow))
        assert rows and all(set(row._component_styles) == {"sourced-row--label", "sourced-row--error",
                                                            "sourced-row--source"} for row in rows)


async def test_a_hidden_notice_box_joins_home_a_frame_later_a_shown_one_is_in_its_first_frame(monkeypatch) -> None:
    """Hidden (nothing to act on), the box is mounted once home's first frame is out, in its place under the
    problems box; a notice there at startup (a theme to fix) is in the first frame."""
    from qwen_tui.ui.screens.home import HomeScreen

    in_first_frame: list[bool] = []
    after_first_frame = HomeScreen.after_first_frame

    def recording(self: HomeScreen) -> None:
        in_first_frame.append(bool(self.query("#notices")))
        after_first_frame(self)

    monkeypatch.setattr(HomeScreen, "after_first_frame", recording)
    app = make_app(resolution("openai", problems=("a problem",)))
    async with app.run_test(size=(80, 24)) as pilot:
        await first_screen(pilot)
        await until(pilot, lambda: bool(app.screen.query("#notices")), "the notice box")
        body = [child.id for child in app.screen.query_one("#home-body").children]
        assert body.index("notices") == body.index("problems") + 1
    app = make_app(resolution("openai"))
    app._startup_warnings.append("Fix the theme file.")
    async with app.run_test(size=(80, 24)) as pilot:
        await first_screen(pilot)
        assert "Fix the theme file." in notice_text(app)
    assert in_first_frame == [False, True]
