"""The service's state: settings, the store, and access to patient data scoped by role and centre.

Every read of identified data goes through `patient` or `patients`, which record the view in the
append-only audit trail; nothing else in the service reads the patient tables.
"""

from __future__ import annotations

import threading
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
    _memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, settings: Settings) -> Service:
        return cls(settings, Store.open(settings.db))

    # -- the audit trail ---------------------------------------------------------------------

    def record(self, user: User | str, action: str, detail: dict[str, Any],
               patient_id: str | None = None) -> None:
        actor = user if isinstance(user, str) else actor_of(user)
        with self.store.engine.begin() as conn:
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
        timelines = self.store.timelines(self.tz, ids) if ids else []
        self.record(user, "view", {"what": purpose, "patients": len(ids), "query": query or ""})
        return timelines

    def patient(self, user: User, patient_id: str, *, purpose: str) -> PatientTimeline:
        if not user.sees_identified_data:
            raise ForbiddenError("this role sees de-identified data and study pages only")
        found = self.store.timelines(self.tz, [patient_id])
        if not found or not user.may_see_centre(found[0].patient.center):
            raise NotVisibleError(f"no patient {patient_id!r} visible to you")
        self.record(user, "view", {"what": purpose}, patient_id)
        return found[0]

    def cohort_for_study(self, user: User) -> list[PatientTimeline]:
        """Patients a study may aggregate: a clinician's centre, or every centre."""
        if user.role == "clinician":
            ids = self.visible_ids(user)
            return self.store.timelines(self.tz, ids) if ids else []
        return self.store.timelines(self.tz)

    # -- derived results, kept until the next import -----------------------------------------

    def store_version(self) -> int:
        with self.store.engine.connect() as conn:
            return int(conn.execute(select(func.max(import_table.c.id))).scalar() or 0)

    def memo(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """A result computed from stored data, reused until the store changes (an import)."""
        with self._memo_lock:
            if key in self._memo:
                return self._memo[key]
        value = compute()
        with self._memo_lock:
            self._memo[key] = value
        return value

    def today(self) -> date:
        return datetime.now(self.tz).date()


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise ForbiddenError(f"this needs the role {' or '.join(roles)}")


def ids_of(timelines: Sequence[PatientTimeline]) -> list[str]:
    return [t.patient_id for t in timelines]
