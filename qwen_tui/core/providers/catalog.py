"""The preset catalogue: every provider qwen-tui knows, as data, by Qwen Code 0.24's own ids.

The single source of provider names, groups, regions and base URLs, key variables, key rules and checks, and
documentation / terms / privacy links. Qwen Code's presets and regions are its `ALL_PROVIDERS`
(shared/reference/fixtures/qwen-code-0.24.4-auth/providers.json; Alibaba's internal `idealab` left out);
qwen-tui adds OpenAI, SiliconFlow, Groq, Together, Anthropic, Google Gemini and local servers. Qwen Code has
no terms or privacy links: those are qwen-tui's (shared/reference/providers.md, or the provider's own site as
cited). A link not verified is None and the UI says "unknown": a wrong legal link is worse than none.
Light on purpose (no httpx, no pydantic, no JSON read): the privacy and settings screens import it at startup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from qwen_tui.core.names import Protocol
from qwen_tui.core.urls import is_loopback_host


class KeyCheck(StrEnum):
    """How a key is told valid from invalid: 200 = valid, 401/403 = rejected."""

    MODELS = "models"                  # GET {base}/models
    OPENROUTER_KEY = "openrouter-key"  # GET {base}/key (OpenRouter's model list is public)
    CHAT = "chat"                      # a 1-token chat completion (the model list is public or absent)
    ANTHROPIC = "anthropic"            # GET {base}/models with x-api-key + anthropic-version
    GEMINI = "gemini"                  # GET {base}/v1beta/models with x-goog-api-key


class Group(StrEnum):
    """The three groups of Qwen Code's `/auth` dialog (custom also holds the local servers)."""

    ALIBABA = "alibaba"
    THIRD_PARTY = "third-party"
    CUSTOM = "custom"


DEFAULT_REGION = "default"   # the one region of a single-endpoint preset


@dataclass(frozen=True)
class Region:
    id: str
    label: str
    base_url: str
    docs_url: str | None = None
    model_prefix: str | None = None    # Qwen Code's "[prefix] model" entry names; None: the preset's
    legal: tuple[str | None, str | None] | None = None   # (terms, privacy) when they differ by region


@dataclass(frozen=True)
class Preset:
    id: str
    name: str
    group: Group
    key_env: str | None                # None for keyless presets and for custom (Qwen Code's generated key)
    key_check: KeyCheck
    regions: tuple[Region, ...]
    model_hint: str | None             # the default model (Qwen Code's first built-in)
    docs_url: str | None = None
    terms_url: str | None = None
    privacy_url: str | None = None
    protocol: Protocol = Protocol.OPENAI
    model_prefix: str | None = None    # Qwen Code's entry-name prefix (None: qwen-tui's own preset, no prefix)
    qwen_code: bool = False            # one of Qwen Code's presets: installed as its `/auth` installs it
    key_prefix: str | None = None      # Qwen Code's key rule: keys of this preset start with it
    discovery: bool = False            # the model list is fetched with the key (Coding Plan, Token Plan)
    local: bool = False                # runs on the user's machine: no provider terms apply
    dashscope: bool = False            # keys belong to one region and plan: say so on 401
    aliases: tuple[str, ...] = field(default=(), repr=False)

    @property
    def base_url(self) -> str | None:
        """The first region's URL (None for custom)."""
        return self.regions[0].base_url if self.regions else None

    @property
    def needs_key(self) -> bool:
        return self.key_env is not None

    def region(self, region_id: str | None) -> Region | None:
        """The region with this id (the only one when None and there is one); None when unknown."""
        if region_id is None:
            return self.regions[0] if len(self.regions) == 1 else None
        return next((item for item in self.regions if item.id == region_id), None)


@dataclass(frozen=True)
class Endpoint:
    """One preset at one of its regions: what a base URL identifies and what the form lists."""

    preset: Preset
    region: Region | None

    @property
    def key(self) -> str:
        if self.region is None or len(self.preset.regions) == 1:
            return self.preset.id
        return f"{self.preset.id}:{self.region.id}"

    @property
    def name(self) -> str:
        if self.region is None or len(self.preset.regions) == 1:
            return self.preset.name
        return f"{self.preset.name} · {self.region.label}"

    @property
    def base_url(self) -> str | None:
        return self.region.base_url if self.region else None

    @property
    def terms_url(self) -> str | None:
        return self.region.legal[0] if self.region and self.region.legal else self.preset.terms_url

    @property
    def privacy_url(self) -> str | None:
        return self.region.legal[1] if self.region and self.region.legal else self.preset.privacy_url

    @property
    def docs_url(self) -> str | None:
        return (self.region.docs_url if self.region else None) or self.preset.docs_url

    @property
    def local(self) -> bool:
        return self.preset.local

    @property
    def model_prefix(self) -> str | None:
        return (self.region.model_prefix if self.region else None) or self.preset.model_prefix


