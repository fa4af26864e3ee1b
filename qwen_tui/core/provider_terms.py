"""Whose terms of service and privacy policy apply to each OpenAI-compatible provider.

Data from the providers reference table (shared/reference/providers.md). A link we have not verified is
None and shown as "unknown": a wrong legal link is worse than none. Local servers have no terms at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class ProviderTerms:
    name: str
    terms_url: str | None
    privacy_url: str | None
    hosts: tuple[str, ...] = ()    # API hosts that identify the provider from a base URL
    local: bool = False            # runs on the user's machine: no provider terms apply


_ALIBABA_CN_TERMS = ("https://terms.alicdn.com/legal-agreement/terms/b_end_product_protocol/"
                     "20260122113314257/20260122113314257.html")
_ALIBABA_CN_PRIVACY = ("https://terms.aliyun.com/legal-agreement/terms/suit_bu1_ali_cloud/"
                       "suit_bu1_ali_cloud201902141711_54837.html")
_ALIBABA_INTL_TERMS = ("https://www.alibabacloud.com/help/en/legal/latest/"
                       "alibaba-cloud-international-website-terms-of-use-alibaba-cloud-international-website-terms-of-use")
_ALIBABA_INTL_PRIVACY = ("https://www.alibabacloud.com/help/en/legal/latest/"
                         "alibaba-cloud-international-website-privacy-policy")

PROVIDER_TERMS: tuple[ProviderTerms, ...] = (
    ProviderTerms("OpenAI", "https://openai.com/policies/terms-of-use/",
                  "https://openai.com/policies/privacy-policy/", ("api.openai.com",)),
    ProviderTerms("Alibaba Cloud Model Studio (China)", _ALIBABA_CN_TERMS, _ALIBABA_CN_PRIVACY,
                  ("dashscope.aliyuncs.com", "coding.dashscope.aliyuncs.com")),
    ProviderTerms("Alibaba Cloud Model Studio (international)", _ALIBABA_INTL_TERMS, _ALIBABA_INTL_PRIVACY,
                  ("dashscope-intl.aliyuncs.com", "coding-intl.dashscope.aliyuncs.com")),
    ProviderTerms("Alibaba Cloud Model Studio (US)", _ALIBABA_INTL_TERMS, _ALIBABA_INTL_PRIVACY,
                  ("dashscope-us.aliyuncs.com",)),
    ProviderTerms("ModelScope", "https://modelscope.cn/protocol/Terms-and-Condition",
                  "https://modelscope.cn/protocol/Privacy-Policy", ("api-inference.modelscope.cn",)),
    ProviderTerms("OpenRouter", "https://openrouter.ai/terms", "https://openrouter.ai/privacy",
                  ("openrouter.ai",)),
    ProviderTerms("DeepSeek", "https://cdn.deepseek.com/policies/en-US/deepseek-open-platform-terms-of-service.html",
                  "https://cdn.deepseek.com/policies/en-US/deepseek-privacy-policy.html", ("api.deepseek.com",)),
    ProviderTerms("SiliconFlow", "https://api-docs.siliconflow.cn/docs/legals/terms-of-service",
                  "https://docs.siliconflow.cn/en/legals/privacy-policy", ("api.siliconflow.cn",)),
    ProviderTerms("Groq", "https://groq.com/terms-of-use/", "https://groq.com/privacy-policy/", ("api.groq.com",)),
    ProviderTerms("Together AI", "https://www.together.ai/terms-of-service", "https://www.together.ai/privacy",
                  ("api.together.xyz",)),
    ProviderTerms("Z.AI", None, None, ("api.z.ai",)),
    ProviderTerms("MiniMax", None, None, ("api.minimax.io",)),
    ProviderTerms("Ollama", None, None, local=True),
    ProviderTerms("LM Studio", None, None, local=True),
    ProviderTerms("llama.cpp server", None, None, local=True),
)

_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
LOCAL_SERVER = ProviderTerms("local server", None, None, local=True)


def provider_for_base_url(base_url: str | None) -> ProviderTerms | None:
    """The provider whose terms apply to `base_url`; LOCAL_SERVER for loopback; None when unknown."""
    if not base_url:
        return None
    try:
        host = (urlsplit(base_url).hostname or "").lower()
    except ValueError:
        return None
    if host in _LOOPBACK_HOSTS:
        return LOCAL_SERVER
    return next((p for p in PROVIDER_TERMS if host in p.hosts), None)
