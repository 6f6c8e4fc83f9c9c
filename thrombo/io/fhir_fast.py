"""FHIR resources (as plain JSON) to thrombo's raw items: the fast path.

`convert` reads only the elements thrombo uses (declared below, per resource type) and returns the
raw items a resource carries, or raises `Skip` (a type, status or value thrombo does not use) or
`Unusable` (an element thrombo needs is missing or malformed). It makes no clinical decision:
which codes matter, units and plausibility are normalize's job.
"""

from __future__ import annotations

from collections.abc import Callable

from thrombo.domain.codes import LOINC, Code
from thrombo.io.fhir_elements import (
    JSON,
    THROMBO_EVENT,
    THROMBO_PATIENT_FIELD,
    Context,
    Skip,
    Unusable,
    category,
    category_word,
    codings,
    concept_text,
    first_moment,
    moment,
    number,
    obj,
    objects,
    observation_time,
    patient_id,
    patient_of,
    period_end,
    pick_code,
    quantity,
    range_limits,
    text,
    version_of,
)
from thrombo.io.raw import (
    RawCondition,
    RawEvent,
    RawItem,
    RawMedication,
    RawObservation,
    RawPatient,
    RawProcedure,
    RawValue,
)

Items = tuple[RawItem, ...]

SEX = {"female": "F", "male": "M", "other": "U", "unknown": "U"}

# Statuses that say the record does not describe something that happened.
UNUSED_STATUS = frozenset({"entered-in-error", "cancelled", "not-done", "not-taken", "refuted"})
OBSERVATION_UNUSED_STATUS = frozenset({"entered-in-error", "cancelled"})

VALUE_KEYS = (
    "valueQuantity",
    "valueCodeableConcept",
    "valueString",
    "valueBoolean",
    "valueInteger",
)

INTENT_WORDS = (("prophyla", "prophylactic"), ("therapeutic", "therapeutic"), ("rescue", "rescue"))


def convert(resource: JSON, ctx: Context, full_url: str | None = None) -> Items:
    rtype = resource.get("resourceType")
    if not isinstance(rtype, str):
        raise Unusable("resourceType", "missing: not a FHIR resource")
    reader = READERS.get(rtype)
    if reader is None:
        if rtype == "Medication":
            raise Skip("Medication resource (read through the records that refer to it)")
        raise Skip(f"resource type not used by thrombo: {rtype}")
    if rtype == "Patient":
        return read_patient(resource, full_url)
    return reader(resource, ctx)


# --- Patient ----------------------------------------------------------------------------------


def read_patient(resource: JSON, full_url: str | None = None) -> Items:
    pid = patient_id(resource, full_url)
    birth = resource.get("birthDate")
    if birth is None:
        raise Unusable("birthDate", "missing: thrombo needs the date of birth")
    fields = {"patient_id": pid, "birth_date": moment(birth, "birthDate")}
    gender = text(resource, "gender", "gender")
    if gender is not None:
        fields["sex"] = SEX.get(gender, "U")
    if resource.get("deceasedDateTime") is not None:
        fields["death_date"] = moment(resource["deceasedDateTime"], "deceasedDateTime")[:10]
    elif resource.get("deceasedBoolean") is True:
        fields["deceased"] = "true"
    fields.update(_thrombo_fields(resource))
    return (RawPatient(pid, fields, version_of(resource)),)


def _thrombo_fields(resource: JSON) -> dict[str, str]:
    """patients.csv columns thrombo's own writer stored as extensions; other extensions are
    not read."""
    found = {}
    for i, ext in enumerate(objects(resource, "extension", "extension")):
        url = ext.get("url")
        if isinstance(url, str) and url.startswith(THROMBO_PATIENT_FIELD):
            name = url[len(THROMBO_PATIENT_FIELD) :]
            value = ext.get("valueDate", ext.get("valueString"))
            if not isinstance(value, str):
                raise Unusable(f"extension[{i}]", f"{name}: expected valueDate or valueString")
            found[name] = value
    return found


# --- Observation ------------------------------------------------------------------------------


