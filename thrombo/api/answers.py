"""The typed answers of the JSON routes, so that the OpenAPI document describes every answer.

Each model names the fields interface.md gives the document (`screen --json`, `plan --json`,
...). Parts whose shape depends on the condition or the rule set (evidence, a plan's options,
an assessment's components) are objects described in interface.md, typed here as objects.
`extra="allow"`: a field the domain adds reaches the client rather than being dropped, and a
test holds every field of real answers to the schema. Routes answer with
`response_model_exclude_unset=True`, so a field a document leaves out is not added as null.
Dates are the documents' ISO texts (interface.md: `YYYY-MM-DD`, date-times with offset).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

Number = int | float
"""A JSON number kept as given (an integer is not turned into 2.0)."""
Object = dict[str, Any]


class Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


class Rules(Answer):
    """The rules a result was computed by: name, version and every option with its value."""

    name: str
    version: str
    options: Object | str


# -- accounts and the audit trail -------------------------------------------------------------


class Me(Answer):
    username: str
    role: str
    centre: str | None


class Account(Me):
    active: bool


class AuditRecord(Answer):
    id: int
    at: str
    actor: str
    action: str
    patient_id: str | None
    detail: Object | None
    hash: str


class AuditVerification(Answer):
    entries: int
    ok: bool
    first_bad_id: int | None
    reason: str | None


# -- patients ---------------------------------------------------------------------------------


class PatientRecord(Answer):
    patient_id: str
    birth_date: str | None
    sex: str | None
    center: str | None
    hsct_date: str | None
    hsct_type: str | None
    conditioning_start_date: str | None
    neutrophil_engraftment_date: str | None
    platelet_engraftment_date: str | None
    itp_diagnosis_date: str | None
    splenectomy_date: str | None
    death_date: str | None
    last_contact_date: str | None


class ObservationRecord(Answer):
    id: str
    analyte: str
    time: str
    value: Object | Number | str | None
    ref_low: Number | None
    ref_high: Number | None
    version: int


class MedicationRecord(Answer):
    id: str
    drug: str
    start: str
    end: str | None
    dose: Object | None
    route: str | None
    intent: str | None


class EventRecord(Answer):
    id: str
    event: str
    time: str
    grade: int | None
    note: str | None


class Timeline(Answer):
    patient: PatientRecord
    observations: list[ObservationRecord]
    medications: list[MedicationRecord]
    events: list[EventRecord]


# -- screening --------------------------------------------------------------------------------


class PatientScreening(Answer):
    patient_id: str
    status: str
    first_met: str | None
    active: bool | None
    criteria_met: list[str]
    criteria_indeterminate: list[str]
    high_risk: bool | None
    high_risk_features: list[str]
    evidence: list[Object]
    assessed_on: str | None
    indeterminate_reasons: Object
    latest_results: list[Object] | None = None
    """Each criterion not met or indeterminate: its latest result, threshold and limit."""
    warnings: list[str]


class SetScreening(Answer):
    """`screen --json` under one criteria set."""

    rules: Rules
    as_of: str
    patients: list[PatientScreening]
    warnings: list[str]


class ScreeningBySet(Answer):
    """`screen --json --criteria all`: each set's result and the patients they disagree on."""

    results: list[SetScreening]
    disagreements: list[Object]


class OnePatientScreening(Answer):
    rules: Rules
    as_of: str
    patient: PatientScreening


class OnePatientBySet(Answer):
    as_of: str
    results: list[OnePatientScreening]


# -- ITP, assessment, plan ---------------------------------------------------------------------


class ItpStatus(Answer):
    """`itp --json`'s patient: phase, severity, refractoriness under each definition."""

    patient_id: str
    phase: str | None
    months_since_diagnosis: Number | None
    severe: bool | None
    refractory: bool | None
    severe_since: str | None
    refractory_definition: str
    refractory_by_definition: Object
    refractory_since: Object
    failed_therapies: list[Object]
    failed_classes: Object | list[str]
    treatments: list[Object]
    rules: Rules
    evidence: list[Object]
    warnings: list[str]


class ItpAnswer(Answer):
    as_of: str
    patient: ItpStatus | None
    """Null for a patient who is no ITP patient."""


