"""qwen-tui's own usage statistics: a closed event schema, a gate, a local outbox and an OTLP transport.

Nothing here is imported on a path where the gate is closed except `gate` (json + the settings reader):
`events` (pydantic) and `transport` (httpx) load only once an event is actually going to be recorded.

- `consent`  — whose choice counts: a workspace can only turn statistics off; DO_NOT_TRACK; stdlib only.
- `gate`     — is anything recorded now, and why (the user's choice, its layer, the active method).
- `names`    — the closed vocabularies (enums) events are made of; stdlib only.
- `events`   — the pydantic models of each event (`extra="forbid"`, enums/bools/small ints only).
- `outbox`   — the bounded local journal `<QWEN_HOME>/usage-outbox.jsonl` (0600) and the installation id.
- `transport`— the endpoint setting and the OTLP/HTTP JSON logs payload and POST.
- `recorder` — the background worker that validates, stores and sends; the one object callers use.
- `oneshot`  — recording one command-run event from a non-interactive command, then flushing.
"""
