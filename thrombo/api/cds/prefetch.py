"""Prefetch: the FHIR data a CDS client sends with a call, and the store when it sends none.

Each prefetch key stands for one kind of data (the Patient, the relevant Observations, the
transplant Procedure). A key the client filled is used as sent; a key that is missing or null
(the client could not or would not fetch it) is taken from the store, so a partial prefetch is
completed from what the service already holds. Medications and events come from the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import tzinfo
from typing import Any

from thrombo.domain.records import Patient, Provenance
from thrombo.domain.timeline import PatientTimeline
from thrombo.io.fhir_elements import Skip, Unusable
from thrombo.io.fhir_fast import convert
from thrombo.io.fhir_read import bundle_context
from thrombo.io.raw import SourceRecord
from thrombo.normalize.analytes import CATALOGUE
from thrombo.normalize.assemble import assemble, build_timelines
from thrombo.normalize.build import Context
from thrombo.normalize.codemap import CodeMap
from thrombo.rules.model import CriteriaSet, analytes_of

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
HSCT_SNOMED = ("234336002", "58776007", "23719005", "444360002")
"""Transplant procedure codes thrombo's FHIR reader recognises (normalize/concepts.py)."""
TRANSPLANT_FIELDS = ("hsct_date", "hsct_type", "conditioning_start_date",
                     "neutrophil_engraftment_date", "platelet_engraftment_date")
SOURCE = "cds-prefetch"


def loinc_codes(analytes: Iterable[str]) -> list[str]:
    wanted = set(analytes)
    return [code for a in CATALOGUE if a.key in wanted for code, _ in a.loinc]


def criteria_analytes(criteria: CriteriaSet) -> list[str]:
    used = frozenset().union(*(analytes_of(n.criterion) for n in criteria.criteria))
    return sorted(used | {"weight", "height"})


def patient_view_templates(criteria: CriteriaSet) -> dict[str, str]:
    codes = ",".join(f"{LOINC}|{c}" for c in loinc_codes(criteria_analytes(criteria)))
    procedures = ",".join(f"{SNOMED}|{c}" for c in HSCT_SNOMED)
    return {
        "patient": "Patient/{{context.patientId}}",
        "observations": f"Observation?patient={{{{context.patientId}}}}&code={codes}",
        "transplant": f"Procedure?patient={{{{context.patientId}}}}&code={procedures}",
    }


def order_sign_templates() -> dict[str, str]:
    codes = ",".join(f"{LOINC}|{c}" for c in loinc_codes(["weight", "height", "hemoglobin"]))
    return {
        "patient": "Patient/{{context.patientId}}",
        "measurements": f"Observation?patient={{{{context.patientId}}}}&code={codes}",
    }


def resources(value: Any) -> list[dict[str, Any]] | None:
    """The resources of one prefetch value (a resource or a searchset Bundle); None if absent."""
    if not isinstance(value, dict):
        return None
    if value.get("resourceType") == "Bundle":
        entries = value.get("entry") or []
        return [e["resource"] for e in entries
                if isinstance(e, dict) and isinstance(e.get("resource"), dict)]
    return [value]


def _records(items: list[dict[str, Any]]) -> Iterator[SourceRecord]:
    ctx = bundle_context({"resource": r} for r in items)
    for index, resource in enumerate(items):
        prov = Provenance(SOURCE, f"{resource.get('resourceType')}/{resource.get('id', index)}")
        try:
            yield SourceRecord(prov, convert(resource, ctx))
        except Skip as skip:
            yield SourceRecord.skip(prov, skip.reason)
        except Unusable as bad:
            yield SourceRecord.bad(prov, bad.reason)


@dataclass(frozen=True)
class Assembled:
    timeline: PatientTimeline | None
    used_prefetch: tuple[str, ...]
    from_store: tuple[str, ...]
    quarantined: tuple[str, ...] = ()


def _from_prefetch(items: list[dict[str, Any]], patient: Patient | None, tz: tzinfo
                   ) -> tuple[PatientTimeline | None, list[str]]:
    known = frozenset({patient.patient_id}) if patient else frozenset()
    data = assemble([(SOURCE, "fhir-bundle", _records(items), [])], Context(tz, CodeMap()), known)
    records = list(data.records())
    if patient is not None and not any(isinstance(r, Patient) for r in records):
        records.insert(0, patient)
    found = build_timelines(records, tz)
    bad = [f"{q.location}: {q.reason}" for q in data.summary.quarantine]
    return (found[0] if found else None), bad


def assemble_timeline(
    prefetch: dict[str, Any], keys: tuple[str, str, str], stored: PatientTimeline | None,
    tz: tzinfo,
) -> Assembled:
    """The patient's timeline from prefetch keys (patient, observations, transplant), each
    missing key filled from the stored timeline."""
    patient_key, observation_key, procedure_key = keys
    given = {k: resources(prefetch.get(k)) for k in keys}
    present = tuple(k for k in keys if given[k] is not None)
    absent = tuple(k for k in keys if given[k] is None)
    if not present:
        return Assembled(stored, (), keys if stored else ())
    items = [r for k in present for r in (given[k] or [])]
    stored_patient = stored.patient if stored else None
    base = None if given[patient_key] is not None else stored_patient
    built, bad = _from_prefetch(items, base, tz)
    if built is None:
        return Assembled(stored, (), keys if stored else (), tuple(bad))
    patient = built.patient
    if given[procedure_key] is None and stored_patient is not None:
        patient = replace(patient, **{f: getattr(stored_patient, f) for f in TRANSPLANT_FIELDS})
    observations = built.observations
    if given[observation_key] is None and stored is not None:
        observations = stored.observations
    timeline = PatientTimeline.build(
        patient, observations,
        stored.medications if stored else built.medications,
        stored.events if stored else built.events, tz,
    )
    return Assembled(timeline, present, absent if stored else (), tuple(bad))