_ALI_CN = ("https://terms.alicdn.com/legal-agreement/terms/b_end_product_protocol/"
           "20260122113314257/20260122113314257.html",
           "https://terms.aliyun.com/legal-agreement/terms/suit_bu1_ali_cloud/suit_bu1_ali_cloud201902141711_54837.html")
_ALI_INTL = ("https://www.alibabacloud.com/help/en/legal/latest/"
             "alibaba-cloud-international-website-terms-of-use-alibaba-cloud-international-website-terms-of-use",
             "https://www.alibabacloud.com/help/en/legal/latest/alibaba-cloud-international-website-privacy-policy")
# Hong Kong is served by neither site's region list we checked: its terms stay unknown.
_UNKNOWN: tuple[str | None, str | None] = (None, None)
_ALI_DOCS_CN = "https://help.aliyun.com/zh/model-studio/"
_ALI_DOCS_INTL = "https://www.alibabacloud.com/help/en/model-studio/"
_CODING_CN = "https://coding.dashscope.aliyuncs.com/v1"
_CODING_INTL = "https://coding-intl.dashscope.aliyuncs.com/v1"
_TOKEN_CN = "https://token-plan.cn-beijing.maas.aliyuncs.com/compatible-mode/v1"
_TOKEN_INTL = "https://token-plan.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1"


def _one(url: str, label: str = "") -> tuple[Region, ...]:
    return (Region(DEFAULT_REGION, label, url),)