def read_observation(resource: JSON, ctx: Context) -> Items:
    status = resource.get("status")
    if isinstance(status, str) and status in OBSERVATION_UNUSED_STATUS:
        raise Skip(f"observation status {status}")
    pid = patient_of(resource, ctx)
    when, timing = observation_time(resource, ctx)  # own, report's or issued (fhir_elements)
    rid = text(resource, "id", "id")
    # The resource's codings, read once for both questions asked of them (has_system, then
    # pick_code: the same codings, the same answers and refusals).
    coded = codings(obj(resource, "code", "code"), "code")
    event = next((c for c in coded if c.system == THROMBO_EVENT), None)
    if event is not None:
        return (_event(resource, pid, when, event, rid),)
    version = version_of(resource)
    items: list[RawItem] = []
    key = _value_key(resource)
    if key is not None:
        code = _picked(coded)
        items.append(_measurement(resource, "", key, code, pid, when, rid, version, timing))
    for i, comp in enumerate(objects(resource, "component", "component")):
        path = f"component[{i}]."
        key = _value_key(comp, path)
        if key is None:
            continue  # a component without a value (e.g. a missing diastolic) carries nothing
        code = pick_code(obj(comp, "code", f"{path}code"), f"{path}code")
        cid = None if rid is None else f"{rid}#{code.code}"
        items.append(_measurement(comp, path, key, code, pid, when, cid, version, timing))
    if not items:
        raise Skip("observation has no value")
    return tuple(items)


def _picked(found: tuple[Code, ...]) -> Code:
    """fhir_elements.pick_code of codings already read."""
    if not found:
        raise Skip("observation code has no coding")
    return next((c for c in found if c.system == LOINC), found[0])


def _value_key(element: JSON, path: str = "") -> str | None:
    key = next((k for k in element if k.startswith("value")), None)
    if key is None:
        return None
    if key not in VALUE_KEYS:
        raise Skip(f"value type not used by thrombo: {key}")
    return key


def _measurement(
    element: JSON, path: str, key: str, code: Code, pid: str, when: str, rid: str | None,
    version: str | None, timing: dict[str, str],
) -> RawObservation:
    value, unit = _value(element, path, key)
    low, high = range_limits(
        objects(element, "referenceRange", f"{path}referenceRange"), f"{path}referenceRange"
    )
    return RawObservation(pid, when, code, value, unit, low, high, rid, version, dict(timing))


def _value(element: JSON, path: str, key: str) -> tuple[RawValue, str | None]:
    """The value of the element's `key` (its _value_key) and its unit."""
    where = f"{path}{key}"
    if key == "valueQuantity":
        return quantity(obj(element, key, where) or {}, where)
    if key == "valueCodeableConcept":
        return category(obj(element, key, where) or {}, where), None
    if key == "valueString":
        said = text(element, key, where)
        if said is None:
            raise Unusable(where, "empty")
        return category_word(said), None
    if key == "valueBoolean":
        flag = element[key]
        if not isinstance(flag, bool):
            raise Unusable(where, "expected true or false")
        return ("present" if flag else "absent"), None
    return number(element, "valueInteger", where), None


def _event(resource: JSON, pid: str, when: str, code: Code, rid: str | None) -> RawEvent:
    grade = number(resource, "valueInteger", "valueInteger")
    notes = objects(resource, "note", "note")
    note = text(notes[0], "text", "note[0].text") if notes else None
    return RawEvent(pid, when, code.code, grade, note, rid)


# --- Procedure and Condition ------------------------------------------------------------------


def read_procedure(resource: JSON, ctx: Context) -> Items:
    _check_status(resource.get("status"), "procedure")
    pid = patient_of(resource, ctx)
    codes, said = _coded(resource, "code")
    performed = first_moment(resource, ("performedDateTime", "performedPeriod"), "performed[x]")
    return (RawProcedure(pid, codes, said, performed, text(resource, "id", "id")),)


def read_condition(resource: JSON, ctx: Context) -> Items:
    verification = codings(
        obj(resource, "verificationStatus", "verificationStatus"), "verificationStatus"
    )
    for code in verification:
        _check_status(code.code, "condition")
    pid = patient_of(resource, ctx)
    codes, said = _coded(resource, "code")
    # recordedDate (when it was written down) stands in only when no onset is given.
    onset = first_moment(resource, ("onsetDateTime", "onsetPeriod", "recordedDate"), "onset[x]")
    return (RawCondition(pid, codes, said, onset, text(resource, "id", "id")),)


def _check_status(status: object, what: str) -> None:
    if isinstance(status, str) and status in UNUSED_STATUS:
        raise Skip(f"{what} status {status}")


def _coded(resource: JSON, key: str) -> tuple[tuple[Code, ...], str | None]:
    concept = obj(resource, key, key)
    codes, said = codings(concept, key), concept_text(concept, key)
    if not codes and said is None:
        raise Unusable(key, "neither a coding nor text")
    return codes, said


# --- Medication* ------------------------------------------------------------------------------

# Where each medication resource keeps its times and its dosage.
MEDICATION_TIMES: dict[str, tuple[str, ...]] = {
    "MedicationAdministration": ("effectiveDateTime", "effectivePeriod"),
    "MedicationStatement": ("effectiveDateTime", "effectivePeriod", "dateAsserted"),
    "MedicationRequest": ("authoredOn",),
}
MEDICATION_DOSAGE = {
    "MedicationAdministration": "dosage",
    "MedicationStatement": "dosage",
    "MedicationRequest": "dosageInstruction",
}


