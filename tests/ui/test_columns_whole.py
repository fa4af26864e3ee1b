"""Issue 14 point 10: home's rows are not cut in French and Chinese at 80×24 and 60×20. Each row (label, value,
source) is drawn as home draws it; every word of it must be found whole on one of its lines. A table column cuts
what is wider than itself with `…` (`security.…`), and Chinese text has no spaces to wrap at, so a path glued to
Chinese words became one word wider than the column. The one exception is an address, clipped with `…` and still
a hyperlink to the whole of it (point 7)."""

from __future__ import annotations

import pytest
from textual.geometry import Region
from ui_helpers import make_app, resolution, until, workers_done

from qwen_tui.core.i18n import set_language
from qwen_tui.ui.widgets.sourced_row import SourcedRow

SIZES = [(60, 20), (80, 24)]
CASES = {
    "openai": resolution("openai", usage=False, usage_chosen=True,
                         problems=("workspace settings /work/p/.qwen/settings.json:4:7: expected ','",)),
    "qwen-oauth": resolution("qwen-oauth", usage=True, usage_chosen=True),
}


def cut_words(row: SourcedRow) -> list[str]:
    strips = row.render_lines(Region(0, 0, row.size.width, row.size.height))
    lines = ["".join(seg.text for seg in strip) for strip in strips]
    links = {seg.style.link for strip in strips for seg in strip if seg.style and seg.style.link}
    words = f"{row.label} {row.value} {row.source}".split()
    cut = [word for word in words if not any(word in line for line in lines) and word not in links]
    return [*cut, *lines] if cut else []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("language", ["fr", "zh"])
async def test_no_row_is_cut(language, case, size) -> None:
    app = make_app(CASES[case], LC_ALL=f"{language}_FR.UTF-8" if language == "fr" else "zh_CN.UTF-8")
    try:
        async with app.run_test(size=size) as pilot:
            await workers_done(app)

            def laid_out() -> bool:
                # The usage row comes a frame after home; each look queries again, since home recomposes when a
                # resolution arrives (rows from before that are no longer laid out, and would all look cut).
                rows = app.screen.query(SourcedRow)
                return bool(app.screen.query("#row-usage")) and all(row.size.width for row in rows)

            await until(pilot, laid_out, "home's rows laid out")
            rows = list(app.screen.query(SourcedRow))
            assert len(rows) >= 5
            cut = {row.id: words for row in rows if (words := cut_words(row))}
            assert not cut, cut
    finally:
        set_language("en")
