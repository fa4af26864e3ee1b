"""OpenAI-compatible providers: the preset catalogue (`catalog`), input checks (`validate`), endpoint
verification (`verify`, async httpx) and saved profiles in Qwen Code's own settings shapes (`profiles`).

Import the submodules directly; this package imports nothing, so the light `catalog` stays light.
"""