PRESETS: tuple[Preset, ...] = (
    # --- Alibaba ModelStudio (Qwen Code's order) ---
    Preset("coding-plan", "ModelStudio Coding Plan", Group.ALIBABA, "BAILIAN_CODING_PLAN_API_KEY", KeyCheck.CHAT, (
        Region("aliyun", "China (Beijing)", _CODING_CN, "https://help.aliyun.com/zh/model-studio/coding-plan",
               "ModelStudio Coding Plan", _ALI_CN),
        Region("alibabacloud", "Singapore (International)", _CODING_INTL,
               "https://www.alibabacloud.com/help/en/model-studio/coding-plan",
               "ModelStudio Coding Plan for Global/Intl", _ALI_INTL),
    ), "qwen3.5-plus", qwen_code=True, key_prefix="sk-sp-", discovery=True, dashscope=True,
        aliases=("coding-plan-cn", "coding-plan-intl")),
    Preset("token-plan", "ModelStudio Token Plan", Group.ALIBABA, "BAILIAN_TOKEN_PLAN_API_KEY", KeyCheck.MODELS, (
        Region("cn-beijing", "China (Beijing)", _TOKEN_CN,
               "https://bailian.console.aliyun.com/cn-beijing?tab=doc#/doc/?type=model&url=3028856",
               "ModelStudio Token Plan", _ALI_CN),
        Region("ap-southeast-1", "Singapore (International)", _TOKEN_INTL,
               "https://modelstudio.console.alibabacloud.com/ap-southeast-1?tab=doc#/doc/?type=model",
               "ModelStudio Token Plan for Global/Intl", _ALI_INTL),
    ), "qwen3.7-plus", qwen_code=True, discovery=True, dashscope=True),
    Preset("alibabaStandard", "ModelStudio Standard API Key", Group.ALIBABA, "DASHSCOPE_API_KEY", KeyCheck.MODELS, (
        Region("cn-beijing", "China (Beijing)", "https://dashscope.aliyuncs.com/compatible-mode/v1",
               _ALI_DOCS_CN, legal=_ALI_CN),
        Region("sg-singapore", "Singapore", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
               _ALI_DOCS_INTL, legal=_ALI_INTL),
        Region("us-virginia", "US (Virginia)", "https://dashscope-us.aliyuncs.com/compatible-mode/v1",
               _ALI_DOCS_INTL, legal=_ALI_INTL),
        Region("cn-hongkong", "China (Hong Kong)", "https://cn-hongkong.dashscope.aliyuncs.com/compatible-mode/v1",
               _ALI_DOCS_INTL, legal=_UNKNOWN),
    ), "qwen3.6-plus", model_prefix="ModelStudio Standard", qwen_code=True, dashscope=True,
        aliases=("dashscope-cn", "dashscope-intl", "dashscope-us")),
    # --- third-party providers Qwen Code ships ---
    Preset("deepseek", "DeepSeek", Group.THIRD_PARTY, "DEEPSEEK_API_KEY", KeyCheck.MODELS,
           _one("https://api.deepseek.com"), "deepseek-v4-pro", "https://api-docs.deepseek.com/zh-cn/",
           "https://cdn.deepseek.com/policies/en-US/deepseek-open-platform-terms-of-service.html",
           "https://cdn.deepseek.com/policies/en-US/deepseek-privacy-policy.html",
           model_prefix="DeepSeek", qwen_code=True),
    # Terms: xAI's Enterprise Terms of Service, which govern "a business or developer Enterprise Account" (the
    # API): x.ai's own /legal/terms-of-service-enterprise/previous (the 2024-09-05 version of that page) and
    # /legal/data-processing-addendum ("forms part of the Enterprise Terms of Service", for data sent "through
    # our API"). Privacy: x.ai/legal/ccpa names "xAI's Privacy Policy" but no xAI page gave its address: unknown.
    Preset("grok", "Grok (xAI)", Group.THIRD_PARTY, "XAI_API_KEY", KeyCheck.MODELS, _one("https://api.x.ai/v1"),
           "grok-4.5", "https://docs.x.ai/docs", "https://x.ai/legal/terms-of-service-enterprise",
           model_prefix="Grok", qwen_code=True),
    # Terms: MiniMax's own https://www.minimax.io/terms-of-service-v2.html ("Terms of Service", updated
    # 2026-04-15, covering its APIs). Its privacy policy was not found on minimax.io: unknown.
    Preset("minimax", "MiniMax", Group.THIRD_PARTY, "MINIMAX_API_KEY", KeyCheck.CHAT, (
        Region("international", "International", "https://api.minimax.io/v1"),
        Region("china", "China", "https://api.minimaxi.com/v1"),
    ), "MiniMax-M3", None, "https://www.minimax.io/terms-of-service-v2.html", None,
        model_prefix="MiniMax", qwen_code=True),
    # Terms and privacy: Z.AI's own docs.z.ai/legal-agreement pages ("terms-of-use", "privacy-policy").
    Preset("zai", "Z.AI", Group.THIRD_PARTY, "ZAI_API_KEY", KeyCheck.MODELS, (
        Region("standard-api-key", "Standard API Key", "https://api.z.ai/api/paas/v4"),
        Region("coding-plan", "Coding Plan", "https://api.z.ai/api/coding/paas/v4"),
    ), "GLM-5.2", "https://docs.z.ai/", "https://docs.z.ai/legal-agreement/terms-of-use",
        "https://docs.z.ai/legal-agreement/privacy-policy", model_prefix="Z.AI", qwen_code=True),
    # Terms: Moonshot's own https://platform.kimi.ai/docs/agreement/modeluse ("Terms of Service for Kimi
    # OpenPlatform"). The "Kimi OpenPlatform Privacy Policy" it names was not found at a URL: unknown.
    Preset("moonshot", "Kimi (Moonshot AI)", Group.THIRD_PARTY, "MOONSHOT_API_KEY", KeyCheck.MODELS, (
        Region("international", "International", "https://api.moonshot.ai/v1"),
        Region("china", "China", "https://api.moonshot.cn/v1"),
    ), "kimi-k3", None, "https://platform.kimi.ai/docs/agreement/modeluse", None,
        model_prefix="Kimi", qwen_code=True),
    Preset("modelscope", "ModelScope", Group.THIRD_PARTY, "MODELSCOPE_API_KEY", KeyCheck.CHAT,
           _one("https://api-inference.modelscope.cn/v1"), "deepseek-ai/DeepSeek-V4-Flash",
           "https://modelscope.cn/docs/model-service/API-Inference/intro",
           "https://modelscope.cn/protocol/Terms-and-Condition", "https://modelscope.cn/protocol/Privacy-Policy",
           model_prefix="ModelScope", qwen_code=True),
    Preset("openrouter", "OpenRouter", Group.THIRD_PARTY, "OPENROUTER_API_KEY", KeyCheck.OPENROUTER_KEY,
           _one("https://openrouter.ai/api/v1"), "z-ai/glm-4.5-air:free", "https://openrouter.ai/docs",
           "https://openrouter.ai/terms", "https://openrouter.ai/privacy", model_prefix="OpenRouter", qwen_code=True),
    # Requesty's terms and privacy pages were not found in our sources (requesty.ai/dpa mentions a privacy policy
    # without its address): unknown.
    Preset("requesty", "Requesty", Group.THIRD_PARTY, "REQUESTY_API_KEY", KeyCheck.MODELS,
           _one("https://router.requesty.ai/v1"), "openai/gpt-4o-mini", "https://docs.requesty.ai",
           model_prefix="Requesty", qwen_code=True),
    # --- qwen-tui's own third-party presets (not in Qwen Code: saved like a custom provider, own key variable) ---
    Preset("openai", "OpenAI", Group.THIRD_PARTY, "OPENAI_API_KEY", KeyCheck.MODELS, _one("https://api.openai.com/v1"),
           "gpt-4.1", "https://platform.openai.com/docs/api-reference", "https://openai.com/policies/terms-of-use/",
           "https://openai.com/policies/privacy-policy/"),
    Preset("siliconflow", "SiliconFlow", Group.THIRD_PARTY, "SILICONFLOW_API_KEY", KeyCheck.MODELS,
           _one("https://api.siliconflow.cn/v1"), "Qwen/Qwen3-Coder-480B-A35B-Instruct", "https://docs.siliconflow.cn/",
           "https://api-docs.siliconflow.cn/docs/legals/terms-of-service",
           "https://docs.siliconflow.cn/en/legals/privacy-policy"),
    Preset("groq", "Groq", Group.THIRD_PARTY, "GROQ_API_KEY", KeyCheck.MODELS, _one("https://api.groq.com/openai/v1"),
           "llama-3.3-70b-versatile", "https://console.groq.com/docs", "https://groq.com/terms-of-use/",
           "https://groq.com/privacy-policy/"),
    Preset("together", "Together AI", Group.THIRD_PARTY, "TOGETHER_API_KEY", KeyCheck.MODELS,
           _one("https://api.together.xyz/v1"), "Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8", "https://docs.together.ai/",
           "https://www.together.ai/terms-of-service", "https://www.together.ai/privacy"),
    # Anthropic's commercial terms and privacy policy: its own anthropic.com/legal pages ("commercial-terms",
    # "privacy"); Anthropic's Claude Code docs (legal-and-compliance) name the Commercial Terms at that address
    # "for Team, Enterprise, and Claude API users". Base URL: the Anthropic SDK's own default, which qwen 0.24.4
    # uses as given and appends /v1/messages to (anthropicContentGenerator-JOZNOMSX.js 4147, 5399; seen in
    # tests/interop).
    Preset("anthropic", "Anthropic", Group.THIRD_PARTY, "ANTHROPIC_API_KEY", KeyCheck.ANTHROPIC,
           _one("https://api.anthropic.com"), "claude-sonnet-4-5", "https://docs.anthropic.com/",
           "https://www.anthropic.com/legal/commercial-terms", "https://www.anthropic.com/legal/privacy",
           protocol=Protocol.ANTHROPIC),
    # Terms: Google's "Gemini API Additional Terms of Service", https://ai.google.dev/terms. The privacy policy
    # those terms point to was not found at a URL in our sources: unknown.
    Preset("gemini", "Google Gemini API", Group.THIRD_PARTY, "GEMINI_API_KEY", KeyCheck.GEMINI,
           _one("https://generativelanguage.googleapis.com"), "gemini-2.5-pro", "https://ai.google.dev/gemini-api/docs",
           "https://ai.google.dev/terms", None, protocol=Protocol.GEMINI),
    # --- custom and local servers ---
    Preset("custom", "Custom provider", Group.CUSTOM, None, KeyCheck.MODELS, (), None),
    Preset("ollama", "Ollama", Group.CUSTOM, None, KeyCheck.MODELS, _one("http://localhost:11434/v1"),
           "qwen3-coder", "https://github.com/ollama/ollama", local=True),
    Preset("lmstudio", "LM Studio", Group.CUSTOM, None, KeyCheck.MODELS, _one("http://localhost:1234/v1"), None,
           "https://lmstudio.ai/docs", local=True),
    Preset("llamacpp", "llama.cpp server", Group.CUSTOM, None, KeyCheck.MODELS, _one("http://localhost:8080/v1"), None,
           "https://github.com/ggml-org/llama.cpp", local=True),
)

