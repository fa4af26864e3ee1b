"""The auth chooser: Qwen OAuth or an OpenAI-compatible API, whose terms apply, and the usage-statistics choice.

`1` / `2` choose at once; arrows + Enter also work. The usage-statistics switch is opt-in: it shows the value a
settings layer chose explicitly, otherwise off, and the choice is written when the user continues. Under it,
what continuing will save (following the switch), and what the qwen CLI and qwen-tui do now (core/usage_story).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qwen_tui.core.i18n import t
from qwen_tui.core.methods import METHODS, QWEN_OAUTH_FREE_TIER_END, MethodInfo
from qwen_tui.core.names import AuthMethod
from qwen_tui.core.usage_story import usage_story
from qwen_tui.resources import stylesheet
from qwen_tui.ui.screens.base import QwenScreen
from qwen_tui.ui.widgets.footer_space import footer
from qwen_tui.ui.widgets.link import Link, WholeUrl
from qwen_tui.ui.widgets.plain import Plain
from qwen_tui.ui.widgets.rendered_once import RenderedOnce
from qwen_tui.ui.widgets.scroll_body import ScrollBody

if TYPE_CHECKING:
    from textual.widgets import Switch


def _option_prompt(info: MethodInfo) -> RenderedOnce:
    """The digit in its own column so wrapped lines keep a hanging indent. No colour or dim of its own: the
    highlighted row's colours must keep every word readable (≥ 4.5:1 in every theme, tests/ui/test_contrast)."""
    lines: list[RenderableType] = [Text.assemble((t(info.title_msg) + " — ", "bold"), t(info.provider_msg),
                                                 "\n" + t(info.description_msg))]
    # Whose terms apply, right in the choice (the notice's table); the section below repeats them as links.
    # Each address on a line of its own when it does not fit beside its label, never cut mid-way.
    if info.terms_url and info.privacy_url:
        lines += [WholeUrl(info.terms_url, t("method.terms")), WholeUrl(info.privacy_url, t("method.privacy"))]
    else:
        lines.append(Text(f"{t('method.terms')}, {t('method.privacy').lower()}: {t('method.openai.terms')}"))
    if info.method == AuthMethod.QWEN_OAUTH:
        lines.append(Text("⚠ " + t("method.qwen_oauth.shutdown", date=QWEN_OAUTH_FREE_TIER_END), "bold"))
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=1)
    grid.add_column(ratio=1)
    grid.add_row(Text(info.key, "bold"), Group(*lines))
    return RenderedOnce(grid)


