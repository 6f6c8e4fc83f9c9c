"""Prefetch: the FHIR data a CDS client sends with a call, and the store when it sends none.

Each prefetch key stands for one kind of data (the Patient, the relevant Observations, the
transplant Procedure). A key the client filled is used as sent; a key that is missing or null
(the client could not or would not fetch it) is taken from the store, so a partial prefetch is
completed from what the service already holds. Medications and events come from the store.

Only resources of the patient the call is about (`context.patientId`) are used: a Patient with
that id, and resources whose subject (or patient) references it. Anything else, another
patient's data or a resource that names no patient, is left out and counted, and the card and
the audit entry say how many.

Blood pressure: US Core records it as one panel (85354-9) whose components carry systolic
(8480-6) and diastolic (8462-4), and FHIR's `code` search matches `Observation.code` only, so a
search for the component codes alone never returns the panels: the template asks for the panel
code too.
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
from thrombo.normalize.analytes import BP_PANEL_LOINC, CATALOGUE
from thrombo.normalize.assemble import assemble, build_timelines
from thrombo.normalize.canonical_records import Context
from thrombo.normalize.codemap import CodeMap
from thrombo.rules.model import CriteriaSet, analytes_of

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
HSCT_SNOMED = ("234336002", "58776007", "23719005", "444360002")
"""Transplant procedure codes thrombo's FHIR reader recognises (normalize/concepts.py)."""
TRANSPLANT_FIELDS = ("hsct_date", "hsct_type", "conditioning_start_date",
                     "neutrophil_engraftment_date", "platelet_engraftment_date")
SOURCE = "cds-prefetch"
BP_COMPONENTS = frozenset({"systolic_bp", "diastolic_bp"})


def loinc_codes(analytes: Iterable[str]) -> list[str]:
    """The analytes' LOINC codes, and the blood-pressure panel's when BP is asked for."""
    wanted = set(analytes)
    codes = [code for a in CATALOGUE if a.key in wanted for code, _ in a.loinc]
    if wanted & BP_COMPONENTS and BP_PANEL_LOINC not in codes:
        codes.append(BP_PANEL_LOINC)
    return codes


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


def belongs_to(resource: dict[str, Any], patient_id: str) -> bool:
    """Whether a prefetched resource is the patient's own (relative or absolute reference)."""
    if resource.get("resourceType") == "Patient":
        return bool(patient_id) and str(resource.get("id")) == patient_id
    for field in ("subject", "patient"):
        ref = resource.get(field)
        if isinstance(ref, dict) and isinstance(ref.get("reference"), str):
            target = str(ref["reference"])
            return target == f"Patient/{patient_id}" or target.endswith(f"/Patient/{patient_id}")
    return False


def own_resources(items: list[dict[str, Any]], patient_id: str
                  ) -> tuple[list[dict[str, Any]], int]:
    """The patient's resources, and how many others were left out."""
    kept = [r for r in items if belongs_to(r, patient_id)]
    return kept, len(items) - len(kept)


@dataclass(frozen=True)
class Assembled:
    timeline: PatientTimeline | None
    used_prefetch: tuple[str, ...]
    from_store: tuple[str, ...]
    quarantined: tuple[str, ...] = ()
    ignored: int = 0
    """Prefetched resources left out: another patient's, or of no patient."""

    def ignored_note(self) -> str | None:
        if not self.ignored:
            return None
        return (f"{self.ignored} prefetched resource(s) not about this patient were ignored "
                "(another patient's data, or no patient named)")


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
    tz: tzinfo, patient_id: str,
) -> Assembled:
    """The patient's timeline from prefetch keys (patient, observations, transplant), each
    missing key filled from the stored timeline; resources not about `patient_id` left out."""
    _patient_key, observation_key, procedure_key = keys
    given = {k: resources(prefetch.get(k)) for k in keys}
    present = tuple(k for k in keys if given[k] is not None)
    absent = tuple(k for k in keys if given[k] is None)
    if not present:
        return Assembled(stored, (), keys if stored else ())
    items, ignored = own_resources([r for k in present for r in (given[k] or [])], patient_id)
    stored_patient = stored.patient if stored else None
    own_patient = any(r.get("resourceType") == "Patient" for r in items)
    base = None if own_patient else stored_patient
    built, bad = _from_prefetch(items, base, tz) if items else (None, [])
    if built is None:
        return Assembled(stored, (), keys if stored else (), tuple(bad), ignored)
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
    return Assembled(timeline, present, absent if stored else (), tuple(bad), ignored)
