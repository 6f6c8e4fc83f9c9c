"""Canonical domain records to FHIR R4 JSON (a collection Bundle, or Bulk Data NDJSON files).

What each record becomes:

- Patient -> Patient (thrombo's id verbatim in an identifier, since FHIR ids allow only
  `[A-Za-z0-9-.]`); patients.csv columns FHIR has no element for (conditioning start,
  engraftment, last contact, centre) -> extensions `urn:thrombo:patient:<column>`;
  hsct_date -> Procedure, splenectomy_date -> Procedure, itp_diagnosis_date -> Condition.
- Observation -> Observation coded with LOINC where known (its own code, else the vocabulary's) and
  always with a `urn:thrombo:analyte` coding; a quantity as a UCUM valueQuantity, a category as a
  valueCodeableConcept (SNOMED present/absent where they apply, text otherwise).
- Medication -> MedicationAdministration (intent, when set, as the dosage text).
- Event -> Observation coded `urn:thrombo:event|<event>`, the grade as valueInteger, the note as
  Observation.note. Chosen over AdverseEvent because most events (transfusions, biopsies, dialysis)
  are not adverse events, and one shape for all keeps reading back simple.

io may import only domain (the layer contract), so standard codes for analytes, procedures,
conditions and drugs come in through `FhirVocabulary`; normalize.concepts builds one.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import orjson

from thrombo.domain.codes import LOINC, SNOMED_CT, THROMBO, UCUM, Code
from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Event, Medication, Observation, Patient
from thrombo.io.fhir_elements import (
    JSON,
    THROMBO_CONDITION,
    THROMBO_DRUG,
    THROMBO_EVENT,
    THROMBO_PATIENT_FIELD,
    THROMBO_PATIENT_ID,
    THROMBO_PROCEDURE,
)

GENDER = {"F": "female", "M": "male", "U": "unknown"}
PRESENCE_CODES = {"present": "52101004", "absent": "2667000"}  # SNOMED qualifiers (fhir_elements)
EXTENSION_FIELDS = ("conditioning_start_date", "neutrophil_engraftment_date",
                    "platelet_engraftment_date", "last_contact_date", "center")
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_ID_NAMESPACE = uuid.UUID("5b0f3c1e-7a43-4f44-9a0e-3f4f0b8e9a51")


@dataclass(frozen=True)
class FhirVocabulary:
    """Standard codes the writer adds beside thrombo's own codings."""

    analyte_loinc: Mapping[str, str] = field(default_factory=dict)
    """Analyte key -> LOINC code."""
    codings: Mapping[str, tuple[Code, ...]] = field(default_factory=dict)
    """`procedure:<kind>`, `condition:<kind>`, `drug:<name>` -> standard codings."""


def fhir_id(text: str) -> str:
    """`text` if it is a valid FHIR id, otherwise a readable, stable and distinct substitute."""
    if _FHIR_ID.match(text):
        return text
    digest = hashlib.sha1(text.encode()).hexdigest()[:10]
    return f"{re.sub(r'[^A-Za-z0-9.-]', '-', text)[:50]}-{digest}"


def fhir_resources(
    patients: Iterable[Patient] = (),
    observations: Iterable[Observation] = (),
    medications: Iterable[Medication] = (),
    events: Iterable[Event] = (),
    vocabulary: FhirVocabulary | None = None,
) -> Iterator[JSON]:
    vocab = vocabulary or FhirVocabulary()
    for patient in patients:
        yield patient_resource(patient)
        yield from _patient_history(patient, vocab)
    for obs in observations:
        yield observation_resource(obs, vocab)
    for med in medications:
        yield medication_resource(med, vocab)
    for event in events:
        yield event_resource(event)