def read_medication(resource: JSON, ctx: Context) -> Items:
    rtype = str(resource["resourceType"])
    _check_status(resource.get("status"), "medication")
    pid = patient_of(resource, ctx)
    codes, said = _medication_codes(resource, ctx)
    dosage, dpath = _dosage(resource, rtype)
    start, end = _medication_period(resource, rtype, dosage, dpath)
    if start is None:
        raise Unusable("effective[x]", "no start time")
    dose, unit = _dose(dosage, dpath, rtype)
    route = obj(dosage, "route", f"{dpath}.route")
    return (
        RawMedication(
            patient_id=pid,
            drug=codes,
            start=start,
            end=end,
            dose=dose,
            dose_unit=unit,
            route=concept_text(route, f"{dpath}.route"),
            intent=_intent(text(dosage, "text", f"{dpath}.text")),
            drug_text=said,
            resource_id=text(resource, "id", "id"),
        ),
    )


def _medication_codes(resource: JSON, ctx: Context) -> tuple[tuple[Code, ...], str | None]:
    concept = obj(resource, "medicationCodeableConcept", "medicationCodeableConcept")
    path = "medicationCodeableConcept"
    if concept is None:
        reference = obj(resource, "medicationReference", "medicationReference")
        if reference is None:
            raise Unusable("medication[x]", "missing")
        medication = _resolve_medication(resource, reference, ctx)
        if medication is None:
            said = text(reference, "display", "medicationReference.display")
            if said is None:
                raise Unusable("medicationReference", "cannot be resolved and has no display")
            return (), said
        concept, path = obj(medication, "code", "Medication.code"), "Medication.code"
    codes, said = codings(concept, path), concept_text(concept, path)
    if not codes and said is None:
        raise Unusable(path, "neither a coding nor text")
    return codes, said


def _resolve_medication(resource: JSON, reference: JSON, ctx: Context) -> JSON | None:
    ref = text(reference, "reference", "medicationReference.reference")
    if ref is None:
        return None
    if ref.startswith("#"):
        contained = objects(resource, "contained", "contained")
        return next((c for c in contained if c.get("id") == ref[1:]), None)
    return ctx.medications.get(ref)


def _dosage(resource: JSON, rtype: str) -> tuple[JSON, str]:
    key = MEDICATION_DOSAGE[rtype]
    if rtype == "MedicationAdministration":
        return obj(resource, key, key) or {}, key
    listed = objects(resource, key, key)
    return (listed[0], f"{key}[0]") if listed else ({}, f"{key}[0]")


def _medication_period(
    resource: JSON, rtype: str, dosage: JSON, dpath: str
) -> tuple[str | None, str | None]:
    if rtype == "MedicationRequest":
        timing = obj(dosage, "timing", f"{dpath}.timing") or {}
        repeat = obj(timing, "repeat", f"{dpath}.timing.repeat") or {}
        bounds = first_moment(repeat, ("boundsPeriod",), f"{dpath}.timing.repeat.boundsPeriod")
        if bounds is not None:
            return bounds, period_end(repeat, "boundsPeriod")
    start = first_moment(resource, MEDICATION_TIMES[rtype], "effective[x]")
    end = None if rtype == "MedicationRequest" else period_end(resource, "effectivePeriod")
    return start, end


def _dose(dosage: JSON, dpath: str, rtype: str) -> tuple[RawValue, str | None]:
    if rtype == "MedicationAdministration":
        dose = obj(dosage, "dose", f"{dpath}.dose")
        return (None, None) if dose is None else quantity(dose, f"{dpath}.dose")
    rates = objects(dosage, "doseAndRate", f"{dpath}.doseAndRate")
    if not rates:
        return None, None
    dose = obj(rates[0], "doseQuantity", f"{dpath}.doseAndRate[0].doseQuantity")
    return (None, None) if dose is None else quantity(dose, f"{dpath}.doseAndRate[0].doseQuantity")


def _intent(said: str | None) -> str | None:
    """Only what the dosage text says outright: a request's `intent` (order, plan) is another
    notion than ours (therapeutic, prophylactic, rescue)."""
    if said is None:
        return None
    lowered = said.lower()
    return next((ours for word, ours in INTENT_WORDS if word in lowered), None)


READERS: dict[str, Callable[[JSON, Context], Items]] = {
    "Patient": lambda resource, _ctx: read_patient(resource),
    "Observation": read_observation,
    "Procedure": read_procedure,
    "Condition": read_condition,
    "MedicationAdministration": read_medication,
    "MedicationRequest": read_medication,
    "MedicationStatement": read_medication,
}
USED_TYPES = frozenset(READERS)
