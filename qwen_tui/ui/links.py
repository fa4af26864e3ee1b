"""Links the app offers (a provider's terms, a privacy page, a repository): opened in a browser where one can
be opened, else (SSH, CI, NO_BROWSER, no display) sent to the terminal's clipboard. `app.links`; the browser is
started in a worker thread, and every outcome is said in a toast."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from qwen_tui.core.i18n import t

if TYPE_CHECKING:
    from textual.app import App


class Links:
    def __init__(self, app: App[Any], env: Mapping[str, str]) -> None:
        self._app = app
        self._env = env

    def copy(self, url: str) -> None:
        self._app.copy_to_clipboard(url)
        self._app.notify(t("app.link.copied", url=url))

    def open(self, url: str) -> None:
        from qwen_tui.core.oauth.browser import can_open_browser

        if can_open_browser(self._env):
            self._app.run_worker(partial(self._open_in_browser, url), name="open link", group="browser",
                                 description="open link", thread=True, exit_on_error=False)
        else:
            self._app.copy_to_clipboard(url)
            self._app.notify(t("app.link.no_browser", url=url))

    def _open_in_browser(self, url: str) -> None:
        from qwen_tui.core.oauth.browser import open_url

        if open_url(url, self._env):
            self._app.call_from_thread(self._app.notify, t("app.link.opened", url=url))
        else:
            self._app.call_from_thread(self.copy, url)
