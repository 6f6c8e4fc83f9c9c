"""Raw records to canonical records, one source record at a time.

`normalize_record` returns the canonical records a source record yields, with the unverified code
mappings they rest on, or raises `Skip` (a code or resource thrombo does not use) or
`ValueProblem` (the record is quarantined with that reason).
A record that yields several items (a blood-pressure panel) is used whole or not at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, tzinfo

from thrombo.domain.codes import LOINC, Code
from thrombo.domain.quantities import Quantity
from thrombo.domain.records import (
    PATIENT_DATE_FIELDS,
    Event,
    Medication,
    Observation,
    Patient,
    Provenance,
    Sex,
)
from thrombo.io.raw import (
    RawCondition,
    RawEvent,
    RawItem,
    RawMedication,
    RawObservation,
    RawPatient,
    RawProcedure,
    SourceRecord,
)
from thrombo.normalize import concepts
from thrombo.normalize.analytes import BY_KEY, LOINC_STATUS, Analyte
from thrombo.normalize.analytes import UNVERIFIED as UNVERIFIED_LOINC
from thrombo.normalize.codemap import CodeMap
from thrombo.normalize.concepts import ConceptMatch
from thrombo.normalize.identity import FHIR_VERSION
from thrombo.normalize.labranges import LabRanges
from thrombo.normalize.row_checks import (
    RowCheck,
    Skip,
    check_plausible,
    resolve_analyte,
    unit_check,
)
from thrombo.normalize.units import apply_factor, unverified_molar_note
from thrombo.normalize.values import (
    ValueProblem,
    is_answer,
    parse_bound,
    parse_category,
    parse_date,
    parse_moment,
    parse_number,
    parse_optional_date,
)

PATIENT_FIELDS = ("patient_id", "birth_date", "sex", "center", "hsct_type", *PATIENT_DATE_FIELDS)
SEXES: dict[str, Sex] = {
    "f": "F",
    "female": "F",
    "m": "M",
    "male": "M",
    "u": "U",
    "unknown": "U",
    "other": "U",
    "": "U",
}
# Events whose grade is on the CTCAE 1-5 scale, or an acute GVHD grade (1-4). [Design]
MAX_GRADE = 5


@dataclass(frozen=True, slots=True)
class PatientFact:
    """A date learned about a patient from a procedure or condition record."""

    patient_id: str
    field: str
    value: date
    detail: str | None = None


Canonical = Patient | Observation | Medication | Event | PatientFact


@dataclass(frozen=True)
class Context:
    tz: tzinfo
    codemap: CodeMap
    lab_ranges: LabRanges = field(default_factory=LabRanges)
    patients: dict[str, tuple[date, Sex]] = field(default_factory=dict, compare=False)
    """Birth date and sex of the patients read so far (and those already in the store), for
    the site's age- and sex-banded lab ranges and for refusing records dated before birth."""
    analytes: dict[Code | str, Analyte | str] = field(
        default_factory=dict, init=False, compare=False, repr=False)
    """Each code read so far: its analyte, or the reason it is skipped (row_checks'
    resolve_analyte, which depends on nothing but the code and this context's code map)."""
    unit_checks: dict[tuple[str, str], RowCheck] = field(
        default_factory=dict, init=False, compare=False, repr=False)
    """Each (analyte, unit) read so far: its row check (the unit's conversion by pint and the
    plausible range, which depend on nothing else)."""

    def birth(self, patient_id: str) -> date | None:
        return self.patients.get(patient_id.strip(), (None, "U"))[0]


@dataclass(frozen=True, slots=True)
class Normalized:
    """The canonical records one source record yields, and the unverified code mappings
    (`concepts.ConceptMatch.unverified`) they rest on, for the import summary's warnings."""

    records: list[Canonical]
    unverified: tuple[str, ...] = ()