def write_fhir_bundle(path: Path, patients: Iterable[Patient] = (),
                      observations: Iterable[Observation] = (),
                      medications: Iterable[Medication] = (), events: Iterable[Event] = (),
                      vocabulary: FhirVocabulary | None = None) -> int:
    """Write one collection Bundle; returns the number of entries."""
    resources = fhir_resources(patients, observations, medications, events, vocabulary)
    entries = [{"fullUrl": full_url(r), "resource": r} for r in resources]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    path.write_bytes(orjson.dumps(bundle, option=orjson.OPT_INDENT_2))
    return len(entries)


def write_fhir_ndjson(folder: Path, patients: Iterable[Patient] = (),
                      observations: Iterable[Observation] = (),
                      medications: Iterable[Medication] = (), events: Iterable[Event] = (),
                      vocabulary: FhirVocabulary | None = None) -> dict[str, int]:
    """Write `Type.ndjson` files into `folder` (streamed); returns resources written per type."""
    folder.mkdir(parents=True, exist_ok=True)
    handles: dict[str, IO[bytes]] = {}
    counts: dict[str, int] = {}
    try:
        for resource in fhir_resources(patients, observations, medications, events, vocabulary):
            rtype = resource["resourceType"]
            if rtype not in handles:
                handles[rtype] = (folder / f"{rtype}.ndjson").open("wb")
            handles[rtype].write(orjson.dumps(resource) + b"\n")
            counts[rtype] = counts.get(rtype, 0) + 1
    finally:
        for handle in handles.values():
            handle.close()
    return counts


def full_url(resource: JSON) -> str:
    name = f"{resource['resourceType']}/{resource['id']}"
    return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, name)}"


# --- resources --------------------------------------------------------------------------------


def patient_resource(patient: Patient) -> JSON:
    resource: JSON = {
        "resourceType": "Patient",
        "id": fhir_id(patient.patient_id),
        "identifier": [{"system": THROMBO_PATIENT_ID, "value": patient.patient_id}],
        "gender": GENDER[patient.sex],
        "birthDate": patient.birth_date.isoformat(),
    }
    if patient.death_date is not None:
        resource["deceasedDateTime"] = patient.death_date.isoformat()
    extensions = [_extension(name, getattr(patient, name)) for name in EXTENSION_FIELDS
                  if getattr(patient, name) is not None]
    if extensions:
        resource["extension"] = extensions
    return resource


def _extension(name: str, value: date | str) -> JSON:
    url = f"{THROMBO_PATIENT_FIELD}{name}"
    if isinstance(value, date):
        return {"url": url, "valueDate": value.isoformat()}
    return {"url": url, "valueString": value}


def _patient_history(patient: Patient, vocab: FhirVocabulary) -> Iterator[JSON]:
    if patient.hsct_date is not None:
        kind = f"hsct-{patient.hsct_type}" if patient.hsct_type else "hsct"
        name = f"{patient.hsct_type or ''} haematopoietic stem cell transplant".strip()
        yield _procedure(patient, kind, name.capitalize(), patient.hsct_date, vocab)
    if patient.splenectomy_date is not None:
        yield _procedure(patient, "splenectomy", "Splenectomy", patient.splenectomy_date, vocab)
    if patient.itp_diagnosis_date is not None:
        yield {
            "resourceType": "Condition",
            "id": fhir_id(f"{patient.patient_id}-itp"),
            "code": _concept(THROMBO_CONDITION, "itp", "Immune thrombocytopenia",
                             vocab.codings.get("condition:itp", ())),
            "subject": subject(patient.patient_id),
            "onsetDateTime": patient.itp_diagnosis_date.isoformat(),
        }


def _procedure(patient: Patient, kind: str, name: str, when: date,
               vocab: FhirVocabulary) -> JSON:
    return {
        "resourceType": "Procedure",
        "id": fhir_id(f"{patient.patient_id}-{kind}"),
        "status": "completed",
        "code": _concept(THROMBO_PROCEDURE, kind, name, vocab.codings.get(f"procedure:{kind}", ())),
        "subject": subject(patient.patient_id),
        "performedDateTime": when.isoformat(),
    }


