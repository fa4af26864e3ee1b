"""What every qwen-tui screen shares: the typed app, translated key descriptions, the language re-render."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.binding import ActiveBinding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button

from qwen_tui.core.i18n import catalog, t
from qwen_tui.core.resolver import Resolution
from qwen_tui.ui.widgets.footer_space import FooterSpace

if TYPE_CHECKING:
    from textual import getters

    from qwen_tui.ui.app import QwenTuiApp


def translate(text: str) -> str:
    """`text` when it is not a message key (Textual's own bindings), else its translation."""
    return t(text) if text in catalog("en") else text


class QwenScreen(Screen[Any]):
    """A screen of the qwen-tui app. `self.app` is typed, so the app's API is checked (mypy), not looked up by
    name. App-wide changes arrive as signals: every screen relabels on `app.language_changed`; a screen that
    shows the resolution subscribes to `app.config.resolved` in its own `on_mount`.
    Binding descriptions are message keys, translated each time the footer asks for them, so a language switch
    re-renders them without rebuilding the bindings."""

    if TYPE_CHECKING:   # Textual's typed-app descriptor, for the checker only: no import of the app at run time
        app = getters.app(QwenTuiApp)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        translated: dict[str, ActiveBinding] = {}
        for key, active in super().active_bindings.items():
            binding = active.binding
            if binding.description:
                binding = replace(binding, description=translate(binding.description))
            translated[key] = active._replace(binding=binding)
        return translated

    def read_stylesheet_now(self) -> None:
        """Add this screen's stylesheet (CSS_PATH) to the app's as the screen is made, not as it is pushed: then
        Textual parses every stylesheet of the app again, bypassing its parse cache, and restyles every screen
        in the stack (the provider form: 20 stylesheets parsed and ~50 nodes restyled as it opened). For screens
        whose rules all start with their own type, so that no node of another screen matches them."""
        sheet = self.app.stylesheet
        for path in self.css_path:
            if not sheet.has_source(str(path)):
                sheet.add_source(path.read_text(encoding="utf-8"), read_from=(str(path), ""))

    def width_class_now(self) -> None:
        """Set the HORIZONTAL_BREAKPOINTS class of the app's width now, before the screen's children mount (call it
        first in compose): Textual sets it at the first resize, and restyled every node of the screen again."""
        width, breakpoints = self.app.size.width, self.HORIZONTAL_BREAKPOINTS or []
        widest = max(((edge, name) for edge, name in breakpoints if width >= edge), default=None)
        self.update_classes({name: (edge, name) == widest for edge, name in breakpoints})

    # True once the screen's first frame is out. Screens leave what that frame can do without (below the fold,
    # filled by a worker anyway) to `after_first_frame`, and compose it directly when composing again.
    drawn = False

    def on_mount(self) -> None:
        # Textual runs this as well as a subclass's own on_mount (each class's handler, in MRO order).
        self.app.language_changed.subscribe(self, self._language_changed)

    async def _language_changed(self, language: str | None) -> None:
        await self.relabel()

    # False until the screen first becomes current (see _on_screen_resume).
    _resumed = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs just before Textual's own handler (Screen's, next in the MRO), which restyles every node of the
        # screen each time it becomes current. The first time, each node below the screen was styled as it
        # mounted a moment before (a class or focus change since restyled its own node): that pass changed
        # nothing and was ~3% of a launch (home: 19 nodes, each with its component classes). Only the screen
        # itself is styled again: push_screen registers it before reading its stylesheet (CSS_PATH). Later
        # resumes restyle everything as usual.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
            self.app.stylesheet.update_nodes([self])

    def on_show(self) -> None:
        if not self.drawn:
            self.drawn = True
            for space in self.query_children(FooterSpace):   # the first frame drew the footer's row: now its keys
                space.hold_footer()
            self.after_first_frame()
        self.app.screen_shown(self)

    def after_first_frame(self) -> None:
        """Mount what the first frame was drawn without (launch budget: bench/startup.py)."""

    @property
    def resolution(self) -> Resolution:
        """The app's current resolution (screens are shown only once there is one)."""
        resolution = self.app.resolution
        assert resolution is not None
        return resolution

    async def relabel(self) -> None:
        """Re-render every text after a language switch (state the user changed lives outside widgets)."""
        await self.recompose_in_place()
        self.refresh_bindings()

    async def recompose_in_place(self) -> None:
        """Recompose, keeping the focus on the same widget (by id, else by its place in the focus order) and
        the scroll position: a refresh must not move the user."""
        focused = self.focused
        chain = self.focus_chain
        focus_id = focused.id if focused is not None else None
        focus_index = chain.index(focused) if focused in chain else None
        scrolls = {widget.id: widget.scroll_offset.y for widget in self.query("VerticalScroll") if widget.id}
        await self.recompose()
        target = None
        if focus_id is not None:
            target = next(iter(self.query(f"#{focus_id}")), None)
        if target is None and focus_id is None and focus_index is not None:
            chain = self.focus_chain
            target = chain[focus_index] if focus_index < len(chain) else None
        if target is not None and target.focusable:
            self.set_focus(target, scroll_visible=False)

        def scroll_back() -> None:
            for widget_id, y in scrolls.items():
                for widget in self.query(f"#{widget_id}"):
                    widget.scroll_to(y=y, animate=False)

        if any(scrolls.values()):
            self.call_after_refresh(scroll_back)

    @on(Button.Pressed, "#open-usage-data")
    def open_usage_data(self, event: Button.Pressed) -> None:
        """The "what is recorded" button some screens show (settings, privacy)."""
        event.stop()
        self.app.action_usage_data()


class StackBottom(QwenScreen):
    """The bottom of the stack when the configuration was read before the first frame: an empty screen, never
    drawn. A subclass of QwenScreen, as the first screens (home, chooser) are: Textual ranks the default CSS of
    Screen and Widget by their depth in the class hierarchy of the node that registers them, and a deeper one
    registering later makes it parse both again (~9 M instructions before the first frame)."""

    def __init__(self) -> None:
        super().__init__(name="loading")

    def _extend_compose(self, widgets: list[Widget]) -> None:
        """Without Textual's toast rack and tooltip (each styled and mounted before the first frame, ~5 M
        instructions together): never drawn, it shows neither, and Textual skips a screen that has none."""
