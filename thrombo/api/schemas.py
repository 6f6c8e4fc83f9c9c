"""API shapes: request bodies (pydantic) and the JSON the service returns for domain records.

Domain types stay in `thrombo.domain`; these functions only turn them into documents that follow
interface.md's conventions (dates `YYYY-MM-DD`, date-times with offset, quantities with units).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from thrombo.domain.records import Event, Medication, Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.services.dose import DoseRequest

__all__ = ["Credentials", "DoseRequest", "NewUser", "TokenOut"]


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class NewUser(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)
    role: str
    centre: str | None = None


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def patient_json(patient: Patient) -> dict[str, Any]:
    return {
        "patient_id": patient.patient_id,
        "birth_date": _iso(patient.birth_date),
        "sex": patient.sex,
        "center": patient.center,
        "hsct_date": _iso(patient.hsct_date),
        "hsct_type": patient.hsct_type,
        "conditioning_start_date": _iso(patient.conditioning_start_date),
        "neutrophil_engraftment_date": _iso(patient.neutrophil_engraftment_date),
        "platelet_engraftment_date": _iso(patient.platelet_engraftment_date),
        "itp_diagnosis_date": _iso(patient.itp_diagnosis_date),
        "splenectomy_date": _iso(patient.splenectomy_date),
        "death_date": _iso(patient.death_date),
        "last_contact_date": _iso(patient.last_contact_date),
    }


def observation_json(obs: Observation) -> dict[str, Any]:
    return {
        "id": obs.id,
        "analyte": obs.analyte,
        "time": obs.time.isoformat(),
        "value": obs.value_json(),
        "ref_low": obs.ref_low,
        "ref_high": obs.ref_high,
        "version": obs.version,
    }


def medication_json(med: Medication) -> dict[str, Any]:
    return {
        "id": med.id,
        "drug": med.drug,
        "start": med.start.isoformat(),
        "end": None if med.end is None else med.end.isoformat(),
        "dose": None if med.dose is None else med.dose.to_json(),
        "route": med.route,
        "intent": med.intent,
    }


def event_json(event: Event) -> dict[str, Any]:
    return {"id": event.id, "event": event.event, "time": event.time.isoformat(),
            "grade": event.grade, "note": event.note}


def timeline_json(timeline: PatientTimeline) -> dict[str, Any]:
    return {
        "patient": patient_json(timeline.patient),
        "observations": [observation_json(o) for o in timeline.observations],
        "medications": [medication_json(m) for m in timeline.medications],
        "events": [event_json(e) for e in timeline.events],
    }
