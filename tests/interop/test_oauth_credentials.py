"""Issue 6 item 2c: a Qwen OAuth sign-in made by qwen-tui is used by a pre-shutdown `qwen` (0.12.0).

qwen-tui runs the whole device flow against the loopback device server (approved by the test), which
issues a token whose `resource_url` names the loopback OpenAI-compatible server. `qwen -p` must then
call `<resource_url>/v1/chat/completions` with that access token, without refreshing it.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from qwen_tui.core.oauth.credentials import Credentials
from tests.interop.conftest import (
    NPM_INSTALL_TIMEOUT_S,
    PROCESS_TIMEOUT_S,
    QUIET_SETTINGS,
    QwenCode,
    describe,
    qwen_env,
    run_qwen,
    tui_env,
    write_settings,
)
from tests.interop.guard_proxy import GuardProxy
from tests.servers.device_server import DeviceServer
from tests.servers.openai_server import OpenAIServer

pytestmark = [pytest.mark.interop, pytest.mark.timeout(NPM_INSTALL_TIMEOUT_S + 300)]

QWEN_OAUTH_MODEL = "coder-model"


def _sign_in_with_qwen_tui(device: DeviceServer, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`qwen-tui auth login --method qwen-oauth`, approved on the device server like a user would."""
    env = tui_env(QWEN_OAUTH_BASE_URL=device.url)
    login = subprocess.Popen(
        [sys.executable, "-m", "qwen_tui", "auth", "login", "--method", "qwen-oauth", "--no-browser"],
        env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        user_code = device.wait_for_user_code(timeout=30)
        device.approve(user_code)
        out, err = login.communicate(timeout=PROCESS_TIMEOUT_S)
    finally:
        if login.poll() is None:
            login.kill()
            login.communicate()
    result = subprocess.CompletedProcess(login.args, login.returncode, out, err)
    assert user_code in err, "the user code must be shown"
    return result


def test_qwen_0120_uses_the_sign_in_written_by_qwen_tui(
    qwen_pre_shutdown: QwenCode, guard: GuardProxy, isolated_home: Path, qwen_home: Path, project_dir: Path,
) -> None:
    write_settings(qwen_home / "settings.json", QUIET_SETTINGS)  # a user who already turned these off
    with OpenAIServer(key=None, models=(QWEN_OAUTH_MODEL,)) as api:
        device = DeviceServer(interval=1, resource_url=api.origin).start()
        try:
            login = _sign_in_with_qwen_tui(device, project_dir)
        finally:
            device.stop()
        assert login.returncode == 0, describe(login)
        creds_path = qwen_home / "oauth_creds.json"
        written = creds_path.read_text()
        creds = Credentials.from_json_text(written)
        assert creds is not None and creds.resource_url == api.origin
        assert stat.S_IMODE(creds_path.stat().st_mode) == 0o600
        settings = json.loads((qwen_home / "settings.json").read_text())
        assert settings["security"]["auth"]["selectedType"] == "qwen-oauth"

        result = run_qwen(qwen_pre_shutdown, qwen_env(isolated_home, guard), project_dir)

        assert result.returncode == 0, describe(result)
        assert "pong" in result.stdout, describe(result)
        requests = api.requests_to("/chat/completions")
        assert requests, f"qwen did not call {api.url}\n{describe(result)}"
    for request in requests:
        assert request.headers.get("authorization") == f"Bearer {creds.access_token}"
        assert request.body["model"] == QWEN_OAUTH_MODEL
    # The token was valid: no refresh at chat.qwen.ai (it would have been refused), file untouched.
    assert guard.refused == [], guard.refused
    assert creds_path.read_text() == written
