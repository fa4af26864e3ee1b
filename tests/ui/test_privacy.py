"""The privacy screen: the whole notice for both methods in en/fr/zh, the current method's part first."""

from __future__ import annotations

import re

import pytest
from textual.containers import VerticalScroll
from ui_helpers import first_screen, make_app, resolution, scrolled_into_view, until, workers_done

from qwen_tui.core.i18n import catalog, set_language
from qwen_tui.ui.screens.privacy import PrivacyScreen
from qwen_tui.ui.widgets.link import Link, WholeUrl
from tests.conftest import FIXTURES

SIZE = (80, 24)
NOTICE = FIXTURES / "privacy-notice" / "tos-privacy.fr.md"  # Qwen Code's notice, copied into the suite
SECTIONS = ["methods-overview", "qwen-oauth-terms", "openai-terms", "usage-statistics", "training",
            "usage-setting", "switch-methods", "qwen-tui-records"]


started = first_screen


def section_order(screen) -> list[str]:
    body = screen.query_one("#privacy-body", VerticalScroll)
    return [child.id for child in body.children if child.id in SECTIONS]



@pytest.mark.parametrize(("auth", "first"), [("qwen-oauth", "qwen-oauth-terms"), ("openai", "openai-terms"),
                                             (None, "methods-overview")])
@pytest.mark.parametrize("language", ["en", "fr", "zh"])
async def test_every_section_in_every_language_current_method_first(auth, first, language) -> None:
    app = make_app(resolution(auth), initial="privacy", QWEN_TUI_LANGUAGE=language, LANG=f"{language}.UTF-8")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            if auth is None:                      # nothing configured: the chooser comes first
                app.action_privacy()
                await pilot.pause()
            assert isinstance(app.screen, PrivacyScreen)
            order = section_order(app.screen)
            assert sorted(order) == sorted(SECTIONS)
            assert order[0] == first and order[-1] == "qwen-tui-records"
            texts = [str(w.content) for w in app.screen.query("Plain")]
            joined = "\n".join(texts)
            ui = catalog(language)
            for key in ("privacy.openai.important", "privacy.training.important", "privacy.faq_usage.scope",
                        "privacy.usage.by_method.openai", "privacy.not_collected.prompts", "privacy.switch.steps"):
                assert ui[key] in joined, key
    finally:
        set_language("en")


async def test_only_the_current_method_has_focusable_links() -> None:
    app = make_app(resolution("qwen-oauth"), initial="privacy")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert [link.url for link in app.screen.query(Link)] == ["https://qwen.ai/termsservice",
                                                                "https://qwen.ai/privacypolicy"]
        for _ in range(200):   # the table comes a frame after the screen: wait for it (up to 10 s), not for a time
            cells = app.screen.query("#methods-table Plain")
            if cells:
                break
            await pilot.pause(0.05)
        # One method after another (a grid cut its addresses at 60 columns: tests/ui/test_whole_links.py).
        urls = [cell.content.url for cell in cells if isinstance(cell.content, WholeUrl)]
        assert len(cells) == 8 and urls == ["https://qwen.ai/termsservice", "https://qwen.ai/privacypolicy"]


async def test_scrolls_to_what_qwen_tui_records_at_80x24() -> None:
    app = make_app(resolution("openai", usage=True, usage_chosen=True), initial="privacy")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        body = app.screen.query_one("#privacy-body", VerticalScroll)
        assert body.max_scroll_y > 0
        body.scroll_end(animate=False)                    # done after the next refresh: wait for it
        await until(pilot, lambda: body.scroll_y == body.max_scroll_y, "scrolled to the end")
        state = app.screen.query_one("#records-state")
        await until(pilot, lambda: body.region.contains_region(state.region), "the records state in view")
        assert 0 <= state.region.y < SIZE[1]
        assert "qwen-tui records nothing" in str(state.content) and "openai" in str(state.content)
        await pilot.press("u")
        await until(pilot, lambda: app.screen.name == "usage_data", "the Usage data screen")


def _plain_notice() -> str:
    text = NOTICE.read_text(encoding="utf-8")
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)     # links → their text
    text = text.replace("**", "").replace("`", "")
    return re.sub(r"\s+", " ", text)


def test_french_reuses_the_notice_sentences() -> None:
    notice = _plain_notice()
    fr = catalog("fr")
    verbatim = ["privacy.intro.body", "privacy.intro.different", "privacy.qwen_oauth.body", "privacy.openai.body",
                "privacy.openai.refer", "privacy.usage.body", "privacy.training.intro", "privacy.faq_usage.body",
                "privacy.faq_usage.scope", "privacy.switch.body", "privacy.usage.what.stats",
                "privacy.usage.what.errors", "privacy.usage.what.features"]
    for key in verbatim:
        assert fr[key] in notice, key
    # Sentences that open with a label in the notice ("Qwen OAuth :", "Important :"): the sentence after it.
    for key in ("privacy.openai.important", "privacy.training.important", "privacy.usage.by_method.qwen",
                "privacy.usage.by_method.openai", "privacy.training.openai"):
        sentence = fr[key].split(" : ", 1)[1]
        assert sentence in notice, key


async def test_a_refresh_keeps_the_focus_and_the_scroll_position() -> None:
    app = make_app(resolution("qwen-oauth"), initial="privacy")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        button = app.screen.query_one("#open-usage-data")
        button.focus()
        body = app.screen.query_one("#privacy-body", VerticalScroll)
        await until(pilot, lambda: app.focused is button and scrolled_into_view(button), "the focus scrolled")
        before = body.scroll_offset.y
        assert before > 0                               # scrolled down to the button
        app.refresh_resolution()
        await workers_done(pilot.app)

        def new_body() -> VerticalScroll:
            return app.screen.query_one("#privacy-body", VerticalScroll)

        # The screen is recomposed (a new body), then scrolled back once it is laid out.
        await until(pilot, lambda: new_body() is not body and new_body().scroll_offset.y != 0, "scrolled back")
        await until(pilot, lambda: app.focused is not None and scrolled_into_view(app.focused), "settled")
        assert app.focused is not None and app.focused.id == "open-usage-data"
        assert new_body().scroll_offset.y == before


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8080/v1", "https://llm.example.com/v1"])
async def test_opens_at_the_current_method_when_it_has_no_links(base_url) -> None:
    """A local or unknown provider has no terms links: the first stop was then the Usage data button at the very
    end, and focusing it scrolled the screen to the bottom, past the current method (seen at 80×24 in tmux)."""
    app = make_app(resolution("openai", base_url=base_url), initial="privacy")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert not app.screen.query(Link)
        body = app.screen.query_one("#privacy-body", VerticalScroll)
        await until(pilot, lambda: app.screen.focused is body, "the body has the focus")
        await pilot.pause()
        assert body.max_scroll_y > 0 and body.scroll_y == 0
        assert scrolled_into_view(app.screen.query_one("#current-method"))
        await pilot.press("pagedown")                        # the focus is where the keys scroll the notice
        await until(pilot, lambda: body.scroll_y > 0, "page down scrolls the notice")