class ChooserScreen(QwenScreen):
    CSS_PATH = stylesheet("chooser")
    BINDINGS = [
        Binding("1", "choose('qwen-oauth')", "chooser.binding.qwen_oauth", id="chooser.qwen_oauth"),
        Binding("2", "choose('openai')", "chooser.binding.openai", id="chooser.openai"),
        Binding("escape", "leave", "app.binding.back", id="chooser.back", show=False),
        Binding("u", "toggle_usage", "chooser.binding.usage", id="chooser.usage"),
    ]

    def __init__(self) -> None:
        super().__init__(name="chooser")
        self._usage_choice: bool | None = None   # the user's choice on this screen, kept across re-renders

    def _preselected(self) -> int:
        current = self.resolution.auth_type.value
        return next((i for i, info in enumerate(METHODS) if info.method == current), 0)

    def _usage_value(self) -> bool:
        if self._usage_choice is not None:
            return self._usage_choice
        return bool(self.resolution.usage_stats_chosen and self.resolution.usage_stats.value)

    def compose(self) -> ComposeResult:
        yield Plain(t("chooser.title"), id="chooser-title", classes="title")
        with ScrollBody(id="chooser-body"):
            options: list[Option | None] = []
            for info in METHODS:
                options += [None] if options else []   # a separator line between the methods
                options.append(Option(_option_prompt(info), id=info.method.value))
            yield OptionList(*options, id="methods")
            # Everything below the methods follows a frame after the choice itself (after_first_frame), in
            # the body itself: an empty container in the first frame was one more node to style and lay out.
            if self.drawn:
                yield from self._details()
        yield footer(self.drawn)

    def _details(self) -> list[Widget]:
        # Imported here: not in the first frame (with Textual's Checkbox and RadioButton, ~2% of the launch).
        from qwen_tui.ui.widgets.usage_notice import UsageNotice

        return [self._usage_section(), self._terms_section(), UsageNotice(id="usage-notice", classes="section")]

    def after_first_frame(self) -> None:
        # Once this frame is out (call_later): the usage story asks the usage gate (launch budget).
        self.call_later(lambda: self.query_one("#chooser-body").mount_all(self._details()))

    def _usage_section(self) -> Vertical:
        from qwen_tui.ui.widgets.state import StateSwitch
        from qwen_tui.ui.widgets.usage_switch import UsageSwitch

        return Vertical(
            StateSwitch(UsageSwitch(self._usage_value, id="usage-switch"), t("chooser.usage.label"),
                        id="usage-row"),
            Plain(self._will_save(), id="usage-will-save", classes="note"),
            Plain(t("chooser.usage.now", story=" ".join(usage_story(self.resolution)[:2])), id="usage-now",
                  classes="note"),
            id="usage", classes="section",
        )

    def _will_save(self) -> str:
        return t("chooser.usage.will_save.on" if self._usage_value() else "chooser.usage.will_save.off")

    def _terms_section(self) -> Vertical:
        rows: list = [Plain(t("chooser.terms.title"), classes="subtitle")]
        for info in METHODS:
            rows.append(Plain(f"{t(info.title_msg)} — {t(info.provider_msg)}", classes="terms-method"))
            if info.terms_url and info.privacy_url:
                # Ids: a re-render puts the focus back on the same link (QwenScreen.recompose_in_place).
                rows.append(Link(t("method.terms"), info.terms_url, id=f"{info.method.value}-terms-link",
                                 classes="indented"))
                rows.append(Link(t("method.privacy"), info.privacy_url, id=f"{info.method.value}-privacy-link",
                                 classes="indented"))
            else:
                rows.append(Plain(t("method.openai.terms"), classes="indented dim"))
        return Vertical(*rows, id="terms", classes="section")

    def on_mount(self) -> None:
        methods = self.query_one("#methods", OptionList)
        methods.highlighted = self._preselected()
        methods.focus()

    async def relabel(self) -> None:
        # Recompose does not run on_mount again: keep the highlighted method (and the focus on the list when
        # nothing else had it).
        highlighted = self.query_one("#methods", OptionList).highlighted
        await super().relabel()
        methods = self.query_one("#methods", OptionList)
        methods.highlighted = self._preselected() if highlighted is None else highlighted
        if self.focused is None:
            methods.focus()

    def on_switch_changed(self, event: Switch.Changed) -> None:
        # A busy machine may deliver a Changed after a later `u` (or a re-render) set the choice again:
        # a message that no longer describes its mounted switch is stale, not the user's choice.
        if not event.switch.is_attached or event.value != event.switch.value:
            return
        self._usage_choice = event.value
        self.query_one("#usage-will-save", Plain).update(self._will_save())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.action_choose(event.option.id)

    def action_toggle_usage(self) -> None:
        # The choice first: a re-render (language switch) may replace the switch before its Changed arrives;
        # a switch not mounted yet (first frame, or a re-render) reads the choice when it mounts.
        self._usage_choice = not self._usage_value()
        from textual.widgets import Switch

        for switch in self.query("#usage-switch").results(Switch):
            switch.value = self._usage_choice

    def action_choose(self, method: str) -> None:
        chosen = AuthMethod(method)
        if chosen == AuthMethod.QWEN_OAUTH and self._signed_in():
            # A new device flow while a sign-in works is rarely meant (a stray `1`): ask first, as gh does.
            from qwen_tui.ui.screens.confirm import ConfirmScreen

            def answered(yes: bool | None) -> None:
                if yes:
                    self.app.continue_with_method(chosen, self._usage_value())

            self.app.push_screen(ConfirmScreen(t("signin.again.confirm"), confirm_label=t("signin.again.yes")),
                                 answered)
            return
        self.app.continue_with_method(chosen, self._usage_value())

    def _signed_in(self) -> bool:
        res = self.resolution
        return res.auth_type.value == AuthMethod.QWEN_OAUTH and res.credential.present \
            and not self.app.qwen_signed_out

    def action_leave(self) -> None:
        if not self.resolution.auth_type.value:
            self.notify(t("chooser.method_required"), severity="warning")
            return
        self.app.leave_chooser()
