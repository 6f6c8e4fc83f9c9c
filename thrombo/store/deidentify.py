"""De-identified export: keyed-hash pseudonyms, one date shift per patient, identifiers dropped.

- Patient ids become HMAC-SHA256 pseudonyms under a secret key: the same key gives the same
  pseudonym (so later exports link), and without the key they cannot be reversed.
- Every date and time of a patient moves by the same whole number of days (drawn from the key and
  the patient), so every interval a study measures (days to response, survival time, age at
  transplant to within the shift) is unchanged.
- Direct identifiers are dropped: extra columns of every record (names, record numbers,
  specimen and order ids), free-text notes, and provenance (file names and line numbers can
  point back to a source system).
- A centre with fewer than `suppress_below` patients is reported as "other" on request.
- Free text a spreadsheet would run as a formula (a centre, drug, route or event name starting
  with =, +, -, @, a tab or a carriage return) is written with a leading apostrophe (OWASP "CSV
  injection"); coded values (dipstick categories such as "+") are left as they are.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from thrombo.domain.records import PATIENT_DATE_FIELDS, Event, Medication, Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.io.csv_write import write_dataset

MAX_SHIFT_DAYS = 182
"""Shifts are drawn from -182..+182 days, excluding 0 [Design]."""
SUPPRESSED_CENTER = "other"

_D = TypeVar("_D", date, datetime)
_R = TypeVar("_R", Observation, Medication, Event)


@dataclass(frozen=True)
class ExportResult:
    out: str
    patients: int
    observations: int
    key_kept: bool
    suppressed_centers: int
    medications: int = 0
    events: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "out": self.out,
            "patients": self.patients,
            "observations": self.observations,
            "medications": self.medications,
            "events": self.events,
            "pseudonym_key": "given" if self.key_kept else "random, not kept (not re-linkable)",
            "suppressed_centers": self.suppressed_centers,
        }


def new_key() -> bytes:
    return secrets.token_bytes(32)


def pseudonym(key: bytes, patient: Patient) -> str:
    message = f"{patient.center or ''}|{patient.patient_id}".encode()
    return "X" + hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def shift_days(key: bytes, patient: Patient) -> int:
    message = f"shift|{patient.center or ''}|{patient.patient_id}".encode()
    draw = int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:8], "big")
    shift = draw % (2 * MAX_SHIFT_DAYS + 1) - MAX_SHIFT_DAYS
    return shift or MAX_SHIFT_DAYS  # never 0: an unshifted date would be the real one


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(text: str | None) -> str | None:
    """Text a spreadsheet shows as text, never evaluates."""
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _move(value: _D | None, days: int) -> _D | None:
    return None if value is None else value + timedelta(days=days)


def deidentify_timeline(
    timeline: PatientTimeline, key: bytes, center: str | None
) -> PatientTimeline:
    p = timeline.patient
    new_id = pseudonym(key, p)
    days = shift_days(key, p)
    dates = {
        name: _move(getattr(p, name), days)
        for name in ("birth_date", *PATIENT_DATE_FIELDS)
    }
    patient = replace(p, patient_id=new_id, center=cell_safe(center), attributes={},
                      provenance=None, **dates)  # type: ignore[arg-type]
    shift = timedelta(days=days)
    observations = [_renamed(o, key, new_id, time=o.time + shift) for o in timeline.observations]
    medications = [
        _renamed(m, key, new_id, start=m.start + shift, end=_move(m.end, days),
                 drug=cell_safe(m.drug) or m.drug, route=cell_safe(m.route))
        for m in timeline.medications
    ]
    events = [
        _renamed(e, key, new_id, time=e.time + shift, event=cell_safe(e.event) or e.event,
                 note=None)
        for e in timeline.events
    ]
    return PatientTimeline.build(patient, observations, medications, events, timeline.tz)


def _renamed(record: _R, key: bytes, new_id: str, **changes: Any) -> _R:
    """`record` under the new patient id and a keyed hash of its own id, without provenance or
    extra source columns (either may name the patient), with `changes` (its shifted dates)."""
    return replace(record, id=_hash_id(key, record.id), patient_id=new_id, provenance=None,
                   attributes={}, **changes)


def _hash_id(key: bytes, ident: str) -> str:
    return hmac.new(key, ident.encode(), hashlib.sha256).hexdigest()[:24]


def small_centres(sizes: Counter[str | None], suppress_below: int) -> set[str | None]:
    """Centres reported as "other": the small ones, and (complementary suppression) the next
    smallest with a lone small one, since "other" would otherwise be that one centre."""
    named = sorted((n, c) for c, n in sizes.items() if c is not None)
    small: set[str | None] = {c for n, c in named if n < suppress_below}
    if len(small) == 1 and len(named) > 1:
        small.add(next(c for _, c in named if c not in small))
    return small


def export_deidentified(
    timelines: Sequence[PatientTimeline],
    out: Path,
    key: bytes | None = None,
    suppress_below: int = 0,
) -> ExportResult:
    kept = key is not None
    secret = key if key is not None else new_key()
    sizes = Counter(t.patient.center for t in timelines)
    small = small_centres(sizes, suppress_below)
    shifted = [
        deidentify_timeline(
            t, secret, SUPPRESSED_CENTER if t.patient.center in small else t.patient.center
        )
        for t in timelines
    ]
    write_dataset(
        out,
        (t.patient for t in shifted),
        (o for t in shifted for o in t.observations),
        (m for t in shifted for m in t.medications),
        (e for t in shifted for e in t.events),
    )
    return ExportResult(
        str(out), len(shifted), sum(len(t.observations) for t in shifted), kept, len(small),
        medications=sum(len(t.medications) for t in shifted),
        events=sum(len(t.events) for t in shifted),
    )
