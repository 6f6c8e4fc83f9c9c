"""The service's state: settings, the store, and access to patient data scoped by role and centre.

Every read of identified data goes through `patient` or `patients`, which record the view in the
append-only audit trail; nothing else in the service reads the patient tables.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from sqlalchemy import func, select

from thrombo.api.cds.client_auth import ReplayGuard
from thrombo.api.settings import Settings
from thrombo.domain.timeline import PatientTimeline
from thrombo.errors import ThromboUserError
from thrombo.store import audit
from thrombo.store.schema import imports as import_table
from thrombo.store.schema import patients as patient_table
from thrombo.store.sql import Store
from thrombo.store.users import User

DEV_USER = User(0, "dev", "administrator", None)
MEMO_ENTRIES = 20_000
"""Timelines and derived results kept in memory: a few thousand patients' worth, a few hundred
megabytes at most."""


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
    """Held around every audit append of this process: `audit.record` reads the last hash and
    then inserts, so two concurrent requests would otherwise chain onto the same entry (a
    duplicate hash on SQLite, a forked chain on PostgreSQL)."""

    @classmethod
    def open(cls, settings: Settings) -> Service:
        return cls(settings, Store.open(settings.db))

    # -- the audit trail ---------------------------------------------------------------------

    def record(self, user: User | str, action: str, detail: dict[str, Any],
               patient_id: str | None = None) -> None:
        actor = user if isinstance(user, str) else actor_of(user)
        with self.audit_lock, self.store.engine.begin() as conn:
            audit.record(conn, actor, action, detail, patient_id)

    # -- who sees whom -----------------------------------------------------------------------

    def visible_ids(self, user: User, query: str | None = None) -> list[str]:
        """Patient ids this user may see identified, filtered by a search text (id or centre)."""
        if not user.sees_identified_data:
            raise ForbiddenError("this role sees de-identified data and study pages only")
        stmt = select(patient_table.c.patient_id, patient_table.c.center)
        if user.role == "clinician":
            stmt = stmt.where(patient_table.c.center == user.centre)
        with self.store.engine.connect() as conn:
            rows = conn.execute(stmt.order_by(patient_table.c.patient_id)).all()
        text = (query or "").strip().lower()
        return [r.patient_id for r in rows
                if not text or text in r.patient_id.lower() or text in (r.center or "").lower()]

    def patients(self, user: User, query: str | None = None, *, purpose: str = "list"
                 ) -> list[PatientTimeline]:
        ids = self.visible_ids(user, query)
        timelines = self.timelines(ids)
        self.record(user, "view", {"what": purpose, "patients": len(ids), "query": query or ""})
        return timelines

    def patient(self, user: User, patient_id: str, *, purpose: str) -> PatientTimeline:
        if not user.sees_identified_data:
            raise ForbiddenError("this role sees de-identified data and study pages only")
        found = self.timelines([patient_id])
        if not found or not user.may_see_centre(found[0].patient.center):
            raise NotVisibleError(f"no patient {patient_id!r} visible to you")
        self.record(user, "view", {"what": purpose}, patient_id)
        return found[0]

    def cohort_for_study(self, user: User) -> list[PatientTimeline]:
        """Patients a study may aggregate: a clinician's centre, or every centre."""
        if user.role == "clinician":
            return self.timelines(self.visible_ids(user))
        return self.store.timelines(self.tz)

    def timelines(self, patient_ids: Sequence[str]) -> list[PatientTimeline]:
        """Stored timelines (unknown ids left out), read once per store version: building a
        timeline from its rows costs more than screening it. No access check here: callers
        are `patient`, `patients` and `cohort_for_study`, and the CDS services."""
        version = self.store_version()
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

    # -- derived results, kept until the next import -----------------------------------------

    def store_version(self) -> int:
        with self.store.engine.connect() as conn:
            return int(conn.execute(select(func.max(import_table.c.id))).scalar() or 0)

    def memo(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """A result computed from stored data, reused until the store changes (an import): keys
        carry the store version, and the least recently used entries go first."""
        with self._memo_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = compute()
        self._remember(key, value)
        return value

    def _remember(self, key: tuple[Any, ...], value: Any) -> None:
        with self._memo_lock:
            self._memo[key] = value
            while len(self._memo) > MEMO_ENTRIES:
                self._memo.popitem(last=False)

    def today(self) -> date:
        return datetime.now(self.tz).date()


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise ForbiddenError(f"this needs the role {' or '.join(roles)}")


def ids_of(timelines: Sequence[PatientTimeline]) -> list[str]:
    return [t.patient_id for t in timelines]