# A loopback server the catalogue cannot name (any port): runs on the user's machine, no provider terms.
LOCAL_SERVER = Preset("local", "local server", Group.CUSTOM, None, KeyCheck.MODELS, (), None, local=True)

_BY_ID = {item.id: item for item in PRESETS}
# qwen-tui's earlier preset ids, still accepted by `--preset` (each names one region).
LEGACY_IDS: dict[str, tuple[str, str]] = {
    "coding-plan-cn": ("coding-plan", "aliyun"), "coding-plan-intl": ("coding-plan", "alibabacloud"),
    "dashscope-cn": ("alibabaStandard", "cn-beijing"), "dashscope-intl": ("alibabaStandard", "sg-singapore"),
    "dashscope-us": ("alibabaStandard", "us-virginia"),
}


def preset(preset_id: str) -> Preset:
    """The preset with this id; KeyError for an unknown id."""
    return _BY_ID[preset_id]


def endpoints() -> list[Endpoint]:
    """Every preset at every region, in menu order (custom: one endpoint without a region)."""
    return [Endpoint(item, region) for item in PRESETS for region in (item.regions or (None,))]


def endpoint(key: str) -> Endpoint:
    """The endpoint with this key (`id` or `id:region`, or a legacy id); KeyError when unknown."""
    preset_id, _, region_id = key.partition(":")
    if key in LEGACY_IDS:
        preset_id, region_id = LEGACY_IDS[key]
    item = preset(preset_id)
    region = item.region(region_id or None)
    if region is None and item.regions:
        if region_id:
            raise KeyError(key)
        region = item.regions[0]
    return Endpoint(item, region)


