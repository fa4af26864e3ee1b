"""Opening the provider form does not restyle the whole form again, nor parse the app's stylesheets again
(ui/screens/provider_form.py).

Every node is styled as it mounts; two things restyled all of them again a moment later: Textual's first focus
went to the scrolling body (the first focusable widget), whose ~55 descendants were restyled as it took the focus
and again as the form moved the focus on to the picker; and the width's breakpoint class, set at the first
resize, restyled the screen and everything in it. Counted here, not timed: the style updates of the screen and
its body, at both breakpoints."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.css.scalar import Scalar
from textual.css.stylesheet import Stylesheet
from ui_helpers import make_app, resolution, settle

from qwen_tui.ui.screens.form_picker import PresetList
from qwen_tui.ui.screens.provider_form import ProviderFormScreen


@pytest.mark.parametrize(("size", "wide"), [((80, 24), False), ((120, 40), True)], ids=["80x24", "120x40"])
async def test_opening_the_form_restyles_neither_the_form_nor_its_body(monkeypatch, size, wide) -> None:
    restyled: list[tuple[object, int]] = []    # each node restyled with its descendants, and how many they were
    update_styles = App.update_styles

    def counting(self, node, animate: bool = True) -> None:
        restyled.append((node, len(node.walk_children())))
        update_styles(self, node, animate=animate)

    monkeypatch.setattr(App, "update_styles", counting)
    app = make_app(resolution(usage=False, usage_chosen=True), "auth",
                   PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("2")          # the chooser's "OpenAI-compatible"
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProviderFormScreen)
        assert isinstance(form.focused, PresetList)
        assert form.has_class("-wide") is wide and form.has_class("-narrow") is not wide
        # (The form's own node alone is restyled once: its breakpoint class, set before its children mount.)
        whole = [(node, count) for node, count in restyled if (node is form or node.id == "form-body") and count]
        assert whole == []


async def test_opening_the_form_parses_no_stylesheet_again(monkeypatch) -> None:
    """The form adds its stylesheet as it is made (QwenScreen.read_stylesheet_now): Textual, adding it as the
    screen is pushed, parsed every stylesheet of the app again and restyled every screen in the stack."""
    reparsed: list[Stylesheet] = []
    reparse = Stylesheet.reparse

    def counting(self) -> None:
        reparsed.append(self)
        reparse(self)

    monkeypatch.setattr(Stylesheet, "reparse", counting)
    app = make_app(resolution(usage=False, usage_chosen=True), "auth",
                   PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = len(reparsed)
        await pilot.press("2")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProviderFormScreen)
        assert len(reparsed) == before
        # Its rules apply (provider_form.tcss: `ProviderFormScreen #preset { max-height: 9 }`, `.field` margin 1).
        assert form.query_one("#preset").styles.max_height == Scalar.parse("9")
        assert form.query_one("#key-field").styles.margin.top == 1
        # And they can match nothing outside the form: every rule starts with the form's type.
        own = Stylesheet(variables=app.get_css_variables())
        own.read(form.css_path[0])
        assert own.rules and all(selectors.selectors[0].name == "ProviderFormScreen"
                                 for rule in own.rules for selectors in rule.selector_set)
