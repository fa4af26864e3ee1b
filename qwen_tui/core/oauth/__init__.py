"""Qwen OAuth: the RFC 8628 device flow with PKCE, the shared `oauth_creds.json`, token refresh.

Modules: `protocol` (endpoints, client id, form POSTs), `device_flow` (the poller, typed events),
`credentials` (the file/keyring stores and the lock protocol), `refresh` (valid tokens on demand),
`browser` (when opening a browser makes sense). Nothing here is imported eagerly: httpx and authlib
load only when a flow or a refresh actually runs.
"""