def _host_port_path(url: str) -> tuple[str, int | None, str] | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.hostname.lower(), port, parts.path.rstrip("/")


def endpoint_for_base_url(url: str | None) -> Endpoint | None:
    """The preset and region whose API host serves `url` (local presets: loopback + their port); None: unknown.

    Several regions on one host (Z.AI's two endpoints) are told apart by the longest matching path prefix."""
    if not url:
        return None
    found = _host_port_path(url)
    if found is None:
        return None
    host, port, path = found
    if is_loopback_host(host):
        candidates = [Endpoint(item, region) for item in PRESETS if item.local for region in item.regions
                      if urlsplit(region.base_url).port == port]
    else:
        candidates = [Endpoint(item, region) for item in PRESETS if not item.local for region in item.regions
                      if (urlsplit(region.base_url).hostname or "") == host]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    return max(candidates, key=lambda e: _common_prefix(urlsplit(e.base_url or "").path, path))


def preset_for_base_url(url: str | None) -> Preset | None:
    found = endpoint_for_base_url(url)
    return found.preset if found else None


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        count += 1
    return count


def _terms_rows() -> tuple[Endpoint, ...]:
    """One row per provider whose terms differ: a preset whose regions share its links is one row. Coding
    Plan and Token Plan are sold under Model Studio's terms (its rows), and "custom" is whoever the user
    points at."""
    rows: list[Endpoint] = []
    for item in PRESETS:
        if item.id in ("custom", "coding-plan", "token-plan"):
            continue
        if any(region.legal for region in item.regions):
            rows += [Endpoint(item, region) for region in item.regions]
        else:
            rows.append(Endpoint(item, None))
    return tuple(rows)


PROVIDER_TERMS: tuple[Endpoint, ...] = _terms_rows()   # the settings screen's table of terms and privacy links


def provider_for_base_url(base_url: str | None) -> Endpoint | Preset | None:
    """The provider whose terms apply to `base_url`; LOCAL_SERVER for loopback; None when unknown."""
    if not base_url:
        return None
    try:
        host = (urlsplit(base_url).hostname or "").lower()
    except ValueError:
        return None
    if is_loopback_host(host):
        return LOCAL_SERVER
    return endpoint_for_base_url(base_url)