def observation_resource(obs: Observation, vocab: FhirVocabulary) -> JSON:
    loinc = obs.code.code if obs.code is not None and obs.code.system == LOINC else (
        vocab.analyte_loinc.get(obs.analyte))
    coding = [{"system": LOINC, "code": loinc}] if loinc else []
    coding.append({"system": THROMBO, "code": obs.analyte})
    resource: JSON = {
        "resourceType": "Observation",
        "id": fhir_id(obs.id),
        "meta": {"versionId": str(obs.version)},
        "status": "final",
        "code": {"coding": coding, "text": obs.analyte},
        "subject": subject(obs.patient_id),
        "effectiveDateTime": moment(obs.time),
    }
    if obs.quantity is not None:
        resource["valueQuantity"] = quantity(obs.quantity)
    else:
        resource["valueCodeableConcept"] = _category(str(obs.category))
    limits = {edge: quantity(Quantity(value, obs.quantity.unit)) for edge, value in
              (("low", obs.ref_low), ("high", obs.ref_high))
              if value is not None and obs.quantity is not None}
    if limits:
        resource["referenceRange"] = [limits]
    return resource


def _category(word: str) -> JSON:
    snomed = PRESENCE_CODES.get(word)
    concept: JSON = {"text": word}
    if snomed is not None:
        concept["coding"] = [{"system": SNOMED_CT, "code": snomed, "display": word.capitalize()}]
    return concept


def medication_resource(med: Medication, vocab: FhirVocabulary) -> JSON:
    resource: JSON = {
        "resourceType": "MedicationAdministration",
        "id": fhir_id(med.id),
        "status": "completed",
        "medicationCodeableConcept": _concept(THROMBO_DRUG, med.drug, med.drug,
                                              vocab.codings.get(f"drug:{med.drug}", ())),
        "subject": subject(med.patient_id),
    }
    if med.end is not None:
        resource["effectivePeriod"] = {"start": moment(med.start), "end": moment(med.end)}
    else:
        resource["effectiveDateTime"] = moment(med.start)
    dosage: JSON = {}
    if med.intent is not None:
        dosage["text"] = med.intent
    if med.route is not None:
        dosage["route"] = {"text": med.route}
    if med.dose is not None:
        dosage["dose"] = quantity(med.dose)
    if dosage:
        resource["dosage"] = dosage
    return resource


def event_resource(event: Event) -> JSON:
    resource: JSON = {
        "resourceType": "Observation",
        "id": fhir_id(event.id),
        "status": "final",
        "code": {"coding": [{"system": THROMBO_EVENT, "code": event.event}], "text": event.event},
        "subject": subject(event.patient_id),
        "effectiveDateTime": moment(event.time),
    }
    if event.grade is not None:
        resource["valueInteger"] = event.grade
    if event.note is not None:
        resource["note"] = [{"text": event.note}]
    return resource


# --- elements ---------------------------------------------------------------------------------


def subject(patient_id: str) -> JSON:
    return {"reference": f"Patient/{fhir_id(patient_id)}",
            "identifier": {"system": THROMBO_PATIENT_ID, "value": patient_id}}


def quantity(q: Quantity) -> JSON:
    out: JSON = {"value": q.value, "unit": q.unit, "system": UCUM, "code": q.unit}
    if q.comparator is not None:
        out["comparator"] = q.comparator  # a censored result ('<10') stays a bound
    return out


def moment(when: datetime) -> str:
    return when.isoformat()


def _concept(system: str, code: str, name: str, standard: tuple[Code, ...]) -> JSON:
    coding: list[Any] = [_coding(c) for c in standard]
    coding.append({"system": system, "code": code})
    return {"coding": coding, "text": name}


def _coding(code: Code) -> JSON:
    out = {"system": code.system, "code": code.code}
    if code.display:
        out["display"] = code.display
    return out
