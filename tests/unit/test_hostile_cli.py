"""The hostile-input suite, commands: outside text in every command's output never reaches the terminal raw.

Hostile strings (tests/hostile.py) come from where they would in life: a cloned repository's workspace
`.qwen/settings.json` and `.env` (and the name of its directory), a device-flow server and an OpenAI-compatible
server that lie (loopback servers in tests/servers/), and the command line. Each command runs for real
(`qwen_tui.cli.main`); its whole stdout and stderr must hold no control character, and no input may end in a
traceback or "unexpected error". JSON output must still parse, with the very values of the files.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from qwen_tui.cli import main
from qwen_tui.core.oauth.credentials import Credentials
from tests.hostile import CLEAR_AND_TITLE, OSC52, hostile_name, hostile_text, unsafe_in
from tests.servers.device_server import DeviceServer
from tests.servers.openai_server import OpenAIServer

HOSTILE = settings(max_examples=10, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:   # argparse's usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    for name, stream in (("stdout", out), ("stderr", err)):
        assert unsafe_in(stream) == [], f"{argv}: control characters on {name}"
    assert "Traceback" not in err and "unexpected error" not in err, err
    return code, out, err


def plant(project: Path, values: list[str], *, broken: bool) -> Path:
    """A repository at `project` whose workspace settings and `.env` carry `values` (or a settings file that
    does not parse, its text hostile)."""
    auth_type, base_url, model, name, variable = values
    folder = project / ".qwen"
    folder.mkdir(parents=True, exist_ok=True)
    document = {
        "security": {"auth": {"selectedType": auth_type, "baseUrl": base_url, "enforcedType": name}},
        "model": {"name": model},
        "modelProviders": {"openai": [{"id": model, "name": name, "baseUrl": base_url, "envKey": variable}]},
        "privacy": {"usageStatisticsEnabled": True},
        "env": {variable: model},
    }
    text = json.dumps(document)
    (folder / "settings.json").write_text(text[:-1] + model if broken else text, encoding="utf-8",
                                          errors="surrogatepass")
    line = "".join(char for char in variable if char not in "\n\r\x00=#")
    (project / ".env").write_text(f"OPENAI_MODEL={line}\nOPENAI_BASE_URL={line}\n{line}=1\n", encoding="utf-8",
                                  errors="surrogatepass")
    return folder / "settings.json"


@HOSTILE
@example(values=["openai", CLEAR_AND_TITLE, OSC52, "[/]", "K"], directory="d\x1b]0;t\x07", broken=False)
@example(values=["\u202eopenai", "https://u:p@h/", "m", "n", "\x9b2J"], directory="d[/]", broken=True)
@given(values=st.lists(hostile_text, min_size=5, max_size=5), directory=hostile_name, broken=st.booleans())
def test_status_and_usage_stats_on_a_hostile_workspace(values: list[str], directory: str, broken: bool,
                                                       project_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    project = project_dir / directory
    plant(project, values, broken=broken)
    monkeypatch.chdir(project)
    run(capsys, "status")
    code, out, _ = run(capsys, "status", "--json")
    document = json.loads(out)                   # still JSON, carrying the file's very values
    if not broken and document["model"]["source"]["kind"] == "settings":
        assert document["model"]["value"] == values[2]
    run(capsys, "usage-stats", "status")
    json.loads(run(capsys, "usage-stats", "status", "--json")[1])


def test_status_shows_the_planted_sequences_as_text(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's reproduction: OSC 52 in `model.name`, clear-screen and title in `security.auth.baseUrl`."""
    (project_dir / ".qwen").mkdir()
    (project_dir / ".qwen" / "settings.json").write_text(json.dumps(
        {"security": {"auth": {"selectedType": "openai", "baseUrl": CLEAR_AND_TITLE}}, "model": {"name": OSC52}}))
    _, out, _ = run(capsys, "status")
    assert "x\\x1b]52;c;cHduZWQ=\\x1b\\" in out          # shown, escaped: the user sees what the repo planted
    assert "u\\x1b[2J\\x1b[H\\x1b]0;owned\\x07" in out


@HOSTILE
@example(argv=["usage-stats", CLEAR_AND_TITLE])
@example(argv=["auth", "login", "--method", "openai", "--base-url", OSC52, "--model", "m", "--api-key-env", "K"])
@given(argv=st.lists(hostile_text, min_size=1, max_size=3).map(lambda texts: ["status", *texts])
       | st.tuples(hostile_text).map(lambda text: ["usage-stats", text[0]]))
def test_command_line_text_echoed_back(argv: list[str], capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("K", "sk-test-0123456789abcdef")
    run(capsys, *argv)


# ---- lying servers --------------------------------------------------------------------------------------------

@pytest.fixture
def fast_device_server(device_server: DeviceServer) -> DeviceServer:
    device_server.poll_fault = "denied"   # the first poll ends the sign-in: one round trip per example
    return device_server


@HOSTILE
@example(url=OSC52, code=CLEAR_AND_TITLE, refusal=None)
@example(url="", code="", refusal=CLEAR_AND_TITLE + "\nsecond line")
@given(url=hostile_text, code=hostile_text, refusal=st.none() | hostile_text)
def test_auth_login_qwen_oauth_against_a_lying_server(url: str, code: str, refusal: str | None,
                                                      fast_device_server: DeviceServer,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    server = fast_device_server
    server.device_overrides = {"verification_uri": url, "verification_uri_complete": url, "user_code": code}
    server.refusal_description = refusal
    server.device_fault = "refused" if refusal is not None else None
    code_, _, err = run(capsys, "auth", "login", "--method", "qwen-oauth", "--no-browser")
    assert code_ == 1 and err


@pytest.fixture
def failing_openai_server() -> OpenAIServer:
    with OpenAIServer(mode="400") as server:   # a refusal whose message is shown
        yield server


@HOSTILE
@example(message=OSC52 + "[/]", model=CLEAR_AND_TITLE)
@given(message=hostile_text, model=hostile_text)
def test_auth_login_openai_against_a_lying_server(message: str, model: str, failing_openai_server: OpenAIServer,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    failing_openai_server.fault_message = message
    monkeypatch.setenv("K", failing_openai_server.key or "")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    code, _, err = run(capsys, "auth", "login", "--method", "openai", "--base-url", failing_openai_server.url,
                       "--model", model, "--api-key-env", "K", "--store", "file")
    assert code in (1, 2) and err


@HOSTILE
@example(token=OSC52, reason=CLEAR_AND_TITLE)
@given(token=hostile_text, reason=hostile_text)
def test_auth_token_against_a_lying_server(token: str, reason: str, device_server: DeviceServer, qwen_home: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A refresh answered with a hostile access token (printed on stdout if accepted) or a hostile refusal."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    qwen_home.mkdir(exist_ok=True)
    expired = Credentials("at-old", "rt-old", "Bearer", None, int((time.time() - 60) * 1000))
    (qwen_home / "oauth_creds.json").write_text(expired.to_json_text())
    device_server.seed_refresh_token("rt-old")
    device_server.token_overrides = {"access_token": token}
    device_server.refusal_description = reason
    device_server.refresh_mode = "reject_400" if len(token) % 2 else "rotate"
    run(capsys, "auth", "token")
