"""Group commit for the audit trail: concurrent requests share one append transaction.

Every patient access is written to the hash-chained audit trail before its answer leaves. One
append costs a transaction (the chain lock, a read of the last hash, an insert, a commit): under
load those transactions queue behind the chain lock. Here the first request to arrive writes what
every waiting request has queued in one transaction (`audit.record_many`); the others wait until
their entry is committed, and fail with the writer if the write fails. Nobody answers before its
entry is in the database, and the chain order is the order the entries were queued in.

No library offers this for a synchronous SQLAlchemy engine; it is the leader/follower group
commit databases use for their own logs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from thrombo.store import audit
from thrombo.store.audit import AuditEntry
from thrombo.store.sql import StoreBusyError


class AuditWriteError(RuntimeError):
    """The transaction that carried this request's audit entry failed (the cause is chained)."""


@dataclass
class _Ticket:
    entry: AuditEntry
    done: bool = False
    error: BaseException | None = None


@dataclass
class AuditWriter:
    engine: Engine
    process_lock: threading.Lock
    """Held around each append transaction; an import through the service holds it too, so a
    long import makes requests wait here rather than time out on SQLite's writer lock."""
    _state: threading.Condition = field(default_factory=threading.Condition, repr=False)
    _queue: list[_Ticket] = field(default_factory=list, repr=False)
    _writing: bool = False
    batches: int = 0
    entries: int = 0

    def append(self, entry: AuditEntry) -> None:
        """Return once `entry` is committed to the audit trail; raise if it could not be."""
        ticket = _Ticket(entry)
        with self._state:
            self._queue.append(ticket)
            while self._writing and not ticket.done:
                self._state.wait()
            if ticket.done:
                if isinstance(ticket.error, StoreBusyError):  # the same answer as the writer's
                    raise StoreBusyError(str(ticket.error)) from ticket.error
                if ticket.error is not None:
                    raise AuditWriteError("the audit entry was not written") from ticket.error
                return
            self._writing = True
            batch, self._queue = self._queue, []
        error: BaseException | None = None
        try:
            self._write([t.entry for t in batch])
        except BaseException as exc:
            error = exc
            raise
        finally:
            with self._state:
                for t in batch:
                    t.done, t.error = True, error
                self._writing = False
                self._state.notify_all()

    def _write(self, entries: list[AuditEntry]) -> None:
        with self.process_lock, self.engine.begin() as conn:
            audit.record_many(conn, entries)
        self.batches += 1
        self.entries += len(entries)
