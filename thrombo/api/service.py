"""The service's state: settings, the store, and access to patient data scoped by role and centre.

Every read of identified data goes through `patient` or `patients`, which record the view in the
append-only audit trail; nothing else in the service reads the patient tables.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from functools import cached_property
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from thrombo.api.audit_writer import AuditWriter
from thrombo.api.cds.client_auth import ReplayGuard
from thrombo.api.settings import Settings
from thrombo.domain.timeline import PatientTimeline
from thrombo.errors import ThromboUserError
from thrombo.store.audit import AuditEntry
from thrombo.store.schema import imports as import_table
from thrombo.store.schema import patients as patient_table
from thrombo.store.sql import Store, busy_timeout
from thrombo.store.users import User

DEV_USER = User(0, "dev", "administrator", None)
MEMO_ENTRIES = 20_000
"""Timelines and derived results kept in memory: a few thousand patients' worth, a few hundred
megabytes at most."""
SERVICE_BUSY_TIMEOUT = 10.0
"""[Design] Seconds a request waits for SQLite's writer lock (held by an import in another
process) before the service answers 503 with Retry-After: past the few seconds a person waits."""
DataVersion = tuple[int, int]
"""(number of imports, last import id): changes with every committed import."""


class NotVisibleError(ThromboUserError):
    """No such patient, or not one this user may see (the answer does not say which)."""


class ForbiddenError(ThromboUserError):
    """The user's role does not allow this."""


def actor_of(user: User) -> str:
    return f"user:{user.username}"


