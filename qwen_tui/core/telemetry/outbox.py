"""Local state of usage statistics under QWEN_HOME: the outbox journal and the anonymous installation id.

`usage-outbox.jsonl` (0600) keeps the last `limit` recorded events, one JSON object a line:
`{"seq": n, "sent": bool, "event": {...}}`. Without an endpoint every event stays here unsent, and nothing
leaves the machine; with one, the worker sends the unsent ones and marks them. The Usage data screen reads
this file, so what the user sees is what is (or would be) sent. Turning usage statistics off deletes it.

`installation_id` (a uuid4, the same file Qwen Code uses) exists only while usage statistics are on.
Rewrites are atomic (temp + rename); two processes writing at the same instant may lose an entry, which
is acceptable for statistics and cheaper than a lock at exit.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qwen_tui.core import paths
from qwen_tui.core.fileops import FileOpError, atomic_write, read_regular
from qwen_tui.core.i18n import t

OUTBOX_NAME = "usage-outbox.jsonl"
_READ_LIMIT = 4 * 1024 * 1024  # far above DEFAULT_LIMIT events; a bigger file is not ours
INSTALLATION_ID_NAME = "installation_id"
DEFAULT_LIMIT = 200


def outbox_path(env: Mapping[str, str]) -> Path:
    return paths.qwen_home(env) / OUTBOX_NAME


def installation_id_path(env: Mapping[str, str]) -> Path:
    return paths.qwen_home(env) / INSTALLATION_ID_NAME


@dataclass(frozen=True)
class Entry:
    """One event line of the outbox."""
    seq: int
    sent: bool
    event: dict[str, Any]    # the event as stored; re-validated against the schema before use

    def to_json(self) -> str:
        return json.dumps({"seq": self.seq, "sent": self.sent, "event": self.event}, separators=(",", ":"))


class Outbox:
    def __init__(self, path: Path, limit: int = DEFAULT_LIMIT) -> None:
        self.path = path
        self.limit = limit

    def read(self) -> list[Entry]:
        """Entries oldest first; lines that are not well-formed entries are skipped (never sent)."""
        try:
            text = (read_regular(self.path, _READ_LIMIT, follow_link=False) or b"").decode("utf-8")
        except (FileOpError, UnicodeDecodeError):
            return []
        entries = []
        for line in text.splitlines():
            try:
                data = json.loads(line)
            except (ValueError, RecursionError):  # not JSON, a 5000-digit number, absurd nesting
                continue
            if isinstance(data, dict) and isinstance(data.get("seq"), int) and isinstance(data.get("sent"), bool) \
                    and isinstance(data.get("event"), dict):
                entries.append(Entry(data["seq"], data["sent"], data["event"]))
        return entries

    def append(self, events: Iterable[dict[str, Any]]) -> list[Entry]:
        """Add unsent events; keep only the last `limit` entries. Returns the new entries."""
        entries = self.read()
        seq = max((entry.seq for entry in entries), default=0)
        added = []
        for event in events:
            seq += 1
            added.append(Entry(seq, False, event))
        self._write((entries + added)[-self.limit:])
        return added

    def mark_sent(self, seqs: Iterable[int]) -> None:
        done = set(seqs)
        entries = self.read()
        if any(entry.seq in done and not entry.sent for entry in entries):
            self._write([Entry(e.seq, True, e.event) if e.seq in done else e for e in entries])

    def discard(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise FileOpError(t("files.error.delete", path=self.path, reason=exc.strerror or exc)) from exc

    def _write(self, entries: list[Entry]) -> None:
        atomic_write(self.path, "".join(entry.to_json() + "\n" for entry in entries).encode("utf-8"))


def read_installation_id(env: Mapping[str, str]) -> str | None:
    """The id when the file holds a valid uuid, else None."""
    try:
        raw = read_regular(installation_id_path(env), 4096, follow_link=False)
        return None if raw is None else str(uuid.UUID(raw.decode("utf-8").strip()))
    except (FileOpError, UnicodeDecodeError, ValueError):
        return None


def ensure_installation_id(env: Mapping[str, str]) -> str | None:
    """The existing id (shared with Qwen Code), or a new uuid4 written 0600. An unparsable file is left alone
    (None: events then go without an id)."""
    path = installation_id_path(env)
    existing = read_installation_id(env)
    if existing is not None or path.exists():
        return existing
    new = str(uuid.uuid4())
    atomic_write(path, new.encode("ascii"))
    return new


def delete_installation_id(env: Mapping[str, str]) -> bool:
    """Delete the id; True when a file was removed."""
    try:
        installation_id_path(env).unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise FileOpError(t("files.error.delete", path=installation_id_path(env), reason=exc.strerror or exc)) from exc


def discard_local_data(env: Mapping[str, str]) -> None:
    """What turning usage statistics off removes: the outbox (unsent events included) and the id."""
    Outbox(outbox_path(env)).discard()
    delete_installation_id(env)
