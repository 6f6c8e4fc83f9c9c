"""Identity conflicts: a patient record is never merged silently into another child's.

An import may bring a patient id the store already holds (or that an earlier record of the same
import brought). The record is the same child when birth date and sex agree; then it amends the
stored patient, but a field it merely lacks never clears what is stored (a later export without
the death date must not bring a dead child back to life). A record that contradicts the stored
patient on birth date or sex (F against M; U says nothing) is another child, or an error: it is
quarantined with both values, and every other record of that patient id in the same import is
held back with it (pooled, two children's counts would make one wrong timeline). Nothing of them
is stored. `--update` says the records are corrections: the patient is then replaced, except that
a death date is still never cleared.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from thrombo.domain.records import PATIENT_DATE_FIELDS, Patient, Sex
from thrombo.normalize.quarantine import ImportSummary, QuarantineEntry, SourceSummary

if TYPE_CHECKING:
    from thrombo.normalize.assemble import Accepted

KEPT_WHEN_MISSING = (*PATIENT_DATE_FIELDS, "center", "hsct_type")
"""Fields a record that lacks them leaves as stored (without --update)."""
FHIR_VERSION = "fhir_version"
"""The patient attribute holding a FHIR Patient's meta.versionId: a record of a newer version
of the same resource is a recognised amendment, as --update is."""


@dataclass
class Identities:
    """The patients known so far (stored, then accepted in this import), by id, as their
    content fields; and the ids whose record in this import was held back, with the reason."""

    known: dict[str, dict[str, Any]] = field(default_factory=dict)
    held: dict[str, str] = field(default_factory=dict)
    update: bool = False

    def screen(self, item: Accepted) -> str | None:
        """The reason to quarantine the item, or None after merging its patient record into
        what is known (the item's Patient is replaced by the merged one)."""
        for index, record in enumerate(item.records):
            if record.patient_id in self.held and not isinstance(record, Patient):
                return held_back(record.patient_id)
            if not isinstance(record, Patient):
                continue
            known = self.known.get(record.patient_id)
            update = self.update or (known is not None and newer_version(known, record))
            clash = [] if known is None or update else contradictions(known, record)
            if clash:
                reason = (f"patient {record.patient_id!r} contradicts the patient of that id "
                          f"already stored (or read earlier in this import): {'; '.join(clash)}"
                          "; nothing of it is stored (import again with --update if it is a "
                          "correction)")
                self.held[record.patient_id] = reason
                return reason
            merged = record if known is None else merge(known, record, update=update)
            item.records[index] = merged
            self.known[merged.patient_id] = content(merged)
        return None

    def birth_and_sex(self, patient_id: str) -> tuple[date, Sex] | None:
        known = self.known.get(patient_id)
        return None if known is None else (known["birth_date"], known["sex"])

    def note(self) -> str | None:
        """The import summary's warning, when any record was held back."""
        if not self.held:
            return None
        n = len(self.held)
        return (f"{n} patient record{'s' if n > 1 else ''} contradicted the stored patient of "
                "the same id (birth date or sex): quarantined, with every other record of "
                f"{'that patient' if n == 1 else 'those patients'} in this import; nothing of "
                "them was stored")


def hold(item: Accepted, identities: Identities, known_ages: dict[str, tuple[date, Sex]],
         summary: SourceSummary, totals: ImportSummary) -> bool:
    """Quarantine the item when its patient record contradicts the known patient, or when it
    belongs to such a patient; `known_ages` (the normaliser's birth date and sex by patient,
    build.Context.patients) goes back to the known patient's."""
    reason = identities.screen(item)
    if reason is None:
        return False
    for record in item.records:
        known = identities.birth_and_sex(record.patient_id)
        if known is not None:
            known_ages[record.patient_id] = known
    summary.quarantined += 1
    prov = item.provenance
    totals.quarantine.append(QuarantineEntry(prov.source, prov.location, reason))
    return True


def held_back(patient_id: str) -> str:
    return (f"held back with patient {patient_id!r}, whose record in this import contradicts "
            "the patient of that id already stored")


def content(patient: Patient) -> dict[str, Any]:
    return {**{k: getattr(patient, k) for k in ("birth_date", "sex", *KEPT_WHEN_MISSING,
                                                 "death_date")},
            "attributes": patient.attributes}


def newer_version(known: dict[str, Any], incoming: Patient) -> bool:
    """Whether the record is a newer FHIR version of the known patient's resource."""
    old = (known.get("attributes") or {}).get(FHIR_VERSION)
    new = incoming.attributes.get(FHIR_VERSION)
    return (isinstance(old, str) and isinstance(new, str) and old.isdigit() and new.isdigit()
            and int(new) > int(old))


def contradictions(known: dict[str, Any], incoming: Patient) -> list[str]:
    """Each identity field on which the incoming record contradicts the known patient."""
    found = []
    if incoming.birth_date != known["birth_date"]:
        found.append(f"birth date {incoming.birth_date.isoformat()} (stored "
                     f"{known['birth_date'].isoformat()})")
    if {incoming.sex, known["sex"]} == {"F", "M"}:
        found.append(f"sex {incoming.sex} (stored {known['sex']})")
    return found


def merge(known: dict[str, Any], incoming: Patient, *, update: bool) -> Patient:
    """The incoming record with what it lacks taken from the known patient: a death date
    always; without --update, every optional field it leaves empty and a known sex for U."""
    kept: dict[str, Any] = {}
    fields = ("death_date",) if update else ("death_date", *KEPT_WHEN_MISSING)
    for name in fields:
        if getattr(incoming, name) is None and known.get(name) is not None:
            kept[name] = known[name]
    if not update and incoming.sex == "U" and known["sex"] in ("F", "M"):
        kept["sex"] = known["sex"]
    return replace(incoming, **kept) if kept else incoming
