"""Issue 14 point 7: addresses stay whole on screen. Every line of the chooser, the privacy screen and the provider
form is read as drawn (the body scrolled from top to bottom) at 60×20 and 80×24, in English and French; no
address may end one line and go on at the start of the next. An address too long for its line is clipped with
`…` and stays reachable whole: it is an OSC 8 hyperlink to the whole address, and `c` copies it."""

from __future__ import annotations

import functools

import pytest
from rich.console import Console
from textual.containers import VerticalScroll
from ui_helpers import make_app, resolution, settled, workers_done

from qwen_tui.core.i18n import set_language
from qwen_tui.core.methods import QWEN_PRIVACY_URL, QWEN_TERMS_URL
from qwen_tui.core.providers.catalog import PRESETS
from qwen_tui.ui.screens.privacy import QWEN_PRIVACY_FAQ_URL
from qwen_tui.ui.widgets.link import WholeUrl

SIZES = [(60, 20), (80, 24)]
BORDERS = " │|▏▕▁▂▃▄▅▆▇█"


async def drawn_lines(pilot) -> list[str]:
    """Every line of the screen's scrolling body as drawn, frame by frame (frames overlap by two lines, so a
    pair of lines cut by a frame's edge is seen whole in the next)."""
    app = pilot.app
    await workers_done(app)

    def drawn() -> list[str]:
        return ["".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips()]

    await settled(pilot, drawn, timeout=10)   # parts of a screen arrive a frame or two after it
    bodies = [scroll for scroll in app.screen.query(VerticalScroll) if scroll.max_scroll_y > 0]
    body = bodies[0] if bodies else None
    frames: list[list[str]] = []
    y = 0
    while True:
        frames.append(drawn())
        if body is None or y >= body.max_scroll_y:
            break
        y += max(body.scrollable_content_region.height - 2, 1)
        body.scroll_to(y=y, animate=False, immediate=True)
        await pilot.pause()
    return [line for frame in frames for line in (*frame, "")]   # "" keeps frames apart


@functools.cache
def known_urls() -> frozenset[str]:
    """The addresses these screens can show: Qwen's and every preset's (the inputs the check looks for)."""
    urls = {QWEN_TERMS_URL, QWEN_PRIVACY_URL, QWEN_PRIVACY_FAQ_URL}
    for preset in PRESETS:
        urls |= {preset.terms_url, preset.privacy_url, preset.docs_url}
        for region in preset.regions:
            urls |= {region.base_url, region.docs_url, *(region.legal or ())}
    return frozenset(url for url in urls if url)


def split_urls(lines: list[str], urls: frozenset[str] | set[str] | None = None) -> list[str]:
    """Addresses that end a line with a part of themselves and go on at the start of the next one."""
    found = []
    for line, following in zip(lines, lines[1:], strict=False):
        end, start = line.rstrip(BORDERS), following.strip(BORDERS)
        for url in urls or known_urls():
            for cut in range(len("https://"), len(url)):
                if end.endswith(url[:cut]) and start and start.startswith(url[cut:cut + 8]):
                    found.append(f"{url[:cut]!r} / {start!r}")
    return found


async def check(app, size, opener=None) -> list[str]:
    async with app.run_test(size=size) as pilot:
        if opener:
            await workers_done(app)
            await pilot.pause()
            opener(app)
        lines = await drawn_lines(pilot)
    assert any("https://" in line for line in lines), "no address on this screen: nothing was checked"
    return split_urls(lines)


@pytest.fixture(params=["en", "fr"])
def language(request):
    yield request.param
    set_language("en")


def lang_env(language: str) -> dict[str, str]:
    return {"LC_ALL": "fr_FR.UTF-8"} if language == "fr" else {}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_chooser_addresses_stay_whole(size, language) -> None:
    assert not await check(make_app(resolution(), **lang_env(language)), size)


@pytest.mark.parametrize("auth", ["qwen-oauth", "openai", None])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_privacy_addresses_stay_whole(size, auth, language) -> None:
    app = make_app(resolution(auth), "privacy", **lang_env(language))
    assert not await check(app, size, None if auth else lambda app: app.action_privacy())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_provider_form_addresses_stay_whole(size, language) -> None:
    app = make_app(resolution("openai"), **lang_env(language))
    assert not await check(app, size, lambda app: app.action_provider_form())


def test_the_check_sees_a_split_address() -> None:
    """The scan itself: an address cut at the end of a line is found; one clipped with … or whole is not."""
    urls = {"https://qwen.ai/termsservice"}
    assert split_urls(["│ Terms: https://qwen.ai/terms   │", "│ service more words          │"], urls)
    assert not split_urls(["│ Terms: https://qwen.ai/ter… │", "│ Privacy: https://x.example  │"], urls)
    assert not split_urls(["Terms: https://qwen.ai/termsservice", "Privacy policy: https://qwen.ai/p"], urls)


@pytest.mark.parametrize("width", [20, 30, 45, 80])
def test_a_long_address_is_one_line_clipped_and_linked_whole(width) -> None:
    url = "https://example.com/" + "segment/" * 10 + "end"
    console = Console(width=width, color_system=None, legacy_windows=False)
    lines = console.render_lines(WholeUrl(url, "Terms of service"), pad=False)
    texts = ["".join(seg.text for seg in line) for line in lines]
    url_lines = [text for text in texts if "https://" in text]
    assert len(url_lines) == 1, texts                      # never split over lines
    shown = url_lines[0].strip()
    assert shown == url or (shown.endswith("…") and url.startswith(shown[:-1])), shown
    assert all(len(text) <= width for text in texts)
    links = {seg.style.link for line in lines for seg in line if seg.style and seg.style.link}
    assert links == {url}                                  # the hyperlink is the whole address