def normalize_record(record: SourceRecord, ctx: Context) -> Normalized:
    if record.quarantined is not None:
        raise ValueProblem(record.quarantined)
    if record.skipped is not None:
        raise Skip(record.skipped)
    items = [_item(item, record.provenance, ctx) for item in record.items]
    notes = tuple(dict.fromkeys(note for _, note in items if note is not None))
    return Normalized([canonical for canonical, _ in items], notes)


def _item(item: RawItem, prov: Provenance, ctx: Context) -> tuple[Canonical, str | None]:
    """The canonical record and, when its code mapping is unverified, `code -> concept`."""
    match item:
        case RawPatient():
            patient = _patient(item, prov)
            ctx.patients[patient.patient_id] = (patient.birth_date, patient.sex)
            return patient, None
        case RawObservation():
            observation = _observation(item, prov, ctx)
            return observation, observation_note(item, observation)
        case RawMedication():
            medication, match = _medication(item, prov, ctx)
            return medication, unverified_note(match)
        case RawEvent():
            return _event(item, prov, ctx), None
        case RawProcedure():
            fact, match = _procedure(item, prov, ctx)
            return fact, unverified_note(match)
        case RawCondition():
            fact, match = _condition(item)
            return fact, unverified_note(match)
    raise TypeError(f"unknown raw item {item!r}")


def unverified_loinc_note(code: Code | str, analyte: str) -> str | None:
    """`LOINC|code -> analyte` for a LOINC code clinical-reference.md H marks unverified."""
    loinc = code.code if isinstance(code, Code) and code.system == LOINC else code
    if not isinstance(loinc, str) or LOINC_STATUS.get(loinc.strip()) != UNVERIFIED_LOINC:
        return None
    return f"{LOINC}|{loinc.strip()} -> {analyte}"


def observation_note(raw: RawObservation, observation: Observation) -> str | None:
    """The unverified code mapping, else the unverified molar mass, a result rests on."""
    loinc = unverified_loinc_note(raw.code, observation.analyte)
    if loinc is not None or observation.reported is None:
        return loinc
    return unverified_molar_note(BY_KEY[observation.analyte], observation.reported.unit)


def unverified_note(match: ConceptMatch | None) -> str | None:
    """`code -> concept` for a mapping that rests on a code from memory, unverified."""
    if match is None or not match.unverified:
        return None
    if match.status == concepts.PREDNISOLONE_STATUS:
        return "prednisolone -> prednisone (counted mg for mg)"
    detail = f" ({match.detail})" if match.detail else ""
    return f"{match.matched} -> {match.concept}{detail}"