class PatientAssessment(Answer):
    """`assess --json`'s patient. The fields after `response` depend on the condition (TA-TMA
    resolution, IWG 2009 ITP response, or a note that neither treatment is recorded); a field
    the condition does not have is left out."""

    patient_id: str
    condition: str | None
    treatment: str | None
    response: str
    note: str | None = None
    treatment_start: str | None = None
    response_date: str | None = None
    days_to_response: Number | None = None
    rules: Rules | None = None
    evidence: list[Object] | None = None
    warnings: list[str] | None = None
    # TA-TMA resolution (response.tma)
    components: Object | None = None
    partial_response: bool | None = None
    partial_response_date: str | None = None
    hematologic_response: bool | None = None
    renal_recovery: bool | None = None
    neurological_recovery: bool | None = None
    # IWG 2009 ITP response (response.itp_patient)
    baseline_platelets: Number | None = None
    baseline_platelets_comparator: str | None = None  # "<" for a baseline reported "<10"
    lost_response_date: str | None = None
    steroid_dependent: bool | None = None
    steroid_dependence: Object | None = None
    treatments: list[Object] | None = None
    excluded_counts: list[Object] | None = None
    # CTCAE v5.0 adverse events since the treatment started (safety.summary)
    adverse_events: list[Object] | None = None
    major_bleeding: Object | None = None
    safety_rules: Rules | None = None
    safety_warnings: list[str] | None = None


class AssessmentAnswer(Answer):
    as_of: str
    patient: PatientAssessment


class PlanDocument(Answer):
    """`plan --json`: the ladder or protocol options, doses, holds, course and monitoring."""

    patient_id: str
    condition: str
    as_of: str
    rules: Rules
    summary: Object
    inputs: Object
    next: list[str]
    options: list[Object]
    doses: list[Object]
    holds: list[Object]
    blocked: bool
    course: Object | None
    monitoring: list[str]
    warnings: list[str]
    sources: list[str]


class PlanAnswer(Answer):
    as_of: str
    plan: PlanDocument | None
    note: str | None
    """Why there is no plan (the record shows neither condition)."""


# -- dosing -----------------------------------------------------------------------------------


class Quantity(Answer):
    value: Number
    unit: str


class DrugEntry(Answer):
    drug: str
    regimens: list[str]
    indications: list[str]
    needs: list[str]


class DoseAnswer(Answer):
    """`dose --json`: the dose, its arithmetic, schedule, cautions and sources."""

    drug: str
    indication: str
    regimen: str
    dose: Quantity | None
    per_kg: Quantity | None
    per_m2: Quantity | None
    interval_hours: Number | None
    per_day: Quantity | None
    route: str
    infusion_minutes: Number | None
    course: str | None
    practical: Object
    schedule: list[Object]
    range: Object | None
    capped: bool
    warnings: list[str]
    counselling: list[str]
    calculation: list[str]
    sources: list[str]
    inputs: Object
    rules: Rules


# -- study and imports ------------------------------------------------------------------------


class StudyAnswer(Answer):
    """`study --json` over the patients the user may count; researchers see it under the
    disclosure policy (hidden values are null with `"suppressed": true`)."""

    rules: Rules
    n_treated: int | None
    time_origin: str
    flow: list[Object]
    resolution_by_day_28: Object | None
    overall_survival_6_months: Object | None
    organ_recovery: Object | None
    major_bleeding: Object | None
    adverse_events: list[Object]
    cif_resolution: Object | None
    overall_survival: Object | None
    baseline: Object
    centres: list[Object]
    comparisons: Object
    design: Object | None
    input_sha256: str | None
    suppress_below: int | None
    warnings: list[str]
    exposure: list[Object] | None
    exposure_response: Object | None
    as_of: str
    scope: str


class ImportAnswer(Answer):
    """`import --json`: every source's records stored, duplicate, skipped or quarantined."""

    sources: list[Object]
    quarantine: list[Object]
    skipped: list[Object]
    warnings: list[str]
    screening: Object | None = None
    """The patients the import wrote to, screened after its commit (rules, as_of, time_zone,
    patients_touched, results_stored, patients_failed, and the first failure's `error`)."""


class ImportRecord(Answer):
    id: int
    started_at: str
    actor: str
    command: str
    sources: list[Object]


class QuarantinedRecord(Answer):
    import_id: int
    source: str
    location: str
    reason: str


# -- CDS Hooks --------------------------------------------------------------------------------


class CdsServiceEntry(Answer):
    hook: str
    id: str
    title: str
    description: str
    prefetch: dict[str, str]


class CdsDiscovery(Answer):
    services: list[CdsServiceEntry]


class CdsCards(Answer):
    """CDS Hooks 2.0 cards (each with uuid, summary, indicator, source, detail, links,
    suggestions)."""

    cards: list[Object]


class CdsFeedbackAccepted(Answer):
    """CDS Hooks feedback is acknowledged with an empty object."""
