"""Home's saved providers: a provider installed by Qwen Code 0.24.4's `/auth` is one row (its preset, region and
model count, the active model, a plain-text key flagged), and Enter chooses its model as `/model` does.

Each capture's settings.json (shared/reference/fixtures/qwen-code-0.24.4-auth, written by the real `/auth`) is
the user layer of the isolated HOME; the app runs the real resolver and writes the real file. Expected labels
and models are written here from the captures, not taken from qwen-tui's catalogue.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from textual.widgets import DataTable, OptionList
from ui_helpers import profile_rows, scrolled_into_view, scrolling, settle, until

from qwen_tui.core.context import Context
from qwen_tui.core.i18n import t
from qwen_tui.core.launch import QwenCli
from qwen_tui.core.resolver import ConfigLookup, Credential, Resolution, Source, SourceKind, Value
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.confirm import ConfirmScreen
from qwen_tui.ui.screens.home import HomeScreen
from qwen_tui.ui.screens.model_picker import ModelPickerScreen
from tests.conftest import FIXTURES

SIZE = (80, 24)
CAPTURES = FIXTURES / "qwen-code-0.24.4-auth"
INTL = "https://coding-intl.dashscope.aliyuncs.com/v1"


def app_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **extra}


def install_capture(name: str, home: Path) -> Path:
    target = home / ".qwen" / "settings.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CAPTURES / name / "settings.json", target)
    return target


def write_user_settings(home: Path, data: dict) -> Path:
    target = home / ".qwen" / "settings.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=2))
    return target


async def open_home(pilot) -> DataTable:
    await settle(pilot)
    assert isinstance(pilot.app.screen, HomeScreen)
    table = pilot.app.screen.query_one("#profiles-table", DataTable)
    table.focus()
    return table


# (capture, provider cell, active model, key variable)
CASES = [
    ("a-coding-plan", "ModelStudio Coding Plan · Singapore (International)\n10 models", "qwen3.5-plus",
     "BAILIAN_CODING_PLAN_API_KEY"),
    ("b-deepseek", "DeepSeek\n2 models", "deepseek-v4-pro", "DEEPSEEK_API_KEY"),
    ("d-openrouter-mode600", "OpenRouter\n{count} models", "z-ai/glm-4.5-air:free", "OPENROUTER_API_KEY"),
    ("c-custom", "http://127.0.0.1:9/v1", "my-model", "QWEN_CUSTOM_API_KEY_OPENAI_HTTP_127_0_0_1_9_V1_6244AC6CE01B"),
]


@pytest.mark.parametrize(("capture", "provider", "active", "env_key"), CASES, ids=[case[0] for case in CASES])
async def test_home_shows_what_auth_installed_as_one_row(capture: str, provider: str, active: str, env_key: str,
                                                         isolated_home: Path) -> None:
    settings = install_capture(capture, isolated_home)
    count = len(json.loads(settings.read_text())["modelProviders"]["openai"])
    app = QwenTuiApp(context=Context(Path.cwd(), app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await open_home(pilot)
        assert profile_rows(app) == [["●", active, provider.format(count=count),
                              f"user settings (~/.qwen/settings.json) env.{env_key} — in plain text"]]
        problems = str(app.screen.query_one("#problems").render())
        assert f"The key {env_key} is in plain text" in problems and "move-key --to keyring" in problems


async def test_enter_chooses_a_model_of_the_install_and_writes_what_model_writes(isolated_home: Path) -> None:
    """Qwen Code 0.24.4's `/model` persists model.name, model.baseUrl (the entry's URL) and selectedType
    (startInteractiveUI-PJDI6SSE.js 9130-9139, persistModelSelection / persistAuthTypeSelection): the file must
    end up as the real qwen left it after choosing glm-5 in `/model` (captured: fixtures README)."""
    settings = install_capture("a-coding-plan", isolated_home)
    by_qwen = json.loads((CAPTURES / "a-coding-plan/settings.after-model-glm-5.json").read_text())
    app = QwenTuiApp(context=Context(Path.cwd(), app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await open_home(pilot)
        await pilot.press("enter")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ModelPickerScreen)
        models = picker.query_one("#picker-models", OptionList)
        assert models.option_count == 10 and models.highlighted == 0          # on the active one
        assert str(models.get_option_at_index(0).prompt) == "● qwen3.5-plus"
        await pilot.press("down", "down", "down", "enter")                    # glm-5, the capture's fourth
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        provider = "ModelStudio Coding Plan · Singapore (International)\n10 models"
        assert profile_rows(app)[0][:3] == ["●", "glm-5", provider]
        assert app.resolution.model.value == "glm-5"
    assert json.loads(settings.read_text()) == by_qwen


async def test_esc_in_the_model_picker_and_the_active_model_write_nothing(isolated_home: Path) -> None:
    settings = install_capture("a-coding-plan", isolated_home)
    before = settings.read_bytes()
    app = QwenTuiApp(context=Context(Path.cwd(), app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await open_home(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("down", "escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")                                             # the active model again
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert settings.read_bytes() == before


async def test_a_model_of_another_install_becomes_active_with_its_own_url(isolated_home: Path) -> None:
    """Two installs (DeepSeek after Coding Plan, as `/auth` prepends it): choosing a Coding Plan model while
    DeepSeek is active makes that entry the active one."""
    coding = json.loads((CAPTURES / "a-coding-plan/settings.json").read_text())
    deepseek = json.loads((CAPTURES / "b-deepseek/settings.json").read_text())
    merged = {**deepseek, "env": {**coding["env"], **deepseek["env"]},
              "providerMetadata": {**coding["providerMetadata"], **deepseek["providerMetadata"]},
              "modelProviders": {"openai": [*deepseek["modelProviders"]["openai"],
                                            *coding["modelProviders"]["openai"]]}}
    settings = write_user_settings(isolated_home, merged)
    app = QwenTuiApp(context=Context(Path.cwd(), app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await open_home(pilot)
        assert [row[0] for row in profile_rows(app)] == ["●", ""]
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("down", "enter")                                     # qwen3.6-plus
        await settle(pilot)
        assert [row[0] for row in profile_rows(app)] == ["", "●"]
        assert app.resolution.base_url.value == INTL
    data = json.loads(settings.read_text())
    assert data["model"] == {"name": "qwen3.6-plus", "baseUrl": INTL}
    assert data["modelProviders"] == merged["modelProviders"] and data["env"] == merged["env"]


# ---- snapshots: home at 80×24 with the Coding Plan install, its row in view (en, fr) --------------------------

def coding_plan_resolution(context: Context) -> Resolution:
    """What the resolver returns for the capture, with fixed paths shown; the panel derives the installs from
    the files themselves (`lookup`, read from the isolated HOME)."""
    user = Path("/home/dev/.qwen/settings.json")

    def source(key: str, kind: SourceKind = SourceKind.SETTINGS) -> Source:
        return Source(kind, user, key, "user")

    key = "BAILIAN_CODING_PLAN_API_KEY"
    return Resolution(
        auth_type=Value("openai", source("security.auth.selectedType")), enforced_type=Value(None),
        base_url=Value(INTL, source("modelProviders.openai[0].baseUrl")),
        model=Value("qwen3.5-plus", source("model.name")),
        credential=Credential(True, "sk-…cdef", source(f"env.{key}", SourceKind.SETTINGS_ENV), variable=key),
        usage_stats=Value(False, source("privacy.usageStatisticsEnabled")), usage_stats_chosen=True,
        dotenv_path=None, problems=(t("keys.problem.plaintext", name=key, path=user),),
        lookup=ConfigLookup.load(context),
    )


async def _table_in_view(pilot) -> None:
    """The table focused and in view for the picture. The focus scrolls it there with an animation that starts
    some messages later, and on a busy machine home's last rows may still move it after that scroll (the table
    stayed half below the fold for 60 s, twice in a loaded run): until it is in view, it is scrolled there again.
    That a focus alone brings a widget into view is tests/ui/test_visible_focus.py's subject, not this picture's."""
    await settle(pilot)

    def in_view() -> bool:
        # Queried each time: home recomposes when a resolution arrives, and a busy machine may deliver a second
        # one (startup's and a refresh's) after the first look, leaving a table that is no longer on the screen.
        table = pilot.app.screen.query_one("#profiles-table", DataTable)
        if not table.has_focus:
            table.focus()
            return False
        if scrolled_into_view(table):
            return True
        if not scrolling(table):
            table.scroll_visible(animate=False)
        return False

    await until(pilot, in_view, "the table scrolled into view")
    await pilot.wait_for_animation()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_home_snapshot_with_a_coding_plan_install(snap_compare, isolated_home: Path, lang: str) -> None:
    install_capture("a-coding-plan", isolated_home)
    qwen = QwenCli(True, Path("/usr/local/bin/qwen"), "0.24.4", True, True, None, None)
    env = app_env(LC_ALL="fr_FR.UTF-8" if lang == "fr" else "C.UTF-8")
    app = QwenTuiApp("status", context=Context(Path.cwd(), env),
                     resolver=coding_plan_resolution, verdict=lambda res, env: qwen)
    assert snap_compare(app, terminal_size=SIZE, run_before=_table_in_view)


async def _picker_open(pilot) -> None:
    await _table_in_view(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.wait_for_animation()


def test_model_picker_snapshot(snap_compare, isolated_home: Path) -> None:
    install_capture("a-coding-plan", isolated_home)
    qwen = QwenCli(True, Path("/usr/local/bin/qwen"), "0.24.4", True, True, None, None)
    app = QwenTuiApp("status", context=Context(Path.cwd(), app_env(LC_ALL="C.UTF-8")),
                     resolver=coding_plan_resolution, verdict=lambda res, env: qwen)
    assert snap_compare(app, terminal_size=SIZE, run_before=_picker_open)


async def test_d_deletes_the_whole_install_and_only_it(isolated_home: Path) -> None:
    """The row is the install: `d` asks, naming it, then removes its ten entries, its providerMetadata, the
    model selection and its key; the custom provider beside it and every other setting stay."""
    coding = json.loads((CAPTURES / "a-coding-plan/settings.json").read_text())
    custom = json.loads((CAPTURES / "c-custom/settings.json").read_text())
    merged = {**coding, "env": {**coding["env"], **custom["env"]},
              "modelProviders": {"openai": [*coding["modelProviders"]["openai"], *custom["modelProviders"]["openai"]]}}
    settings = write_user_settings(isolated_home, merged)
    app = QwenTuiApp(context=Context(Path.cwd(), app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await open_home(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "ModelStudio Coding Plan · Singapore (International) — 10 models" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert [row[1] for row in profile_rows(app)] == ["my-model"]
    data = json.loads(settings.read_text())
    assert data["modelProviders"] == custom["modelProviders"]
    assert "providerMetadata" not in data or "coding-plan" not in data["providerMetadata"]
    assert data["env"] == custom["env"]
    assert "name" not in data.get("model", {})
    for key in ("privacy", "general", "$version", "ui", "security"):
        assert data[key] == coding[key]