def content_id(*parts: object) -> str:
    """A stable id from a record's content: the same content always gets the same id."""
    # Each part's text, then the unit separator (one separator alone for None), hashed in one
    # update: the same bytes, so the same ids, as hashing the parts one by one.
    text = "".join("\x1f" if part is None else f"{part!s}\x1f" for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _patient(raw: RawPatient, prov: Provenance) -> Patient:
    f = raw.fields
    sex = SEXES.get(f.get("sex", "").strip().lower())
    if sex is None:
        raise ValueProblem(f"sex {f['sex']!r} is not F, M or U")
    hsct_type = (f.get("hsct_type") or "").strip().lower() or None
    if hsct_type not in (None, "allogeneic", "autologous"):
        raise ValueProblem(f"hsct_type {hsct_type!r} is not allogeneic or autologous")
    birth = parse_date(f.get("birth_date"), "birth_date")
    if birth > date.today():
        raise ValueProblem(f"birth_date {birth} is in the future")
    dates = {k: parse_optional_date(f.get(k), k) for k in PATIENT_DATE_FIELDS}
    for name, value in dates.items():
        if value is not None and value < birth:
            raise ValueProblem(f"{name} {value} is before birth_date {birth}")
    attributes = {k: v for k, v in f.items() if k not in PATIENT_FIELDS and v}
    if raw.resource_version:  # a newer FHIR version amends (normalize.identity)
        attributes[FHIR_VERSION] = raw.resource_version
    return Patient(
        patient_id=raw.patient_id.strip(),
        birth_date=birth,
        sex=sex,
        center=(f.get("center") or "").strip() or None,
        hsct_type=hsct_type,  # type: ignore[arg-type]  # checked against the Literal above
        attributes=attributes,
        provenance=prov,
        **dates,
    )


def analyte_of(code: Code | str, ctx: Context) -> Analyte:
    """`row_checks.resolve_analyte` of the code, worked out once per code and import."""
    found = ctx.analytes.get(code)
    if found is None:
        try:
            found = resolve_analyte(code, ctx.codemap)
        except Skip as skip:
            found = str(skip)
        ctx.analytes[code] = found
    if isinstance(found, str):
        raise Skip(found)
    return found


def unit_check_of(analyte: Analyte, unit: str, ctx: Context) -> RowCheck:
    """`row_checks.unit_check` of the pair, worked out once per pair and import."""
    check = ctx.unit_checks.get((analyte.key, unit))
    if check is None:
        check = ctx.unit_checks[analyte.key, unit] = unit_check(analyte, unit)
    return check


def _observation(raw: RawObservation, prov: Provenance, ctx: Context) -> Observation:
    analyte = analyte_of(raw.code, ctx)
    moment = parse_moment(raw.time, "time", ctx.tz, birth=ctx.birth(raw.patient_id))
    code = raw.code if isinstance(raw.code, Code) else None
    category = parse_category(raw.value, analyte.categories) if analyte.categories else None
    if category is not None:
        quantity = reported = None
        low = high = None
    else:
        if not analyte.units or is_answer(raw.value):
            accepted = "/".join(analyte.categories) or "a number"
            raise ValueProblem(f"{analyte.key} takes {accepted}, got {raw.value!r}")
        comparator, value = parse_bound(raw.value, f"value for {analyte.key}")
        if not raw.unit:
            raise ValueProblem(f"unit missing for {analyte.key}")
        # The (code, unit) check the SQL readers join their rows to (normalize.row_checks).
        check = unit_check_of(analyte, raw.unit, ctx)
        if check.factor is None or check.canonical is None:
            raise ValueProblem(f"{check.unit_problem} for {analyte.key}")
        canonical = apply_factor(value, check.factor)
        check_plausible(check, canonical)
        quantity = Quantity(canonical, check.canonical, comparator)
        reported = Quantity(value, raw.unit, comparator)
        low = _reference_limit(raw.ref_low, "ref_low", check.factor)
        high = _reference_limit(raw.ref_high, "ref_high", check.factor)
    low, high, ref_source = ctx.lab_ranges.fill(
        analyte, raw.code, ctx.patients.get(raw.patient_id.strip()),
        moment.astimezone(ctx.tz).date(), (low, high), None if quantity is None else quantity.unit)
    version_text = raw.resource_version or ""
    version = int(version_text) if version_text.isdigit() else 1
    ident = (
        f"{raw.resource_id}/_history/{version}"
        if raw.resource_id
        else content_id(raw.patient_id, analyte.key, moment.isoformat(), raw.value, raw.unit)
    )
    return Observation(
        id=ident,
        patient_id=raw.patient_id.strip(),
        analyte=analyte.key,
        time=moment,
        quantity=quantity,
        category=category,
        ref_low=low,
        ref_high=high,
        code=code,
        reported=reported,
        version=version,
        provenance=prov,
        attributes=raw.extra,
        ref_source=ref_source,
    )


def _reference_limit(raw: object, what: str, factor: float) -> float | None:
    if raw is None or raw == "":
        return None
    return apply_factor(parse_number(raw, what), factor)  # type: ignore[arg-type]


def _drug(raw: RawMedication) -> tuple[str, ConceptMatch | None]:
    if isinstance(raw.drug, str):
        name = raw.drug.strip().lower().replace(" ", "_").replace("-", "_")
        named = concepts.drug_match((), name)
        return (name, None) if named is None else (named.concept, named)
    found = concepts.drug_match(raw.drug, raw.drug_text)
    if found is None:
        codes = ", ".join(c.key for c in raw.drug) or raw.drug_text or "no code"
        raise Skip(f"medication not used by thrombo: {codes}")
    return found.concept, found


def _medication(
    raw: RawMedication, prov: Provenance, ctx: Context
) -> tuple[Medication, ConceptMatch | None]:
    drug, mapping = _drug(raw)
    start = parse_moment(raw.start, "start", ctx.tz, birth=ctx.birth(raw.patient_id))
    # A course's planned end may lie ahead (values.parse_moment: future_ok).
    end = parse_moment(raw.end, "end", ctx.tz, future_ok=True) if raw.end else None
    if end is not None and end < start:
        raise ValueProblem(f"end {end.date()} is before start {start.date()}")
    dose = None
    if raw.dose not in (None, ""):
        amount = parse_number(raw.dose, "dose")
        if amount < 0:
            raise ValueProblem(f"negative dose {amount:g}")
        if not raw.dose_unit:
            raise ValueProblem("dose_unit missing for a dose")
        dose = Quantity(amount, raw.dose_unit.strip())
    ident = raw.resource_id or content_id(
        raw.patient_id, drug, start.isoformat(), raw.end, raw.dose, raw.dose_unit, raw.route
    )
    return Medication(
        id=ident,
        patient_id=raw.patient_id.strip(),
        drug=drug,
        start=start,
        end=end,
        dose=dose,
        route=(raw.route or None),
        intent=(raw.intent or "").lower() or None,
        provenance=prov,
        attributes=raw.extra,
    ), mapping


def _event(raw: RawEvent, prov: Provenance, ctx: Context) -> Event:
    moment = parse_moment(raw.time, "time", ctx.tz, birth=ctx.birth(raw.patient_id))
    name = raw.event.strip().lower()
    grade = None
    if raw.grade not in (None, ""):
        number = parse_number(raw.grade, "grade")
        if number != int(number) or not 0 <= number <= MAX_GRADE:
            raise ValueProblem(f"grade {raw.grade!r} is not a whole number 0-{MAX_GRADE}")
        grade = int(number)
    ident = raw.resource_id or content_id(raw.patient_id, name, moment.isoformat(), grade, raw.note)
    return Event(
        id=ident,
        patient_id=raw.patient_id.strip(),
        time=moment,
        event=name,
        grade=grade,
        note=raw.note,
        provenance=prov,
        attributes=raw.extra,
    )


def _performed(raw: RawProcedure | RawCondition) -> date:
    moment = raw.performed if isinstance(raw, RawProcedure) else raw.onset
    if moment is None:
        raise ValueProblem("no date given")
    return parse_date(moment, "date")


def _procedure(
    raw: RawProcedure, prov: Provenance, ctx: Context
) -> tuple[PatientFact | Event, ConceptMatch]:
    kind = concepts.procedure_kind(raw.codes, raw.text)
    if kind is None:
        codes = ", ".join(c.key for c in raw.codes) or raw.text or "no code"
        raise Skip(f"procedure not used by thrombo: {codes}")
    when = _performed(raw)
    if kind.concept == "hsct":
        return PatientFact(raw.patient_id, "hsct_date", when, kind.detail), kind
    if kind.concept == "splenectomy":
        return PatientFact(raw.patient_id, "splenectomy_date", when), kind
    # A biopsy showing TMA is an event the criteria sets read (kidney or gut, in the note).
    moment = parse_moment(raw.performed, "performed", ctx.tz)
    ident = raw.resource_id or content_id(raw.patient_id, kind.concept, moment.isoformat())
    return Event(ident, raw.patient_id.strip(), moment, kind.concept, None, raw.text, prov), kind


def _condition(raw: RawCondition) -> tuple[PatientFact, ConceptMatch]:
    kind = concepts.condition_kind(raw.codes, raw.text)
    if kind is None or kind.concept != "itp":
        codes = ", ".join(c.key for c in raw.codes) or raw.text or "no code"
        raise Skip(f"condition not used by thrombo: {codes}")
    return PatientFact(raw.patient_id, "itp_diagnosis_date", _performed(raw)), kind

