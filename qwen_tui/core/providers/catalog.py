"""The preset catalogue: every OpenAI-compatible provider qwen-tui knows, as data.

The single source of provider names, base URLs, key variables, key checks and documentation / terms /
privacy links (facts from shared/reference/providers.md). A link we have not verified is None and the
UI says "unknown": a wrong legal link is worse than none. Local servers have no provider terms at all.
Light on purpose (no httpx, no pydantic): the privacy and settings screens import it at startup.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit


class KeyCheck(StrEnum):
    """How a key is told valid from invalid: 200 = valid, 401/403 = rejected."""

    MODELS = "models"                  # GET {base}/models
    OPENROUTER_KEY = "openrouter-key"  # GET {base}/key (OpenRouter's model list is public)
    CHAT = "chat"                      # a 1-token chat completion (the model list is public or absent)


@dataclass(frozen=True)
class Preset:
    id: str
    name: str
    base_url: str | None               # None for "custom"
    key_env: str | None                # None for keyless presets
    key_check: KeyCheck
    docs_url: str | None
    terms_url: str | None
    privacy_url: str | None
    model_hint: str | None
    local: bool = False                # runs on the user's machine: no provider terms apply
    dashscope: bool = False            # keys belong to one region and plan: say so on 401

    @property
    def needs_key(self) -> bool:
        return self.key_env is not None

    @property
    def hosts(self) -> tuple[str, ...]:
        """API hosts that identify this preset from a base URL (empty for custom)."""
        if not self.base_url:
            return ()
        host = urlsplit(self.base_url).hostname
        return (host.lower(),) if host else ()


_ALIBABA_CN_TERMS = ("https://terms.alicdn.com/legal-agreement/terms/b_end_product_protocol/"
                     "20260122113314257/20260122113314257.html")
_ALIBABA_CN_PRIVACY = ("https://terms.aliyun.com/legal-agreement/terms/suit_bu1_ali_cloud/"
                       "suit_bu1_ali_cloud201902141711_54837.html")
_ALIBABA_INTL_TERMS = ("https://www.alibabacloud.com/help/en/legal/latest/"
                       "alibaba-cloud-international-website-terms-of-use-alibaba-cloud-international-website-terms-of-use")
_ALIBABA_INTL_PRIVACY = ("https://www.alibabacloud.com/help/en/legal/latest/"
                         "alibaba-cloud-international-website-privacy-policy")
_MODEL_STUDIO_DOCS_CN = "https://help.aliyun.com/zh/model-studio/"
_MODEL_STUDIO_DOCS_INTL = "https://www.alibabacloud.com/help/en/model-studio/"
_QWEN_CODER = "qwen3-coder-plus"

PRESETS: tuple[Preset, ...] = (
    Preset("openai", "OpenAI", "https://api.openai.com/v1", "OPENAI_API_KEY", KeyCheck.MODELS,
           "https://platform.openai.com/docs/api-reference", "https://openai.com/policies/terms-of-use/",
           "https://openai.com/policies/privacy-policy/", "gpt-4.1"),
    Preset("dashscope-cn", "Alibaba Cloud Model Studio (China)",
           "https://dashscope.aliyuncs.com/compatible-mode/v1", "DASHSCOPE_API_KEY", KeyCheck.MODELS,
           _MODEL_STUDIO_DOCS_CN, _ALIBABA_CN_TERMS, _ALIBABA_CN_PRIVACY, _QWEN_CODER, dashscope=True),
    Preset("dashscope-intl", "Alibaba Cloud Model Studio (international)",
           "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", "DASHSCOPE_API_KEY", KeyCheck.MODELS,
           _MODEL_STUDIO_DOCS_INTL, _ALIBABA_INTL_TERMS, _ALIBABA_INTL_PRIVACY, _QWEN_CODER, dashscope=True),
    Preset("dashscope-us", "Alibaba Cloud Model Studio (US)",
           "https://dashscope-us.aliyuncs.com/compatible-mode/v1", "DASHSCOPE_API_KEY", KeyCheck.MODELS,
           _MODEL_STUDIO_DOCS_INTL, _ALIBABA_INTL_TERMS, _ALIBABA_INTL_PRIVACY, _QWEN_CODER, dashscope=True),
    Preset("coding-plan-cn", "Alibaba Cloud Coding Plan (China)", "https://coding.dashscope.aliyuncs.com/v1",
           "BAILIAN_CODING_PLAN_API_KEY", KeyCheck.CHAT, _MODEL_STUDIO_DOCS_CN, _ALIBABA_CN_TERMS,
           _ALIBABA_CN_PRIVACY, _QWEN_CODER, dashscope=True),
    Preset("coding-plan-intl", "Alibaba Cloud Coding Plan (international)",
           "https://coding-intl.dashscope.aliyuncs.com/v1", "BAILIAN_CODING_PLAN_API_KEY", KeyCheck.CHAT,
           _MODEL_STUDIO_DOCS_INTL, _ALIBABA_INTL_TERMS, _ALIBABA_INTL_PRIVACY, _QWEN_CODER, dashscope=True),
    Preset("modelscope", "ModelScope", "https://api-inference.modelscope.cn/v1", "MODELSCOPE_API_KEY",
           KeyCheck.CHAT, None, "https://modelscope.cn/protocol/Terms-and-Condition",
           "https://modelscope.cn/protocol/Privacy-Policy", "Qwen/Qwen3-Coder-480B-A35B-Instruct"),
    Preset("openrouter", "OpenRouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY",
           KeyCheck.OPENROUTER_KEY, "https://openrouter.ai/docs", "https://openrouter.ai/terms",
           "https://openrouter.ai/privacy", "qwen/qwen3-coder"),
    Preset("deepseek", "DeepSeek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", KeyCheck.MODELS,
           "https://api-docs.deepseek.com/",
           "https://cdn.deepseek.com/policies/en-US/deepseek-open-platform-terms-of-service.html",
           "https://cdn.deepseek.com/policies/en-US/deepseek-privacy-policy.html", "deepseek-chat"),
    Preset("siliconflow", "SiliconFlow", "https://api.siliconflow.cn/v1", "SILICONFLOW_API_KEY", KeyCheck.MODELS,
           "https://docs.siliconflow.cn/", "https://api-docs.siliconflow.cn/docs/legals/terms-of-service",
           "https://docs.siliconflow.cn/en/legals/privacy-policy", "Qwen/Qwen3-Coder-480B-A35B-Instruct"),
    Preset("groq", "Groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", KeyCheck.MODELS,
           "https://console.groq.com/docs", "https://groq.com/terms-of-use/", "https://groq.com/privacy-policy/",
           "llama-3.3-70b-versatile"),
    Preset("together", "Together AI", "https://api.together.xyz/v1", "TOGETHER_API_KEY", KeyCheck.MODELS,
           "https://docs.together.ai/", "https://www.together.ai/terms-of-service", "https://www.together.ai/privacy",
           "Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8"),
    # Z.AI and MiniMax: terms and privacy links not verified yet -> unknown.
    Preset("zai", "Z.AI", "https://api.z.ai/api/paas/v4", "ZAI_API_KEY", KeyCheck.MODELS,
           "https://docs.z.ai/", None, None, "glm-4.6"),
    Preset("minimax", "MiniMax", "https://api.minimax.io/v1", "MINIMAX_API_KEY", KeyCheck.CHAT,
           None, None, None, "MiniMax-M2"),
    Preset("ollama", "Ollama", "http://localhost:11434/v1", None, KeyCheck.MODELS,
           "https://github.com/ollama/ollama", None, None, "qwen3-coder", local=True),
    Preset("lmstudio", "LM Studio", "http://localhost:1234/v1", None, KeyCheck.MODELS,
           "https://lmstudio.ai/docs", None, None, None, local=True),
    Preset("llamacpp", "llama.cpp server", "http://localhost:8080/v1", None, KeyCheck.MODELS,
           "https://github.com/ggml-org/llama.cpp", None, None, None, local=True),
    Preset("custom", "Custom", None, None, KeyCheck.MODELS, None, None, None, None),
)

# A loopback server the catalogue cannot name (any port): runs on the user's machine, no provider terms.
LOCAL_SERVER = Preset("local", "local server", None, None, KeyCheck.MODELS, None, None, None, None, local=True)

_BY_ID = {item.id: item for item in PRESETS}


def preset(preset_id: str) -> Preset:
    """The preset with this id; KeyError for an unknown id."""
    return _BY_ID[preset_id]


def _host_port_path(url: str) -> tuple[str, int | None, str] | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.hostname.lower(), port, parts.path.rstrip("/")


def is_loopback_host(host: str) -> bool:
    """localhost, *.localhost, 127.0.0.0/8, ::1 (`host` as urlsplit gives it: lower case, no brackets)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def preset_for_base_url(url: str | None) -> Preset | None:
    """The preset whose API host serves `url` (local presets: loopback + their port); None when unknown.

    Several presets on one host (none today) are told apart by the longest matching path prefix."""
    if not url:
        return None
    found = _host_port_path(url)
    if found is None:
        return None
    host, port, path = found
    if is_loopback_host(host):
        local = [p for p in PRESETS if p.local and p.base_url and urlsplit(p.base_url).port == port]
        return local[0] if local else None
    candidates = [p for p in PRESETS if not p.local and host in p.hosts]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    return max(candidates, key=lambda p: _common_prefix(urlsplit(p.base_url or "").path, path))


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        count += 1
    return count