@dataclass
class Service:
    settings: Settings
    store: Store
    tz: tzinfo = UTC
    replay: ReplayGuard = field(default_factory=ReplayGuard, repr=False)
    """CDS client JWT ids already seen by this service."""
    _memo: OrderedDict[tuple[Any, ...], Any] = field(default_factory=OrderedDict, repr=False)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    audit_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    """Held around every audit append of this process (and around imports, which append too).
    The chain itself is locked in the database (`audit._lock_chain`), across processes."""
    audit_writer: AuditWriter = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.audit_writer = AuditWriter(self.store.engine, self.audit_lock)
        if self.settings.replay_store:
            self.replay = ReplayGuard(self.settings.replay_store)

    @classmethod
    def open(cls, settings: Settings) -> Service:
        wait = busy_timeout(SERVICE_BUSY_TIMEOUT)  # THROMBO_SQLITE_BUSY_TIMEOUT overrides it
        return cls(settings, Store.open(settings.db, busy_timeout_seconds=wait))

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reads that need no transaction of their own: each statement is one
        round trip (no BEGIN before it, no ROLLBACK when the connection goes back)."""
        with self.store.engine.connect() as conn:
            # SQLite opens no transaction for a SELECT anyway, and switching costs a pragma.
            if conn.dialect.name == "sqlite":
                yield conn
            else:
                yield conn.execution_options(isolation_level="AUTOCOMMIT")

    # -- the audit trail ---------------------------------------------------------------------

    def record(self, user: User | str, action: str, detail: dict[str, Any],
               patient_id: str | None = None) -> None:
        """Append to the audit trail; returns once the entry is committed."""
        actor = user if isinstance(user, str) else actor_of(user)
        self.audit_writer.append(AuditEntry(actor, action, detail, patient_id))

    # -- who sees whom -----------------------------------------------------------------------

    def visible_ids(self, user: User, query: str | None = None) -> list[str]:
        """Patient ids this user may see identified, filtered by a search text (id or centre)."""
        return self._visible_ids(user, query, self.store_version())

    def _visible_ids(self, user: User, query: str | None, version: DataVersion) -> list[str]:
        if not user.sees_identified_data:
            raise ForbiddenError("this role sees de-identified data and study pages only")
        one_centre = user.role == "clinician"
        centre = user.centre if one_centre else None
        rows: list[tuple[str, str | None]] = self.memo(
            ("patient-centres", one_centre, centre, version),
            lambda: self._patient_centres(centre, one_centre))
        text = (query or "").strip().lower()
        return [pid for pid, center in rows
                if not text or text in pid.lower() or text in (center or "").lower()]

    def _patient_centres(self, centre: str | None, one_centre: bool
                         ) -> list[tuple[str, str | None]]:
        stmt = select(patient_table.c.patient_id, patient_table.c.center)
        if one_centre:
            stmt = stmt.where(patient_table.c.center == centre)
        with self.reading() as conn:
            rows = conn.execute(stmt.order_by(patient_table.c.patient_id)).all()
        return [(r.patient_id, r.center) for r in rows]

    def all_patient_ids(self) -> frozenset[str]:
        """Every stored patient id (to keep them out of de-identified output; no access check:
        the ids are never returned)."""
        version = self.store_version()
        rows: list[tuple[str, str | None]] = self.memo(
            ("patient-centres", False, None, version), lambda: self._patient_centres(None, False))
        return frozenset(pid for pid, _ in rows)

    def patients(self, user: User, query: str | None = None, *, purpose: str = "list",
                 version: DataVersion | None = None) -> list[PatientTimeline]:
        version = self.store_version() if version is None else version
        ids = self._visible_ids(user, query, version)
        timelines = self.timelines(ids, version)
        self.record(user, "view", {"what": purpose, "patients": len(ids), "query": query or ""})
        return timelines

    def patient(self, user: User, patient_id: str, *, purpose: str,
                version: DataVersion | None = None) -> PatientTimeline:
        if not user.sees_identified_data:
            raise ForbiddenError("this role sees de-identified data and study pages only")
        found = self.timelines([patient_id], version)
        if not found or not user.may_see_centre(found[0].patient.center):
            raise NotVisibleError(f"no patient {patient_id!r} visible to you")
        self.record(user, "view", {"what": purpose}, patient_id)
        return found[0]

    def cohort_for_study(self, user: User) -> list[PatientTimeline]:
        """Patients a study may aggregate: a clinician's centre, or every centre."""
        if user.role == "clinician":
            return self.timelines(self.visible_ids(user))
        return self.store.timelines(self.tz)

    def timelines(self, patient_ids: Sequence[str], version: DataVersion | None = None
                  ) -> list[PatientTimeline]:
        """Stored timelines (unknown ids left out), read once per store version: building a
        timeline from its rows costs more than screening it. No access check here: callers
        are `patient`, `patients` and `cohort_for_study`, and the CDS services."""
        version = self.store_version() if version is None else version
        found: dict[str, PatientTimeline] = {}
        with self._memo_lock:
            for pid in patient_ids:
                key = ("timeline", pid, version)
                if key in self._memo:
                    self._memo.move_to_end(key)
                    found[pid] = self._memo[key]
        missing = [pid for pid in patient_ids if pid not in found]
        for timeline in self.store.timelines(self.tz, missing) if missing else []:
            found[timeline.patient_id] = timeline
            self._remember(("timeline", timeline.patient_id, version), timeline)
        return [found[pid] for pid in patient_ids if pid in found]

    def read_under(self, timeline: PatientTimeline, version: DataVersion) -> bool:
        """Whether `timeline` is the one `timelines` read under store version `version`, and
        so read after that version was: while the store is still at `version`, it is then the
        patient's data as stored now. (A timeline read before `version`, or evicted since, is
        not; the answer is then False, never a wrong True.)"""
        with self._memo_lock:
            return self._memo.get(("timeline", timeline.patient_id, version)) is timeline

    # -- derived results, kept until the next import -----------------------------------------

    def store_version(self) -> DataVersion:
        """Read once per request. The count as well as the last id: of two overlapping imports
        the later-started one may commit first, and the other's commit then adds a row without
        raising the last id."""
        with self.reading() as conn:
            count, last = conn.exec_driver_sql(self._version_sql).one()
        return int(count), int(last)

    @cached_property
    def _version_sql(self) -> str:
        """`store_version`'s query as the driver's SQL text, compiled once: every request runs
        it, and SQLAlchemy's per-execution statement caching cost more than the round trip."""
        stmt = select(func.count(), func.coalesce(func.max(import_table.c.id), 0))
        return str(stmt.compile(dialect=self.store.engine.dialect,
                                compile_kwargs={"literal_binds": True}))

    def memo(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """A result computed from stored data, reused until the store changes (an import): keys
        carry the store version, and the least recently used entries go first. A user error
        (data the computation refuses) is kept like a result: asking again answers at once
        instead of spending the same seconds to fail again."""
        with self._memo_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                value = self._memo[key]
                if isinstance(value, _Failure):
                    raise value.error
                return value
        try:
            value = compute()
        except ThromboUserError as exc:
            self._remember(key, _Failure(exc))
            raise
        self._remember(key, value)
        return value

    def memo_many(self, keys: Sequence[tuple[Any, ...]],
                  compute: Callable[[list[int]], Sequence[Any]]) -> list[Any]:
        """`memo` of many keys at once: `compute` gets the positions in `keys` of those not
        remembered (a remembered user error counts as not: computing it again raises it) and
        returns their values in that order, computed together (one batched read of the
        store instead of one a key)."""
        found: dict[int, Any] = {}
        with self._memo_lock:
            for i, key in enumerate(keys):
                value = self._memo.get(key, _MISSING)
                if value is not _MISSING and not isinstance(value, _Failure):
                    self._memo.move_to_end(key)
                    found[i] = value
        missing = [i for i in range(len(keys)) if i not in found]
        for i, value in zip(missing, compute(missing) if missing else (), strict=True):
            self._remember(keys[i], value)
            found[i] = value
        return [found[i] for i in range(len(keys))]

    def _remember(self, key: tuple[Any, ...], value: Any) -> None:
        with self._memo_lock:
            self._memo[key] = value
            while len(self._memo) > MEMO_ENTRIES:
                self._memo.popitem(last=False)

    def today(self) -> date:
        return datetime.now(self.tz).date()


@dataclass(frozen=True)
class _Failure:
    error: ThromboUserError


_MISSING = object()


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise ForbiddenError(f"this needs the role {' or '.join(roles)}")


def ids_of(timelines: Sequence[PatientTimeline]) -> list[str]:
    return [t.patient_id for t in timelines]
