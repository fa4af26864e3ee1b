"""pydantic view of Qwen Code's settings.json.

Every model allows extra keys so whatever Qwen Code (or a newer version) keeps in the file survives a
validate → dump round trip: `model_dump(by_alias=True, exclude_unset=True)` gives the input back.
Strict mode: a JSON `"true"` string is not silently turned into a boolean.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _OpenModel(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class AuthSettings(_OpenModel):
    selectedType: str | None = None
    enforcedType: str | None = None
    apiKey: str | None = None
    baseUrl: str | None = None


class SecuritySettings(_OpenModel):
    auth: AuthSettings | None = None


class ModelSettings(_OpenModel):
    name: str | None = None
    baseUrl: str | None = None


class ModelProvider(_OpenModel):
    id: str
    name: str | None = None
    description: str | None = None
    envKey: str | None = None
    baseUrl: str | None = None
    generationConfig: dict[str, Any] | None = None


class PrivacySettings(_OpenModel):
    usageStatisticsEnabled: bool | None = None


class GeneralSettings(_OpenModel):
    enableAutoUpdate: bool | None = None


class QwenSettings(_OpenModel):
    version: int | None = Field(default=None, alias="$version")
    security: SecuritySettings | None = None
    model: ModelSettings | None = None
    modelProviders: dict[str, list[ModelProvider]] | None = None
    env: dict[str, str] | None = None
    privacy: PrivacySettings | None = None
    telemetry: dict[str, Any] | None = None
    general: GeneralSettings | None = None
